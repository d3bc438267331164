"""Public registration on a phone and the holder's ticket page: form in, page and stored rows out."""

import datetime as dt
import re

import pytest
import sqlalchemy as sa

from eventdesk.core.models import Person, Registration, utcnow
from eventdesk.core.services import registrations
from eventdesk.core.tokens import TICKET_CODE_ALPHABET
from eventdesk.extensions import db
from tests.support import factories
from tests.support.client import Client
from tests.support.tickets import counts, read_qr, registration_of, tally

VALID_ID = "11010519491231002X"  # GB 11643 check digit X
BAD_ID = "110105194912310021"  # same digits, wrong check digit


@pytest.fixture
def activity_id(app):
    with app.app_context():
        activity = factories.activity()
        db.session.commit()
        return activity.id


def form(**fields):
    data = {"name": "王小明", "phone": "13812345678", "village": "阳光村", "consent": "y"}
    data.update(fields)
    return {key: value for key, value in data.items() if value is not None}


def register(client, activity_id, **fields):
    # The CSRF token belongs to the session, so any page with a form provides one (a closed
    # activity's page has no form).
    return client.post_form(f"/activities/{activity_id}/register", form(**fields), form_url="/login")


# -- the public list -------------------------------------------------------------------


def test_home_lists_activities_open_to_registration(app, client):
    with app.app_context():
        event = factories.event()
        open_one = factories.activity(event, registration_open=True)
        closed = factories.activity(event, registration_open=False)
        other_event = factories.event(starts_on=dt.date(2020, 10, 17))
        old = factories.activity(other_event, registration_open=True)
        db.session.commit()
        names = open_one.name, closed.name, old.name
    page = client.get("/").get_data(as_text=True)
    assert names[0] in page
    assert f"/activities/{open_one.id}/register" in page
    assert names[1] not in page
    assert names[2] not in page
    assert "政策宣传咨询" in page  # the kind
    assert "工作人员登录" in page


def test_home_without_a_current_event_says_so(client):
    page = client.get("/").get_data(as_text=True)
    assert "目前没有可以报名的活动" in page


def test_brand_links_anonymous_visitors_to_the_public_home(client):
    page = client.get("/login").get_data(as_text=True)
    assert '<a class="brand" href="/">' in page


def test_the_service_is_named_in_the_readers_language(client):
    assert '<a class="brand" href="/">活动通</a>' in client.get("/?lang=zh_Hans").get_data(as_text=True)
    assert '<a class="brand" href="/">EventDesk</a>' in client.get("/?lang=en").get_data(as_text=True)


def test_the_organizing_office_names_the_service(make_app):
    app = make_app(
        EVENTDESK_SERVICE_NAME="铜川市扶贫日活动平台", EVENTDESK_SERVICE_NAME_EN="Tongchuan Poverty Day"
    )
    http = app.test_client()
    chinese = http.get("/?lang=zh_Hans").get_data(as_text=True)
    assert '<a class="brand" href="/">铜川市扶贫日活动平台</a>' in chinese
    assert "· 铜川市扶贫日活动平台</title>" in chinese
    english = http.get("/?lang=en").get_data(as_text=True)
    assert '<a class="brand" href="/">Tongchuan Poverty Day</a>' in english


# -- registering -------------------------------------------------------------------------


def test_registration_leads_to_the_ticket(app, client, activity_id):
    page = client.get(f"/activities/{activity_id}/register").get_data(as_text=True)
    assert 'type="tel"' in page
    assert 'inputmode="numeric"' in page
    assert "个人信息使用说明" in page  # the purpose notice
    response = register(client, activity_id, id_number=VALID_ID.lower())
    assert response.status_code == 302
    token = response.headers["Location"].rsplit("/", 1)[-1]
    registration = registration_of(app, activity_id, "王小明")
    assert registration.token == token
    assert registration.source == "self"
    assert registration.consent_at is not None
    assert set(registration.ticket_code) <= set(TICKET_CODE_ALPHABET)
    with app.app_context():
        person = db.session.get(Person, registration.person_id)
        assert (person.phone, person.id_number_masked, person.village) == (
            "13812345678",
            VALID_ID[:4] + "*" * 10 + VALID_ID[-4:],
            "阳光村",
        )
    assert tally(app, activity_id, "registered") == 1
    ticket = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "报名成功" in ticket


def test_phone_is_accepted_as_people_type_it(app, client, activity_id):
    response = register(client, activity_id, phone="+86 138-1234-5678")
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(sa.select(Person.phone)) == "13812345678"


def test_same_name_and_phone_again_is_refused_without_showing_the_ticket(app, client, activity_id):
    first = register(client, activity_id)
    token = first.headers["Location"].rsplit("/", 1)[-1]
    again = register(client, activity_id, village="另一个村")
    page = again.get_data(as_text=True)
    assert again.status_code == 409
    assert "该姓名和手机号已报名本活动" in page
    assert token not in page
    assert counts(app) == {"people": 1, "registrations": 1, "scans": 0}


def test_closed_activity_says_so_and_takes_nothing(app, client):
    with app.app_context():
        activity_id = factories.activity(registration_open=False).id
        db.session.commit()
    page = client.get(f"/activities/{activity_id}/register").get_data(as_text=True)
    assert "本活动未开放报名。" in page
    assert 'name="phone"' not in page
    response = register(client, activity_id)
    assert response.status_code == 403
    assert "本活动未开放报名。" in response.get_data(as_text=True)
    assert counts(app)["registrations"] == 0


def test_activity_that_has_closed_takes_no_registrations(app, client):
    with app.app_context():
        now = utcnow()
        activity = factories.activity(
            opens_at=now - dt.timedelta(hours=5), closes_at=now - dt.timedelta(hours=1)
        )
        activity_id = activity.id
        db.session.commit()
    response = register(client, activity_id)
    assert response.status_code == 403
    assert counts(app)["registrations"] == 0


def test_full_activity_says_so_and_takes_nothing(app, client):
    with app.app_context():
        activity = factories.activity(capacity=1)
        registrations.register(
            activity, registrations.RegistrationRequest(name="李四", phone="13900000001", consent=True)
        )
        activity_id = activity.id
        db.session.commit()
    page = client.get(f"/activities/{activity_id}/register").get_data(as_text=True)
    assert "本活动名额已满。" in page
    assert 'name="phone"' not in page
    response = register(client, activity_id)
    assert response.status_code == 409
    assert "本活动名额已满。" in response.get_data(as_text=True)
    assert counts(app) == {"people": 1, "registrations": 1, "scans": 0}


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"phone": "12345"}, "请输入 11 位大陆手机号码。"),
        ({"phone": "23812345678"}, "请输入 11 位大陆手机号码。"),
        ({"phone": ""}, "请填写这一项。"),
        ({"id_number": BAD_ID}, "身份证号码无效，请核对。"),
        ({"id_number": "12345"}, "身份证号码无效，请核对。"),
        ({"consent": None}, "请先同意个人信息的使用说明。"),
        ({"name": "   "}, "请填写这一项。"),
        ({"name": "\u200b\u200b"}, "请输入姓名。"),
        ({"name": "张" * 51}, "内容太长了。"),
        ({"village": "村" * 101}, "内容太长了。"),
        ({"phone": "1" * 41}, "内容太长了。"),
        ({"id_number": "1" * 41}, "内容太长了。"),
    ],
)
def test_bad_input_is_explained_and_nothing_is_written(app, client, activity_id, fields, message):
    response = register(client, activity_id, **fields)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message in page
    assert 'name="name"' in page  # the form is shown again to correct
    assert counts(app) == {"people": 0, "registrations": 0, "scans": 0}


def test_a_refused_registration_opens_on_a_summary_of_its_errors(app, client, activity_id):
    response = register(client, activity_id, phone="12345")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    summary = re.search(r'<div class="error-summary" id="error-summary"[^>]*>(.*?)</div>', page, re.S)
    assert summary is not None, "the summary is missing"
    assert 'role="alert" tabindex="-1"' in summary.group(0)  # focusable: static/js/forms.js focuses it
    assert page.index("error-summary") < page.index('name="name"')  # above the form's fields
    links = re.findall(r'<a href="#([^"]+)">([^<]+)</a>', summary.group(1))
    assert links == [("phone", "手机号码：请输入 11 位大陆手机号码。")]
    for field_id, _ in links:
        assert f'id="{field_id}"' in page  # each link lands on its field


def test_messages_follow_the_chosen_language(app, client, activity_id):
    client.get("/?lang=en")
    response = register(client, activity_id, phone="12345")
    assert "Enter an 11-digit mainland mobile number." in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("买买提·艾力", "买买提·艾力"),  # a Uyghur name with its middle dot
        ("欧阳  娜娜", "欧阳 娜娜"),  # runs of spaces collapse
        ("Ｊｏｈｎ　Ｓｍｉｔｈ", "John Smith"),  # full-width letters and space from a Chinese keyboard
        ("王\u200b小\u202e明", "王小明"),  # zero-width and direction-override characters are dropped
        ("𠀾𪚥", "𠀾𪚥"),  # rare characters outside the basic plane
        ("<b>阿&明</b>", "<b>阿&明</b>"),  # stored as typed, escaped when shown
    ],
)
def test_odd_unicode_names(app, client, activity_id, typed, stored):
    response = register(client, activity_id, name=typed)
    assert response.status_code == 302, response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(Person.name)) == stored
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "<b>" not in page


def test_unknown_activity_is_404(client):
    assert client.get("/activities/999999/register").status_code == 404


def test_post_without_csrf_token_is_refused(app, client, activity_id):
    response = client.http.post(f"/activities/{activity_id}/register", data=form())
    assert response.status_code == 400
    assert counts(app)["registrations"] == 0


def test_registration_is_rate_limited_by_phone(make_app):
    app = make_app(RATELIMIT_ENABLED=True)
    with app.app_context():
        activity_id = factories.activity().id
        db.session.commit()
    client = Client(app)
    statuses = [
        register(client, activity_id, name=f"家人{n}", phone="13700000000").status_code for n in range(11)
    ]
    assert statuses[:5] == [302] * 5
    assert statuses[5:10] == [409] * 5  # five per phone and activity, then refused by the service
    assert statuses[10] == 429
    # Another phone from the same address still gets through.
    assert register(client, activity_id, phone="13700000001").status_code == 302
    # Mistyped numbers are answered by the form and do not use anyone's allowance.
    assert register(client, activity_id, phone="123").status_code == 400


# -- the ticket page -----------------------------------------------------------------------


@pytest.fixture
def ticket(app, client, activity_id):
    response = register(client, activity_id, name="欧阳娜娜", phone="13812345678", id_number=VALID_ID)
    registration = registration_of(app, activity_id, "欧阳娜娜")
    return {
        "path": response.headers["Location"],
        "token": registration.token,
        "code": registration.ticket_code,
    }


def test_ticket_page_shows_the_ticket_but_no_personal_data(client, ticket):
    response = client.get(ticket["path"])
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "private, no-store"
    assert response.headers["X-Robots-Tag"] == "noindex"
    page = response.get_data(as_text=True)
    assert "欧**娜" in page
    assert "欧阳娜娜" not in page
    assert "13812345678" not in page
    assert "5678" not in page
    assert VALID_ID not in page
    code = ticket["code"]
    assert f"{code[:4]} {code[4:]}" in page  # grouped to read aloud
    assert "<svg" in page
    assert "有效票" in page
    assert "这个页面就是您的入场票" in page
    assert re.search(r"\d{4}年\d{1,2}月\d{1,2}日", page)  # the date in the event's zone, in words


def test_ticket_page_in_the_event_time_zone(app, client):
    with app.app_context():
        event = factories.event(timezone="Asia/Urumqi")
        day = event.starts_on
        zone = event.zone
        activity = factories.activity(
            event,
            opens_at=dt.datetime.combine(day, dt.time(9, 30), tzinfo=zone),
            closes_at=dt.datetime.combine(day, dt.time(17, 0), tzinfo=zone),
        )
        registration = registrations.register(
            activity,
            registrations.RegistrationRequest(name="赵六", phone="13600000000", consent=True),
            source="staff",
        )
        token = registration.token
        db.session.commit()
    page = client.get(f"/t/{token}").get_data(as_text=True)
    assert "09:30–17:00" in page


def test_checked_in_and_cancelled_tickets_say_so(app, client, ticket):
    with app.app_context():
        registration = db.session.scalar(sa.select(Registration).where(Registration.token == ticket["token"]))
        registration.checked_in_at = utcnow()
        db.session.commit()
    assert "已签到" in client.get(ticket["path"]).get_data(as_text=True)
    with app.app_context():
        registration = db.session.scalar(sa.select(Registration).where(Registration.token == ticket["token"]))
        registrations.revoke(registration)
        db.session.commit()
    page = client.get(ticket["path"]).get_data(as_text=True)
    assert "这张票已作废" in page
    assert "<svg" not in page


def test_unknown_ticket_is_a_friendly_404(client):
    response = client.get("/t/AAAAAAAAAAAAAAAAAAAAAA")
    assert response.status_code == 404
    assert response.headers["X-Robots-Tag"] == "noindex"
    assert "找不到这张票" in response.get_data(as_text=True)
    assert client.get("/t/AAAAAAAAAAAAAAAAAAAAAA/qr.png").status_code == 404


def test_qr_png_reads_back_as_the_ticket_address(client, ticket):
    response = client.get(f"{ticket['path']}/qr.png")
    assert response.status_code == 200
    assert response.mimetype == "image/png"
    assert read_qr(response.data) == f"http://localhost/t/{ticket['token']}"


def test_qr_uses_the_public_address_when_configured(make_app):
    app = make_app(EVENTDESK_BASE_URL="https://eventdesk.example.gov.cn")
    with app.app_context():
        activity = factories.activity()
        registration = registrations.register(
            activity, registrations.RegistrationRequest(name="赵六", phone="13600000000", consent=True)
        )
        db.session.commit()
        token = registration.token
    http = app.test_client()
    assert read_qr(http.get(f"/t/{token}/qr.png").data) == f"https://eventdesk.example.gov.cn/t/{token}"
    svg = http.get(f"/t/{token}/qr.svg")
    assert svg.mimetype == "image/svg+xml"
    assert svg.data.lstrip().startswith(b"<?xml") or b"<svg" in svg.data


@pytest.mark.parametrize("image_format", ["png", "svg"])
def test_qr_images_are_cached_and_revalidated(client, ticket, image_format):
    first = client.get(f"{ticket['path']}/qr.{image_format}")
    assert first.status_code == 200
    assert first.headers["Cache-Control"] == "private, max-age=86400"
    etag = first.headers["ETag"]
    again = client.get(f"{ticket['path']}/qr.{image_format}", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.data == b""
    assert again.headers["ETag"] == etag


# -- nonsense in, a clear answer out --------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/t/" + "A" * 5000, 404),
        ("/t/%00AAAAAAAAAAAAAAAAAAAA", 404),  # PostgreSQL cannot even compare text with a NUL
        ("/t/%F0%9F%98%80", 404),
        ("/t/AAAAAAAAAAAAAAAAAAAAAA/qr.gif", 404),
        ("/t/AAAAAAAAAAAAAAAAAAAAAA/qr.svg", 404),
        ("/?event=abc", 200),
        ("/?event=-1", 200),
        ("/?event=99999999999999999999", 200),
        ("/activities/99999999999999999999/register", 404),
    ],
)
def test_odd_addresses_are_answered_not_crashed(client, path, status):
    assert client.get(path).status_code == status


def test_control_characters_are_dropped_before_they_reach_the_database(app, client, activity_id):
    response = register(
        client, activity_id, name="张\x00三", phone="138\x001234\x005678", village="阳\x00光村"
    )
    assert response.status_code == 302
    with app.app_context():
        person = db.session.scalar(sa.select(Person))
        assert (person.name, person.phone, person.village) == ("张三", "13812345678", "阳光村")


def test_repeated_fields_do_not_confuse_the_form(app, client, activity_id):
    response = client.post_form(
        f"/activities/{activity_id}/register",
        {"name": ["张三", "李四"], "phone": "13812345678", "consent": "y"},
    )
    assert response.status_code == 302
    assert counts(app)["registrations"] == 1


def test_large_type_is_switched_on_from_a_public_page_and_kept(app, client):
    with app.app_context():
        activity = factories.activity()
        db.session.commit()
        register_url = f"/activities/{activity.id}/register"
    plain = client.get(register_url).get_data(as_text=True)
    assert "large-type" not in plain
    assert "?large=1" in plain
    switched = client.get(f"{register_url}?large=1")
    assert "large-type" in switched.get_data(as_text=True)
    assert "large=1" in switched.headers["Set-Cookie"]
    # Kept for the pages that follow, until switched off again.
    assert 'class="public large-type"' in client.get("/").get_data(as_text=True).replace("  ", " ")
    assert "large-type" in client.get(register_url).get_data(as_text=True)
    assert "large-type" not in client.get(f"{register_url}?large=0").get_data(as_text=True)
    assert "large-type" not in client.get(register_url).get_data(as_text=True)
