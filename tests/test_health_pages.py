"""The health day's pages: the day's services and stations kept by its organizers, a station's page
where a provider finds a resident and records a service in one or two taps, the queue (a number,
the next called, the now-serving screen, the resident's place on their ticket), and the village
ticket sheets."""

import re

import sqlalchemy as sa

from eventdesk.activities.health.models import QueueTicket, Service, ServiceGiven
from eventdesk.core.models import Registration
from eventdesk.extensions import db
from tests.support.api import Api
from tests.support.client import Client
from tests.support.health import add_resident, build_day, serve
from tests.support.openapi import check


def signed_in(app, email) -> Client:
    client = Client(app)
    client.login(email)
    return client


def station_url(day, station="一号服务站") -> str:
    return f"/manage/activities/{day.activity}/health/stations/{day.station(station)}"


def test_a_provider_finds_a_resident_by_phone_tail_and_records_a_service_in_two_taps(app):
    day = build_day(app)
    registration_id, _token = add_resident(app, day, "王秀英", "13800004321", village="孙塬村")
    add_resident(app, day, "李建国", "13800001111", village="南古村")
    provider = signed_in(app, day.provider_email)
    found = provider.get(f"{station_url(day)}?q=4321&lang=en").get_data(as_text=True)
    assert "王*英" in found
    assert "李" not in found.split("Choose the resident")[1]
    page = provider.get(f"{station_url(day)}?registration={registration_id}&lang=en")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert page.headers["Cache-Control"] == "private, no-store"
    for label in ("Blood pressure check", "Physical examination", "Ultrasound scan"):
        assert label in text
    assert "Free clinic" not in text, "only the station's own services are offered"
    # Tap "referred on", then the service: recorded with the note.
    recorded = provider.post_form(
        f"{station_url(day)}/serve?registration={registration_id}",
        {
            "client_action_id": re.search(r'name="client_action_id"[^>]*value="([^"]+)"', text).group(1),
            "service": "bp",
            "referral": "y",
            "note": "血压160/100，建议县医院复查",
        },
        form_url=f"{station_url(day)}?registration={registration_id}",
    )
    assert recorded.status_code == 302
    after = provider.get(recorded.headers["Location"] + "&lang=en").get_data(as_text=True)
    assert "血压160/100，建议县医院复查" in after
    with app.app_context():
        [given] = db.session.scalars(sa.select(ServiceGiven)).all()
        assert (given.referral, given.registration_id, given.booth_id) == (
            True,
            registration_id,
            day.station("一号服务站"),
        )
    # One tap: the service alone.
    again = provider.post_form(
        f"{station_url(day)}/serve?registration={registration_id}",
        {"client_action_id": "0b6f4f0e-3c7e-4d55-9d59-0c3e2e7d8a11", "service": "exam"},
        form_url=f"{station_url(day)}?registration={registration_id}",
    )
    assert again.status_code == 302
    # The same service twice: the refusal is shown, nothing recorded.
    twice = provider.post_form(
        f"{station_url(day)}/serve?registration={registration_id}",
        {"client_action_id": "5b0a3f7e-0d1f-4a53-8f3b-2a4b9f7c6d10", "service": "bp"},
        form_url=f"{station_url(day)}?registration={registration_id}",
    )
    assert twice.status_code == 409
    assert "This resident has already received this service today." in twice.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ServiceGiven)) == 2


def test_a_resident_who_had_not_agreed_agrees_at_the_station(app):
    day = build_day(app)
    registration_id, _token = add_resident(app, day, "张志强", "13800002222", consent=False)
    provider = signed_in(app, day.provider_email)
    url = f"{station_url(day)}?registration={registration_id}"
    assert "群众同意记录健康服务" in provider.get(url).get_data(as_text=True)
    refused = provider.post_form(
        f"{station_url(day)}/serve?registration={registration_id}",
        {"client_action_id": "1b6f4f0e-3c7e-4d55-9d59-0c3e2e7d8a11", "service": "bp"},
        form_url=url,
    )
    assert refused.status_code == 409
    agreed = provider.post_form(
        f"{station_url(day)}/serve?registration={registration_id}",
        {"client_action_id": "2b6f4f0e-3c7e-4d55-9d59-0c3e2e7d8a11", "service": "bp", "consent": "y"},
        form_url=url,
    )
    assert agreed.status_code == 302
    with app.app_context():
        assert db.session.get(Registration, registration_id).fields["health_consent"] is True


def test_pages_of_the_health_day_are_closed_to_other_staff(app):
    day = build_day(app)
    registration_id, _token = add_resident(app, day, "王秀英", "13800004321")
    outsider = signed_in(app, day.outsider_email)
    for url in (
        f"/manage/activities/{day.activity}/health",
        station_url(day),
        f"{station_url(day)}?registration={registration_id}",
        f"/manage/activities/{day.activity}/health/sheets",
    ):
        assert outsider.get(url).status_code == 403, url
    provider = signed_in(app, day.provider_email)
    assert provider.get(station_url(day, "二号服务站")).status_code == 403, (
        "a provider keeps to their station"
    )
    assert provider.get(f"/manage/activities/{day.activity}/health/services/new").status_code == 403


def test_organizers_keep_the_days_services_and_what_each_station_offers(app):
    day = build_day(app)
    organizer = signed_in(app, day.organizer_email)
    base = f"/manage/activities/{day.activity}/health"
    made = organizer.post_form(f"{base}/services/new", {"code": "ecg", "name": "心电图", "name_en": "ECG"})
    assert made.status_code == 302
    taken = organizer.post_form(f"{base}/services/new", {"code": "ecg", "name": "心电图检查"})
    assert taken.status_code == 400
    assert "本次活动已有服务项目使用这个代码。" in taken.get_data(as_text=True)
    page = organizer.get(f"{base}?lang=en").get_data(as_text=True)
    assert "ECG" in page
    with app.app_context():
        ecg = db.session.scalar(sa.select(Service.id).where(Service.code == "ecg"))
    station = day.station("三号服务站")
    chosen = organizer.post_form(
        f"{base}/stations/{station}/services", {"services": [str(ecg), str(day.services["education"])]}
    )
    assert chosen.status_code == 302
    assert "健康教育、心电图" in organizer.get(f"{base}?lang=zh").get_data(as_text=True)
    provider = signed_in(app, day.provider_email)
    refused = provider.post_form(
        f"{base}/stations/{day.station('一号服务站')}/services",
        {"services": [str(ecg)]},
        form_url=f"{base}/stations/{day.station('一号服务站')}",
    )
    assert refused.status_code == 403, "providers do not change what their station offers"


def test_the_queue_a_number_the_next_called_the_screen_and_the_residents_place(app):
    day = build_day(app)
    residents = [add_resident(app, day, name, f"1380000{n:04d}") for n, name in enumerate(("甲", "乙", "丙"))]
    provider = signed_in(app, day.provider_email)
    for _registration_id, token in residents:
        given = provider.post_form(
            f"{station_url(day)}/queue",
            {"ticket": f"https://example.org/t/{token}"},
            form_url=station_url(day),
        )
        assert given.status_code == 302
    again = provider.post_form(
        f"{station_url(day)}/queue", {"ticket": residents[0][1]}, form_url=station_url(day)
    )
    assert again.status_code == 302
    with app.app_context():
        numbers = db.session.scalars(sa.select(QueueTicket.number).order_by(QueueTicket.number)).all()
    assert numbers == [1, 2, 3], "waiting residents keep their number"
    ticket_page = app.test_client().get(f"/t/{residents[2][1]}?lang=en").get_data(as_text=True)
    assert "Your queue numbers" in ticket_page
    assert "2 people before you" in ticket_page

    screen = f"/activities/{day.activity}/health/stations/{day.station('一号服务站')}/screen"
    anonymous = app.test_client().get(screen + "?lang=en")
    assert anonymous.status_code == 200
    assert "Call the next number" not in anonymous.get_data(as_text=True)
    called = provider.post_form(f"{station_url(day)}/call-next", {"from": "screen"}, form_url=screen)
    assert called.status_code == 302
    shown = provider.get(screen + "?lang=en").get_data(as_text=True)
    assert re.search(r'data-queue="serving">1<', shown)
    assert re.search(r'data-queue="next">2 3<', shown)
    figures = Api(app, None).http.get(
        f"/api/v1/activities/{day.activity}/health/stations/{day.station('一号服务站')}/now-serving"
    )
    assert figures.get_json() == {"serving": 1, "next": [2, 3], "waiting": 2}
    ticket_page = app.test_client().get(f"/t/{residents[0][1]}?lang=en").get_data(as_text=True)
    assert "Your number has been called" in ticket_page
    ticket_page = app.test_client().get(f"/t/{residents[2][1]}?lang=en").get_data(as_text=True)
    assert "1 person before you" in ticket_page


def test_village_ticket_sheets_are_sorted_by_name(app):
    day = build_day(app)
    for name, phone, village in (
        ("赵六", "13800000001", "孙塬村"),
        ("王五", "13800000002", "南古村"),
        ("陈七", "13800000003", "孙塬村"),
        ("李四", "13800000004", "孙塬村"),
    ):
        add_resident(app, day, name, phone, village=village)
    organizer = signed_in(app, day.organizer_email)
    index = organizer.get(f"/manage/activities/{day.activity}/health/sheets?lang=en").get_data(as_text=True)
    assert "孙塬村" in index
    assert "南古村" in index
    assert "3 tickets" in index
    sheet = organizer.get(f"/manage/activities/{day.activity}/health/sheets?village=孙塬村").get_data(
        as_text=True
    )
    names = re.findall(r'<p class="village-name">([^<]+)</p>', sheet)
    with app.app_context():
        expected = sorted(["赵六", "陈七", "李四"])
    assert names == expected
    assert sheet.count("<svg") == 3


def test_a_service_given_is_neither_deleted_nor_recoded(app):
    day = build_day(app)
    _id, ticket = add_resident(app, day, "王秀英", "13800004321")
    assert serve(Api(app, day.provider), day, "一号服务站", ticket, "bp").status_code == 201
    organizer = signed_in(app, day.organizer_email)
    base = f"/manage/activities/{day.activity}/health"
    refused = organizer.post_form(f"{base}/services/{day.services['bp']}/delete", {}, form_url=base)
    assert refused.status_code == 409
    assert "这项服务已为群众提供过，不能删除，也不能修改代码。" in refused.get_data(as_text=True)
    recoded = organizer.post_form(
        f"{base}/services/{day.services['bp']}/edit", {"code": "pressure", "name": "血压测量"}
    )
    assert recoded.status_code == 409
    renamed = organizer.post_form(
        f"{base}/services/{day.services['bp']}/edit",
        {"code": "bp", "name": "测血压", "name_en": "Blood pressure"},
    )
    assert renamed.status_code == 302
    unused = organizer.post_form(f"{base}/services/{day.services['ultrasound']}/delete", {}, form_url=base)
    assert unused.status_code == 302
    with app.app_context():
        codes = set(db.session.scalars(sa.select(Service.code)))
    assert codes == {"bp", "exam", "clinic", "medicine", "education"}
    assert "测血压" in organizer.get(f"{base}?lang=zh_Hans").get_data(as_text=True)


def test_the_activity_page_links_to_the_stations_for_the_health_staff(app):
    day = build_day(app)
    page = signed_in(app, day.organizer_email).get(f"/manage/activities/{day.activity}?lang=en")
    text = page.get_data(as_text=True)
    assert f'href="/manage/activities/{day.activity}/health"' in text
    assert f'href="/manage/activities/{day.activity}/health/sheets"' in text
    outsider = signed_in(app, day.outsider_email).get(f"/manage/activities/{day.activity}?lang=en")
    assert f'href="/manage/activities/{day.activity}/health"' not in outsider.get_data(as_text=True)


def test_a_scanned_ticket_opens_the_resident_and_a_bad_one_says_why(app):
    day = build_day(app)
    registration_id, token = add_resident(app, day, "王秀英", "13800004321")
    provider = signed_in(app, day.provider_email)
    scanned = provider.get(f"{station_url(day)}?ticket=https://example.org/t/{token}&lang=en")
    assert scanned.status_code == 200
    assert f"/serve?registration={registration_id}" in scanned.get_data(as_text=True)
    with app.app_context():
        code = db.session.get(Registration, registration_id).ticket_code
    typed = provider.get(f"{station_url(day)}?ticket={code.lower()}&lang=en")
    assert f"/serve?registration={registration_id}" in typed.get_data(as_text=True)
    other_day = add_resident(app, build_day(app), "李建国", "13800001111")[1]
    wrong = provider.get(f"{station_url(day)}?ticket={other_day}&lang=en")
    assert wrong.status_code == 409
    assert "This ticket is for another activity." in wrong.get_data(as_text=True)
    assert provider.get(f"{station_url(day)}?ticket=nonsense-code&lang=en").status_code == 409
    assert provider.get(f"{station_url(day)}?registration=999999").status_code == 404


def test_the_health_api_answers_match_the_openapi_document(app):
    day = build_day(app)
    registration_id, token = add_resident(app, day, "王秀英", "13800004321")
    document = app.test_client().get("/api/v1/openapi.json").get_json()
    provider = Api(app, day.provider)
    serve(provider, day, "一号服务站", token, "bp", referral=True, note="血压偏高")
    station = f"/activities/{day.activity}/health/stations/{day.station('一号服务站')}"
    prefix = "/activities/{activity_id}/health/stations/{booth_id}"
    answers = [
        (prefix + "/queue", "post", provider.post(f"{station}/queue", {"token": token})),
        (prefix + "/queue", "post", provider.post(f"{station}/queue", {"registration_id": registration_id})),
        (prefix + "/now-serving", "get", app.test_client().get(f"/api/v1{station}/now-serving")),
        (prefix + "/call-next", "post", provider.post(f"{station}/call-next", {})),
        (prefix + "/call-next", "post", provider.post(f"{station}/call-next", {})),
        (prefix + "/queue", "post", provider.post(f"{station}/queue", {"token": "x" * 22})),
        (
            "/activities/{activity_id}/health/residents/{registration_id}/services",
            "get",
            provider.get(f"/activities/{day.activity}/health/residents/{registration_id}/services"),
        ),
    ]
    assert [response.status_code for _path, _method, response in answers] == [
        201,
        200,
        200,
        200,
        409,
        409,
        200,
    ]
    for path, method, response in answers:
        check(document, path, method, response)
