"""The organizer dashboard: the day's activities with counts, booths, arrivals and roll-ups."""

import json
import re
import time
import uuid

import pytest

from eventdesk.extensions import db
from tests.support import factories


@pytest.fixture
def day(app):
    """Two districts, three activities today, scans made through the API."""
    with app.app_context():
        east, west = factories.district(name="东区"), factories.district(name="西区")
        event = factories.event()
        fair = factories.activity(event, site_=factories.site(east, name="阳光广场"), booths=2)
        clinic = factories.activity(event, kind="health", site_=factories.site(west, name="村卫生室"))
        third = factories.activity(event, site_=factories.site(east, name="镇广场"))
        tickets = [factories.registration(fair).token for _ in range(4)]
        factories.registration(clinic)
        scanner = factories.scanner_token(fair)
        east_organizer = factories.user(
            "organizer", email="east@example.org", scopes=[{"district_id": east.id}]
        )
        factories.user("organizer", email="city@example.org")
        factories.user("staff", email="nobody@example.org")
        db.session.commit()
        ids = {"fair": fair.id, "clinic": clinic.id, "third": third.id, "booths": [b.id for b in fair.booths]}
        del east_organizer
    http = app.test_client()

    def post(path, body):
        return http.post(
            f"/api/v1{path}",
            data=json.dumps(body),
            content_type="application/json",
            headers={"Authorization": f"Bearer {scanner}"},
        )

    for token in tickets[:3]:
        post("/scans", {"token": token, "client_scan_id": str(uuid.uuid4())})
    post("/scans", {"token": tickets[0], "client_scan_id": str(uuid.uuid4()), "direction": "out"})
    post("/scans", {"token": tickets[1], "booth_id": ids["booths"][0], "client_scan_id": str(uuid.uuid4())})
    post("/walkins", {"client_scan_id": str(uuid.uuid4()), "count": 5})
    post("/walkins", {"client_scan_id": str(uuid.uuid4()), "count": 2, "booth_id": ids["booths"][1]})
    return ids


def figure(html: str, activity_id: int, name: str) -> int:
    card = html.split(f'id="activity-{activity_id}"', 1)[1].split("</article>", 1)[0]
    return int(re.search(rf'data-figure="{name}">(\d+)<', card).group(1))


def test_city_organizer_sees_every_activity_with_its_figures(client, day):
    client.login("city@example.org")
    html = client.get("/dashboard/").get_data(as_text=True)
    assert "实时看板" in html
    for activity in ("fair", "clinic", "third"):
        assert f'id="activity-{day[activity]}"' in html
    assert figure(html, day["fair"], "registered") == 4
    assert figure(html, day["fair"], "checked_in") == 3
    assert figure(html, day["fair"], "walk_ins") == 5
    assert figure(html, day["fair"], "attendance") == 8
    assert figure(html, day["fair"], "inside") == 2
    assert figure(html, day["fair"], "booth_visits") == 3
    assert figure(html, day["clinic"], "registered") == 1
    totals = html.split('class="totals"', 1)[1].split("</section>", 1)[0]
    assert re.search(r'data-figure="attendance">8<', totals)
    assert re.search(r'data-figure="registered">5<', totals)
    assert "<svg" in html  # arrivals and booth charts
    assert "东区" in html
    assert "西区" in html


def test_scoped_organizer_sees_only_their_district(client, day):
    client.login("east@example.org")
    html = client.get("/dashboard/").get_data(as_text=True)
    assert f'id="activity-{day["fair"]}"' in html
    assert f'id="activity-{day["third"]}"' in html
    assert f'id="activity-{day["clinic"]}"' not in html
    assert "西区" not in html


def test_staff_without_scope_sees_nothing(client, day):
    client.login("nobody@example.org")
    html = client.get("/dashboard/").get_data(as_text=True)
    assert "activity-" not in html


def test_fragment_and_english(client, day):
    client.login("city@example.org")
    html = client.get("/dashboard/live?lang=en").get_data(as_text=True)
    assert "Arrivals per 15 minutes" in html
    assert "<html" not in html
    assert figure(html, day["fair"], "attendance") == 8


def test_sign_in_required_and_bad_date(client, day):
    assert client.get("/dashboard/").status_code == 302
    client.login("city@example.org")
    assert client.get("/dashboard/?date=tomorrow").status_code == 400
    html = client.get("/dashboard/?date=2000-01-01").get_data(as_text=True)
    assert "activity-" not in html


@pytest.mark.browser
@pytest.mark.server
def test_scan_shows_on_an_open_dashboard_within_two_seconds(app, live_server, launch_chromium, day):
    with app.app_context():
        from eventdesk.core.models import Activity

        fair = db.session.get(Activity, day["fair"])
        fresh = factories.registration(fair).token
        scanner = factories.scanner_token(fair)
        db.session.commit()
    server = live_server(workers=2)
    browser = launch_chromium()
    page = browser.new_page()
    page.goto(f"{server.url}/login")
    page.fill("input[name=email]", "city@example.org")
    page.fill("input[name=password]", factories.PASSWORD)
    page.click("button[type=submit]")
    page.goto(f"{server.url}/dashboard/")
    page.wait_for_selector("#live-state[data-state=live]", timeout=10000)
    selector = f'#activity-{day["fair"]} [data-figure="checked_in"]'
    assert page.inner_text(selector) == "3"
    import urllib.request

    request = urllib.request.Request(
        f"{server.url}/api/v1/scans",
        data=json.dumps({"token": fresh, "client_scan_id": str(uuid.uuid4())}).encode(),
        headers={"Authorization": f"Bearer {scanner}", "Content-Type": "application/json"},
        method="POST",
    )
    sent = time.monotonic()
    with urllib.request.urlopen(request, timeout=10) as response:
        assert json.loads(response.read())["result"] == "accepted"
    page.wait_for_selector(f"{selector}:text-is('4')", timeout=2000)
    assert time.monotonic() - sent < 2.0
