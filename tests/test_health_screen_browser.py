"""The now-serving screen in a real browser, against a real server: it follows its station's queue
by itself (a number called at the station appears without reloading), and the provider signed in
on it calls the next number with one tap."""

import pytest

from tests.support import factories
from tests.support.api import Api
from tests.support.health import add_resident, build_day
from tests.support.storm import post

pytestmark = [pytest.mark.browser, pytest.mark.server]

TABLET = {"width": 1280, "height": 800}


def test_the_now_serving_screen_follows_the_queue(app, live_server, launch_chromium):
    day = build_day(app)
    tickets = [
        add_resident(app, day, name, f"1380000{n:04d}")[1] for n, name in enumerate(("甲", "乙", "丙"))
    ]
    provider = Api(app, day.provider)
    station = f"/activities/{day.activity}/health/stations/{day.station('一号服务站')}"
    for ticket in tickets:
        assert provider.post(f"{station}/queue", {"token": ticket}).status_code == 201
    server = live_server(workers=2)
    browser = launch_chromium()
    screen = browser.new_context(viewport=TABLET, locale="zh-CN").new_page()
    screen.goto(f"{server.url}{station}/screen")
    serving = screen.locator('[data-queue="serving"]')
    following = screen.locator('[data-queue="next"]')
    assert serving.inner_text() == "—"
    assert following.inner_text() == "1 2 3"
    # The numbers fill the screen: the current one is at least a third of its height.
    assert serving.bounding_box()["height"] > TABLET["height"] / 3
    assert screen.evaluate("document.documentElement.scrollHeight") <= TABLET["height"]
    assert screen.get_by_role("button", name="叫下一个号").count() == 0

    # Called at the station (another device): the screen shows it by itself.
    assert post(server.url, f"{station}/call-next", day.provider, {})[0] == 200
    serving.filter(has_text="1").wait_for(timeout=10_000)
    assert following.inner_text() == "2 3"

    # The provider signed in on the tablet calls the next with one tap.
    tablet = browser.new_context(viewport=TABLET, locale="zh-CN").new_page()
    tablet.goto(f"{server.url}/login")
    tablet.locator("input[name=email]").fill(day.provider_email)
    tablet.locator("input[name=password]").fill(factories.PASSWORD)
    tablet.locator("input[name=password]").press("Enter")
    tablet.wait_for_load_state()
    tablet.goto(f"{server.url}{station}/screen")
    tablet.get_by_role("button", name="叫下一个号").click()
    tablet.wait_for_url(f"**{station}/screen")
    assert tablet.locator('[data-queue="serving"]').inner_text() == "2"
    serving.filter(has_text="2").wait_for(timeout=10_000)
    assert following.inner_text() == "3"
