"""The written report and the exports go out as they are: places named once, the event's own city
and addressee, rows numbered 1, 2, 3."""

import csv
import io
import re

import openpyxl
import pytest

from eventdesk.core.models import Event
from eventdesk.extensions import db
from tests.support import factories
from tests.support.scripted import scripted_day


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def sign_in(app, client, role="organizer", scopes=()):
    with app.app_context():
        email = factories.user(role, scopes=scopes).email
        db.session.commit()
    client.login(email)


@pytest.fixture
def two_districts(app):
    with app.app_context():
        new_area, wangyi = factories.district(name="新区管委会"), factories.district(name="王益区")
        event = factories.event()
        square = factories.activity(event, site_=factories.site(new_area, name="新区阳光广场"))
        town = factories.activity(event, site_=factories.site(wangyi, name="黄堡镇广场"))
        db.session.commit()
        return {"event": event.id, "day": square.day, "new_area": new_area.id, "town": town.id}


def test_a_site_named_after_its_district_is_not_named_twice(app, client, two_districts):
    sign_in(app, client)
    text = text_of(client.get(f"/reports/written/city?date={two_districts['day']}").get_data(as_text=True))
    assert "在新区阳光广场举行" in text
    assert "新区管委会新区阳光广场" not in text
    assert "新区新区" not in text
    assert "在王益区黄堡镇广场举行" in text


def test_the_organizer_sets_the_events_city_and_addressee(app, client, two_districts):
    sign_in(app, client)
    event_id, day = two_districts["event"], two_districts["day"]
    with app.app_context():
        event = db.session.get(Event, event_id)
        form = {
            "name": event.name,
            "name_en": event.name_en,
            "timezone": event.timezone,
            "starts_on": event.starts_on.isoformat(),
            "ends_on": event.ends_on.isoformat(),
            "city_name": "铜川市",
            "report_addressee": "铜川市脱贫攻坚领导小组办公室",
        }
    response = client.post_form(f"/manage/events/{event_id}/edit", form)
    assert response.status_code == 302
    with app.app_context():
        event = db.session.get(Event, event_id)
        assert (event.city_name, event.report_addressee) == ("铜川市", "铜川市脱贫攻坚领导小组办公室")

    city = text_of(client.get(f"/reports/written/city?date={day}").get_data(as_text=True))
    assert "关于铜川市" in city
    assert "铜川市共组织开展" in city
    assert "全市" not in city
    district = text_of(
        client.get(f"/reports/written/district/{two_districts['new_area']}?date={day}").get_data(as_text=True)
    )
    assert "铜川市脱贫攻坚领导小组办公室：" in district
    assert "To the City" not in district
    assert "市脱贫攻坚办公室：" not in district

    english = text_of(
        client.get(f"/reports/written/district/{two_districts['new_area']}?date={day}&lang=en").get_data(
            as_text=True
        )
    )
    assert "To 铜川市脱贫攻坚领导小组办公室:" in english


def test_without_them_the_report_says_the_city_and_its_office(app, client, two_districts):
    sign_in(app, client)
    day = two_districts["day"]
    assert "关于全市" in text_of(client.get(f"/reports/written/city?date={day}").get_data(as_text=True))
    district = client.get(f"/reports/written/district/{two_districts['new_area']}?date={day}")
    assert "市脱贫攻坚办公室：" in text_of(district.get_data(as_text=True))


def test_a_city_name_too_long_is_refused_beside_its_field(app, client, two_districts):
    sign_in(app, client)
    with app.app_context():
        event = db.session.get(Event, two_districts["event"])
        form = {
            "name": event.name,
            "timezone": event.timezone,
            "starts_on": event.starts_on.isoformat(),
            "ends_on": event.ends_on.isoformat(),
            "city_name": "市" * 51,
        }
    response = client.post_form(f"/manage/events/{two_districts['event']}/edit", form)
    assert response.status_code == 200
    with app.app_context():
        assert db.session.get(Event, two_districts["event"]).city_name is None


def test_exports_number_their_rows_and_show_no_database_ids(app, client):
    day = scripted_day(app)
    sign_in(app, client)
    book = openpyxl.load_workbook(io.BytesIO(client.get(f"/reports/tally.xlsx?date={day['day']}").data))
    for sheet in book.worksheets:
        headers = [cell.value for cell in sheet[1]]
        assert headers[0] == "序号"
        assert not any(h.endswith("编号") for h in headers), headers
        numbers = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
        assert numbers == list(range(1, len(numbers) + 1))
    assert [c.value for c in book["各活动"]["A"][1:]] == [1, 2]

    tally_csv = client.get(f"/reports/tally.csv?date={day['day']}").data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(tally_csv)))
    assert rows[0][0] == "序号"
    assert [row[0] for row in rows[1:]] == [str(n) for n in range(1, len(rows))]

    registrations = openpyxl.load_workbook(
        io.BytesIO(client.get(f"/reports/activities/{day['fair']}/lists/registrations.xlsx").data)
    ).worksheets[0]
    assert [c.value for c in registrations["A"]] == ["序号", 1, 2, 3, 4]
