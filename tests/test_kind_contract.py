"""The activity-kind contract from the core's side: a kind's actions recorded and voided over the
API, its registration fields, its check-in and standing metrics, its lists, follow-ups, imports and
OpenAPI paths, all through one `ActivityKind` (a small "stamp fair" kind, tests/support/kinds.py)."""

import datetime as dt

import pytest
import sqlalchemy as sa

from eventdesk.core.models import Action, ActionVoid, Activity, Registration, Scan, TallyCount, utcnow
from eventdesk.core.services import activities as activity_service
from eventdesk.core.services import tally as tally_service
from eventdesk.extensions import db
from tests.support import factories
from tests.support.api import Api, new_id
from tests.support.client import Client
from tests.support.kinds import STAMPS, feed_stands
from tests.support.openapi import check


@pytest.fixture
def app(stamp_kind_app):
    return stamp_kind_app


@pytest.fixture
def fair(app):
    with app.app_context():
        activity = factories.activity(kind="stampfair")
        first, second = factories.booth(activity, name="一号展位"), factories.booth(activity, name="二号展位")
        first.sort_order, second.sort_order = 1, 2
        other = factories.activity(activity.event, kind="stampfair", booths=1)
        feed_stands(activity, 2)  # as the kind's own set-up service would
        feed_stands(other, 1)
        ticket = factories.registration(activity)
        stranger = factories.registration(other)
        cancelled = factories.registration(activity, revoked=True)
        organizer = factories.user("organizer")
        staff = factories.user("staff", scopes=[{"booth_id": second.id}])
        data = {
            "activity": activity.id,
            "first": first.id,
            "second": second.id,
            "other_booth": other.booths[0].id,
            "ticket": ticket.token,
            "ticket_id": ticket.id,
            "stranger": stranger.token,
            "stranger_id": stranger.id,
            "cancelled": cancelled.token,
            "scanner": factories.scanner_token(activity),
            "second_scanner": factories.scanner_token(activity, label="志愿者小李"),
            "bound_scanner": factories.scanner_token(activity, booth_=second),
            "organizer": factories.staff_token(organizer),
            "staff": factories.staff_token(staff),
            "outsider": factories.staff_token(factories.user("staff", scopes=[{"activity_id": other.id}])),
        }
        db.session.commit()
    return data


def stamp(api, fair, *, bearer=None, **body):
    """Record a stamp (two red ones at the first stand unless told otherwise) as `bearer`."""
    body = {
        "client_action_id": body.pop("client_action_id", new_id()),
        "booth_id": body.pop("booth_id", fair["first"]),
        "fields": body.pop("fields", {"colour": "red", "count": 2}),
        **body,
    }
    return api.post(f"/activities/{fair['activity']}/actions/stamp", body, token=bearer)


def stored(app):
    with app.app_context():
        actions = db.session.scalar(sa.select(sa.func.count()).select_from(Action))
        stamps = db.session.scalar(sa.select(sa.func.count()).select_from(STAMPS))
        return actions, stamps


def figure(app, activity_id, metric, booth_id=None):
    with app.app_context():
        statement = sa.select(sa.func.coalesce(sa.func.sum(TallyCount.value), 0)).where(
            TallyCount.activity_id == activity_id, TallyCount.metric == metric
        )
        if booth_id is not None:
            statement = statement.where(TallyCount.booth_id == booth_id)
        return int(db.session.scalar(statement))


def rebuild_agrees(app) -> bool:
    with app.app_context():
        return tally_service.facts() == tally_service.stored()


# -- what a booth offers ---------------------------------------------------------------------


def test_actions_are_described_with_their_fields_and_booth_choices(app, fair):
    api = Api(app, fair["scanner"])
    first = api.get(f"/activities/{fair['activity']}/actions?booth_id={fair['first']}").get_json()
    [action] = first["actions"]
    assert action["name"] == "stamp"
    assert action["ticket"] == "optional"
    colour, count, note = action["fields"]
    assert colour == {
        "name": "colour",
        "label": "Colour",
        "type": "choice",
        "required": True,
        "choices": [{"value": "red", "label": "Red"}, {"value": "blue", "label": "Blue"}],
    }
    assert (count["type"], count["minimum"], count["maximum"]) == ("number", 1, 9)
    assert (note["type"], note["required"], note["max_length"]) == ("text", False, 20)
    second = api.get(f"/activities/{fair['activity']}/actions?booth_id={fair['second']}").get_json()
    assert [c["value"] for c in second["actions"][0]["fields"][0]["choices"]] == ["red"]
    # At the entrance (no booth) the stamp fair offers nothing; a booth of another activity is unknown.
    assert api.get(f"/activities/{fair['activity']}/actions").get_json() == {"actions": []}
    other = api.get(f"/activities/{fair['activity']}/actions?booth_id={fair['other_booth']}")
    assert other.status_code == 404


def test_a_booth_bound_scanner_sees_its_booths_actions_only(app, fair):
    api = Api(app, fair["bound_scanner"])
    own = api.get(f"/activities/{fair['activity']}/actions").get_json()["actions"]
    assert [c["value"] for c in own[0]["fields"][0]["choices"]] == ["red"]
    elsewhere = api.get(f"/activities/{fair['activity']}/actions?booth_id={fair['first']}").get_json()
    assert elsewhere == {"actions": []}


def test_staff_see_actions_where_they_work_only(app, fair):
    api = Api(app, fair["staff"])
    assert api.get(f"/activities/{fair['activity']}/actions?booth_id={fair['second']}").get_json()["actions"]
    assert api.get(f"/activities/{fair['activity']}/actions?booth_id={fair['first']}").get_json() == {
        "actions": []
    }
    outsider = Api(app, fair["outsider"])
    assert outsider.get(f"/activities/{fair['activity']}/actions").status_code == 403


# -- recording -------------------------------------------------------------------------------


def test_an_action_is_recorded_with_its_figures_and_replayed_once(app, fair):
    api = Api(app, fair["scanner"])
    action_id = new_id()
    body_fields = {"colour": "blue", "count": 3, "note": "好"}
    first = stamp(api, fair, client_action_id=action_id, fields=body_fields, token=fair["ticket"])
    assert first.status_code == 201, first.get_json()
    answer = first.get_json()
    assert (answer["action"], answer["result"]) == ("stamp", "recorded")
    assert answer["stamp_id"] == answer["action_id"]
    assert answer["counts"]["metrics"]["stamps"] == 3
    assert answer["counts"]["metrics"]["stamps.blue"] == 3
    with app.app_context():
        row = db.session.get(Action, answer["action_id"])
        assert (row.kind, row.name, row.booth_id, row.registration_id) == (
            "stampfair",
            "stamp",
            fair["first"],
            fair["ticket_id"],
        )
        assert row.device == "志愿者小王"

    replay = stamp(api, fair, client_action_id=action_id, fields=body_fields, token=fair["ticket"])
    assert replay.status_code == 200
    assert replay.get_json()["action_id"] == answer["action_id"]
    assert replay.get_json()["counts"]["metrics"]["stamps"] == 3
    assert stored(app) == (1, 1)

    reused = stamp(api, fair, client_action_id=action_id, fields={"colour": "red", "count": 1})
    assert reused.status_code == 409
    assert reused.get_json()["error"]["code"] == "client_action_id_reused"
    assert stored(app) == (1, 1)
    assert figure(app, fair["activity"], "stamps") == 3
    assert rebuild_agrees(app)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"colour": "green", "count": 1}, "colour"),  # not a choice
        ({"colour": "red", "count": "2"}, "count"),  # a string is not a number in JSON
        ({"colour": "red", "count": 2.5}, "count"),
        ({"colour": "red", "count": True}, "count"),
        ({"colour": "red", "count": 10}, "count"),  # above its maximum
        ({"colour": "red"}, "count"),  # required
        ({"colour": "red", "count": 1, "note": "x" * 21}, "note"),  # too long
        ({"colour": "red", "count": 1, "note": "a\u200bb"}, "note"),  # invisible characters
        ({"colour": "red", "count": 1, "size": 3}, "size"),  # unknown field
        ([1, 2], "fields"),
    ],
)
def test_a_field_out_of_its_type_or_choices_is_refused(app, fair, fields, field):
    response = stamp(Api(app, fair["scanner"]), fair, fields=fields)
    assert response.status_code == 422
    assert response.get_json()["error"] == {
        "code": "invalid_field",
        "message": response.get_json()["error"]["message"],
        "field": field,
    }
    assert stored(app) == (0, 0)


def test_a_choice_offered_at_one_booth_is_refused_at_another(app, fair):
    response = stamp(
        Api(app, fair["scanner"]), fair, booth_id=fair["second"], fields={"colour": "blue", "count": 1}
    )
    assert response.status_code == 422
    assert response.get_json()["error"]["field"] == "colour"


@pytest.mark.parametrize(
    ("ticket", "code"),
    [("stranger", "wrong_activity"), ("cancelled", "revoked"), ("no-such-ticket-aaaaaaaa", "unknown_token")],
)
def test_a_ticket_that_is_not_valid_here_is_refused(app, fair, ticket, code):
    response = stamp(Api(app, fair["scanner"]), fair, token=fair.get(ticket, ticket))
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == code
    assert stored(app) == (0, 0)


def test_a_registration_id_of_another_activity_reveals_nothing(app, fair):
    response = stamp(Api(app, fair["scanner"]), fair, registration_id=fair["stranger_id"])
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "unknown_token"


def test_where_an_action_may_be_recorded(app, fair):
    api = Api(app, fair["scanner"])
    other_booth = stamp(api, fair, booth_id=fair["other_booth"])
    assert (other_booth.status_code, other_booth.get_json()["error"]["code"]) == (409, "wrong_booth")
    at_entrance = api.post(
        f"/activities/{fair['activity']}/actions/stamp",
        {"client_action_id": new_id(), "fields": {"colour": "red", "count": 1}},
    )
    assert (at_entrance.status_code, at_entrance.get_json()["error"]["code"]) == (409, "not_offered")
    bound = stamp(api, fair, bearer=fair["bound_scanner"], booth_id=fair["first"])
    assert (bound.status_code, bound.get_json()["error"]["code"]) == (409, "wrong_booth")
    unknown = api.post(f"/activities/{fair['activity']}/actions/dance", {"client_action_id": new_id()})
    assert unknown.status_code == 404
    outsider = stamp(api, fair, bearer=fair["outsider"])
    assert outsider.status_code == 403
    staff_elsewhere = stamp(api, fair, bearer=fair["staff"], booth_id=fair["first"])
    assert staff_elsewhere.status_code == 403
    assert stored(app) == (0, 0)
    staff_at_own_booth = stamp(api, fair, bearer=fair["staff"], booth_id=fair["second"])
    assert staff_at_own_booth.status_code == 201
    assert stored(app) == (1, 1)


def test_the_kinds_own_refusal_leaves_nothing_behind(app, fair):
    response = stamp(Api(app, fair["scanner"]), fair, fields={"colour": "blue", "count": 4})
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "too_many_stamps"
    assert response.get_json()["error"]["message"] == "Too many stamps"
    assert stored(app) == (0, 0)
    assert figure(app, fair["activity"], "stamps") == 0


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"client_action_id": "not-a-uuid"}, "client_action_id"),
        ({"booth_id": "1"}, "booth_id"),
        ({"token": "", "booth_id": None}, "token"),
        ({"recorded_at": "yesterday"}, "recorded_at"),
        ({"recorded_at": "2026-10-17T09:00:00"}, "recorded_at"),  # no offset
    ],
)
def test_a_malformed_envelope_is_a_400(app, fair, body, field):
    response = stamp(Api(app, fair["scanner"]), fair, **body)
    assert response.status_code == 400
    assert response.get_json()["error"]["field"] == field
    assert stored(app) == (0, 0)


def test_malformed_json_is_refused(app, fair):
    api = Api(app, fair["scanner"])
    response = api.http.post(
        f"/api/v1/activities/{fair['activity']}/actions/stamp",
        data=b"{not json",
        headers={"Authorization": f"Bearer {fair['scanner']}"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "invalid_json"


def test_recorded_at_places_an_action_on_its_day(app, fair):
    api = Api(app, fair["scanner"])
    today = dt.datetime.now(factories.SHANGHAI).date()
    before_midnight = dt.datetime.combine(today, dt.time(23, 59, 30), tzinfo=factories.SHANGHAI)
    yesterday = before_midnight - dt.timedelta(days=1)
    response = stamp(api, fair, recorded_at=yesterday.isoformat())
    assert response.status_code == 201, response.get_json()
    with app.app_context():
        action = db.session.get(Action, response.get_json()["action_id"])
        assert action.local_day == yesterday.date()
        day_figure = db.session.scalar(
            sa.select(sa.func.sum(TallyCount.value)).where(
                TallyCount.metric == "stamps", TallyCount.local_day == yesterday.date()
            )
        )
    assert day_figure == 2


# -- voiding ---------------------------------------------------------------------------------


def test_void_takes_the_figures_back_and_keeps_the_fact(app, fair):
    api = Api(app, fair["scanner"])
    recorded = stamp(api, fair).get_json()
    path = f"/actions/{recorded['action_id']}/void"
    assert api.post(path, {}).status_code == 422
    assert api.post(path, {"reason": "   "}).status_code == 422
    other_scanner = api.post(path, {"reason": "不是我记的"}, token=fair["second_scanner"])
    assert other_scanner.status_code == 403
    voided = api.post(path, {"reason": "记错展位"})
    assert voided.status_code == 200
    assert voided.get_json()["voided"] is True
    assert voided.get_json()["counts"]["metrics"]["stamps"] == 0
    again = api.post(path, {"reason": "again"})
    assert (again.status_code, again.get_json()["error"]["code"]) == (409, "already_voided")
    assert stored(app) == (1, 1)
    with app.app_context():
        void = db.session.get(ActionVoid, recorded["action_id"])
        assert void.reason == "记错展位"
    assert figure(app, fair["activity"], "stamps") == 0
    assert rebuild_agrees(app)
    assert api.post("/actions/999999/void", {"reason": "x"}).status_code == 404


def test_a_scanner_may_void_for_thirty_minutes_an_organizer_always(app, fair, monkeypatch):
    api = Api(app, fair["scanner"])
    first = stamp(api, fair).get_json()["action_id"]
    second = stamp(api, fair).get_json()["action_id"]
    later = utcnow() + dt.timedelta(minutes=31)
    monkeypatch.setattr("eventdesk.core.actions.utcnow", lambda: later)
    late = api.post(f"/actions/{first}/void", {"reason": "too late"})
    assert (late.status_code, late.get_json()["error"]["code"]) == (409, "void_window_passed")
    assert (
        api.post(f"/actions/{second}/void", {"reason": "organizer"}, token=fair["organizer"]).status_code
        == 200
    )
    assert figure(app, fair["activity"], "stamps") == 2
    assert rebuild_agrees(app)


# -- registration fields and check-in metrics ------------------------------------------------


def register(app, fair, **fields):
    body = {"name": "李四", "phone": "13900001111", "consent": True, "fields": fields}
    return app.test_client().post(f"/api/v1/activities/{fair['activity']}/registrations", json=body)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"team": "green"}, "team"),
        ({"shoe_size": "40"}, "shoe_size"),
        ({"shoe_size": 60}, "shoe_size"),
        ({"first_visit": "yes"}, "first_visit"),
        ({"born_on": "2026/1/1"}, "born_on"),
        ({"born_on": "2026-02-30"}, "born_on"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_registration_fields_are_checked_by_the_service(app, fair, fields, field):
    response = register(app, fair, **fields)
    assert response.status_code == 422
    assert response.get_json()["error"]["field"] == field
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Registration)) == 3


def test_registration_fields_are_stored_typed_and_check_in_feeds_the_kinds_metrics(app, fair):
    response = register(app, fair, team="red", shoe_size=41, first_visit=True, born_on="1960-03-01")
    assert response.status_code == 201, response.get_json()
    with app.app_context():
        registration = db.session.get(Registration, response.get_json()["registration_id"])
        assert registration.fields == {
            "team": "red",
            "shoe_size": 41,
            "first_visit": True,
            "born_on": "1960-03-01",
        }
        assert registration.present_metrics == "red_team_present"
    api = Api(app, fair["scanner"])
    scanned = api.scan(response.get_json()["token"])
    assert scanned["counts"]["metrics"]["red_team_present"] == 1
    api.scan(response.get_json()["token"], direction="out")
    api.scan(response.get_json()["token"])  # back in: checked in once
    assert figure(app, fair["activity"], "red_team_present") == 1
    assert rebuild_agrees(app)
    # Undoing the check-in scan is impossible while later entrance scans stand; undo them in turn.
    with app.app_context():
        scan_ids = db.session.scalars(
            sa.select(Scan.id).where(Scan.registration_id == registration.id).order_by(Scan.id.desc())
        ).all()
    for scan_id in scan_ids:
        assert api.post(f"/scans/{scan_id}/void", {"client_scan_id": new_id()}).status_code == 200
    assert figure(app, fair["activity"], "red_team_present") == 0
    assert rebuild_agrees(app)


def test_the_registration_page_asks_the_kinds_fields(app, fair):
    client = Client(app)
    url = f"/activities/{fair['activity']}/register"
    page = client.get(url).get_data(as_text=True)
    for expected in ('name="kind_team"', 'name="kind_born_on"', 'type="date"'):
        assert expected in page
    form = {
        "name": "王五",
        "phone": "13900002222",
        "consent": "y",
        "kind_team": "blue",
        "kind_shoe_size": "abc",
    }
    refused = client.post_form(url, form)
    assert refused.status_code == 422
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Registration)) == 3
    form["kind_shoe_size"] = "３８"  # full-width digits typed on a Chinese keyboard
    form["kind_born_on"] = "1958年7月1日"
    assert client.post_form(url, form).status_code == 302
    with app.app_context():
        registration = db.session.scalar(sa.select(Registration).order_by(Registration.id.desc()).limit(1))
        assert registration.fields == {
            "team": "blue",
            "shoe_size": 38,
            "first_visit": False,
            "born_on": "1958-07-01",
        }


def test_the_people_import_reads_the_kinds_columns(app, fair, run_cli, tmp_path):
    path = tmp_path / "people.csv"
    path.write_text("姓名,手机号,Team,鞋码,First visit\n赵六,13900003333,Red,39,是\n", encoding="utf-8")
    result = run_cli("import", "people", str(path), "--activity", str(fair["activity"]))
    assert result.exit_code == 0, result.output
    with app.app_context():
        registration = db.session.scalar(sa.select(Registration).order_by(Registration.id.desc()).limit(1))
        assert registration.fields == {"team": "red", "shoe_size": 39, "first_visit": True}
        assert registration.present_metrics == "red_team_present"


# -- standing metrics, lists, follow-ups, imports, OpenAPI -----------------------------------


def test_standing_figures_move_with_the_activity(app, fair):
    with app.app_context():
        activity = db.session.get(Activity, fair["activity"])
        old_day = activity.day
        zone = activity.event.zone
        opens = activity.opens_at.astimezone(zone)
        event = activity.event
        event.ends_on = old_day + dt.timedelta(days=1)
        activity_service.update_activity(
            activity,
            name=activity.name,
            name_en=activity.name_en,
            site_id=activity.site_id,
            lead_department_id=activity.lead_department_id,
            cooperator_ids=[],
            opens_at=(opens + dt.timedelta(days=1)).astimezone(dt.UTC),
            closes_at=(opens + dt.timedelta(days=1, hours=8)).astimezone(dt.UTC),
            capacity=None,
            registration_open=True,
            description="",
        )
        db.session.commit()
        days = dict(
            db.session.execute(
                sa.select(TallyCount.metric, TallyCount.local_day).where(
                    TallyCount.activity_id == activity.id, TallyCount.metric.in_(["stands", "registered"])
                )
            ).all()
        )
    assert days == {"stands": old_day + dt.timedelta(days=1), "registered": old_day + dt.timedelta(days=1)}
    assert rebuild_agrees(app)


def test_a_kinds_list_is_offered_to_those_who_may_read_it(app, fair):
    api = Api(app, fair["scanner"])
    stamp(api, fair)
    with app.app_context():
        organizer = factories.user("organizer")
        staff = factories.user("staff", scopes=[{"activity_id": fair["activity"]}])
        db.session.commit()
        organizer_email, staff_email = organizer.email, staff.email
    client = Client(app)
    client.login(organizer_email)
    assert "Stamps" in client.get(f"/reports/activities/{fair['activity']}/lists?lang=en").get_data(
        as_text=True
    )
    download = client.get(f"/reports/activities/{fair['activity']}/lists/stamps.csv")
    assert download.status_code == 200
    assert "red" in download.get_data(as_text=True)
    staff_client = Client(app)
    staff_client.login(staff_email)
    assert "Stamps" not in staff_client.get(f"/reports/activities/{fair['activity']}/lists?lang=en").get_data(
        as_text=True
    )
    assert staff_client.get(f"/reports/activities/{fair['activity']}/lists/stamps.csv").status_code == 403


def test_a_kinds_import_is_a_flask_import_command(app, fair, run_cli, tmp_path):
    path = tmp_path / "cards.csv"
    path.write_text("卡号\nA1\nA2\n", encoding="utf-8")
    result = run_cli("import", "stampcards", str(path), "--activity", str(fair["activity"]))
    assert result.exit_code == 0, result.output
    assert "Rows: 2. Imported: 2;" in result.output
    with app.app_context():
        consultation = factories.activity(kind="consultation")
        db.session.commit()
        consultation_id = consultation.id
    refused = run_cli("import", "stampcards", str(path), "--activity", str(consultation_id))
    assert refused.exit_code == 1


def test_the_openapi_document_carries_the_kinds_paths(app, fair):
    document = app.test_client().get("/api/v1/openapi.json").get_json()
    assert "/activities/{activity_id}/stamps" in document["paths"]
    assert "StampTotal" in document["components"]["schemas"]
    assert (
        "too_many_stamps"
        in document["components"]["schemas"]["Error"]["properties"]["error"]["properties"]["code"]["enum"]
    )
    api = Api(app, fair["scanner"])
    stamp(api, fair, fields={"colour": "red", "count": 4})
    response = api.get(f"/activities/{fair['activity']}/stamps")
    assert response.get_json() == {"stamps": 4}
    check(document, "/activities/{activity_id}/stamps", "get", response)
    check(
        document,
        "/activities/{activity_id}/actions",
        "get",
        api.get(f"/activities/{fair['activity']}/actions"),
    )
    check(document, "/activities/{activity_id}/actions/{name}", "post", stamp(api, fair))
    check(document, "/activities/{activity_id}/actions/{name}", "post", stamp(api, fair, fields={}))


def test_a_confidential_metric_is_shown_only_to_those_who_manage_the_activity(app, fair, monkeypatch):
    from dataclasses import replace

    from eventdesk.core import kinds
    from tests.support.kinds import STAMP_KIND

    secret = tuple(
        replace(metric, confidential=True) if metric.name == "stamps" else metric
        for metric in STAMP_KIND.metrics
    )
    monkeypatch.setitem(kinds._KINDS, STAMP_KIND.name, replace(STAMP_KIND, metrics=secret))
    api = Api(app, fair["scanner"])
    answer = stamp(api, fair, token=fair["ticket"]).get_json()
    assert figure(app, fair["activity"], "stamps") == 2
    assert not {"stamps", "stamps.red"} & set(answer["counts"]["metrics"])
    scan = api.scan(fair["ticket"], booth_id=fair["second"])
    assert "stamps" not in scan["counts"]["metrics"]
    assert "red_team_present" in scan["counts"]["metrics"]
    counts = Api(app, fair["organizer"]).get(f"/activities/{fair['activity']}/counts").get_json()
    assert "stamps" not in counts["metrics"]

    with app.app_context():
        organizer = factories.user("organizer")
        staff = factories.user("staff", scopes=[{"activity_id": fair["activity"]}])
        db.session.commit()
        emails = organizer.email, staff.email
    boards = {}
    for email in emails:
        client = Client(app)
        client.login(email)
        page = client.get("/dashboard/live?lang=en")
        assert page.status_code == 200
        boards[email] = page.get_data(as_text=True)
    assert "<dt>Stamps</dt><dd>2</dd>" in boards[emails[0]]
    assert "Stamps" not in boards[emails[1]]
    assert "Red team present" in boards[emails[1]]
    assert rebuild_agrees(app)
