"""Health details (services, referrals, notes) are seen only by the day's health staff and its
organizers: a walk through every page and API answer that a non-health account, a scanner or the
public can open finds none of them; the organizers' dashboard, written report and lists have them."""

import json

import pytest

from tests.support.api import Api, new_id
from tests.support.client import Client
from tests.support.health import add_resident, build_day, serve

NOTE = "左肺阴影待查"
#: What must never show below the health staff: the services given (both languages), the note,
#: a referral's marks, and the confidential figures (the registration's notice may name referrals).
HEALTH_DETAILS = (
    "血压测量",
    "Blood pressure check",
    "B超检查",
    "Ultrasound scan",
    "义务诊疗",
    "Free clinic",
    NOTE,
    "Referred on",
    "Referrals",
    "转诊人次",
    '"referral"',
    '"referrals"',
    '"services',
    "Services given",
    "服务人次",
    "Services received",
    "已接受的服务",
)


@pytest.fixture
def served(app):
    day = build_day(app)
    registration_id, token = add_resident(app, day, "王秀英", "13800004321", village="孙塬村")
    other_id, other_token = add_resident(app, day, "李建国", "13800001111", village="南古村")
    provider = Api(app, day.provider)
    assert serve(provider, day, "一号服务站", token, "bp", referral=True, note=NOTE).status_code == 201
    assert serve(provider, day, "一号服务站", token, "ultrasound").status_code == 201
    assert serve(Api(app, day.organizer), day, "二号服务站", other_token, "clinic").status_code == 201
    queue = f"/activities/{day.activity}/health/stations/{day.station('一号服务站')}/queue"
    assert provider.post(queue, {"token": token}).status_code == 201
    return day, (registration_id, token), (other_id, other_token)


def clean(text: str, where: str) -> None:
    for detail in HEALTH_DETAILS:
        assert detail not in text, f"{detail!r} shown at {where}"


def test_no_page_or_answer_below_the_health_staff_shows_a_health_detail(app, served):
    day, (registration_id, token), (_other_id, other_token) = served
    activity, station = day.activity, day.station("一号服务站")
    opened = 0

    # The public: the home page, registration, the ticket page (queue number only), the summary,
    # the now-serving screen and its figures.
    public = app.test_client()
    for language in ("zh_Hans", "en"):
        for url in (
            "/",
            f"/activities/{activity}/register",
            f"/t/{token}",
            f"/t/{other_token}",
            "/public",
            f"/activities/{activity}/health/stations/{station}/screen",
            f"/api/v1/activities/{activity}/health/stations/{station}/now-serving",
        ):
            response = public.get(f"{url}{'&' if '?' in url else '?'}lang={language}")
            assert response.status_code == 200, url
            clean(response.get_data(as_text=True), url)
            opened += 1
    own_ticket = public.get(f"/t/{token}?lang=en").get_data(as_text=True)
    assert "No. 1</strong> · Service station 1" in own_ticket
    assert "一号服务站" not in own_ticket, "a station's name may be its service"
    assert "王*英" not in public.get(f"/activities/{activity}/health/stations/{station}/screen").get_data(
        as_text=True
    )

    # A staff account of the district, working the entrance: every page it may open.
    outsider = Client(app)
    outsider.login(day.outsider_email)
    base = f"/manage/activities/{activity}"
    pages = (
        "/manage/",
        "/manage/activities/",
        base,
        f"{base}/registrations",
        f"{base}/registrations?q=4321",
        f"{base}/registrations/{registration_id}",
        f"{base}/registrations/sheet",
        f"{base}/desk",
        f"{base}/desk?booth={station}&registration={registration_id}",
        f"{base}/scanners",
        "/dashboard/",
        "/dashboard/live",
        f"/reports/activities/{activity}/lists",
        f"/reports/activities/{activity}/lists/registrations.csv",
        f"/reports/activities/{activity}/lists/checkins.csv",
        "/plan/",
        "/scanner",
    )
    for language in ("zh_Hans", "en"):
        for url in pages:
            response = outsider.get(f"{url}{'&' if '?' in url else '?'}lang={language}")
            if response.status_code in (403, 404):
                continue
            assert response.status_code == 200, url
            clean(response.get_data(as_text=True), url)
            opened += 1
    for url in (
        f"{base}/health",
        f"{base}/health/stations/{station}?registration={registration_id}",
        f"{base}/health/sheets",
        f"/reports/activities/{activity}/lists/services.csv",
        f"/reports/activities/{activity}/lists/referrals.xlsx",
        "/reports/tally",
        "/reports/written/city",
    ):
        assert outsider.get(url).status_code == 403, url

    # The API, as that staff member, as the day's entrance scanner, and as another day's scanner.
    scan_body = {"token": token, "client_scan_id": new_id()}
    for bearer in (day.outsider, day.scanner):
        api = Api(app, bearer)
        answers = [
            api.get("/activities"),
            api.get(f"/activities/{activity}"),
            api.get(f"/activities/{activity}/booths"),
            api.get(f"/activities/{activity}/counts"),
            api.get(f"/activities/{activity}/lookup?q=4321"),
            api.get(f"/activities/{activity}/lookup?q=王秀英"),
            api.get(f"/activities/{activity}/actions"),
            api.post("/scans", {**scan_body, "client_scan_id": new_id(), "activity_id": activity}),
            api.post(
                "/scans/batch",
                {"scans": [{**scan_body, "client_scan_id": new_id(), "activity_id": activity}]},
            ),
            api.post("/walkins", {"client_scan_id": new_id(), "count": 1, "activity_id": activity}),
            api.post(f"/activities/{activity}/health/stations/{station}/queue", {"token": other_token}),
        ]
        for response in answers:
            if response.status_code in (403, 409):
                continue
            assert response.status_code in (200, 201), response.request.path
            clean(json.dumps(response.get_json(), ensure_ascii=False), response.request.path)
            opened += 1
        refused = api.get(f"/activities/{activity}/health/residents/{registration_id}/services")
        assert refused.status_code == 403
        assert api.get("/tally").status_code == 403

    other = Api(app, day.other_scanner)
    assert other.get(f"/activities/{activity}/counts").status_code == 403
    assert other.get(f"/activities/{activity}/health/residents/{registration_id}/services").status_code == 403
    assert opened > 60


def test_the_scanner_recording_a_service_hears_nothing_of_it_back(app, served):
    day, (_registration_id, _token), _other = served
    _id, token = add_resident(app, day, "张志强", "13800002222")
    answer = serve(
        Api(app, day.station_scanners["一号服务站"]),
        day,
        "一号服务站",
        token,
        "exam",
        referral=True,
        note=NOTE,
    )
    assert answer.status_code == 201
    clean(json.dumps(answer.get_json(), ensure_ascii=False), "the serve answer")
    assert answer.get_json()["counts"]["metrics"] == {
        "residents_served": 3,
        "queue_numbers": 1,
        "queue_called": 0,
    }


def test_the_organizers_see_the_details_where_they_work(app, served):
    day, (registration_id, _token), _other = served
    organizer = Client(app)
    organizer.login(day.organizer_email)
    board = organizer.get("/dashboard/live?lang=en").get_data(as_text=True)
    for figure in (
        'data-figure="residents_served">2<',
        'data-figure="services">3<',
        'data-figure="referrals">1<',
    ):
        assert figure in board
    assert "By village" in board
    assert "孙塬村" in board
    assert "南古村" in board
    services = organizer.get(f"/reports/activities/{day.activity}/lists/services.csv?lang=en")
    assert services.status_code == 200
    text = services.get_data(as_text=True)
    assert NOTE in text
    assert "13800004321" in text
    assert "Recorded by" in text.splitlines()[0]
    referrals = organizer.get(f"/reports/activities/{day.activity}/lists/referrals.csv?lang=en").get_data(
        as_text=True
    )
    assert referrals.count("13800004321") == 1
    assert "13800001111" not in referrals
    written = organizer.get(f"/reports/written/city?date={day.day.isoformat()}&lang=en")
    assert written.status_code == 200
    report = written.get_data(as_text=True)
    assert "Health service days" in report
    assert "served 2 residents with 3 services, 1 of them with a referral" in report
    # A provider reads the resident's services at their station, note included.
    provider = Client(app)
    provider.login(day.provider_email)
    page = provider.get(
        f"/manage/activities/{day.activity}/health/stations/{day.station('一号服务站')}?registration={registration_id}"
    )
    assert NOTE in page.get_data(as_text=True)


def test_registration_for_a_health_day_states_its_purpose_and_asks_a_separate_consent(app):
    day = build_day(app)
    page = app.test_client().get(f"/activities/{day.activity}/register?lang=en").get_data(as_text=True)
    assert "only the day&#39;s health staff and its organizers see them" in page
    assert "I agree that the health services I receive are recorded" in page
