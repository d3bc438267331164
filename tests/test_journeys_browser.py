"""Journeys in Debian's Chromium on a phone-sized screen, as the people of the day make them, with
a screenshot of each step under test-results/journeys/ (CI keeps the folder)."""

import io
import re
import uuid

import pypdf
import pytest
import sqlalchemy as sa
from PIL import Image

from eventdesk.activities.consultation.models import Consultation, Material
from eventdesk.activities.handover.models import Handover
from eventdesk.activities.health.models import QueueTicket, ServiceGiven
from eventdesk.activities.jobfair.models import Application, Employer
from eventdesk.core.models import Registration
from eventdesk.core.services import credentials
from eventdesk.extensions import db
from tests.support import consultation, factories, handover, health
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


def draw_a_signature(page) -> None:
    """A finger's zigzag across the signature pad."""
    pad = page.locator(".signature-pad canvas")
    pad.scroll_into_view_if_needed()
    box = pad.bounding_box()
    page.mouse.move(box["x"] + 20, box["y"] + box["height"] / 2)
    page.mouse.down()
    for step in range(1, 12):
        page.mouse.move(box["x"] + 20 + step * 25, box["y"] + box["height"] / 2 + (-1) ** step * 25)
    page.mouse.up()


def test_a_consultation_booth_logs_a_question_and_hands_out_materials(app, live_server, launch_chromium):
    journey = Journey("consultation-booth")
    fair = consultation.build_fair(app)
    _visitor, ticket = consultation.add_visitor(app, fair, "李建国", "13900000001")
    booth = fair.booth("市民政局")
    server = live_server()
    browser = launch_chromium()

    # A resident reads the booth's poster on their own phone.
    resident = browser.new_context(**PHONE).new_page()
    resident.goto(f"{server.url}/consult/{booth}")
    journey.shot(resident, "the booth's poster")

    # The booth's staff log the resident's question on a phone: the ticket scanned into the
    # desk, a call back asked for, the topic tapped.
    desk = browser.new_context(**PHONE).new_page()
    sign_in(desk, server.url, fair.booth_staff["市民政局"])
    desk.goto(f"{server.url}/manage/activities/{fair.activity}/consultation/booths/{booth}/desk")
    journey.shot(desk, "the booth's desk")
    desk.fill("input[name=ticket_code]", f"{server.url}/t/{ticket}")
    desk.click("details summary")
    desk.check("input[name=follow_up]")
    desk.fill("input[name=contact_phone]", "13900000001")
    desk.fill("[name=question]", "老人高龄补贴怎么领？")
    journey.shot(desk, "a question for a call back")
    desk.locator("button[name=topic][value=social_security]").tap()
    desk.wait_for_selector(".flash-success", timeout=WAIT_MS)
    assert desk.inner_text("[data-figure='consultations']") == "1"
    assert desk.inner_text("[data-figure='consultations.social_security']") == "1"
    assert desk.inner_text("[data-figure='follow_ups_opened']") == "1"
    journey.shot(desk, "consultation logged")

    # Two of the booth's brochures handed out in one tap.
    row = desk.locator("tr", has_text="社会救助政策问答")
    row.locator("input[name=quantity]").fill("2")
    row.locator("button[type=submit]").tap()
    desk.wait_for_selector(".flash-success", timeout=WAIT_MS)
    assert desk.locator("tr", has_text="社会救助政策问答").locator("td.num").inner_text() == "18"
    journey.shot(desk, "brochures handed out")

    with app.app_context():
        [logged] = db.session.scalars(sa.select(Consultation)).all()
        assert (logged.booth_id, logged.topic, logged.follow_up) == (booth, "social_security", True)
        assert logged.registration_id == fair.visitors["李建国"][0]
        brochure = db.session.get(Material, fair.materials["社会救助政策问答"])
        assert (brochure.handed_out, brochure.left) == (2, 18)


def test_a_health_station_queues_and_serves_a_resident(app, live_server, launch_chromium):
    journey = Journey("health-station")
    day = health.build_day(app, {"一号服务站": ("bp", "exam"), "二号服务站": ("clinic",)})
    resident_id, ticket = health.add_resident(app, day, "张桂兰", "13800001234")
    station = day.station("一号服务站")
    server = live_server()
    browser = launch_chromium()

    # The station's now-serving screen, open on a tablet by the queue.
    screen = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN").new_page()
    screen.goto(f"{server.url}/activities/{day.activity}/health/stations/{station}/screen")
    serving = screen.locator("[data-queue='serving']")
    assert serving.inner_text() == "—"

    # The provider gives the resident a number by scanning her ticket, then calls it.
    provider = browser.new_context(**PHONE).new_page()
    sign_in(provider, server.url, day.provider_email)
    provider.goto(f"{server.url}/manage/activities/{day.activity}/health/stations/{station}")
    journey.shot(provider, "the station")
    provider.fill("#queue-ticket", f"{server.url}/t/{ticket}")
    provider.locator(".queue-give button[type=submit]").tap()
    provider.wait_for_selector(".flash-success", timeout=WAIT_MS)
    assert "1" in provider.inner_text(".flash-success")
    journey.shot(provider, "queue number given")
    provider.get_by_role("button", name="叫下一个号").first.tap()
    provider.wait_for_selector(".flash-success", timeout=WAIT_MS)
    serving.filter(has_text="1").wait_for(timeout=WAIT_MS)
    journey.shot(screen, "now serving on the screen")

    # Found by name, her blood pressure check recorded with a note in one tap. The search boxes
    # take the phone's width, so that their hints can be read whole.
    for box in ("#station-ticket", "#station-q"):
        assert provider.locator(box).bounding_box()["width"] > PHONE["viewport"]["width"] * 0.7
    provider.fill("#station-q", "张桂兰")
    provider.locator("form.searchbar button[type=submit]").tap()
    found = provider.locator("a.button", has_text="1234")
    found.wait_for(timeout=WAIT_MS)
    journey.shot(provider, "found by name")
    found.tap()
    provider.wait_for_selector("button[name=service][value=bp]", timeout=WAIT_MS)
    provider.fill("[name=note]", "血压偏高，建议复查")
    provider.locator("button[name=service][value=bp]").tap()
    provider.wait_for_selector(".flash-success", timeout=WAIT_MS)
    assert "血压测量" in provider.inner_text("body")
    journey.shot(provider, "service recorded")

    with app.app_context():
        [given] = db.session.scalars(sa.select(ServiceGiven)).all()
        assert (given.registration_id, given.service_id, given.note) == (
            resident_id,
            day.services["bp"],
            "血压偏高，建议复查",
        )
        [number] = db.session.scalars(sa.select(QueueTicket)).all()
        assert (number.number, number.called_at is not None) == (1, True)


def test_a_handover_desk_hands_the_keys_over_against_a_signature(app, live_server, launch_chromium):
    journey = Journey("handover-desk")
    ceremony = handover.build_ceremony(app, [handover.household_row(1), handover.household_row(2)])
    head_id, _ticket, household_id = ceremony.households["户主1"]
    with app.app_context():
        code = db.session.scalar(sa.select(Registration.ticket_code).where(Registration.id == head_id))
    server = live_server()
    browser = launch_chromium()
    desk = browser.new_context(**PHONE).new_page()
    sign_in(desk, server.url, ceremony.desk_staff_email)
    desk.goto(f"{server.url}/manage/activities/{ceremony.activity}/handover/desk")
    journey.shot(desk, "the handover desk")

    # The letter's code is typed (a scan does the same); the household is marked present.
    desk.get_by_label("邀请函票码").fill(code)
    desk.get_by_label("邀请函票码").press("Enter")
    desk.wait_for_selector(".signature-pad canvas", timeout=WAIT_MS)
    assert desk.locator("[data-present]").get_attribute("data-present") == "yes"
    journey.shot(desk, "household found")
    draw_a_signature(desk)
    journey.shot(desk, "signed")
    desk.get_by_role("button", name="交付钥匙").tap()
    desk.wait_for_selector("text=钥匙已交付", timeout=WAIT_MS)
    journey.shot(desk, "keys handed over")
    desk.get_by_role("link", name="确认单").click()
    desk.wait_for_selector("article.receipt img", timeout=WAIT_MS)
    receipt = desk.inner_text("article.receipt")
    assert "户主1" in receipt
    assert "阳光新村" in receipt
    assert desk.locator("article.receipt img").evaluate("image => image.naturalWidth") == 600
    journey.shot(desk, "the receipt")

    # The organizer's ceremony page counts the household as present and its keys as handed over.
    organizer = browser.new_context(**DESK).new_page()
    sign_in(organizer, server.url, ceremony.organizer_email)
    organizer.goto(f"{server.url}/manage/activities/{ceremony.activity}/handover")
    organizer.wait_for_selector("[data-figure='keys_handed_over']", timeout=WAIT_MS)
    assert organizer.inner_text("[data-figure='households_invited']") == "2"
    assert organizer.inner_text("[data-figure='households_present']") == "1"
    assert organizer.inner_text("[data-figure='keys_handed_over']") == "1"
    journey.shot(organizer, "the ceremony's figures")

    with app.app_context():
        [given] = db.session.scalars(sa.select(Handover)).all()
        assert (given.household_id, given.recipient) == (household_id, "head")
        signature = Image.open(io.BytesIO(given.signature))
        assert signature.size == (600, 240)
        assert signature.convert("LA").getextrema()[1][1] > 0  # ink where the pad was blank
        assert db.session.get(Registration, head_id).checked_in_at is not None
