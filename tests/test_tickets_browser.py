"""A person registers on a phone-sized screen in a real browser, against a real server, and the
QR code on the ticket page reads back as the ticket's address."""

import re

import pytest
import sqlalchemy as sa

from eventdesk.core.models import Registration
from eventdesk.core.services import registrations
from eventdesk.extensions import db
from tests.support import factories
from tests.support.tickets import read_qr

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
        page.get_by_label("手机号码").fill("138 1234 567")  # a digit short
        page.get_by_label("所在村（镇）").fill("阳光村")
        page.get_by_label("我已阅读上面的说明").check()
        page.get_by_role("button", name="提交报名，领取电子票").tap()

        # Refused: the page opens on the summary of what to correct, focused, linked to the field.
        page.wait_for_selector("#error-summary")
        assert page.evaluate("document.activeElement.id") == "error-summary"
        page.get_by_role("link", name="手机号码：请输入 11 位大陆手机号码。").tap()
        assert page.evaluate("location.hash") == "#phone"
        page.get_by_label("手机号码").fill("138 1234 5678")
        if not page.get_by_label("我已阅读上面的说明").is_checked():
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
    # (A redirect keeps the "#phone" the summary's link added: the ticket page ignores it.)
    assert page.url.split("#")[0] == f"{server.url}/t/{token}"
    assert read_qr(screenshot) == f"{server.url}/t/{token}"


def test_printed_sheet_has_eight_tickets_to_an_a4_page_and_they_scan(app, live_server, launch_chromium):
    with app.app_context():
        activity = factories.activity()
        for n in range(9):
            registrations.register(
                activity,
                registrations.RegistrationRequest(name=f"群众{n}", phone=f"1350000{n:04d}", consent=True),
            )
        factories.user("staff", email="desk@example.org", scopes=[{"activity_id": activity.id}])
        activity_id = activity.id
        db.session.commit()
    server = live_server(workers=1)
    browser = launch_chromium()
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    try:
        page.goto(f"{server.url}/login")
        page.get_by_label("电子邮箱").fill("desk@example.org")
        page.get_by_label("密码").fill(factories.PASSWORD)
        page.get_by_role("button", name="登录").click()
        page.wait_for_url("**/manage/")
        page.goto(f"{server.url}/manage/activities/{activity_id}/registrations/sheet")
        assert page.locator(".sheet-ticket").count() == 9
        page.emulate_media(media="print")
        assert not page.locator(".topbar").is_visible()
        first_ticket = page.locator(".sheet-ticket .sheet-qr").first.screenshot()
        pdf = page.pdf(prefer_css_page_size=True)
    finally:
        context.close()

    assert len(re.findall(rb"/Type\s*/Page\b", pdf)) == 2  # 8 on the first A4 page, 1 on the second
    sizes = {
        tuple(round(float(n)) for n in box.split()[2:])
        for box in re.findall(rb"/MediaBox\s*\[([^\]]*)\]", pdf)
    }
    assert sizes == {(595, 842)}  # A4 in points, from the sheet's @page rule
    with app.app_context():
        tokens = set(
            db.session.scalars(sa.select(Registration.token).where(Registration.activity_id == activity_id))
        )
    read = read_qr(first_ticket)
    assert read.startswith(f"{server.url}/t/")
    assert read.rsplit("/", 1)[-1] in tokens
