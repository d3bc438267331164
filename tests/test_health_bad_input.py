"""Every bad input of the health service day gets a clear, translated error, its exact status, and
changes nothing: not the day's facts, not the tally."""

import pytest

from tests.support.api import Api
from tests.support.health import add_resident, build_day, serve, stored_facts


@pytest.fixture
def day(app):
    return build_day(app)


@pytest.fixture
def resident(app, day):
    return add_resident(app, day, "王秀英", "13800000001")


def refused(response, status: int, code: str, message: str, field: str | None = None) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    error = response.get_json()["error"]
    assert error["code"] == code
    assert error["message"] == message
    if field is not None:
        assert error["field"] == field
    return error


def test_a_service_the_station_does_not_offer(app, day, resident):
    before = stored_facts(app)
    provider = Api(app, day.provider)
    response = serve(provider, day, "一号服务站", resident[1], "clinic")
    refused(response, 409, "service_not_offered", "本服务站不提供这项服务。", "service")
    english = serve(provider, day, "一号服务站", resident[1], "clinic", headers={"Accept-Language": "en"})
    assert english.get_json()["error"]["message"] == "This station does not offer this service."
    # A code that is not on the day's list at all is not one of the field's choices.
    unknown = serve(provider, day, "一号服务站", resident[1], "dentist")
    refused(unknown, 422, "invalid_field", "缺少字段或字段类型错误。", "service")
    assert stored_facts(app) == before


def test_a_service_at_a_station_of_another_activity(app, day, resident):
    before = stored_facts(app)
    scanner = Api(app, day.scanner)
    response = serve(scanner, day, "一号服务站", resident[1], "bp", booth_id=day.other_booth)
    refused(response, 409, "wrong_booth", "展位不符：此设备或所选内容属于另一个展位。")
    # The other day's own scanner cannot record at this day at all.
    other = serve(Api(app, day.other_scanner), day, "一号服务站", resident[1], "bp")
    assert other.status_code == 403
    assert stored_facts(app) == before


def test_the_same_service_twice(app, day, resident):
    provider = Api(app, day.provider)
    assert serve(provider, day, "一号服务站", resident[1], "bp").status_code == 201
    before = stored_facts(app)
    again = serve(provider, day, "一号服务站", resident[1], "bp", referral=True)
    refused(again, 409, "already_served", "该群众今天已接受过这项服务。")
    # From another device, at the same station, the same.
    other = serve(Api(app, day.station_scanners["一号服务站"]), day, "一号服务站", resident[1], "bp")
    refused(other, 409, "already_served", "该群众今天已接受过这项服务。")
    assert stored_facts(app) == before
    assert serve(provider, day, "一号服务站", resident[1], "exam").status_code == 201, (
        "another service is fine"
    )


def test_a_note_of_ten_thousand_characters(app, day, resident):
    before = stored_facts(app)
    response = serve(Api(app, day.provider), day, "一号服务站", resident[1], "bp", note="高" * 10_000)
    refused(response, 422, "invalid_field", "缺少字段或字段类型错误。", "note")
    assert stored_facts(app) == before


def test_a_resident_who_has_not_agreed_is_served_only_once_they_agree(app, day):
    _id, ticket = add_resident(app, day, "李建国", "13800000002", consent=False)
    provider = Api(app, day.provider)
    before = stored_facts(app)
    response = serve(provider, day, "一号服务站", ticket, "bp")
    refused(
        response,
        409,
        "health_consent_required",
        "该群众尚未同意记录健康服务：请先征得同意，并勾选同意。",
        "consent",
    )
    assert stored_facts(app) == before
    assert serve(provider, day, "一号服务站", ticket, "bp", consent=True).status_code == 201
    assert (_id, True) in stored_facts(app)["consents"]
    assert serve(provider, day, "一号服务站", ticket, "exam").status_code == 201, "asked once is enough"


def test_a_non_health_account_records_no_service(app, day, resident):
    before = stored_facts(app)
    response = serve(Api(app, day.outsider), day, "一号服务站", resident[1], "bp")
    refused(response, 403, "forbidden", "您没有执行此操作的权限。")
    # A provider of one station does not record at another.
    other_station = serve(Api(app, day.provider), day, "二号服务站", resident[1], "clinic")
    assert other_station.status_code == 403
    assert stored_facts(app) == before


def test_a_non_health_account_or_another_activitys_scanner_opening_a_residents_services(app, day, resident):
    registration_id, ticket = resident
    serve(Api(app, day.provider), day, "一号服务站", ticket, "bp", referral=True, note="血压偏高，建议复查")
    before = stored_facts(app)
    path = f"/activities/{day.activity}/health/residents/{registration_id}/services"
    for token in (day.outsider, day.other_scanner, day.scanner, day.station_scanners["一号服务站"]):
        response = Api(app, token).get(path)
        error = refused(response, 403, "forbidden", "您没有执行此操作的权限。")
        assert "血压" not in response.get_data(as_text=True)
        assert error
    assert stored_facts(app) == before
    allowed = Api(app, day.provider).get(path)
    assert allowed.status_code == 200
    [given] = allowed.get_json()["services"]
    assert (given["service"], given["referral"], given["note"]) == ("bp", True, "血压偏高，建议复查")
    assert allowed.headers["Cache-Control"] == "private, no-store"


def test_calling_the_next_number_on_an_empty_queue(app, day, resident):
    station = day.station("一号服务站")
    provider = Api(app, day.provider)
    before = stored_facts(app)
    response = provider.post(f"/activities/{day.activity}/health/stations/{station}/call-next", {})
    refused(response, 409, "queue_empty", "本服务站没有人在排队。")
    english = provider.post(
        f"/activities/{day.activity}/health/stations/{station}/call-next", {}, **{"Accept-Language": "en"}
    )
    assert english.get_json()["error"]["message"] == "Nobody is waiting in this station's queue."
    assert stored_facts(app) == before
    # Once everyone waiting has been called, the queue is empty again.
    queue = f"/activities/{day.activity}/health/stations/{station}/queue"
    assert provider.post(queue, {"token": resident[1]}).status_code == 201
    assert (
        provider.post(f"/activities/{day.activity}/health/stations/{station}/call-next", {}).status_code
        == 200
    )
    again = provider.post(f"/activities/{day.activity}/health/stations/{station}/call-next", {})
    refused(again, 409, "queue_empty", "本服务站没有人在排队。")


def test_a_queue_number_for_a_ticket_that_is_not_valid_here(app, day, resident):
    station = day.station("一号服务站")
    provider = Api(app, day.provider)
    queue = f"/activities/{day.activity}/health/stations/{station}/queue"
    before = stored_facts(app)
    refused(
        provider.post(queue, {"token": "x" * 22}),
        409,
        "unknown_token",
        "无效票码：这不是本系统签发的二维码。",
    )
    refused(provider.post(queue, {}), 422, "invalid_field", "缺少字段或字段类型错误。", "token")
    not_a_station = f"/activities/{day.activity}/health/stations/{day.other_booth}/queue"
    refused(
        provider.post(not_a_station, {"token": resident[1]}),
        409,
        "not_a_station",
        "这不是本次健康服务活动的服务站。",
    )
    assert stored_facts(app) == before
