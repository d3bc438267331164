"""The scanner page in Debian's Chromium against a real gunicorn server.

Chromium's fake camera plays a Y4M video of QR codes (`tests/fakecam.py`). The page is
enrolled through its enrolment link, as a volunteer's phone would be. Every wait is on the
page's DOM state (``body[data-*]``, ``#answer[data-result]``), never a fixed sleep; waits on
a condition are written as functions, since the page's policy forbids evaluating strings.
"""

import json
import urllib.request
import uuid

import pytest
import sqlalchemy as sa

from eventdesk.core.models import Activity, Registration, Scan, ScannerCredential
from eventdesk.core.services import credentials
from eventdesk.extensions import db
from tests.support import factories
from tests.support.fakecam import write_y4m

pytestmark = [pytest.mark.browser, pytest.mark.server]

WAIT_MS = 15_000
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


@pytest.fixture
def site(app):
    """An activity open all day with a booth, three tickets, and a device's enrolment code."""
    with app.app_context():
        activity = factories.activity(booths=1)
        names = ["张三丰", "李小龙", "王大锤"]
        tickets = [factories.registration(activity, factories.person(name=name)) for name in names]
        other = factories.activity(activity.event)
        foreign = factories.registration(other)
        credential, _token, code = credentials.issue(activity, label="志愿者小王")
        db.session.commit()
        return {
            "activity_id": activity.id,
            "activity_name": activity.name,
            "booth_id": activity.booths[0].id,
            "tokens": [t.token for t in tickets],
            "registration_ids": [t.id for t in tickets],
            "foreign_token": foreign.token,
            "foreign_registration_id": foreign.id,
            "credential_id": credential.id,
            "code": code,
        }


@pytest.fixture
def camera(tmp_path):
    """The fake camera's video file; `show()` replaces what the next capture sees."""

    class Camera:
        path = tmp_path / "camera.y4m"

        def show(self, *segments):
            write_y4m(self.path, [(s, 3.0) if isinstance(s, str) or s is None else s for s in segments])

    cam = Camera()
    cam.show(None)  # the file must exist before the browser starts
    return cam


@pytest.fixture
def browser(launch_chromium, camera):
    return launch_chromium(fake_video=camera.path)


#: Whether the search box's placeholder fits inside the box, measured in the box's own font.
PLACEHOLDER_FITS = """() => {
    const input = document.getElementById('search-q');
    const style = getComputedStyle(input);
    const context = document.createElement('canvas').getContext('2d');
    context.font = style.fontSize + ' ' + style.fontFamily;
    const room = input.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    return context.measureText(input.placeholder).width <= room;
}"""


def enrol(browser, server, code, **context_options):
    """A phone that opened the enrolment link and landed on the scanner."""
    context = browser.new_context(permissions=["camera"], **PHONE, **context_options)
    page = context.new_page()
    page.goto(f"{server.url}/scanner/enrol/{code}")
    page.wait_for_url(f"{server.url}/scanner", timeout=WAIT_MS)
    page.wait_for_selector("body[data-enrolled='yes']", timeout=WAIT_MS)
    return page


def ticket_url(server, token: str) -> str:
    return f"{server.url}/t/{token}"


def wait_for_answer(page, seq: int, result: str) -> None:
    """Wait until the page shows its `seq`-th answer, and check that answer's result."""
    page.wait_for_selector(f"#answer[data-seq='{seq}']:not([hidden])", timeout=WAIT_MS)
    assert page.get_attribute("#answer", "data-result") == result, page.inner_text("#answer")


def hardware_scan(page, text: str) -> None:
    """What a keyboard-wedge scanner sends: a key for each character in one burst, then Enter.

    Dispatched inside the page in one go, because keys typed one by one through the
    browser's input pipeline arrive with gaps that depend on the load of the test machine.
    """
    page.evaluate(
        """(text) => {
            const target = document.activeElement || document.body;
            for (const key of [...text, 'Enter']) {
                target.dispatchEvent(new KeyboardEvent('keydown', {key, bubbles: true, cancelable: true}));
            }
        }""",
        text,
    )


def body_number(page, name: str) -> int:
    return int(page.get_attribute("body", f"data-{name}") or 0)


def scans_of(app, credential_id: int) -> list[Scan]:
    with app.app_context():
        rows = db.session.scalars(
            sa.select(Scan).where(Scan.credential_id == credential_id).order_by(Scan.id)
        ).all()
        db.session.expunge_all()
        return rows


def test_camera_reads_a_ticket_and_the_server_accepts_it_once(app, live_server, site, camera, browser):
    with app.app_context():
        db.session.get(Activity, site["activity_id"]).name_en = "Policy consultation fair"
        db.session.commit()
    server = live_server()
    camera.show(ticket_url(server, site["tokens"][0]))
    page = enrol(browser, server, site["code"])

    wait_for_answer(page, 1, "accepted")
    assert page.inner_text("#answer-name") == "张*丰"
    assert page.get_attribute("body", "data-decoder") == "jsqr"
    page.wait_for_selector("#count-1:text-is('1')", timeout=WAIT_MS)
    assert page.inner_text("#activity-name") == "Policy consultation fair"  # the browser reads English
    assert page.inner_text("#device-label") == "志愿者小王"

    # The ticket stays in front of the camera: it is read again and again, never scanned again.
    seen = body_number(page, "decoded")
    page.wait_for_function(
        "(n) => Number(document.body.dataset.decoded) >= n", arg=seen + 10, timeout=WAIT_MS
    )
    assert body_number(page, "handled") == 1
    [scan] = scans_of(app, site["credential_id"])
    assert (scan.result, scan.channel) == ("accepted", "scanner")
    assert scan.registration_id == site["registration_ids"][0]

    # The search box's hint is read whole on a small phone, in English as in Chinese.
    for language in ("en", "zh_Hans"):
        page.goto(page.url.split("?")[0].split("#")[0] + f"?lang={language}")
        page.wait_for_selector("body[data-enrolled='yes']", timeout=WAIT_MS)
        page.set_viewport_size({"width": 360, "height": 740})
        assert page.evaluate(PLACEHOLDER_FITS), language

    # Switched to Chinese, the scanner names the activity in Chinese, without asking the server.
    page.goto(page.url.split("?")[0].split("#")[0] + "?lang=zh_Hans")
    page.wait_for_selector("body[data-enrolled='yes']", timeout=WAIT_MS)
    assert page.inner_text("#activity-name") == site["activity_name"]


def test_codes_in_sequence_are_each_read(app, live_server, site, camera, browser):
    server = live_server()
    first, second = (ticket_url(server, token) for token in site["tokens"][:2])
    camera.show((first, 2.0), (None, 1.0), (second, 2.0))
    page = enrol(browser, server, site["code"])

    wait_for_answer(page, 1, "accepted")
    wait_for_answer(page, 2, "accepted")
    assert page.inner_text("#answer-name") == "李*龙"
    accepted = [s.registration_id for s in scans_of(app, site["credential_id"]) if s.result == "accepted"]
    assert accepted == site["registration_ids"][:2]


def test_a_ticket_already_in_is_amber_and_names_the_first_scanner(app, live_server, site, camera, browser):
    server = live_server()
    with app.app_context():
        activity = db.session.get(Registration, site["registration_ids"][0]).activity
        other_device = factories.scanner_token(activity, label="志愿者小李")
        db.session.commit()
    request = urllib.request.Request(
        f"{server.url}/api/v1/scans",
        data=json.dumps({"token": site["tokens"][0], "client_scan_id": str(uuid.uuid4())}).encode(),
        headers={"Authorization": f"Bearer {other_device}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert json.load(response)["result"] == "accepted"

    camera.show(ticket_url(server, site["tokens"][0]))
    page = enrol(browser, server, site["code"])
    wait_for_answer(page, 1, "duplicate")
    assert page.get_attribute("#answer", "data-color") == "amber"
    assert "志愿者小李" in page.inner_text("#answer-extra")
    # A machine starved of CPU may decode the held code more than 1.5 s apart and send it again:
    # every such scan is the same duplicate, never an acceptance.
    scans = scans_of(app, site["credential_id"])
    assert scans
    assert {(scan.result, scan.reason) for scan in scans} == {("duplicate", "already_in")}


def test_a_foreign_qr_code_is_red(app, live_server, site, camera, browser):
    server = live_server()
    camera.show("https://weixin.qq.com/r/abcdefghijklmnopqrst")
    page = enrol(browser, server, site["code"])
    wait_for_answer(page, 1, "rejected")
    assert page.get_attribute("#answer", "data-reason") == "unknown_token"
    assert page.get_attribute("#answer", "data-color") == "red"
    [scan] = scans_of(app, site["credential_id"])
    assert (scan.result, scan.reason, scan.registration_id) == ("rejected", "unknown_token", None)


def test_enrolment_link_works_once(live_server, site, camera, browser):
    server = live_server()
    phone = enrol(browser, server, site["code"])
    # The volunteer opens the link again from the chat it was sent in: back in the scanner.
    phone.goto(f"{server.url}/scanner/enrol/{site['code']}")
    phone.wait_for_url(f"{server.url}/scanner", timeout=WAIT_MS)
    phone.wait_for_selector("body[data-enrolled='yes']", timeout=WAIT_MS)
    # The same link on another phone (or a photo of the poster) is refused.
    page = browser.new_context(**PHONE).new_page()
    page.goto(f"{server.url}/scanner/enrol/{site['code']}")
    page.wait_for_selector("#enrol-status[data-state='used']", timeout=WAIT_MS)
    assert page.url.endswith(f"/scanner/enrol/{site['code']}")
    assert page.evaluate("localStorage.getItem('eventdesk.scanner')") is None


def test_search_walk_in_and_sign_out(app, live_server, site, camera, browser):
    server = live_server()
    page = enrol(browser, server, site["code"])
    page.wait_for_selector("#net[data-state='online']", timeout=WAIT_MS)

    page.fill("#search-q", "大锤")
    page.press("#search-q", "Enter")
    page.click("#search-results .result-button")
    wait_for_answer(page, 1, "accepted")
    assert page.inner_text("#answer-name") == "王*锤"
    page.click("#answer")

    page.click("#walkin")
    page.wait_for_selector("#count-3:text-is('1')", timeout=WAIT_MS)  # walk-ins at the entrance
    rows = scans_of(app, site["credential_id"])
    assert [(s.kind, s.result, s.registration_id) for s in rows] == [
        ("ticket", "accepted", site["registration_ids"][2]),
        ("walkin", "accepted", None),
    ]

    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#sign-out")
    page.wait_for_selector("#not-enrolled:not([hidden])", timeout=WAIT_MS)
    assert page.evaluate("localStorage.getItem('eventdesk.scanner')") is None


def test_camera_pauses_when_idle_and_resumes_on_a_tap(live_server, site, camera, browser):
    server = live_server()
    page = enrol(browser, server, site["code"])
    page.goto(f"{server.url}/scanner?idle=1")
    page.wait_for_selector("body[data-camera='paused']", timeout=WAIT_MS)
    assert page.is_visible("#camera-notice")
    page.click("#camera-notice")
    page.wait_for_selector("body[data-camera='running']", timeout=WAIT_MS)


def test_offline_scans_wait_on_the_phone_survive_a_reload_and_count_once(
    app, live_server, site, camera, browser
):
    server = live_server(workers=1)
    page = enrol(browser, server, site["code"])
    # The service worker has stored the page and its files, and controls the page.
    page.wait_for_function(
        "() => document.body.dataset.sw === 'ready' && navigator.serviceWorker.controller !== null",
        timeout=WAIT_MS,
    )
    page.wait_for_selector("#net[data-state='online']", timeout=WAIT_MS)

    server.stop()
    hardware_scan(page, ticket_url(server, site["tokens"][0]))
    wait_for_answer(page, 1, "queued")
    page.wait_for_selector("#net[data-state='offline']", timeout=WAIT_MS)
    hardware_scan(page, ticket_url(server, site["tokens"][1]))
    wait_for_answer(page, 2, "queued")
    hardware_scan(page, ticket_url(server, site["foreign_token"]))  # another activity's ticket
    wait_for_answer(page, 3, "queued")
    page.click("#answer")
    page.click("#walkin")
    page.wait_for_selector("body[data-waiting='4']", timeout=WAIT_MS)
    assert "4" in page.inner_text("#queue-text")
    assert scans_of(app, site["credential_id"]) == []

    # Reloaded while the server is away: the service worker serves the page, the queue is kept.
    page.reload()
    page.wait_for_selector("body[data-enrolled='yes']", timeout=WAIT_MS)
    page.wait_for_selector("body[data-waiting='4']", timeout=WAIT_MS)
    assert page.inner_text("#activity-name") == site["activity_name"]
    # Nothing personal is kept on the phone: only what was read, where and when.
    stored = page.evaluate(
        """() => new Promise((resolve) => {
            const open = indexedDB.open('eventdesk-scanner');
            open.onsuccess = () => {
                const all = open.result.transaction('queue').objectStore('queue').getAll();
                all.onsuccess = () => resolve(all.result);
            };
        })"""
    )
    assert len(stored) == 4
    for item in stored:
        assert set(item["body"]) <= {"client_scan_id", "token", "scanned_at", "direction", "kind", "count"}
    assert "张" not in json.dumps(stored, ensure_ascii=False)

    # The server comes back on the same address; the page notices by itself and syncs.
    server.start()
    page.wait_for_selector("body[data-waiting='0']", timeout=25_000)
    page.wait_for_selector("#net[data-state='online']", timeout=WAIT_MS)
    # The one saved scan that was not accepted is shown with the server's real answer.
    page.wait_for_selector("#sync-list li[data-reason='wrong_activity']", timeout=WAIT_MS)
    assert page.locator("#sync-list li").count() == 1

    rows = scans_of(app, site["credential_id"])
    assert sorted((s.kind, s.result, s.reason, s.registration_id, s.channel) for s in rows) == sorted(
        [
            ("ticket", "accepted", None, site["registration_ids"][0], "batch"),
            ("ticket", "accepted", None, site["registration_ids"][1], "batch"),
            ("ticket", "rejected", "wrong_activity", site["foreign_registration_id"], "batch"),
            ("walkin", "accepted", None, None, "batch"),
        ]
    )
    assert len({s.client_scan_id for s in rows}) == 4
    page.wait_for_selector("#count-1:text-is('2')", timeout=WAIT_MS)
    assert page.inner_text("#count-3") == "1"


def test_a_cut_off_sync_is_sent_again_and_counted_once(app, live_server, site, camera, browser):
    server = live_server()
    # Without the service worker, Playwright sees (and can cut) every request the page makes.
    page = enrol(browser, server, site["code"], service_workers="block")
    page.wait_for_selector("#net[data-state='online']", timeout=WAIT_MS)

    page.route("**/api/v1/scans", lambda route: route.abort("internetdisconnected"))
    batches, stored_when_cut = [], set()

    def cut_off(route):
        batches.append([item["client_scan_id"] for item in route.request.post_data_json["scans"]])
        if len(batches) > 1:
            route.continue_()
            return
        answer = route.fetch()  # the server judges and stores the batch ...
        assert answer.status == 200
        stored_when_cut.update(s.client_scan_id for s in scans_of(app, site["credential_id"]))
        route.abort("connectionreset")  # ... but its answer never reaches the phone

    page.route("**/api/v1/scans/batch", cut_off)

    def is_batch(request):
        return request.url.endswith("/api/v1/scans/batch")

    with page.expect_event("requestfailed", predicate=is_batch, timeout=WAIT_MS):
        hardware_scan(page, ticket_url(server, site["tokens"][0]))
        wait_for_answer(page, 1, "queued")
        hardware_scan(page, ticket_url(server, site["tokens"][1]))
        wait_for_answer(page, 2, "queued")
    # The server stored the cut-off batch; the phone, never told, keeps it and sends it again.
    assert set(batches[0]) <= stored_when_cut
    page.wait_for_selector("body[data-waiting='0']", timeout=25_000)
    assert set(batches[0]) <= set(batches[1])

    rows = scans_of(app, site["credential_id"])
    assert sorted(s.registration_id for s in rows) == site["registration_ids"][:2]
    assert {s.result for s in rows} == {"accepted"}
    assert {s.client_scan_id for s in rows} == set().union(*batches)
    # The replayed answers are the first ones (accepted), so nothing needs attention.
    assert page.is_hidden("#sync-report")
    assert body_number(page, "synced") == 2


def test_a_withdrawn_device_says_so_and_keeps_its_queue(app, live_server, site, camera, browser):
    server = live_server()
    page = enrol(browser, server, site["code"], service_workers="block")
    page.wait_for_selector("#net[data-state='online']", timeout=WAIT_MS)

    def no_network(route):
        route.abort("internetdisconnected")

    page.route("**/api/v1/scans**", no_network)  # single scans and batches
    hardware_scan(page, ticket_url(server, site["tokens"][0]))
    wait_for_answer(page, 1, "queued")
    page.click("#answer")

    with app.app_context():
        credentials.revoke(db.session.get(ScannerCredential, site["credential_id"]))
        db.session.commit()
    page.unroute("**/api/v1/scans**", no_network)
    page.click("#sync-now")
    page.wait_for_selector("body[data-credential='credential_revoked']", timeout=WAIT_MS)
    assert page.is_visible("#credential-problem")
    assert body_number(page, "waiting") == 1
    assert scans_of(app, site["credential_id"]) == []


def test_a_scan_answered_database_unavailable_stays_queued_and_is_sent_later(
    app, live_server, site, camera, browser
):
    server = live_server()
    page = enrol(browser, server, site["code"], service_workers="block")
    page.wait_for_selector("#net[data-state='online']", timeout=WAIT_MS)
    # What the server answers while its database is away (tests/test_database_restart.py).
    unavailable = json.dumps({"error": {"code": "database_unavailable", "message": "数据库暂时没有响应"}})

    def database_away(route):
        route.fulfill(
            status=503, headers={"Retry-After": "5"}, content_type="application/json", body=unavailable
        )

    page.route("**/api/v1/scans**", database_away)  # single scans and batches
    hardware_scan(page, ticket_url(server, site["tokens"][0]))
    wait_for_answer(page, 1, "queued")
    page.wait_for_selector("body[data-waiting='1']", timeout=WAIT_MS)
    page.click("#answer")
    page.click("#sync-now")  # refused again: still kept
    page.wait_for_selector("#net[data-state='offline']", timeout=WAIT_MS)
    assert body_number(page, "waiting") == 1
    assert scans_of(app, site["credential_id"]) == []

    page.unroute("**/api/v1/scans**", database_away)
    page.click("#sync-now")
    page.wait_for_selector("body[data-waiting='0']", timeout=WAIT_MS)
    rows = scans_of(app, site["credential_id"])
    assert [(s.registration_id, s.result) for s in rows] == [(site["registration_ids"][0], "accepted")]


def test_the_last_scan_can_be_undone(app, live_server, site, camera, browser):
    """A ticket read by mistake (a phone in a pocket): one tap, confirmed, and it no longer counts."""
    server = live_server()
    camera.show(ticket_url(server, site["tokens"][1]))
    page = enrol(browser, server, site["code"])
    wait_for_answer(page, 1, "accepted")
    page.wait_for_selector("#count-1:text-is('1')", timeout=WAIT_MS)
    page.on("dialog", lambda dialog: dialog.accept())
    page.click("#answer")  # close the answer first, as a volunteer would
    page.click("#undo")
    page.wait_for_selector("#count-1:text-is('0')", timeout=WAIT_MS)
    assert page.is_hidden("#undo")
    scans = scans_of(app, site["credential_id"])
    assert [(s.kind, s.result) for s in scans] == [("ticket", "accepted"), ("void", "accepted")]
    assert scans[1].voids_scan_id == scans[0].id


def test_without_a_live_camera_a_photo_of_the_code_is_read(app, live_server, site, launch_chromium, tmp_path):
    """WeChat's in-app browser often offers no live camera: the scanner reads a photo instead."""
    import qrcode

    server = live_server()
    browser = launch_chromium()  # no fake camera: getUserMedia fails as it does in such browsers
    context = browser.new_context(locale="zh-CN", **PHONE)
    page = context.new_page()
    page.goto(f"{server.url}/scanner/enrol/{site['code']}")
    page.wait_for_selector("body[data-enrolled='yes']", timeout=WAIT_MS)
    page.wait_for_selector("body[data-camera='error']", timeout=WAIT_MS)
    page.wait_for_selector("#photo:not([hidden])", timeout=WAIT_MS)
    assert "微信" in page.inner_text("#photo")

    # A photo is larger than the code and not only the code: a white margin, a big picture.
    photo = tmp_path / "photo.png"
    qrcode.make(ticket_url(server, site["tokens"][1]), box_size=24, border=12).save(photo)
    page.set_input_files("#photo-input", str(photo))
    wait_for_answer(page, 1, "accepted")
    assert page.get_attribute("body", "data-photo") == "read"
    assert page.inner_text("#answer-name") == "李*龙"

    blank = tmp_path / "blank.png"
    qrcode.make("x").resize((10, 10)).save(blank)
    page.click("#answer")
    page.set_input_files("#photo-input", str(blank))
    page.wait_for_selector("body[data-photo='unreadable']", timeout=WAIT_MS)
    wait_for_answer(page, 2, "error")
    assert len(scans_of(app, site["credential_id"])) == 1

    # Outdoors at noon: the bright-sun theme, kept on this phone.
    page.click("#answer")
    page.click("#sunlight")
    page.wait_for_selector("body.sunlight[data-sunlight='on']", timeout=WAIT_MS)
    page.reload()
    page.wait_for_selector("body.sunlight[data-sunlight='on']", timeout=WAIT_MS)
    context.close()


def test_an_installed_scanner_opens_and_queues_with_the_network_off(app, live_server, site, camera, browser):
    """Put on the home screen, the scanner is opened anew (not reloaded) with no network at all."""
    server = live_server(workers=1)
    page = enrol(browser, server, site["code"])
    page.wait_for_function(
        "() => document.body.dataset.sw === 'ready' && navigator.serviceWorker.controller !== null",
        timeout=WAIT_MS,
    )
    manifest = page.evaluate(
        "() => fetch(document.querySelector('link[rel=manifest]').href).then((r) => r.json())"
    )
    assert (manifest["start_url"], manifest["scope"], manifest["display"]) == (
        "/scanner",
        "/scanner",
        "standalone",
    )
    assert {icon["sizes"] for icon in manifest["icons"]} == {"192x192", "512x512"}
    for icon in manifest["icons"]:
        assert page.evaluate("(src) => fetch(src).then((r) => r.status)", icon["src"]) == 200
    context = page.context
    page.close()

    server.stop()
    context.set_offline(True)
    opened = context.new_page()
    opened.goto(f"{server.url}/scanner")
    opened.wait_for_selector("body[data-enrolled='yes']", timeout=WAIT_MS)
    assert opened.inner_text("#activity-name") == site["activity_name"]
    hardware_scan(opened, ticket_url(server, site["tokens"][2]))
    wait_for_answer(opened, 1, "queued")
    opened.wait_for_selector("body[data-waiting='1']", timeout=WAIT_MS)
    assert scans_of(app, site["credential_id"]) == []

    server.start()
    context.set_offline(False)
    opened.evaluate("() => window.dispatchEvent(new Event('online'))")
    opened.wait_for_selector("body[data-waiting='0']", timeout=25_000)
    [scan] = scans_of(app, site["credential_id"])
    assert (scan.result, scan.registration_id) == ("accepted", site["registration_ids"][2])
