"""At the handover desk, on a phone-sized screen in a real browser against a real server: the
letter's code is scanned (typed) and the household is present, the head signs with a finger on the
pad, one tap hands the keys over; the signature kept is the one drawn, and the receipt shows it."""

import io

import pytest
import sqlalchemy as sa
from PIL import Image

from eventdesk.activities.handover.models import Handover
from eventdesk.core.models import Registration
from eventdesk.extensions import db
from tests.support import factories
from tests.support.handover import build_ceremony, household_row

pytestmark = [pytest.mark.browser, pytest.mark.server]

PHONE_SCREEN = {"width": 390, "height": 844}


def test_a_head_signs_on_the_desk_s_screen_and_takes_the_keys(app, live_server, launch_chromium):
    ceremony = build_ceremony(app, [household_row(1), household_row(2)])
    with app.app_context():
        code = db.session.scalar(
            sa.select(Registration.ticket_code).where(Registration.id == ceremony.households["户主1"][0])
        )
    server = live_server(workers=1)
    browser = launch_chromium()
    context = browser.new_context(viewport=PHONE_SCREEN, is_mobile=True, has_touch=True, locale="zh-CN")
    page = context.new_page()
    try:
        page.goto(f"{server.url}/login")
        page.get_by_label("电子邮箱").fill(ceremony.desk_staff_email)
        page.get_by_label("密码").fill(factories.PASSWORD)
        page.get_by_role("button", name="登录").click()
        page.goto(f"{server.url}/manage/activities/{ceremony.activity}/handover/desk")
        page.get_by_label("邀请函票码").fill(code)
        page.get_by_label("邀请函票码").press("Enter")
        page.wait_for_selector("canvas")
        assert page.locator("[data-present]").get_attribute("data-present") == "yes"  # present once scanned
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_SCREEN["width"]

        # The proxy's fields only when a proxy takes the keys.
        assert page.locator(".proxy-fields").is_hidden()
        page.get_by_label("代领人", exact=True).check()
        assert page.locator(".proxy-fields").is_visible()
        page.get_by_label("户主本人").check()
        assert page.locator(".proxy-fields").is_hidden()

        pad = page.locator(".signature-pad canvas")
        pad.scroll_into_view_if_needed()
        box = pad.bounding_box()
        page.mouse.move(box["x"] + 20, box["y"] + box["height"] / 2)
        page.mouse.down()
        for step in range(1, 12):
            page.mouse.move(box["x"] + 20 + step * 25, box["y"] + box["height"] / 2 + (-1) ** step * 25)
        page.mouse.up()
        page.get_by_role("button", name="交付钥匙").tap()
        page.wait_for_selector("text=钥匙已交付")
        page.get_by_role("link", name="确认单").click()
        page.wait_for_selector("article.receipt img")
        assert page.locator("article.receipt img").evaluate("image => image.naturalWidth") == 600
    finally:
        context.close()

    with app.app_context():
        handover = db.session.scalar(sa.select(Handover))
        assert handover.recipient == "head"
        picture = Image.open(io.BytesIO(handover.signature))
        assert picture.size == (600, 240)
        ink = picture.convert("LA").getextrema()
        assert ink[1][1] > 0  # something was drawn where it was transparent
