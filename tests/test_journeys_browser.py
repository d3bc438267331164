"""Journeys in Debian's Chromium on a phone-sized screen, as the people of the day make them, with
a screenshot of each step under test-results/journeys/ (CI keeps the folder)."""

import io
import re
import uuid

import pypdf
import pytest
import sqlalchemy as sa

from eventdesk.activities.jobfair.models import Application, Employer
from eventdesk.core.services import credentials
from eventdesk.extensions import db
from tests.support import factories
from tests.support.jobfair import build_fair
from tests.support.journeys import Journey
from tests.support.scripted import scripted_day

pytestmark = [pytest.mark.browser, pytest.mark.server]

WAIT_MS = 15_000
PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True, "locale": "zh-CN"}
DESK = {"viewport": {"width": 1280, "height": 900}, "locale": "zh-CN"}


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


def sign_in(page, url: str, email: str) -> None:
    page.goto(f"{url}/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", factories.PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()


def test_a_job_seeker_registers_and_applies_at_a_stand(app, live_server, launch_chromium):
    journey = Journey("job-seeker")
    fair = build_fair(app)
    with app.app_context():
        stand = db.session.get(Employer, fair.employers["市人民医院"]).booth
        _credential, _token, code = credentials.issue(stand.activity, label="医院展位志愿者", booth=stand)
        db.session.commit()
    server = live_server()
    browser = launch_chromium()

    # The seeker registers on a cheap phone, with the fair's questions.
    seeker = browser.new_context(**PHONE).new_page()
    seeker.goto(f"{server.url}/activities/{fair.activity}/register")
    journey.shot(seeker, "registration form")
    seeker.get_by_label("姓名").fill("王秀英")
    seeker.get_by_label("手机号码").fill("13800000001")
    seeker.get_by_label("学历（选填）").select_option(label="初中")
    seeker.get_by_label("求职意向（选填）").fill("护工")
    seeker.get_by_label("我已阅读上面的说明").check()
    seeker.get_by_role("button", name="提交报名，领取电子票").tap()
    seeker.wait_for_url("**/t/*")
    journey.shot(seeker, "ticket")
    ticket_url = seeker.url.split("#")[0]

    # The stand's volunteer scans the ticket and applies for the seeker in two taps.
    volunteer = browser.new_context(**PHONE).new_page()
    volunteer.goto(f"{server.url}/scanner/enrol/{code}")
    volunteer.wait_for_selector("body[data-enrolled='yes']", timeout=WAIT_MS)
    hardware_scan(volunteer, ticket_url)
    volunteer.wait_for_selector("#answer[data-seq='1'][data-result='accepted']", timeout=WAIT_MS)
    volunteer.wait_for_selector("#actions:not([hidden])", timeout=WAIT_MS)
    journey.shot(volunteer, "scanned at the stand")
    volunteer.click("#answer")
    volunteer.click("#action-buttons button[data-action='apply']")
    volunteer.wait_for_selector("#action-sheet:not([hidden])", timeout=WAIT_MS)
    journey.shot(volunteer, "the stand's postings")
    # The posting is the only thing to say: its tap records the application.
    volunteer.click(f"[data-input='posting_id'] button[data-value='{fair.postings['护工']}']")
    volunteer.wait_for_selector("#toast[data-color='green']:not([hidden])", timeout=WAIT_MS)
    journey.shot(volunteer, "applied")

    with app.app_context():
        [application] = db.session.scalars(sa.select(Application)).all()
        assert application.posting_id == fair.postings["护工"]
    # The seeker's ticket says where they applied.
    seeker.reload()
    assert "护工" in seeker.inner_text("body")
    journey.shot(seeker, "ticket with the application")


def test_the_dashboard_moves_while_a_volunteer_scans(app, live_server, launch_chromium):
    journey = Journey("dashboard")
    with app.app_context():
        activity = factories.activity()
        tickets = [factories.registration(activity).token for _ in range(3)]
        organizer = factories.user("organizer")
        scanner = factories.scanner_token(activity)
        db.session.commit()
        activity_id, email = activity.id, organizer.email
    server = live_server()
    browser = launch_chromium()
    dashboard = browser.new_context(**DESK).new_page()
    sign_in(dashboard, server.url, email)
    dashboard.goto(f"{server.url}/dashboard/")
    figure = f"#activity-{activity_id} [data-figure='checked_in']"
    dashboard.wait_for_selector(f"{figure}:text-is('0')", timeout=WAIT_MS)
    journey.shot(dashboard, "before the first scan")
    # A volunteer's phone scans at the entrance; the open dashboard follows each scan live.
    volunteer = browser.new_context(**PHONE).new_page()
    volunteer.goto(f"{server.url}/scanner")
    for number, token in enumerate(tickets, start=1):
        answer = volunteer.evaluate(SCAN, {"token": scanner, "ticket": token, "id": str(uuid.uuid4())})
        assert answer["result"] == "accepted"
        dashboard.wait_for_selector(f"{figure}:text-is('{number}')", timeout=WAIT_MS)
    journey.shot(dashboard, "after three scans")


#: A scan as the scanner page sends it.
SCAN = """({token, ticket, id}) => fetch('/api/v1/scans', {
    method: 'POST',
    headers: {'Authorization': 'Bearer ' + token, 'Content-Type': 'application/json'},
    body: JSON.stringify({client_scan_id: id, token: ticket}),
}).then((response) => response.json())"""


def test_the_written_report_prints_to_pdf_with_its_figures(app, live_server, launch_chromium):
    journey = Journey("written-report")
    day = scripted_day(app)
    with app.app_context():
        organizer = factories.user("organizer")
        db.session.commit()
        email = organizer.email
    server = live_server()
    browser = launch_chromium()
    page = browser.new_context(**DESK).new_page()
    sign_in(page, server.url, email)
    page.goto(f"{server.url}/reports/written/city?date={day['day'].isoformat()}")
    journey.shot(page, "written report")
    page.emulate_media(media="print")
    journey.shot(page, "as printed")
    pdf = page.pdf(prefer_css_page_size=True)
    (journey.folder / "written-report.pdf").write_bytes(pdf)
    text = re.sub(r"\s+", "", "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf)).pages))
    # The figures of the scripted day, as the tally has them, read back from the printed PDF.
    assert "共报名5人，签到4人，未登记到场5人，到场9人次" in text
    assert "接待人次最多的是金融咨询台，共3人次" in text
    assert "一、活动开展情况" in text
