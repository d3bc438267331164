"""The public summary: open to all, aggregates only, small counts withheld, cached for a minute."""

import datetime as dt
import re
import uuid

import pytest

from eventdesk.core import tally as core_tally
from eventdesk.core.services import registrations
from eventdesk.extensions import db
from eventdesk.reports import public
from tests.support import factories
from tests.support.api import Api

PEOPLE = [
    ("李建国", "13912345678", "11010519491231002X"),
    ("张桂英", "13698765432", "320583198706151230"),
    ("王德福", "15811112222", None),
]


def register_people(activity, count):
    tickets = []
    for n in range(count):
        name, phone, id_number = PEOPLE[n] if n < len(PEOPLE) else (f"群众{n}", f"1370000{n:04d}", None)
        tickets.append(
            registrations.register(
                activity,
                registrations.RegistrationRequest(name=name, phone=phone, id_number=id_number, consent=True),
                source="staff",
            ).token
        )
    return tickets


@pytest.fixture
def event_day(app):
    """A small activity (3 people in) and a larger one (12 in), both today."""
    with app.app_context():
        # Named without the factories' running numbers, which could look like digits of a phone.
        event = factories.event()
        event.name = "扶贫日活动"
        district = factories.district(name="耀州区")
        small = factories.activity(event, site_=factories.site(district, name="孙塬村卫生室"))
        small.site.address = "孙塬镇孙塬村"
        large = factories.activity(event, site_=factories.site(district, name="阳光广场"))
        small.name, large.name = "健康义诊", "政策咨询"
        small_tickets, large_tickets = register_people(small, 3), register_people(large, 12)
        tokens = factories.scanner_token(small), factories.scanner_token(large)
        db.session.commit()
        data = {"event": event.id, "small": small.id, "large": large.id, "names": (small.name, large.name)}
    for scanner, tickets in zip(tokens, (small_tickets, large_tickets), strict=True):
        api = Api(app, scanner)
        for ticket in tickets:
            assert api.scan(ticket)["result"] == "accepted"
    return data


def test_public_page_shows_activities_without_personal_data(app, event_day):
    response = app.test_client().get("/public")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert event_day["names"][0] in html
    assert event_day["names"][1] in html
    assert "孙塬村卫生室" in html
    assert "孙塬镇孙塬村" in html
    # Not a digit of anyone's phone or ID number, whole or masked, nor a name.
    for name, phone, id_number in PEOPLE:
        assert name not in html
        for number in filter(None, (phone, id_number)):
            for start in range(len(number) - 3):
                assert number[start : start + 4] not in html, number[start : start + 4]
        assert phone[-4:] not in html
    assert not re.search(r"1[3-9]\d{9}", html)
    assert "****" not in html


def test_places_are_written_with_the_brackets_of_the_readers_language(app, event_day):
    chinese = app.test_client().get("/public?lang=zh_Hans").get_data(as_text=True)
    assert "孙塬村卫生室（耀州区）" in chinese
    english = app.test_client().get("/public?lang=en").get_data(as_text=True)
    assert "（" not in english
    assert "）" not in english
    assert re.search(r"Square \d+ \(District \d+\)", english)


def test_small_counts_are_withheld_and_totals_cannot_reveal_them(app, event_day):
    html = app.test_client().get("/public").get_data(as_text=True)
    values = re.findall(r'<span class="value">([^<]+)</span>', html)
    # The total first (3 + 12 would give the 3 away), then each activity.
    assert values[0] == "≥12"
    assert "&lt;5" in values[1:]
    assert "12" in values[1:]
    assert "15" not in values


def test_figure_rules():
    assert public.shown(0) == "<5"
    assert public.shown(4) == "<5"
    assert public.shown(5) == "5"
    assert public.shown_total([3, 1]) == "<5"
    assert public.shown_total([3, 3]) == "≥5"
    assert public.shown_total([0, 7, 8]) == "15"
    assert public.shown_total([2, 7, 8]) == "≥15"


def test_public_page_is_cached_for_a_minute(app, event_day):
    http = app.test_client()
    first = http.get("/public")
    assert first.headers["Cache-Control"] == "public, max-age=60"
    assert "Set-Cookie" not in first.headers
    with app.app_context():
        from eventdesk.core.models import Activity

        activity = db.session.get(Activity, event_day["large"])
        activity.name = "改了名字的活动"
        db.session.commit()
    assert http.get("/public").data == first.data  # served from the cache
    assert "改了名字的活动" in http.get("/public?lang=en").get_data(as_text=True)  # one entry per language
    with app.app_context():
        public.page_cache().clear()
    assert "改了名字的活动" in http.get("/public").get_data(as_text=True)


def test_public_page_shows_kinds_public_metrics(app, kind_with_metrics):
    with app.app_context():
        activity = factories.activity(kind=kind_with_metrics.name)
        core_tally.feed(
            [
                ((activity.day, activity.id, None, "jobs_offered"), 40),
                ((activity.day, activity.id, None, "private_notes"), 9),
            ],
        )
        db.session.commit()
    html = app.test_client().get("/public").get_data(as_text=True)
    assert "Jobs offered" in html
    assert ">40<" in html
    assert "Notes" not in html  # not marked public


def test_no_event_yet(app):
    response = app.test_client().get("/public")
    assert response.status_code == 200
    assert "暂无可公布的系列活动" in response.get_data(as_text=True)
    assert app.test_client().get("/public?event=999999").status_code == 404


def test_after_the_day_the_last_event_stays_public(app):
    with app.app_context():
        last = factories.event(starts_on=dt.date(2025, 10, 17))
        factories.activity(last, site_=factories.site(name="去年的广场"))
        db.session.commit()
    html = app.test_client().get("/public").get_data(as_text=True)
    assert "去年的广场" in html
    assert "2025-10-17 00:00" in html


def test_walk_ins_count_towards_attendance(app):
    with app.app_context():
        activity = factories.activity()
        scanner = factories.scanner_token(activity)
        db.session.commit()
    api = Api(app, scanner)
    assert api.post("/walkins", {"client_scan_id": str(uuid.uuid4()), "count": 6}).status_code == 200
    html = app.test_client().get("/public").get_data(as_text=True)
    assert re.findall(r'<span class="value">([^<]+)</span>', html)[:2] == ["6", "6"]


def test_the_public_page_has_its_large_type_too(app, event_day):
    http = app.test_client()
    assert 'class="large-type"' not in http.get("/public").get_data(as_text=True)
    large = http.get("/public?large=1").get_data(as_text=True)
    assert '<body class="large-type">' in large
    assert "?large=0" in large
    # Kept for the pages that follow, and cached apart from the normal page.
    assert '<body class="large-type">' in http.get("/public").get_data(as_text=True)
    assert '<body class="large-type">' not in http.get("/public?large=0").get_data(as_text=True)
