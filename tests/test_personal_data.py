"""Personal data held as little as it can be (PIPL): ID numbers are kept masked with a keyed digest,
never in full; a number typed online never replaces the one on record, so nobody can lock another
person out with a false one: the conflict goes to staff."""

import datetime as dt
import json
import re

import sqlalchemy as sa

from eventdesk.activities.handover.models import Handover
from eventdesk.core import identity
from eventdesk.core.models import (
    Action,
    ActionVoid,
    AuditLog,
    DeletionRequest,
    Event,
    Person,
    Registration,
    Scan,
)
from eventdesk.core.services import tally as tally_service
from eventdesk.extensions import db
from tests.support import factories
from tests.support.client import Client
from tests.support.handover import build_ceremony, household_row, id_number
from tests.support.tickets import count

VALID_ID = "11010519491231002X"
OTHER_ID = id_number(7)
# Bounded by anything but a letter or digit: eighteen digits inside a longer hexadecimal digest are
# not an ID number, while one inside Chinese text or JSON still is.
_ID_SHAPED = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")


def full_id_numbers_in_database() -> list[tuple[str, str]]:
    """Every valid resident ID number found in any text or JSON value of any table."""
    found = []
    for table in db.metadata.sorted_tables:
        for row in db.session.execute(sa.select(table)).mappings():
            for column, value in row.items():
                if isinstance(value, dict | list):
                    value = json.dumps(value, ensure_ascii=False)
                if not isinstance(value, str):
                    continue
                for candidate in _ID_SHAPED.findall(value):
                    candidate = candidate.upper()
                    if identity.id_number_check_char(candidate[:17]) == candidate[17]:
                        found.append((f"{table.name}.{column}", candidate))
    return found


def test_no_full_id_number_is_stored_after_the_demo_and_imports(app, run_cli, tmp_path):
    assert run_cli("demo", "load", "--date", "2026-10-17").exit_code == 0
    with app.app_context():
        activity = factories.activity()
        db.session.commit()
        activity_id = activity.id
    people = tmp_path / "people.csv"
    people.write_text(f"姓名,手机号,身份证号\n张三,13800000001,{VALID_ID}\n李四,13800000002,{OTHER_ID}\n")
    result = run_cli("import", "people", str(people), "--activity", str(activity_id))
    assert result.exit_code == 0, result.output
    build_ceremony(app, [household_row(n) for n in range(1, 4)])
    with app.app_context():
        holders = db.session.scalars(sa.select(Person).where(Person.id_number_digest.is_not(None))).all()
        assert len(holders) >= 5 + 30  # the imports, and the demo's households
        zhang = db.session.scalars(sa.select(Person).where(Person.name == "张三")).one()
        assert zhang.id_number_masked == "1101**********002X"
        assert zhang.id_number_digest == identity.id_number_digest(VALID_ID)
        assert full_id_numbers_in_database() == []


def test_the_search_for_id_numbers_sees_one_in_text_but_not_inside_a_digest(app):
    with app.app_context():
        factories.person(name=f"张三{VALID_ID}")
        factories.person(name="李四").id_number_digest = f"3f{VALID_ID[:17]}{VALID_ID[17]}9c"
        db.session.commit()
        assert full_id_numbers_in_database() == [("person.name", VALID_ID)]


def test_the_digest_depends_on_a_key_kept_outside_the_database(make_app):
    one, other = make_app(EVENTDESK_ID_KEY="k" * 40), make_app(EVENTDESK_ID_KEY="q" * 40)
    with one.app_context():
        first = identity.id_number_digest(VALID_ID)
    with other.app_context():
        second = identity.id_number_digest(VALID_ID)
    assert first != second
    assert VALID_ID not in first


def register(app, activity_id, **body):
    body = {"name": "李秀英", "phone": "13812345678", "consent": True, **body}
    return app.test_client().post(
        f"/api/v1/activities/{activity_id}/registrations",
        data=json.dumps(body),
        content_type="application/json",
    )


def test_a_false_id_number_typed_first_locks_nobody_out_and_is_shown_to_staff(app):
    with app.app_context():
        first = factories.activity(registration_open=True)
        second = factories.activity(first.event, registration_open=True)
        organizer = factories.user("organizer")
        db.session.commit()
        first_id, second_id, email = first.id, second.id, organizer.email
    # Someone who knows her name and phone registers her with an invented number ...
    assert register(app, first_id, id_number=OTHER_ID).status_code == 201
    # ... and she still registers herself, with her own, at another activity.
    response = register(app, second_id, id_number=VALID_ID)
    assert response.status_code == 201
    registration_id = response.get_json()["registration_id"]
    with app.app_context():
        registration = db.session.get(Registration, registration_id)
        assert registration.identity_conflict is True
        # The number on record is not replaced by whoever typed last either.
        assert registration.person.id_number_digest == identity.id_number_digest(OTHER_ID)
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Person)) == 1
    staff = Client(app)
    staff.login(email)
    page = staff.get(f"/manage/activities/{second_id}/registrations/{registration_id}").get_data(as_text=True)
    assert "身份证号与登记在案的不同" in page


def test_staff_with_the_papers_in_hand_correct_the_number_on_record(app):
    with app.app_context():
        activity = factories.activity(registration_open=True)
        other = factories.activity(activity.event)
        organizer = factories.user("organizer")
        db.session.commit()
        activity_id, other_id, email = activity.id, other.id, organizer.email
    assert register(app, activity_id, id_number=OTHER_ID).status_code == 201
    staff = Client(app)
    staff.login(email)
    url = f"/manage/activities/{other_id}/registrations/new"
    response = staff.post_form(
        url, {"name": "李秀英", "phone": "13812345678", "id_number": VALID_ID, "consent": "y"}
    )
    assert response.status_code == 302
    with app.app_context():
        person = db.session.scalars(sa.select(Person)).one()
        assert person.id_number_digest == identity.id_number_digest(VALID_ID)
        registration = db.session.scalars(
            sa.select(Registration).where(Registration.activity_id == other_id)
        ).one()
        assert registration.identity_conflict is False


# -- anonymising past events ----------------------------------------------------------------------

DEMO_DAY = "2026-10-17"


def admin_client(app) -> Client:
    with app.app_context():
        admin = factories.user("admin")
        db.session.commit()
        email = admin.email
    client = Client(app)
    client.login(email)
    return client


def figures_seen_by(client: Client) -> dict[str, str]:
    return {
        "tally": client.get(f"/reports/tally.csv?date={DEMO_DAY}").get_data(as_text=True),
        "written": _article(client.get(f"/reports/written/city?date={DEMO_DAY}").get_data(as_text=True)),
    }


def _article(page: str) -> str:
    # The report itself: the page around it carries a fresh CSRF token each second.
    return page[page.index("<article") : page.index("</article>")]


def test_anonymising_past_events_keeps_every_figure(app, run_cli):
    assert run_cli("demo", "load", "--date", DEMO_DAY).exit_code == 0
    admin = admin_client(app)
    home = admin.get("/manage/")
    with app.app_context():
        names = set(db.session.scalars(sa.select(Person.name)))
        phones = set(db.session.scalars(sa.select(Person.phone)))
        people = count(app, Person)
        stored = tally_service.stored()
        rows = {model: count(app, model) for model in (Person, Registration, Scan, Action, ActionVoid)}
    reports = figures_seen_by(admin)
    assert "retention-reminder" not in home.get_data(as_text=True)  # not yet due on the demo day

    result = run_cli("privacy", "anonymise", "--before", "2026-10-18")
    assert result.exit_code == 0, result.output
    assert f"people anonymised: {people}" in result.output
    with app.app_context():
        assert tally_service.stored() == stored
        assert tally_service.facts() == stored
        assert {model: count(app, model) for model in rows} == rows
        after = db.session.scalars(sa.select(Person)).all()
        assert all(person.anonymised_at is not None for person in after)
        assert not names & {person.name for person in after}
        assert not phones & {person.phone for person in after}
        assert all(person.id_number_masked is None and person.id_number_digest is None for person in after)
        assert (
            db.session.scalar(
                sa.select(sa.func.count()).select_from(Handover).where(Handover.signature != b"")
            )
            == 0
        )
    assert figures_seen_by(admin) == reports
    # Run again: nobody left to anonymise, nothing changes.
    assert "people anonymised: 0" in run_cli("privacy", "anonymise", "--before", "2026-10-18").output


def test_people_of_a_later_event_keep_their_data(app, run_cli):
    with app.app_context():
        past = factories.activity(
            factories.event(starts_on=dt.date(2026, 10, 17), ends_on=dt.date(2026, 10, 17))
        )
        later = factories.activity(
            factories.event(starts_on=dt.date(2026, 11, 20), ends_on=dt.date(2026, 11, 20))
        )
        only_past = factories.registration(past, factories.person(name="过去的人"))
        both = factories.person(name="两次都来")
        factories.registration(past, both)
        factories.registration(later, both)
        db.session.commit()
        only_past_id, both_id = only_past.person_id, both.id
    result = run_cli("privacy", "anonymise", "--before", "2026-11-01")
    assert "people anonymised: 1" in result.output
    with app.app_context():
        assert db.session.get(Person, only_past_id).name == "—"
        assert db.session.get(Person, both_id).name == "两次都来"


def test_the_retention_period_reminds_the_admin_on_the_home_page(app):
    with app.app_context():
        event = factories.event(starts_on=dt.date(2026, 1, 10), ends_on=dt.date(2026, 1, 10))
        event.retention_days = 30
        activity = factories.activity(event)
        factories.registration(activity, factories.person())
        organizer = factories.user("organizer")
        db.session.commit()
        organizer_email = organizer.email
    admin = admin_client(app)
    page = admin.get("/manage/").get_data(as_text=True)
    assert "个人信息已超过保存期限" in page
    assert "flask privacy anonymise --before 2026-01-11" in page
    organizer = Client(app)
    organizer.login(organizer_email)
    assert "个人信息已超过保存期限" not in organizer.get("/manage/").get_data(as_text=True)


def test_an_event_keeps_personal_data_as_long_as_its_organizers_set(app):
    admin = admin_client(app)
    with app.app_context():
        event = factories.event()
        db.session.commit()
        event_id = event.id
    url = f"/manage/events/{event_id}/edit"
    form = admin.get(url).get_data(as_text=True)
    assert 'name="retention_days"' in form
    body = {
        "name": "扶贫日",
        "timezone": "Asia/Shanghai",
        "starts_on": "2026-10-17",
        "ends_on": "2026-10-17",
        "retention_days": "10",
    }
    response = admin.post_form(url, body)
    assert response.status_code == 200  # the form again, the refusal beside the field
    assert "个人信息保存期限须在 30 到 1100 天之间。" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Event, event_id).retention_days == 180
    assert admin.post_form(url, {**body, "retention_days": "365"}).status_code == 302
    with app.app_context():
        assert db.session.get(Event, event_id).retention_days == 365


# -- the holder's data and their request for deletion ---------------------------------------------


def test_a_holder_sees_their_data_and_an_organizer_deletes_it_keeping_the_counts(app):
    with app.app_context():
        activity = factories.activity(registration_open=True)
        organizer = factories.user("organizer")
        db.session.commit()
        activity_id, email = activity.id, organizer.email
    token = register(app, activity_id, id_number=VALID_ID).get_json()["token"]
    holder = Client(app)
    mine = holder.get(f"/t/{token}/my-data").get_data(as_text=True)
    for shown in ("李*英", "138****5678", "1101**********002X"):
        assert shown in mine
    assert "13812345678" not in mine
    response = holder.post_form(f"/t/{token}/deletion-request", {}, form_url=f"/t/{token}/my-data")
    assert response.status_code == 302
    assert "申请删除个人信息" in holder.get(f"/t/{token}/my-data").get_data(as_text=True)
    with app.app_context():
        registered = tally_service.stored()

    staff = Client(app)
    staff.login(email)
    listing = f"/manage/activities/{activity_id}/deletion-requests"
    page = staff.get(listing).get_data(as_text=True)
    assert "李*英" in page
    with app.app_context():
        request_id = db.session.scalar(sa.select(DeletionRequest.id))
    response = staff.post_form(f"{listing}/{request_id}", {}, form_url=listing)
    assert response.status_code == 302
    with app.app_context():
        person = db.session.scalars(sa.select(Person)).one()
        assert (person.name, person.id_number_digest) == ("—", None)
        assert person.phone != "13812345678"
        assert tally_service.stored() == registered
        assert count(app, Registration) == 1
        entry = db.session.scalars(sa.select(AuditLog).where(AuditLog.action == "deletion.carried_out")).one()
        assert entry.activity_id == activity_id
    assert "没有待办的申请。" in staff.get(listing).get_data(as_text=True)
    assert "已删除" in holder.get(f"/t/{token}/my-data").get_data(as_text=True)


def test_a_booth_worker_cannot_carry_out_deletions(app):
    with app.app_context():
        activity = factories.activity(registration_open=True)
        booth = factories.booth(activity)
        worker = factories.user("staff", scopes=[{"booth_id": booth.id}])
        db.session.commit()
        activity_id, email = activity.id, worker.email
    token = register(app, activity_id).get_json()["token"]
    holder = Client(app)
    holder.post_form(f"/t/{token}/deletion-request", {}, form_url=f"/t/{token}/my-data")
    with app.app_context():
        request_id = db.session.scalar(sa.select(DeletionRequest.id))
    staff = Client(app)
    staff.login(email)
    listing = f"/manage/activities/{activity_id}/deletion-requests"
    assert staff.get(listing).status_code == 403
    assert staff.post_form(f"{listing}/{request_id}", {}, form_url="/manage/").status_code == 403
    with app.app_context():
        assert db.session.scalars(sa.select(Person)).one().anonymised_at is None


def test_numbers_held_before_are_masked_and_digested_by_the_migration(make_app, tmp_path):
    from flask_migrate import upgrade

    app = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'before.db'}", EVENTDESK_ID_KEY="m" * 40)
    with app.app_context():
        upgrade(revision="0104_handover")
        db.session.execute(
            sa.text(
                "INSERT INTO person (name, phone, id_number, category, created_at) "
                "VALUES ('张三', '13800000001', :number, 'general', CURRENT_TIMESTAMP)"
            ),
            {"number": VALID_ID},
        )
        db.session.commit()
        upgrade()
        person = db.session.scalars(sa.select(Person)).one()
        assert person.id_number_masked == "1101**********002X"
        assert person.id_number_digest == identity.id_number_digest(VALID_ID)
        assert full_id_numbers_in_database() == []
