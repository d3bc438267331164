"""`flask demo load`: the plan's 扶贫日 on any day; loading again moves it and touches nothing else."""

import datetime as dt
import json
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from eventdesk import demo
from eventdesk.core.access import can_manage_activity, can_view_activity, is_city_wide
from eventdesk.core.models import (
    Action,
    Activity,
    AuditLog,
    Department,
    District,
    Event,
    Registration,
    Scan,
    User,
)
from eventdesk.core.models.tally import ArrivalCount
from eventdesk.core.services import tally as tally_service
from eventdesk.extensions import db
from eventdesk.plan.models import PlanDuty, PlanItem
from tests.support import factories

SHANGHAI = ZoneInfo("Asia/Shanghai")
DAY = dt.date(2026, 10, 17)


def _rows(table: sa.Table, *, without=()) -> set[tuple]:
    columns = [column for column in table.columns if column.name not in without]
    return {
        tuple(json.dumps(value, sort_keys=True) if isinstance(value, dict) else value for value in row)
        for row in db.session.execute(sa.select(*columns))
    }


def _snapshot() -> dict[str, set]:
    """Every row of every table."""
    return {table.name: _rows(table) for table in db.metadata.sorted_tables}


def _counts(snapshot: dict[str, set]) -> dict[str, int]:
    return {name: len(rows) for name, rows in snapshot.items()}


def _load(run_cli, *args):
    result = run_cli("demo", "load", *args)
    assert result.exit_code == 0, result.output
    return result


def test_first_run_creates_the_plan_on_the_given_day(app, run_cli):
    result = _load(run_cli, "--date", "2026-10-17")
    assert "created" in result.output
    with app.app_context():
        event = db.session.scalars(sa.select(Event)).one()
        assert (event.name, event.timezone, event.is_demo) == ("2026年扶贫日", "Asia/Shanghai", True)
        assert (event.starts_on, event.ends_on) == (DAY, DAY)

        activities = db.session.scalars(sa.select(Activity).order_by(Activity.id)).all()
        assert {a.kind for a in activities} == {"consultation", "jobfair", "health", "handover"}
        midnight = dt.datetime.combine(DAY, dt.time(), tzinfo=SHANGHAI)
        for activity in activities:
            assert activity.opens_at == midnight
            assert activity.closes_at == midnight + dt.timedelta(days=1)
            assert activity.booths, activity.name
        open_to_all = [
            a
            for a in activities
            if a.kind in ("consultation", "health") and a.registration_open and a.capacity is None
        ]
        assert len(open_to_all) >= 2

        fair = next(a for a in activities if a.site.name == "新区阳光广场")
        assert fair.kind == "consultation"
        assert fair.lead_department.name == "市脱贫攻坚办"
        assert {"市新区管委会", "市扶贫局", "市人社局"} <= {d.name for d in fair.cooperators}
        assert {b.department.name for b in fair.booths} == {fair.lead_department.name} | {
            d.name for d in fair.cooperators
        }
        jobfair = next(a for a in activities if a.kind == "jobfair")
        assert (jobfair.lead_department.name, [d.name for d in jobfair.cooperators]) == (
            "市人社局",
            ["市扶贫局"],
        )
        health = next(a for a in activities if a.kind == "health")
        assert health.lead_department.name == "市卫计局"
        assert {b.name for b in health.booths} == {"体格检查", "义务诊疗", "健康教育", "疾病预防培训"}
        handover = next(a for a in activities if a.kind == "handover")
        assert handover.lead_department.name == "市国土局"
        assert {d.name for d in handover.cooperators} == {"市住建局", "市扶贫局"}
        second = next(a for a in activities if a.kind == "consultation" and a is not fair)
        assert second.site.district_id != fair.site.district_id

        departments = set(db.session.scalars(sa.select(Department.name)))
        assert {name for _code, name, _en in demo.DEPARTMENTS} == departments
        assert len(departments) == 13
        assert db.session.scalar(sa.select(sa.func.count()).select_from(District)) == 3


def test_every_run_prints_the_logins(run_cli):
    for _ in range(2):
        output = _load(run_cli, "--date", "2026-10-17").output
        for login in demo.LOGINS:
            line = next(line for line in output.splitlines() if login.email in line)
            assert login.password in line
            assert login.role in line


def test_demo_logins_sign_in_and_reach_what_their_scope_says(app, run_cli, client):
    _load(run_cli, "--date", "2026-10-17")
    with app.app_context():
        users = {u.email: u for u in db.session.scalars(sa.select(User))}
        activities = db.session.scalars(sa.select(Activity)).all()
        by_kind = {}
        for activity in activities:
            by_kind.setdefault(activity.kind, []).append(activity)
        admin, organizer = users["admin@demo.example"], users["organizer@demo.example"]
        district, department, booth = (
            users["wangyi@demo.example"],
            users["hrss@demo.example"],
            users["booth@demo.example"],
        )
        assert (admin.role, is_city_wide(admin)) == ("admin", True)
        assert (organizer.role, is_city_wide(organizer)) == ("organizer", True)
        assert district.role == "organizer"
        assert not is_city_wide(district)
        managed = {a.name for a in activities if can_manage_activity(district, a)}
        assert managed == {a.name for a in activities if a.site.district.code == "wangyi"}
        assert 0 < len(managed) < len(activities)
        assert department.role == "staff"
        assert can_view_activity(department, by_kind["jobfair"][0])
        assert not can_manage_activity(department, by_kind["jobfair"][0])
        assert booth.role == "staff"
        assert [a.kind for a in activities if can_view_activity(booth, a)] == ["health"]
        wangyi_activity = next(a.id for a in activities if a.site.district.code == "wangyi")
        other_activity = next(a.id for a in activities if a.site.district.code != "wangyi")

    for login in demo.LOGINS:
        client.login(login.email, login.password)
        client.post_form("/logout", form_url="/manage/")

    client.login("wangyi@demo.example", "demo-wangyi-2026")
    assert client.get(f"/manage/activities/{wangyi_activity}/edit").status_code == 200
    assert client.get(f"/manage/activities/{other_activity}/edit").status_code == 403


def test_loading_twice_on_the_same_day_changes_nothing(app, run_cli):
    _load(run_cli, "--date", "2026-10-17")
    with app.app_context():
        before = _snapshot()
    result = _load(run_cli, "--date", "2026-10-17")
    assert "unchanged" in result.output
    with app.app_context():
        after = _snapshot()
    assert _counts(after) == _counts(before)
    assert after == before


#: What moving the demo changes: the event's and activities' days, the story told on them, the
#: plan's dates, and what is derived from them (the tally) or records the move (the audit log).
MOVED_WITH_THE_DEMO = {
    "event", "activity", "audit_log", "tally_count", "arrival_count", "scan", "booth_visit", "action",
    "action_void", "registration", "plan_item", "plan_duty", "plan_submission",
}  # fmt: skip


def test_loading_on_another_day_moves_the_event_its_hours_its_plan_and_its_story(app, run_cli):
    _load(run_cli, "--date", "2026-10-17")
    with app.app_context():
        # Hours someone changed keep their local time of day.
        activity = db.session.scalars(sa.select(Activity).order_by(Activity.id)).first()
        activity.opens_at = dt.datetime(2026, 10, 17, 9, tzinfo=SHANGHAI)
        activity.closes_at = dt.datetime(2026, 10, 17, 17, 30, tzinfo=SHANGHAI)
        db.session.commit()
        edited_id = activity.id
        before = _snapshot()
        hours_apart = _rows(Activity.__table__, without=("opens_at", "closes_at"))
        figures_before = {key[1:]: value for key, value in tally_service.stored().items() if key[0] == DAY}
        due_before = sorted(db.session.scalars(sa.select(PlanDuty.due_on)))
        scans_before = db.session.execute(sa.select(Scan.id, Scan.counted_at).order_by(Scan.id)).all()
        arrivals_before = sum(tally_service.stored_arrivals().values())

    result = _load(run_cli, "--date", "2027-03-05")
    assert "moved" in result.output
    new_day = dt.date(2027, 3, 5)
    with app.app_context():
        after = _snapshot()
        # The tally is rebuilt from the facts: its rows are compacted (one shard a figure), so
        # only its figures are compared (below).
        derived = ("tally_count", "arrival_count")
        counts = {name: count for name, count in _counts(after).items() if name not in derived}
        expected = {name: count for name, count in _counts(before).items() if name not in derived}
        assert counts == {**expected, "audit_log": expected["audit_log"] + 1}
        # The kinds' rows that keep a local day of their own move with the story too.
        tables = db.metadata.sorted_tables
        with_a_day = {table.name for table in tables if {"activity_id", "local_day"} <= set(table.c.keys())}
        for name in after:
            if name not in MOVED_WITH_THE_DEMO | with_a_day:
                assert after[name] == before[name], name
        entry = db.session.scalars(sa.select(AuditLog).order_by(AuditLog.id.desc())).first()
        assert (entry.action, entry.details) == (
            "event.demo_moved",
            {"moved_from": "2026-10-17", "moved_to": "2027-03-05"},
        )

        event = db.session.scalars(sa.select(Event)).one()
        assert (event.starts_on, event.ends_on, event.name) == (new_day, new_day, "2026年扶贫日")
        midnight = dt.datetime.combine(new_day, dt.time(), tzinfo=SHANGHAI)
        for activity in db.session.scalars(sa.select(Activity)):
            if activity.id == edited_id:
                assert activity.opens_at == midnight + dt.timedelta(hours=9)
                assert activity.closes_at == midnight + dt.timedelta(hours=17, minutes=30)
            else:
                assert (activity.opens_at, activity.closes_at) == (midnight, midnight + dt.timedelta(days=1))
        assert _rows(Activity.__table__, without=("opens_at", "closes_at")) == hours_apart

        # The story moved whole: the same scans, in the same order and spacing, on the new day's
        # morning, and the day's figures with them.
        scans_after = db.session.execute(sa.select(Scan.id, Scan.counted_at).order_by(Scan.id)).all()
        shift = scans_after[0].counted_at - scans_before[0].counted_at
        assert [(i, at + shift) for i, at in scans_before] == [(i, at) for i, at in scans_after]
        assert {day for (day,) in db.session.execute(sa.select(Scan.local_day).distinct())} == {new_day}
        assert tally_service.stored() == tally_service.facts()
        figures_after = {key[1:]: value for key, value in tally_service.stored().items() if key[0] == new_day}
        assert figures_after == figures_before
        assert not any(key[0] == DAY for key in tally_service.stored())
        assert sum(tally_service.stored_arrivals().values()) == arrivals_before
        # The plan's deadlines keep their distance from the day.
        assert sorted(db.session.scalars(sa.select(PlanDuty.due_on))) == [
            due + (new_day - DAY) for due in due_before
        ]


def test_loaded_early_on_the_day_its_story_has_already_happened(app, run_cli, monkeypatch):
    eight_in_the_morning = dt.datetime(2026, 12, 1, 8, tzinfo=SHANGHAI)
    monkeypatch.setattr("eventdesk.demo.utcnow", lambda: eight_in_the_morning.astimezone(dt.UTC))
    _load(run_cli, "--date", "2026-12-01")
    with app.app_context():
        moments = [
            *db.session.scalars(sa.select(Scan.counted_at)),
            *db.session.scalars(sa.select(Action.counted_at)),
            *db.session.scalars(sa.select(Registration.checked_in_at).where(Registration.checked_in_at.is_not(None))),
        ]
        assert moments
        assert max(moments) <= eight_in_the_morning
        assert min(moments) >= dt.datetime(2026, 12, 1, tzinfo=SHANGHAI)
        assert not [slot for (slot,) in db.session.execute(sa.select(ArrivalCount.slot_start))
                    if slot > eight_in_the_morning]  # fmt: skip
        # The plan is the one of a day in December: its report is due on the day, not in October.
        report_due = db.session.scalars(sa.select(PlanDuty.due_on).where(PlanDuty.kind == "report")).all()
        assert set(report_due) == {dt.date(2026, 12, 1)}
        assert min(db.session.scalars(sa.select(PlanItem.due_on))) >= dt.date(2026, 11, 30)


def test_refuses_a_database_with_other_events_unless_forced(app, run_cli):
    with app.app_context():
        factories.event()
        db.session.commit()
        before = _snapshot()
    result = run_cli("demo", "load", "--date", "2026-10-17")
    assert result.exit_code == 1
    assert "demo_needs_force" in result.output
    with app.app_context():
        assert _snapshot() == before

    result = _load(run_cli, "--date", "2026-10-17", "--force")
    assert "created" in result.output
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Event)) == 2
    # Once there, it is still refused without --force, and moved with it.
    assert run_cli("demo", "load", "--date", "2026-10-18").exit_code == 1
    assert "moved" in _load(run_cli, "--date", "2026-10-18", "--force").output


def test_forced_load_reuses_departments_and_districts_already_there(app, run_cli):
    with app.app_context():
        factories.event()
        factories.department(name="市人社局", code="hrss")
        db.session.commit()
    _load(run_cli, "--date", "2026-10-17", "--force")
    with app.app_context():
        assert (
            db.session.scalar(
                sa.select(sa.func.count()).select_from(Department).where(Department.code == "hrss")
            )
            == 1
        )


def test_refuses_in_production(make_app):
    app = make_app(EVENTDESK_ENV="production")
    result = app.test_cli_runner().invoke(args=["demo", "load"])
    assert result.exit_code == 1
    assert "demo_in_production" in result.output
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Event)) == 0


def test_defaults_to_today_in_shanghai(app, run_cli):
    _load(run_cli)
    with app.app_context():
        event = db.session.scalars(sa.select(Event)).one()
        assert event.starts_on == dt.datetime.now(SHANGHAI).date()


@pytest.mark.parametrize("day", ["17/10/2026", "2026-13-01"])
def test_a_bad_date_is_refused(run_cli, day):
    result = run_cli("demo", "load", "--date", day)
    assert result.exit_code == 2


def test_a_changed_demo_password_is_flagged(app, run_cli):
    _load(run_cli, "--date", "2026-10-17")
    assert run_cli(
        "users", "reset-password", "admin@demo.example", "--password-stdin", input="other secret\n"
    )
    output = _load(run_cli, "--date", "2026-10-17").output
    line = next(line for line in output.splitlines() if "admin@demo.example" in line)
    assert "changed since" in line
