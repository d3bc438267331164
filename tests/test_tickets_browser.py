"""A person registers on a phone-sized screen in a real browser, against a real server, and the
QR code on the ticket page reads back as the ticket's address."""

import pytest
import sqlalchemy as sa

from eventdesk.core.models import Registration
from eventdesk.extensions import db
from tests import factories
from tests.tickets_support import read_qr

pytestmark = [pytest.mark.browser, pytest.mark.server]

PHONE_SCREEN = {"width": 360, "height": 740}


def test_registering_on_a_phone_gives_a_ticket_that_scans(app, live_server, launch_chromium):
    with app.app_context():
        activity = factories.activity()
        activity_id, activity_name = activity.id, activity.name
        db.session.commit()
    server = live_server(workers=2)
    browser = launch_chromium()
    context = browser.new_context(
        viewport=PHONE_SCREEN, is_mobile=True, has_touch=True, device_scale_factor=2, locale="zh-CN"
    )
    page = context.new_page()
    try:
        page.goto(f"{server.url}/")
        page.get_by_role("link", name="报名").first.click()
        page.wait_for_url(f"**/activities/{activity_id}/register")
        assert activity_name in page.content()

        # Nothing on the form is wider than the phone's screen.
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_SCREEN["width"]
        page.get_by_label("姓名").fill("欧阳娜娜")
        page.get_by_label("手机号码").fill("138 1234 5678")
        page.get_by_label("所在村（镇）").fill("阳光村")
        page.get_by_label("我已阅读上面的说明").check()
        page.get_by_role("button", name="提交报名，领取电子票").tap()

        page.wait_for_url("**/t/*")
        assert "报名成功" in page.content()
        assert "欧**娜" in page.content()
        assert "13812345678" not in page.content()
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_SCREEN["width"]
        screenshot = page.locator("#ticket-qr").screenshot()
    finally:
        context.close()

    with app.app_context():
        token = db.session.scalar(
            sa.select(Registration.token).where(Registration.activity_id == activity_id)
        )
    assert page.url == f"{server.url}/t/{token}"
    assert read_qr(screenshot) == f"{server.url}/t/{token}"
