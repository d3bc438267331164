"""The booth desk: staff record a kind's actions in the browser with the scanner's service and
fields (the test's stamp fair kind), choose the person by ticket or search, and undo."""

import re

import pytest
import sqlalchemy as sa

from eventdesk.core.models import Action, ActionVoid, TallyCount
from eventdesk.extensions import db
from tests.support import factories
from tests.support.client import Client
from tests.support.kinds import STAMPS, feed_stands


@pytest.fixture
def app(stamp_kind_app):
    return stamp_kind_app


@pytest.fixture
def fair(app):
    with app.app_context():
        activity = factories.activity(kind="stampfair")
        first, second = factories.booth(activity, name="一号展位"), factories.booth(activity, name="二号展位")
        first.sort_order, second.sort_order = 1, 2
        feed_stands(activity, 2)
        ticket = factories.registration(activity, factories.person(name="张三丰"))
        stranger = factories.registration(factories.activity(activity.event, kind="stampfair"))
        stand_staff = factories.user("staff", scopes=[{"booth_id": first.id}])
        other_staff = factories.user("staff", scopes=[{"booth_id": second.id}])
        organizer = factories.user("organizer")
        db.session.commit()
        return {
            "activity": activity.id,
            "first": first.id,
            "second": second.id,
            "code": ticket.ticket_code,
            "token": ticket.token,
            "ticket_id": ticket.id,
            "stranger_code": stranger.ticket_code,
            "stand_staff": stand_staff.email,
            "other_staff": other_staff.email,
            "organizer": organizer.email,
        }


def signed_in(app, email) -> Client:
    client = Client(app)
    client.login(email)
    return client


def desk_url(fair, **query) -> str:
    args = "&".join(f"{key}={value}" for key, value in query.items())
    return f"/manage/activities/{fair['activity']}/desk" + (f"?{args}" if args else "")


def stamp_url(fair) -> str:
    """Where the first stand's stamp form posts, for the fair's ticket holder."""
    query = f"booth={fair['first']}&registration={fair['ticket_id']}"
    return f"/manage/activities/{fair['activity']}/desk/stamp?{query}"


def form_values(page: str, action: str) -> dict:
    """The hidden inputs of one action's form on the desk page."""
    form = page[page.index(f"/desk/{action}") :]
    form = form[: form.index("</form>")]
    return dict(
        re.findall(r'name="(csrf_token|client_action_id|booth_id|registration_id)"[^>]*value="([^"]*)"', form)
    )


def stamps(app) -> list[tuple]:
    with app.app_context():
        return db.session.execute(
            sa.select(Action.user_id, Action.registration_id, STAMPS.c.colour, STAMPS.c.count)
            .join(STAMPS, STAMPS.c.action_id == Action.id)
            .order_by(Action.id)
        ).all()


def test_staff_record_an_action_for_a_scanned_ticket(app, fair):
    client = signed_in(app, fair["stand_staff"])
    page = client.get(desk_url(fair, booth=fair["first"], ticket=fair["code"])).get_data(as_text=True)
    assert "张*丰" in page
    assert 'name="kind_colour"' in page
    assert 'value="blue"' in page  # the first stand's own choice
    values = {**form_values(page, "stamp"), "kind_colour": "blue", "kind_count": "３"}
    url = stamp_url(fair)
    response = client.http.post(url, data=values)
    assert response.status_code == 302
    [(user_id, registration_id, colour, count)] = stamps(app)
    assert (registration_id, colour, count) == (fair["ticket_id"], "blue", 3)
    assert user_id is not None
    # The same form sent twice (a double tap) is one action.
    assert client.http.post(url, data=values).status_code == 302
    assert len(stamps(app)) == 1
    with app.app_context():
        total = db.session.scalar(
            sa.select(sa.func.sum(TallyCount.value)).where(TallyCount.metric == "stamps")
        )
    assert total == 3


def test_a_refused_field_is_shown_beside_it_and_nothing_is_stored(app, fair):
    client = signed_in(app, fair["stand_staff"])
    page = client.get(desk_url(fair, booth=fair["first"], registration=fair["ticket_id"])).get_data(
        as_text=True
    )
    url = stamp_url(fair)
    refused = client.http.post(
        url, data={**form_values(page, "stamp"), "kind_colour": "red", "kind_count": "12"}
    )
    assert refused.status_code == 422
    assert "缺少字段或字段类型错误" in refused.get_data(as_text=True)
    kind_rule = client.http.post(
        url, data={**form_values(page, "stamp"), "kind_colour": "blue", "kind_count": "5"}
    )
    assert kind_rule.status_code == 409
    assert "Too many stamps" in kind_rule.get_data(as_text=True)
    assert stamps(app) == []


def test_a_ticket_of_another_activity_chooses_no_one(app, fair):
    client = signed_in(app, fair["stand_staff"])
    page = client.get(desk_url(fair, booth=fair["first"], ticket=fair["stranger_code"])).get_data(
        as_text=True
    )
    assert "未选择人员" in page


def test_staff_work_only_at_their_booth(app, fair):
    client = signed_in(app, fair["other_staff"])
    assert client.get(desk_url(fair, booth=fair["first"])).status_code == 403
    page = client.get(desk_url(fair, booth=fair["second"], registration=fair["ticket_id"])).get_data(
        as_text=True
    )
    url = stamp_url(fair)
    values = {**form_values(page, "stamp"), "kind_colour": "red", "kind_count": "1"}
    assert client.http.post(url, data=values).status_code == 403
    assert stamps(app) == []
    with app.app_context():
        nobody = factories.user("staff").email
        db.session.commit()
    assert signed_in(app, nobody).get(desk_url(fair)).status_code == 403


def test_undo_needs_a_reason_and_belongs_to_who_recorded_it_or_an_organizer(app, fair):
    client = signed_in(app, fair["stand_staff"])
    page = client.get(desk_url(fair, booth=fair["first"], registration=fair["ticket_id"])).get_data(
        as_text=True
    )
    url = stamp_url(fair)
    client.http.post(url, data={**form_values(page, "stamp"), "kind_colour": "red", "kind_count": "2"})
    with app.app_context():
        action_id = db.session.scalar(sa.select(Action.id))
    void_url = f"/manage/activities/{fair['activity']}/desk/actions/{action_id}/void?booth={fair['first']}"
    desk = desk_url(fair, booth=fair["first"])
    assert client.post_form(void_url, {"reason": ""}, form_url=desk).status_code == 302
    other = signed_in(app, fair["other_staff"])
    other_desk = desk_url(fair, booth=fair["second"])
    other_void = f"/manage/activities/{fair['activity']}/desk/actions/{action_id}/void?booth={fair['second']}"
    assert other.post_form(other_void, {"reason": "不是我"}, form_url=other_desk).status_code == 403
    with app.app_context():
        assert db.session.get(ActionVoid, action_id) is None
    organizer = signed_in(app, fair["organizer"])
    assert organizer.post_form(void_url, {"reason": "重复登记"}, form_url=desk).status_code == 302
    with app.app_context():
        assert db.session.get(ActionVoid, action_id).reason == "重复登记"
        total = db.session.scalar(
            sa.select(sa.func.sum(TallyCount.value)).where(TallyCount.metric == "stamps")
        )
    assert total == 0


def test_the_activity_page_links_to_the_desk_for_kinds_with_actions(app, fair):
    client = signed_in(app, fair["organizer"])
    page = client.get(f"/manage/activities/{fair['activity']}").get_data(as_text=True)
    assert f"/manage/activities/{fair['activity']}/desk" in page
