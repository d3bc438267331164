"""The scanner draws a booth's actions from the server's description and records them, online and
offline, in Debian's Chromium. The kind is the test's stamp fair: the page knows no kind."""

import pytest
import sqlalchemy as sa

from eventdesk.core.models import Action, ActionVoid, TallyCount
from eventdesk.core.services import credentials
from eventdesk.extensions import db
from tests.support import factories
from tests.support.kinds import STAMPS, feed_stands

pytestmark = [pytest.mark.browser]

WAIT_MS = 15_000
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


@pytest.fixture
def fair(stamp_kind_app):
    app = stamp_kind_app
    with app.app_context():
        activity = factories.activity(kind="stampfair")
        stand = factories.booth(activity, name="一号展位")
        stand.sort_order = 1
        feed_stands(activity, 1)
        ticket = factories.registration(activity, factories.person(name="张三丰"))
        credential, _token, code = credentials.issue(activity, label="志愿者小王", booth=stand)
        db.session.commit()
        return {"activity": activity.id, "booth": stand.id, "token": ticket.token, "code": code,
                "credential": credential.id}  # fmt: skip


def hardware_scan(page, text: str) -> None:
    """A keyboard-wedge scanner's burst of keys, dispatched in one go (see test_scanner_browser)."""
    page.evaluate(
        """(text) => {
            for (const key of [...text, 'Enter']) {
                const event = new KeyboardEvent('keydown', {key, bubbles: true, cancelable: true});
                document.body.dispatchEvent(event);
            }
        }""",
        text,
    )


def stamps(app) -> list[tuple]:
    with app.app_context():
        return db.session.execute(
            sa.select(Action.id, Action.registration_id, STAMPS.c.colour, STAMPS.c.count)
            .join(STAMPS, STAMPS.c.action_id == Action.id)
            .order_by(Action.id)
        ).all()


def stamp_figure(app) -> int:
    with app.app_context():
        total = sa.select(sa.func.sum(TallyCount.value)).where(TallyCount.metric == "stamps")
        value = db.session.scalar(total)
        return int(value or 0)


def record_blue_stamps(page, count: str) -> None:
    page.click("#action-buttons button[data-action='stamp']")
    page.wait_for_selector("#action-sheet:not([hidden])", timeout=WAIT_MS)
    page.fill("[data-input='count']", count)
    page.click("[data-input='colour'] button[data-value='blue']")
    page.click("#action-save")
    page.wait_for_selector("#action-sheet[hidden]", state="attached", timeout=WAIT_MS)


def test_the_scanner_records_a_booths_action_online_and_offline(
    stamp_kind_app, fair, in_process_server, launch_chromium
):
    app = stamp_kind_app
    url = in_process_server(app)
    browser = launch_chromium()
    context = browser.new_context(**PHONE)
    page = context.new_page()
    page.goto(f"{url}/scanner/enrol/{fair['code']}")
    page.wait_for_selector("body[data-enrolled='yes']", timeout=WAIT_MS)
    page.wait_for_selector("#more-actions", state="attached", timeout=WAIT_MS)

    # Online: scan, then the stand's action for that person in two steps.
    hardware_scan(page, f"{url}/t/{fair['token']}")
    page.wait_for_selector("#answer[data-seq='1'][data-result='accepted']", timeout=WAIT_MS)
    page.wait_for_selector("#actions:not([hidden])", timeout=WAIT_MS)
    assert "张*丰" in page.inner_text("#actions-for")
    page.click("#answer")
    page.click("#action-buttons button[data-action='stamp']")
    sheet = page.inner_text("#action-sheet")
    assert "Colour" in sheet
    assert "Blue" in sheet
    # A required field left empty is asked for on the phone, before anything is sent.
    page.click("[data-input='colour'] button[data-value='red']")
    page.click("#action-save")
    page.wait_for_selector("#action-error:not([hidden])", timeout=WAIT_MS)
    page.click("#action-cancel")
    record_blue_stamps(page, "2")
    page.wait_for_selector("#toast[data-color='green']:not([hidden])", timeout=WAIT_MS)
    page.wait_for_function("() => document.querySelector('#undo') && !document.querySelector('#undo').hidden")
    [(first_id, registration_id, colour, count)] = stamps(app)
    assert (colour, count) == ("blue", 2)
    assert registration_id is not None
    assert stamp_figure(app) == 2

    # Undo it, with a reason.
    page.once("dialog", lambda dialog: dialog.accept("记错了"))
    page.click("#undo")
    page.wait_for_function("() => document.querySelector('#undo').hidden", timeout=WAIT_MS)
    for _ in range(50):
        with app.app_context():
            if db.session.get(ActionVoid, first_id) is not None:
                break
        page.wait_for_timeout(100)
    assert stamp_figure(app) == 0

    # Offline: the scan and the action wait on the phone, then go up once, in that order.
    context.set_offline(True)
    hardware_scan(page, f"{url}/t/{fair['token']}")
    page.wait_for_selector("#answer[data-result='queued']", timeout=WAIT_MS)
    page.click("#answer")
    record_blue_stamps(page, "3")
    page.wait_for_selector("body[data-waiting='2']", timeout=WAIT_MS)
    assert len(stamps(app)) == 1
    context.set_offline(False)
    page.evaluate("() => window.dispatchEvent(new Event('online'))")
    page.wait_for_selector("body[data-waiting='0']", timeout=WAIT_MS)
    recorded = stamps(app)
    assert [(c, n) for _id, _r, c, n in recorded] == [("blue", 2), ("blue", 3)]
    assert stamp_figure(app) == 3
    context.close()
