"""Scanner devices over HTTP: the organizer's credential page, the command line, enrolment,
and the scanner page and service worker as a phone downloads them."""

import datetime as dt
import json
import re

import pytest
import sqlalchemy as sa

from eventdesk.core.models import Activity, AuditLog, ScannerCredential, utcnow
from eventdesk.core.scans.requests import _TOKEN_SHAPE
from eventdesk.core.services import credentials
from eventdesk.extensions import db
from eventdesk.scanner.assets import SHELL_ASSETS
from tests.support import PROJECT_ROOT, factories

_ENROL_LINK = re.compile(r"https?://[^\s\"<]+/scanner/enrol/([A-Za-z0-9_-]+)")
_JSON_BLOCK = re.compile(r'<script type="application/json" id="([a-z-]+)">(.*?)</script>', re.S)


@pytest.fixture
def place(app):
    """An activity (two booths) in one district, another district, and staff of every kind."""
    with app.app_context():
        district = factories.district()
        activity = factories.activity(site_=factories.site(district), booths=2)
        elsewhere = factories.activity()
        elsewhere_booth = factories.booth(elsewhere)
        factories.user("admin", email="admin@example.org")
        factories.user("organizer", email="district@example.org", scopes=[{"district_id": district.id}])
        factories.user(
            "organizer", email="other@example.org", scopes=[{"district_id": factories.district().id}]
        )
        factories.user("staff", email="staff@example.org", scopes=[{"activity_id": activity.id}])
        db.session.commit()
        return {
            "activity": activity.id,
            "booths": [b.id for b in activity.booths],
            "elsewhere": elsewhere.id,
            "elsewhere_booth": elsewhere_booth.id,
        }


def page_url(activity_id: int) -> str:
    return f"/manage/activities/{activity_id}/scanners"


def credential_rows(app) -> list[ScannerCredential]:
    with app.app_context():
        rows = db.session.scalars(sa.select(ScannerCredential).order_by(ScannerCredential.id)).all()
        db.session.expunge_all()
        return rows


def issue(app, activity_id: int, label: str = "小王") -> tuple[int, str, str]:
    """A credential's id, bearer token and enrolment code."""
    with app.app_context():
        credential, token, code = credentials.issue(db.session.get(Activity, activity_id), label=label)
        db.session.commit()
        return credential.id, token, code


def json_blocks(html: str) -> dict:
    return {name: json.loads(text) for name, text in _JSON_BLOCK.findall(html)}


# -- the credentials page ----------------------------------------------------------------------


def test_signed_out_visitors_are_sent_to_sign_in(client, place):
    response = client.get(page_url(place["activity"]))
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


@pytest.mark.parametrize(
    ("email", "status"),
    [
        ("admin@example.org", 200),
        ("district@example.org", 200),
        ("other@example.org", 403),  # an organizer of another district
        ("staff@example.org", 403),  # staff scan; they do not hand out scanners
    ],
)
def test_who_may_manage_scanners(client, place, email, status):
    client.login(email)
    assert client.get(page_url(place["activity"])).status_code == status


def test_unknown_activity_is_not_found(client, place):
    client.login("admin@example.org")
    assert client.get(page_url(999_999)).status_code == 404


def test_issue_shows_the_enrolment_link_as_a_qr_code(app, client, place):
    client.login("district@example.org")
    booth = place["booths"][1]
    response = client.post_form(
        page_url(place["activity"]), {"label": "  志愿者 小王 ", "booth": str(booth), "hours": "5"}
    )
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    html = response.get_data(as_text=True)
    assert "<svg" in html
    assert "data-print" in html
    [code] = set(_ENROL_LINK.findall(html))

    [credential] = credential_rows(app)
    assert (credential.activity_id, credential.booth_id, credential.label) == (
        place["activity"],
        booth,
        "志愿者 小王",
    )
    assert credential.enrolled_at is None
    assert credential.revoked_at is None
    expected = utcnow() + dt.timedelta(hours=5)
    assert abs(credential.expires_at - expected) < dt.timedelta(minutes=1)
    with app.app_context():
        assert db.session.scalar(sa.select(AuditLog.action).where(AuditLog.target_id == credential.id)) == (
            "credential.issued"
        )

    # The link in the QR code is the one that enrols the phone.
    answer = client.http.post("/api/v1/scanner/enrol", json={"code": code})
    assert answer.status_code == 200
    assert answer.get_json()["booth"]["id"] == booth
    # Both languages' names go to the phone, so that its scanner shows the one it is switched to.
    with app.app_context():
        activity = db.session.get(Activity, place["activity"])
        names = {"zh_Hans": activity.name, "en": activity.name_en or activity.name}
    assert answer.get_json()["activity"]["names"] == names
    assert set(answer.get_json()["booth"]["names"]) == {"zh_Hans", "en"}


def test_issue_at_the_entrance(app, client, place):
    client.login("admin@example.org")
    response = client.post_form(page_url(place["activity"]), {"label": "入口1", "booth": "0", "hours": "24"})
    assert response.status_code == 200
    [credential] = credential_rows(app)
    assert credential.booth_id is None


@pytest.mark.parametrize(
    "form",
    [
        {"label": "", "booth": "0", "hours": "24"},
        {"label": "小王", "booth": "0", "hours": "0"},
        {"label": "小王", "booth": "0", "hours": str(credentials.MAX_HOURS + 1)},
        {"label": "小王", "booth": "elsewhere", "hours": "24"},  # a booth of another activity
    ],
)
def test_issue_refuses_bad_input(app, client, place, form):
    client.login("admin@example.org")
    if form["booth"] == "elsewhere":
        form = {**form, "booth": str(place["elsewhere_booth"])}
    response = client.post_form(page_url(place["activity"]), form)
    assert response.status_code == 400
    assert credential_rows(app) == []


def test_staff_cannot_issue(app, client, place):
    client.login("admin@example.org")
    token = client.csrf_token(page_url(place["activity"]))
    client.post_form("/logout", form_url="/manage/")
    client.login("staff@example.org")
    response = client.http.post(
        page_url(place["activity"]), data={"label": "x", "booth": "0", "hours": "1", "csrf_token": token}
    )
    assert response.status_code == 403
    assert credential_rows(app) == []


def test_list_shows_each_devices_state(app, client, place):
    with app.app_context():
        activity = db.session.get(Activity, place["activity"])
        waiting, _, _ = credentials.issue(activity, label="还没用")
        used, _, code = credentials.issue(activity, label="在用")
        credentials.enrol(code)
        withdrawn, _, _ = credentials.issue(activity, label="已撤")
        credentials.revoke(withdrawn)
        expired, _, _ = credentials.issue(activity, label="过期")
        expired.expires_at = utcnow() - dt.timedelta(minutes=1)
        db.session.commit()
        states = {waiting.id: "waiting", used.id: "enrolled", withdrawn.id: "revoked", expired.id: "expired"}
    client.login("admin@example.org")
    html = client.get(page_url(place["activity"])).get_data(as_text=True)
    shown = {int(i): s for i, s in re.findall(r'data-credential="(\d+)" data-status="(\w+)"', html)}
    assert shown == states
    # Every device still in play can be withdrawn; a withdrawn one cannot be withdrawn again.
    assert html.count("/revoke") == 3


def test_revoke_stops_the_device_at_once(app, client, place):
    credential_id, token, _code = issue(app, place["activity"])
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get(f"/api/v1/activities/{place['activity']}/counts", headers=headers).status_code == 200

    client.login("district@example.org")
    url = f"{page_url(place['activity'])}/{credential_id}/revoke"
    response = client.post_form(url, form_url=page_url(place["activity"]))
    assert response.status_code == 302
    assert response.headers["Location"].endswith(page_url(place["activity"]))

    [credential] = credential_rows(app)
    assert credential.revoked_at is not None
    answer = client.get(f"/api/v1/activities/{place['activity']}/counts", headers=headers)
    assert answer.status_code == 401
    assert answer.get_json()["error"]["code"] == "credential_revoked"


def test_revoke_needs_the_form_token_and_the_right_activity(app, client, place):
    credential_id, _token, _code = issue(app, place["activity"])
    client.login("admin@example.org")
    url = f"{page_url(place['activity'])}/{credential_id}/revoke"
    assert client.http.post(url).status_code == 400  # no CSRF token
    wrong = f"{page_url(place['elsewhere'])}/{credential_id}/revoke"
    assert client.post_form(wrong, form_url=page_url(place["activity"])).status_code == 404
    assert credential_rows(app)[0].revoked_at is None


def test_other_districts_cannot_revoke(app, client, place):
    credential_id, _token, _code = issue(app, place["activity"])
    client.login("admin@example.org")
    form_token = client.csrf_token(page_url(place["activity"]))
    client.post_form("/logout", form_url="/manage/")
    client.login("other@example.org")
    url = f"{page_url(place['activity'])}/{credential_id}/revoke"
    assert client.http.post(url, data={"csrf_token": form_token}).status_code == 403
    assert credential_rows(app)[0].revoked_at is None


# -- the command line ----------------------------------------------------------------------------


def test_cli_issue_prints_the_link_and_the_token(app, run_cli, place):
    booth = place["booths"][0]
    result = run_cli(
        "scanner", "issue", "--activity", str(place["activity"]), "--booth", str(booth), "--hours", "3",
        "--label", "展位扫码",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    [code] = _ENROL_LINK.findall(lines[0])
    assert lines[0] == f"http://127.0.0.1:8000/scanner/enrol/{code}"
    [token] = [line.removeprefix("token: ") for line in lines if line.startswith("token: ")]
    [credential] = credential_rows(app)
    assert (credential.booth_id, credential.label) == (booth, "展位扫码")

    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get(f"/api/v1/activities/{place['activity']}/counts", headers=headers).status_code == 200
    assert client.post("/api/v1/scanner/enrol", json={"code": code}).status_code == 200


def test_cli_link_uses_the_public_address(make_app, place):
    app = make_app(EVENTDESK_BASE_URL="https://scan.example.gov.cn")
    result = app.test_cli_runner().invoke(args=["scanner", "issue", "--activity", str(place["activity"])])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0].startswith("https://scan.example.gov.cn/scanner/enrol/")


@pytest.mark.parametrize("which", ["no_activity", "foreign_booth", "blank_label"])
def test_cli_refusals_change_nothing(app, run_cli, place, which):
    args = {
        "no_activity": ["--activity", "999999"],
        "foreign_booth": ["--activity", str(place["activity"]), "--booth", str(place["elsewhere_booth"])],
        "blank_label": ["--activity", str(place["activity"]), "--label", "   "],
    }[which]
    result = run_cli("scanner", "issue", *args)
    assert result.exit_code == 1
    assert "token:" not in result.output
    assert credential_rows(app) == []


# -- enrolment -------------------------------------------------------------------------------


def test_opening_the_link_does_not_spend_the_code(app, client, place):
    _id, _token, code = issue(app, place["activity"])
    # A chat app's link preview fetches the page (perhaps several times) without running it.
    for _ in range(3):
        response = client.get(f"/scanner/enrol/{code}")
        assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert "noindex" in response.headers["X-Robots-Tag"]
    assert response.headers["Referrer-Policy"] == "no-referrer"
    blocks = json_blocks(response.get_data(as_text=True))
    assert blocks["enrol-config"]["code"] == code
    assert blocks["enrol-config"]["enrol_api"] == "/api/v1/scanner/enrol"
    [row] = credential_rows(app)
    assert row.enrolled_at is None
    assert row.enrol_code_hash is not None


def test_the_code_is_spent_once(app, client, place):
    _id, first_token, code = issue(app, place["activity"])
    first = client.http.post("/api/v1/scanner/enrol", json={"code": code})
    assert first.status_code == 200
    enrolled = first.get_json()
    assert enrolled["label"] == "小王"
    assert enrolled["activity"]["id"] == place["activity"]
    again = client.http.post("/api/v1/scanner/enrol", json={"code": code})
    assert again.status_code == 400
    assert again.get_json()["error"]["code"] == "enrol_code_used"
    # Only the enrolled phone's token works; the one printed when issuing is replaced.
    counts = f"/api/v1/activities/{place['activity']}/counts"
    assert client.get(counts, headers={"Authorization": f"Bearer {enrolled['token']}"}).status_code == 200
    assert client.get(counts, headers={"Authorization": f"Bearer {first_token}"}).status_code == 401


def test_an_enrolled_phone_reopening_its_link_keeps_its_access(app, client, place):
    credential_id, _token, code = issue(app, place["activity"])
    token = client.http.post("/api/v1/scanner/enrol", json={"code": code}).get_json()["token"]
    held = {"Authorization": f"Bearer {token}"}
    again = client.http.post("/api/v1/scanner/enrol", json={"code": code}, headers=held)
    assert again.status_code == 200
    answer = again.get_json()
    assert (answer["already_enrolled"], answer["token"], answer["label"]) == (True, None, "小王")
    assert answer["activity"]["id"] == place["activity"]
    # Its access is unchanged; another phone opening the same link is still refused.
    counts = f"/api/v1/activities/{place['activity']}/counts"
    assert client.get(counts, headers=held).status_code == 200
    other = client.http.post("/api/v1/scanner/enrol", json={"code": code})
    assert other.status_code == 400
    assert other.get_json()["error"]["code"] == "enrol_code_used"
    [row] = credential_rows(app)
    assert row.id == credential_id


@pytest.mark.parametrize("held", ["revoked", "expired", "made-up"])
def test_a_phone_without_valid_access_sees_the_code_was_used(app, client, place, held):
    _id, _token, code = issue(app, place["activity"])
    token = client.http.post("/api/v1/scanner/enrol", json={"code": code}).get_json()["token"]
    with app.app_context():
        credential = db.session.scalars(sa.select(ScannerCredential)).one()
        if held == "revoked":
            credentials.revoke(credential)
        elif held == "expired":
            credential.expires_at = utcnow() - dt.timedelta(minutes=1)
        db.session.commit()
    sent = token if held != "made-up" else "x" * 43
    again = client.http.post(
        "/api/v1/scanner/enrol",
        json={"code": code},
        headers={"Authorization": f"Bearer {sent}", "Accept-Language": "zh-CN"},
    )
    assert again.status_code == 400
    assert again.get_json()["error"]["code"] == "enrol_code_used"


def test_a_new_code_replaces_the_access_a_phone_holds(app, client, place):
    _id, _token, first_code = issue(app, place["activity"])
    old = client.http.post("/api/v1/scanner/enrol", json={"code": first_code}).get_json()["token"]
    _id, _token, second_code = issue(app, place["activity"], label="小李")
    answer = client.http.post(
        "/api/v1/scanner/enrol", json={"code": second_code}, headers={"Authorization": f"Bearer {old}"}
    ).get_json()
    assert (answer["already_enrolled"], answer["label"]) == (False, "小李")
    assert answer["token"]
    assert answer["token"] != old


# -- the scanner page and its service worker ------------------------------------------------------


def test_scanner_page_headers_and_data(client):
    response = client.get("/scanner")
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    assert response.headers["Cache-Control"] == "no-cache"
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert "camera=(self)" in response.headers["Permissions-Policy"]
    html = response.get_data(as_text=True)
    # No inline script: every <script> is either a file of our own or a JSON data block.
    for tag in re.findall(r"<script[^>]*>", html):
        assert 'type="application/json"' in tag or re.search(r'src="/static/[^"]+\?v=[0-9a-f]{12}"', tag), tag
    assert "//" not in "".join(re.findall(r'src="([^"]+)"', html)).replace("/static/", "")
    blocks = json_blocks(html)
    config = blocks["scanner-config"]
    assert config["token_pattern"] == _TOKEN_SHAPE.pattern
    assert config["api"] == {
        "scan": "/api/v1/scans",
        "batch": "/api/v1/scans/batch",
        "walkin": "/api/v1/walkins",
        "void": "/api/v1/scans/0/void",
        "action_void": "/api/v1/actions/0/void",
        "activities": "/api/v1/activities",
    }
    assert config["batch_size"] <= 1000
    assert blocks["scanner-strings"]["queued"] == "已保存，待核验"


def test_scanner_page_in_english(client):
    html = client.get("/scanner?lang=en").get_data(as_text=True)
    assert json_blocks(html)["scanner-strings"]["queued"] == "Saved, not yet checked"
    assert 'lang="en"' in html


def test_scanner_page_needs_no_database(make_app):
    # The page itself is static: a phone can fetch it even when the database is away.
    app = make_app(SQLALCHEMY_DATABASE_URI="postgresql+psycopg://nobody@127.0.0.1:1/none")
    assert app.test_client().get("/scanner").status_code == 200


def test_service_worker_headers_and_what_it_keeps(client):
    response = client.get("/scanner/sw.js")
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert response.headers["Cache-Control"] == "no-cache"
    # Its file lives under /scanner/ but it looks after the page at /scanner.
    assert response.headers["Service-Worker-Allowed"] == "/scanner"
    script = response.get_data(as_text=True)
    assets = json.loads(re.search(r"var ASSETS = (\[.*?\]);", script).group(1))
    assert len(assets) == len(SHELL_ASSETS)
    page = client.get("/scanner").get_data(as_text=True)
    manifest = client.get("/scanner/manifest.webmanifest").get_json()
    asked_for = page + json.dumps([icon["src"] for icon in manifest["icons"]])
    for url in assets:
        assert url in asked_for  # the very URLs the page asks for, so the cache answers them offline
        with client.get(url) as asset:
            assert asset.status_code == 200
    assert "'/api/'" in script  # API requests pass through, never cached
    assert json.loads(re.search(r"var SHELL = (.*?);", script).group(1)) == "/scanner"


def test_service_worker_version_follows_the_files(app, client, tmp_path, monkeypatch):
    first = re.search(r"var VERSION = (.*?);", client.get("/scanner/sw.js").get_data(as_text=True)).group(1)
    static = tmp_path / "static"
    for name in SHELL_ASSETS:
        target = static / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes((PROJECT_ROOT / "static" / name).read_bytes())
    (static / "js" / "scanner.js").write_text("// changed\n", encoding="utf-8")
    monkeypatch.setattr(app, "static_folder", str(static))
    second = re.search(r"var VERSION = (.*?);", client.get("/scanner/sw.js").get_data(as_text=True)).group(1)
    assert first != second


def test_jsqr_is_vendored_with_its_licence():
    folder = PROJECT_ROOT / "static" / "vendor" / "jsqr"
    assert (folder / "jsQR.js").stat().st_size > 100_000
    assert "Apache License" in (folder / "LICENSE").read_text()
    readme = (folder / "README.md").read_text()
    assert "1.4.0" in readme
    assert "Apache-2.0" in readme
