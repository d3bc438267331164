"""Abuse: sign-ins locked after repeated failures, per account and per address; limits keyed on
what is typed as well as on the address, counted together by every worker; a whole venue behind
one address registers unhindered."""

import json
import logging
import re

import pytest
import sqlalchemy as sa

from eventdesk.core.models import Registration
from eventdesk.extensions import db
from tests.support import factories
from tests.support.client import Client

VENUE = {"REMOTE_ADDR": "203.0.113.7"}
ELSEWHERE = {"REMOTE_ADDR": "198.51.100.20"}
LOCKED = "登录失败次数过多"


def sign_in(client: Client, email: str, password: str, address=VENUE):
    return client.post_form(
        "/login", {"email": email, "password": password}, form_url="/login", environ_base=address
    )


def test_an_account_is_locked_after_five_failures_whatever_is_typed_then(make_app):
    app = make_app(RATELIMIT_ENABLED=True)
    with app.app_context():
        target, colleague = factories.user("organizer"), factories.user("organizer")
        db.session.commit()
        target_email, colleague_email = target.email, colleague.email
    client = Client(app)
    for _ in range(5):
        response = sign_in(client, target_email, "wrong-password")
        assert response.status_code == 200
        assert "邮箱或密码错误。" in response.get_data(as_text=True)
    locked = sign_in(client, target_email, factories.PASSWORD, ELSEWHERE)
    assert locked.status_code == 429
    assert LOCKED in locked.get_data(as_text=True)
    # Others behind the same address still sign in.
    assert sign_in(Client(app), colleague_email, factories.PASSWORD).status_code == 302


def test_an_unknown_account_is_locked_the_same_way(make_app):
    app = make_app(RATELIMIT_ENABLED=True)
    client = Client(app)
    for _ in range(5):
        assert sign_in(client, "nobody@example.org", "whatever-it-is").status_code == 200
    assert sign_in(client, "nobody@example.org", "whatever-it-is").status_code == 429


def test_an_address_is_locked_after_many_failures_on_many_accounts(make_app):
    app = make_app(RATELIMIT_ENABLED=True)
    with app.app_context():
        real = factories.user("organizer")
        db.session.commit()
        email = real.email
    client = Client(app)
    for n in range(50):
        assert sign_in(client, f"guess{n}@example.org", "password-guess").status_code == 200
    assert sign_in(client, email, factories.PASSWORD).status_code == 429
    assert sign_in(Client(app), email, factories.PASSWORD, ELSEWHERE).status_code == 302


def register(app, activity_id, name, phone, address=VENUE):
    body = {"name": name, "phone": phone, "consent": True}
    return app.test_client().post(
        f"/api/v1/activities/{activity_id}/registrations",
        data=json.dumps(body),
        content_type="application/json",
        environ_base=address,
    )


def test_a_whole_venue_behind_one_address_registers(make_app):
    app = make_app(RATELIMIT_ENABLED=True)
    with app.app_context():
        activity = factories.activity(registration_open=True, capacity=500)
        db.session.commit()
        activity_id = activity.id
    statuses = [register(app, activity_id, f"群众{n}", f"137{n:08d}").status_code for n in range(200)]
    assert statuses == [201] * 200
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Registration)) == 200


def test_the_phone_limit_holds_across_workers(make_app):
    # Two apps are two workers: nothing but the database is shared between them.
    first, second = make_app(RATELIMIT_ENABLED=True), make_app(RATELIMIT_ENABLED=True)
    with first.app_context():
        event = factories.event()
        activities = [factories.activity(event, registration_open=True).id for _ in range(3)]
        db.session.commit()
    answers = []
    for n in range(12):
        app = first if n % 2 == 0 else second
        address = {"REMOTE_ADDR": f"192.0.2.{n}"}
        answers.append(register(app, activities[n % 3], f"家人{n}", "13900000001", address).status_code)
    assert answers[:10].count(429) == 0
    assert answers[10:] == [429, 429]


# -- floods of invented registrations ---------------------------------------------------------


def test_places_kept_for_the_desk_stay_free_of_online_registrations(app):
    with app.app_context():
        activity = factories.activity(registration_open=True, capacity=5)
        activity.desk_places = 2
        desk = factories.user("organizer")
        db.session.commit()
        activity_id = activity.id
        token = factories.staff_token(desk)
        db.session.commit()
    statuses = [register(app, activity_id, f"群众{n}", f"137{n:08d}").status_code for n in range(4)]
    assert statuses == [201, 201, 201, 409]
    staff = app.test_client()
    for n in range(2):
        response = staff.post(
            f"/api/v1/activities/{activity_id}/registrations",
            data=json.dumps({"name": f"现场{n}", "phone": f"136{n:08d}", "consent": True}),
            content_type="application/json",
            headers={"Authorization": f"Bearer {token}"},
        )
        assert response.status_code == 201, response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Registration)) == 5


def test_a_flood_from_one_network_is_slowed_while_elsewhere_registers(make_app):
    app = make_app(RATELIMIT_ENABLED=True)
    with app.app_context():
        event = factories.event()
        activities = [factories.activity(event, registration_open=True).id for _ in range(2)]
        db.session.commit()
    answers = [
        register(
            app, activities[n % 2], f"假名{n}", f"135{n:08d}", {"REMOTE_ADDR": f"203.0.113.{n % 250}"}
        ).status_code
        for n in range(501)
    ]
    assert answers[:500] == [201] * 500
    assert answers[500] == 429
    assert register(app, activities[0], "真人", "13812345678", ELSEWHERE).status_code == 201


def test_one_activity_fills_no_faster_than_its_velocity_limit(make_app):
    app = make_app(RATELIMIT_ENABLED=True)
    with app.app_context():
        event = factories.event()
        flooded, other = (factories.activity(event, registration_open=True).id for _ in range(2))
        db.session.commit()
    answers = [
        register(
            app, flooded, f"假名{n}", f"135{n:08d}", {"REMOTE_ADDR": f"10.{n // 250}.{n % 250}.1"}
        ).status_code
        for n in range(301)
    ]
    assert answers[:300] == [201] * 300
    assert answers[300] == 429
    assert register(app, other, "真人", "13812345678", ELSEWHERE).status_code == 201


# -- lookups and enrolment ------------------------------------------------------------------------


def test_a_scanner_s_lookups_are_limited_per_device_not_per_venue(make_app):
    app = make_app(RATELIMIT_ENABLED=True)
    with app.app_context():
        activity = factories.activity()
        greedy, other = factories.scanner_token(activity), factories.scanner_token(activity)
        db.session.commit()
        activity_id = activity.id
    client = app.test_client()

    def lookup(token, query):
        return client.get(
            f"/api/v1/activities/{activity_id}/lookup",
            query_string={"q": query},
            headers={"Authorization": f"Bearer {token}"},
            environ_base=VENUE,
        ).status_code

    assert [lookup(greedy, f"{n:04d}") for n in range(120)] == [200] * 120
    assert lookup(greedy, "9999") == 429
    assert lookup(other, "9999") == 200  # the volunteer beside them, same address


def test_an_enrolment_code_is_tried_only_a_few_times(make_app):
    app = make_app(RATELIMIT_ENABLED=True)
    client = app.test_client()

    def enrol(code, address):
        return client.post(
            "/api/v1/scanner/enrol",
            data=json.dumps({"code": code}),
            content_type="application/json",
            environ_base={"REMOTE_ADDR": address},
        ).status_code

    answers = [enrol("ABCD-EFGH", f"192.0.2.{n}") for n in range(11)]
    assert 429 not in answers[:10]
    assert answers[10] == 429
    assert enrol("ZZZZ-ZZZZ", "192.0.2.99") != 429


# -- phones proven by a texted code -------------------------------------------------------------


def texted_code(caplog) -> str:
    (message,) = [record.getMessage() for record in caplog.records if record.name == "eventdesk.sms"]
    assert "138****5678" in message
    return re.search(r"\d{6}", message.split(":", 1)[1]).group(0)


@pytest.fixture
def texting(make_app, caplog):
    """An app whose self-registration asks for texted codes (read back from the log), and an
    activity open to registration."""
    caplog.set_level(logging.INFO, logger="eventdesk.sms")
    app = make_app(EVENTDESK_SMS_VERIFICATION=True)
    return app, factories_activity(app)


def register_with_code(client, activity_id: int, code: str | None):
    """李秀英 registers herself with the code typed (None: none)."""
    body = {"name": "李秀英", "phone": "13812345678", "consent": True, "verification_code": code}
    return client.post(
        f"/api/v1/activities/{activity_id}/registrations",
        data=json.dumps(body),
        content_type="application/json",
    )


def test_with_sms_verification_an_invented_phone_cannot_register(texting, caplog):
    app, activity_id = texting
    refused = register(app, activity_id, "李秀英", "13812345678")
    assert refused.status_code == 400
    assert refused.get_json()["error"]["code"] == "verification_required"
    client = app.test_client()
    sent = client.post(
        "/api/v1/phone-verifications",
        data=json.dumps({"phone": "138 1234 5678"}),
        content_type="application/json",
    )
    assert sent.status_code == 204
    code = texted_code(caplog)

    wrong = "000000" if code != "000000" else "111111"
    assert register_with_code(client, activity_id, wrong).status_code == 400
    assert register_with_code(client, activity_id, code).status_code == 201
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Registration)) == 1


def test_the_registration_page_texts_a_code_and_takes_it(texting, caplog):
    app, activity_id = texting
    browser = Client(app)
    url = f"/activities/{activity_id}/register"
    person = {"name": "李秀英", "phone": "13812345678", "consent": "y"}
    sent = browser.post_form(url, {**person, "send_code": "1"})
    assert sent.status_code == 200
    assert "验证码已发送到您的手机。" in sent.get_data(as_text=True)
    assert browser.post_form(url, {**person, "verification_code": "x"}).status_code == 400
    done = browser.post_form(url, {**person, "verification_code": texted_code(caplog)})
    assert done.status_code == 302


def test_without_sms_verification_no_code_is_asked_or_sent(app):
    assert "verification_code" not in Client(app).get(
        f"/activities/{factories_activity(app)}/register"
    ).get_data(as_text=True)
    response = app.test_client().post(
        "/api/v1/phone-verifications",
        data=json.dumps({"phone": "13812345678"}),
        content_type="application/json",
    )
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "verification_off"


def factories_activity(app) -> int:
    with app.app_context():
        activity = factories.activity(registration_open=True)
        db.session.commit()
        return activity.id


def test_a_proven_phone_registered_before_gets_its_ticket_back_and_a_stranger_learns_nothing(
    texting, caplog
):
    """Registering again answers the holder of the phone with their ticket; without the texted
    code, nobody is told whether that name and phone are registered, and nothing is added."""
    app, activity_id = texting
    client = app.test_client()

    def texted():
        caplog.clear()
        client.post("/api/v1/phone-verifications", data=json.dumps({"phone": "13812345678"}),
                    content_type="application/json")
        return texted_code(caplog)

    first = register_with_code(client, activity_id, texted())
    assert first.status_code == 201
    stranger = register_with_code(client, activity_id, None)
    assert stranger.status_code == 400
    assert stranger.get_json()["error"]["code"] == "verification_required"
    again = register_with_code(client, activity_id, texted())
    assert again.status_code == 200
    assert again.get_json()["token"] == first.get_json()["token"]
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Registration)) == 1


def test_the_registration_page_gives_a_proven_phone_its_earlier_ticket(texting, caplog):
    app, activity_id = texting
    browser = Client(app)
    url = f"/activities/{activity_id}/register"
    person = {"name": "李秀英", "phone": "13812345678", "consent": "y"}
    tickets = []
    for _ in range(2):
        caplog.clear()
        browser.post_form(url, {**person, "send_code": "1"})
        done = browser.post_form(url, {**person, "verification_code": texted_code(caplog)})
        assert done.status_code == 302
        tickets.append(done.headers["Location"])
    assert tickets[0] == tickets[1]
    page = browser.get(tickets[1]).get_data(as_text=True)
    assert "您已经报过名了，这是您的电子票。" in page
