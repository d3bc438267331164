"""The booth poster's page in a real phone browser: what it weighs over the wire (page and all it
loads) before and after a question is left, and what axe-core finds on it and on the fair's
staff pages."""

import pytest

from tests.support import PROJECT_ROOT, factories
from tests.support.api import Api
from tests.support.consultation import build_fair, consult

pytestmark = [pytest.mark.browser, pytest.mark.server]

PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True}
AXE = PROJECT_ROOT / "tests" / "browser-tools" / "node_modules" / "axe-core" / "axe.min.js"
POSTER_PAGE_GOAL = 60 * 1024


def weigh(context, url: str) -> int:
    """Bytes received for `url` and everything it loads (bodies as sent, and headers)."""
    page = context.new_page()
    received = []
    page.on("requestfinished", lambda request: received.append(request.sizes()))
    page.goto(url, wait_until="networkidle")
    page.close()
    return sum(size["responseBodySize"] + size["responseHeadersSize"] for size in received)


def serious_violations(page) -> list[dict]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "() => axe.run(document).then(r => ({passed: r.passes.length, violations: r.violations.map("
        "v => ({id: v.id, impact: v.impact, where: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))}))"
    )
    assert result["passed"] > 10, "axe-core did not check the page"
    return [v for v in result["violations"] if v["impact"] in ("serious", "critical")]


def test_the_poster_page_on_a_phone(app, live_server, launch_chromium):
    if not AXE.exists():
        pytest.fail(f"{AXE.relative_to(PROJECT_ROOT)} is missing: make install puts it there (npm ci)")
    fair = build_fair(app)
    question = {"follow_up": True, "contact_phone": "13912345678", "question": "低保怎么申请？"}
    consult(Api(app, fair.scanner), fair, "市民政局", "social_security", fields=question)
    server = live_server()
    browser = launch_chromium()
    poster = f"{server.url}/consult/{fair.booth('市民政局')}"

    fresh_phone = browser.new_context(**PHONE)
    weight = weigh(fresh_phone, poster)
    fresh_phone.close()
    print(
        f"\nbooth poster page: {weight / 1024:.1f} KB over the wire, goal < {POSTER_PAGE_GOAL / 1024:.0f} KB"
    )
    assert weight < POSTER_PAGE_GOAL

    # The page's own content security policy would refuse the injected checker.
    context = browser.new_context(**PHONE, bypass_csp=True)
    page = context.new_page()
    found = {}
    page.goto(poster)
    found["poster page"] = serious_violations(page)
    page.click("button[type=submit]")  # sent empty: refused, with its errors
    page.wait_for_load_state()
    found["poster page, refused"] = serious_violations(page)
    page.goto(f"{server.url}/login")
    page.fill("input[name=email]", fair.organizer_email)
    page.fill("input[name=password]", factories.PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    base = f"{server.url}/manage/activities/{fair.activity}/consultation"
    booth = fair.booth("市民政局")
    for name, url in (
        ("booths", base),
        ("desk", f"{base}/booths/{booth}/desk"),
        ("materials", f"{base}/materials"),
        ("poster settings", f"{base}/booths/{booth}/poster"),
        ("printed poster", f"{base}/booths/{booth}/poster/print"),
        (
            "follow-ups",
            f"{server.url}/manage/consultation/departments/{fair.departments['市民政局']}/follow-ups",
        ),
    ):
        page.goto(url)
        found[name] = serious_violations(page)
    context.close()
    assert {name: violations for name, violations in found.items() if violations} == {}
