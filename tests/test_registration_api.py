"""Registering through the JSON API: the public on phones, staff on behalf of others."""

import json

import pytest
import sqlalchemy as sa

from eventdesk.core import identity
from eventdesk.core.models import Person, Registration, TallyCount
from eventdesk.extensions import db
from tests.support import factories


@pytest.fixture
def open_activity(app):
    with app.app_context():
        activity = factories.activity(registration_open=True)
        db.session.commit()
        return activity.id


def register(app, activity_id, body, **headers):
    return app.test_client().post(
        f"/api/v1/activities/{activity_id}/registrations",
        data=json.dumps(body),
        content_type="application/json",
        headers=headers,
    )


def person_body(**fields):
    return {"name": "李秀英", "phone": "138 1234 5678", "consent": True, **fields}


def counts(app):
    with app.app_context():
        return (
            db.session.scalar(sa.select(sa.func.count()).select_from(Registration)),
            db.session.scalar(sa.select(sa.func.count()).select_from(Person)),
        )


def test_registration_returns_ticket(app, open_activity):
    response = register(app, open_activity, person_body(id_number="11010519491231002X", village="红土镇"))
    assert response.status_code == 201
    body = response.get_json()
    assert body["ticket_url"] == f"http://localhost/t/{body['token']}"
    assert len(body["token"]) >= 16
    assert len(body["ticket_code"]) == 8
    with app.app_context():
        registration = db.session.get(Registration, body["registration_id"])
        assert registration.person.phone == "13812345678"
        assert registration.person.id_number_masked == "1101**********002X"
        assert registration.person.id_number_digest == identity.id_number_digest("11010519491231002X")
        assert registration.source == "self"
        assert registration.consent_at is not None
        registered = db.session.scalar(
            sa.select(sa.func.sum(TallyCount.value)).where(TallyCount.metric == "registered")
        )
        assert registered == 1


def test_ticket_url_uses_configured_base_url(make_app):
    app = make_app(EVENTDESK_BASE_URL="https://eventdesk.example.gov.cn")
    with app.app_context():
        activity = factories.activity(registration_open=True)
        db.session.commit()
        activity_id = activity.id
    body = register(app, activity_id, person_body()).get_json()
    assert body["ticket_url"].startswith("https://eventdesk.example.gov.cn/t/")


def test_same_name_and_phone_again_is_refused_without_the_ticket(app, open_activity):
    register(app, open_activity, person_body())
    response = register(app, open_activity, person_body(phone="+86 138-1234-5678"))
    assert response.status_code == 409
    error = response.get_json()["error"]
    assert error["code"] == "already_registered"
    assert "token" not in response.get_data(as_text=True)
    assert counts(app) == (1, 1)


def test_family_members_share_a_phone_up_to_five(app, open_activity):
    for name in ["王大", "王二", "王三", "王四", "王五"]:
        assert register(app, open_activity, person_body(name=name)).status_code == 201
    response = register(app, open_activity, person_body(name="王六"))
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "phone_limit"
    assert counts(app) == (5, 5)


def test_closed_activity_answers_403(app):
    with app.app_context():
        activity = factories.activity(registration_open=False)
        db.session.commit()
        activity_id = activity.id
    response = register(app, activity_id, person_body())
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "registration_closed"
    assert counts(app) == (0, 0)


def test_full_activity_answers_409(app):
    with app.app_context():
        activity = factories.activity(registration_open=True, capacity=1)
        db.session.commit()
        activity_id = activity.id
    assert register(app, activity_id, person_body()).status_code == 201
    response = register(app, activity_id, person_body(name="张伟"))
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "capacity_full"
    assert counts(app)[0] == 1


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (person_body(phone="12345"), "invalid_phone"),
        (person_body(phone="23812345678"), "invalid_phone"),
        (person_body(id_number="110105194912310021"), "invalid_id_number"),  # wrong check digit
        (person_body(name="   "), "invalid_name"),
        (person_body(name="\u200b\u0000"), "invalid_name"),
        (person_body(name="长" * 60), "invalid_name"),
        (person_body(consent=False), "consent_required"),
        (person_body(consent="yes"), "consent_required"),
        ({"name": "李秀英", "phone": "13812345678"}, "consent_required"),
        (person_body(name=12), "invalid_field"),
        (person_body(phone=["13812345678"]), "invalid_field"),
        (person_body(fields=[1, 2]), "invalid_field"),
        (person_body(fields={"notes": "x" * 5000}), "invalid_field"),
    ],
)
def test_bad_input_is_refused_and_writes_nothing(app, open_activity, body, code):
    response = register(app, open_activity, body)
    assert 400 <= response.status_code < 500
    assert response.get_json()["error"]["code"] == code
    assert counts(app) == (0, 0)


def test_error_messages_are_translated(app, open_activity):
    response = register(app, open_activity, person_body(phone="1"), **{"Accept-Language": "en"})
    assert response.get_json()["error"]["message"] == "Enter an 11-digit mainland mobile number."
    response = register(app, open_activity, person_body(phone="1"))
    assert response.get_json()["error"]["message"] == "请输入 11 位大陆手机号码。"


def test_odd_unicode_names_are_normalised(app, open_activity):
    response = register(app, open_activity, person_body(name="  Ａｎｎａ\u3000 李 "))
    assert response.status_code == 201
    with app.app_context():
        assert db.session.scalar(sa.select(Person.name)) == "Anna 李"


def test_unknown_activity_is_404(app):
    assert register(app, 999999, person_body()).status_code == 404


def test_staff_may_register_on_behalf_even_when_closed(app):
    with app.app_context():
        activity = factories.activity(registration_open=False)
        staff = factories.user("staff", scopes=[{"activity_id": activity.id}])
        outsider = factories.user("staff", scopes=[{"activity_id": factories.activity().id}])
        token, outsider_token = factories.staff_token(staff), factories.staff_token(outsider)
        db.session.commit()
        activity_id = activity.id
    refused = register(app, activity_id, person_body(), Authorization=f"Bearer {outsider_token}")
    assert refused.status_code == 403
    response = register(app, activity_id, person_body(), Authorization=f"Bearer {token}")
    assert response.status_code == 201
    with app.app_context():
        registration = db.session.get(Registration, response.get_json()["registration_id"])
        assert registration.source == "staff"
        assert registration.created_by_id is not None


def test_registration_is_rate_limited_by_phone(make_app):
    app = make_app(RATELIMIT_ENABLED=True)
    with app.app_context():
        activity = factories.activity(registration_open=True)
        db.session.commit()
        activity_id = activity.id
    statuses = [register(app, activity_id, person_body(name=f"张{i}")).status_code for i in range(12)]
    assert statuses.count(429) >= 1
    last = register(app, activity_id, person_body(name="张最后"))
    assert last.get_json()["error"]["code"] == "rate_limited"


@pytest.mark.parametrize("village", ["红土\x00镇", "\u202e镇土红", "\ufeff"])
def test_invisible_characters_in_the_village_are_refused(app, open_activity, village):
    response = register(app, open_activity, person_body(village=village))
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "invalid_text"
    assert counts(app) == (0, 0)


def test_unreadable_phones_do_not_exhaust_everyone_s_phone_limit(make_app):
    app = make_app(RATELIMIT_ENABLED=True)
    with app.app_context():
        activity = factories.activity(registration_open=True)
        db.session.commit()
        activity_id = activity.id
    for _ in range(12):
        assert (
            register(app, activity_id, person_body(phone="not a phone")).get_json()["error"]["code"]
            == "invalid_phone"
        )
    assert register(app, activity_id, person_body()).status_code == 201
