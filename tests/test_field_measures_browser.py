"""Measured in a real browser, and printed: what the pages weigh on a phone, how long registering
takes on a slow 3G line, and what axe-core finds on every kind of page, in both languages and in
the large-type mode."""

import json
import time

import pytest

from eventdesk.core.services import credentials
from eventdesk.extensions import db
from tests.support import PROJECT_ROOT, factories
from tests.support.four_kinds import build_four_kinds

pytestmark = [pytest.mark.browser, pytest.mark.server]

PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True}
AXE = PROJECT_ROOT / "tests" / "browser-tools" / "node_modules" / "axe-core" / "axe.min.js"
KB = 1024
#: The goals (issue "field readiness"): bytes over the wire for a page and all it loads.
WEIGHT_GOALS = {"registration": 60 * KB, "ticket": 60 * KB, "poster": 60 * KB, "scanner": 200 * KB}
#: Slow 3G as the goal states it: 400 kbit/s (50,000 bytes a second) each way, 400 ms round trip.
SLOW_3G = {"offline": False, "latency": 400, "downloadThroughput": 50_000, "uploadThroughput": 50_000}
REGISTRATION_GOAL_SECONDS = 8.0


@pytest.fixture
def day(app):
    """An activity open to registration, a ticket, an organizer and a scanner's enrolment code."""
    with app.app_context():
        activity = factories.activity(booths=1)
        activity.description = "现场提供政策咨询、就业岗位推荐和健康义诊。"
        ticket = factories.registration(activity)
        organizer = factories.user("organizer")
        _credential, _token, code = credentials.issue(activity, label="志愿者小王")
        db.session.commit()
        return {
            "activity": activity.id,
            "token": ticket.token,
            "organizer": organizer.email,
            "code": code,
        }


@pytest.fixture
def kinds(app):
    """An activity of each kind, with a ticket each and their first actions."""
    return build_four_kinds(app)


def _weigh(context, url: str) -> int:
    """Bytes received for `url` and everything it loads (bodies as sent, and headers)."""
    page = context.new_page()
    received = []
    page.on("requestfinished", lambda request: received.append(request.sizes()))
    page.goto(url, wait_until="networkidle")
    page.close()
    return sum(size["responseBodySize"] + size["responseHeadersSize"] for size in received)


def test_page_weights_on_a_phone(app, live_server, launch_chromium, day, kinds):
    server = live_server()
    browser = launch_chromium()
    weights = {}
    for name, path in (
        ("registration", f"/activities/{day['activity']}/register"),
        ("ticket", f"/t/{day['token']}"),
        ("poster", kinds.poster),
        ("scanner", "/scanner"),
    ):
        # A new phone each time: nothing cached from an earlier page.
        context = browser.new_context(**PHONE)
        weights[name] = _weigh(context, server.url + path)
        context.close()
    print("\npage weight (bytes over the wire, page and all it loads)")
    for name, weight in weights.items():
        print(f"  {name:<13} {weight / KB:7.1f} KB   goal < {WEIGHT_GOALS[name] / KB:.0f} KB")
    assert {name: weight < WEIGHT_GOALS[name] for name, weight in weights.items()} == dict.fromkeys(
        weights, True
    )


def test_registering_on_slow_3g(app, live_server, launch_chromium, day):
    server = live_server()
    browser = launch_chromium()
    context = browser.new_context(**PHONE, locale="zh-CN")
    page = context.new_page()
    network = context.new_cdp_session(page)
    network.send("Network.enable")
    network.send("Network.emulateNetworkConditions", SLOW_3G)
    started = time.monotonic()
    page.goto(f"{server.url}/activities/{day['activity']}/register")
    page.get_by_label("姓名").fill("欧阳娜娜")
    page.get_by_label("手机号码").fill("13812345678")
    page.get_by_label("我已阅读上面的说明").check()
    page.get_by_role("button", name="提交报名，领取电子票").click()
    page.wait_for_url("**/t/*", wait_until="load")
    page.wait_for_selector("#ticket-qr")
    seconds = time.monotonic() - started
    context.close()
    goal = REGISTRATION_GOAL_SECONDS
    print(f"\nregistration on slow 3G (400 kbit/s, 400 ms): {seconds:.1f} s   goal < {goal:.0f} s")
    assert seconds < REGISTRATION_GOAL_SECONDS


def _pages(day) -> list[tuple[str, str, bool]]:
    """(name, path, signed in) of each kind of page."""
    activity = day["activity"]
    return [
        ("public home", "/", False),
        ("registration", f"/activities/{activity}/register", False),
        ("ticket", f"/t/{day['token']}", False),
        ("public summary", "/public", False),
        ("scanner", "/scanner", False),
        ("sign in", "/login", False),
        ("organizer home", "/manage/", True),
        ("activity", f"/manage/activities/{activity}", True),
        ("registrations", f"/manage/activities/{activity}/registrations", True),
        ("dashboard", "/dashboard/", True),
        ("tally", "/reports/tally", True),
        ("written report", "/reports/written/city", True),
    ]


def _sign_in(page, server, email) -> None:
    page.goto(f"{server.url}/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", factories.PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()


def _axe(page) -> list[dict]:
    """axe-core's serious and critical violations on the page as it is."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "() => axe.run(document).then(r => ({passed: r.passes.length, violations: r.violations.map("
        "v => ({id: v.id, impact: v.impact, nodes: v.nodes.length, "
        "where: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))}))"
    )
    assert result["passed"] > 10, "axe-core did not check the page"
    return [v for v in result["violations"] if v["impact"] in ("serious", "critical")]


@pytest.mark.parametrize(("language", "large"), [("zh_Hans", False), ("en", False), ("zh_Hans", True)])
def test_axe_finds_nothing_serious_on_any_kind_of_page(live_server, launch_chromium, day, language, large):
    if not AXE.exists():
        pytest.fail(f"{AXE.relative_to(PROJECT_ROOT)} is missing: make install puts it there (npm ci)")
    server = live_server()
    browser = launch_chromium()
    # The page's own content security policy would refuse the injected checker.
    context = browser.new_context(**PHONE, bypass_csp=True)
    page = context.new_page()
    _sign_in(page, server, day["organizer"])
    signed_in = page
    anonymous_context = browser.new_context(**PHONE, bypass_csp=True)
    anonymous = anonymous_context.new_page()
    found = {}
    for name, path, needs_sign_in in _pages(day):
        if needs_sign_in and large:
            continue  # the large-type mode is the public pages'
        tab = signed_in if needs_sign_in else anonymous
        query = f"lang={language}" + ("&large=1" if large else "")
        tab.goto(f"{server.url}{path}{'&' if '?' in path else '?'}{query}", wait_until="load")
        found[name] = _axe(tab)
    context.close()
    anonymous_context.close()
    mode = f"{language}{', large type' if large else ''}"
    version = json.loads((AXE.parent / "package.json").read_text())["version"]
    print(f"\naxe-core {version} ({mode}): serious or critical violations per page")
    for name, violations in found.items():
        described = [f"{v['id']} ×{v['nodes']} ({'; '.join(v['where'])})" for v in violations]
        summary = ", ".join(described) or "none"
        print(f"  {name:<15} {summary}")
    assert {name: violations for name, violations in found.items() if violations} == {}


#: In the large-type mode: body text, hint text (never smaller than the body) and the smallest
#: touch target, as the page lays them out.
LARGE_TYPE_FACTS = """() => {
    const px = (element) => parseFloat(getComputedStyle(element).fontSize);
    const body = px(document.body);
    const hints = [...document.querySelectorAll('.help, .muted, .small, .notice li, label, dd, dt, p')]
        .filter((e) => e.offsetParent !== null && e.textContent.trim());
    const targets = [...document.querySelectorAll('a[href], button, input, select, textarea, summary')]
        .filter((e) => e.offsetParent !== null && e.type !== 'hidden');
    const smallest = targets.map((e) => {
        const choice = e.type === 'checkbox' || e.type === 'radio';
        const box = choice && e.closest('label') ? e.closest('label') : e;
        const rect = box.getBoundingClientRect();
        return {what: e.outerHTML.slice(0, 80), height: rect.height, width: rect.width};
    }).sort((a, b) => Math.min(a.height, a.width) - Math.min(b.height, b.width))[0];
    const hint = hints.sort((a, b) => px(a) - px(b))[0];
    return {body, smallest_hint: px(hint), hint: hint.outerHTML.slice(0, 80), smallest_target: smallest};
}"""


def test_the_large_type_mode_is_large_enough(live_server, launch_chromium, day):
    server = live_server()
    browser = launch_chromium()
    page = browser.new_context(**PHONE, locale="zh-CN").new_page()
    print("\nlarge-type mode: body text, smallest hint text, smallest touch target (px)")
    found = {}
    for name, path in (
        ("public home", "/"),
        ("registration", f"/activities/{day['activity']}/register"),
        ("ticket", f"/t/{day['token']}"),
        ("public summary", "/public"),
    ):
        page.goto(f"{server.url}{path}?large=1")
        facts = page.evaluate(LARGE_TYPE_FACTS)
        target = facts["smallest_target"]
        print(
            f"  {name:<15} body {facts['body']:.0f}  hints {facts['smallest_hint']:.0f} {facts['hint']}  "
            f"target {target['width']:.0f}×{target['height']:.0f} {target['what']}"
        )
        found[name] = (
            facts["body"] >= 18,
            facts["smallest_hint"] >= facts["body"],
            min(target["width"], target["height"]) >= 48,
        )
    assert found == dict.fromkeys(found, (True, True, True))


@pytest.mark.parametrize(("language", "large"), [("zh_Hans", False), ("en", False), ("zh_Hans", True)])
def test_axe_finds_nothing_serious_on_the_kinds_pages(
    live_server, launch_chromium, day, kinds, language, large
):
    if not AXE.exists():
        pytest.fail(f"{AXE.relative_to(PROJECT_ROOT)} is missing: make install puts it there (npm ci)")
    server = live_server()
    browser = launch_chromium()
    query = f"lang={language}" + ("&large=1" if large else "")
    found = {}
    anonymous_context = browser.new_context(**PHONE, bypass_csp=True)
    anonymous = anonymous_context.new_page()
    for name, path in kinds.public:
        anonymous.goto(f"{server.url}{path}{'&' if '?' in path else '?'}{query}", wait_until="load")
        found[name] = _axe(anonymous)
    anonymous_context.close()
    if not large:  # the large-type mode is the public pages'
        context = browser.new_context(**PHONE, bypass_csp=True)
        signed_in = context.new_page()
        _sign_in(signed_in, server, day["organizer"])
        for name, path in kinds.staff:
            signed_in.goto(f"{server.url}{path}{'&' if '?' in path else '?'}{query}", wait_until="load")
            found[name] = _axe(signed_in)
        context.close()
    mode = f"{language}{', large type' if large else ''}"
    print(f"\naxe-core on the kinds' pages ({mode}): serious or critical violations per page")
    for name, violations in found.items():
        described = [f"{v['id']} ×{v['nodes']} ({'; '.join(v['where'])})" for v in violations]
        print(f"  {name:<20} {', '.join(described) or 'none'}")
    assert {name: violations for name, violations in found.items() if violations} == {}
