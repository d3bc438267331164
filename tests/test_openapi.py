"""The OpenAPI document describes what the server really does: real answers validate against it."""

import json
import re
import uuid

import jsonschema
import pytest

from eventdesk.extensions import db
from tests.support import factories
from tests.support.openapi import check


@pytest.fixture
def document(app):
    return app.test_client().get("/api/v1/openapi.json").get_json()


def test_document_is_valid_openapi_shape(document):
    assert document["openapi"].startswith("3.1")
    for schema in document["components"]["schemas"].values():
        jsonschema.Draft202012Validator.check_schema(schema)


def test_every_api_route_is_documented(app, document):
    routes = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/") and rule.endpoint != "api.openapi":
            path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule.removeprefix("/api/v1"))
            for method in rule.methods - {"HEAD", "OPTIONS"}:
                routes.add((path, method.lower()))
    documented = {(path, method) for path, item in document["paths"].items() for method in item}
    assert routes == documented


def test_real_answers_match_the_document(app, document):
    with app.app_context():
        activity = factories.activity(booths=1, registration_open=True)
        ticket = factories.registration(activity)
        scanner = factories.scanner_token(activity)
        admin = factories.staff_token(factories.user("admin"))
        from eventdesk.core.services import credentials

        _credential, _token, enrol_code = credentials.issue(activity, label="备用手机")
        db.session.commit()
        activity_id, booth_id, token = activity.id, activity.booths[0].id, ticket.token
    http = app.test_client()

    def call(method, path, body=None, bearer=scanner):
        headers = {"Authorization": f"Bearer {bearer}"} if bearer else {}
        response = http.open(
            f"/api/v1{path}",
            method=method.upper(),
            headers=headers,
            data=json.dumps(body) if body is not None else None,
            content_type="application/json",
        )
        return response

    def scan_body(**fields):
        return {"client_scan_id": str(uuid.uuid4()), **fields}

    a = f"/activities/{activity_id}"
    cases = [
        ("get", "/activities", "/activities", None, admin),
        ("get", "/activities", "/activities", None, scanner),
        ("get", "/activities", "/activities", None, None),
        ("get", "/activities/{activity_id}", a, None, scanner),
        ("get", "/activities/{activity_id}/booths", f"{a}/booths", None, scanner),
        ("get", "/activities/{activity_id}/counts", f"{a}/counts", None, admin),
        ("get", "/activities/{activity_id}/counts", "/activities/999999/counts", None, admin),
        ("get", "/activities/{activity_id}/lookup", f"{a}/lookup?q=群众", None, scanner),
        ("get", "/activities/{activity_id}/lookup", f"{a}/lookup?q=", None, scanner),
        ("post", "/scans", "/scans", scan_body(token=token), scanner),
        ("post", "/scans", "/scans", scan_body(token=token), scanner),  # duplicate, with first_seen
        ("post", "/scans", "/scans", scan_body(token="unknown-token-abcdefgh"), scanner),
        ("post", "/scans", "/scans", scan_body(token=token, booth_id=booth_id), scanner),
        ("post", "/scans", "/scans", {"token": token}, scanner),
        ("post", "/scans", "/scans", scan_body(token=token), "wrong"),
        ("post", "/walkins", "/walkins", scan_body(count=2), scanner),
        ("post", "/walkins", "/walkins", scan_body(count=0), scanner),
        ("post", "/scans/batch", "/scans/batch", {"scans": [scan_body(token=token), {"x": 1}]}, scanner),
        ("post", "/scans/batch", "/scans/batch", {"scans": [scan_body(token=token)] * 1001}, scanner),
        (
            "post",
            "/activities/{activity_id}/registrations",
            f"{a}/registrations",
            {"name": "赵六", "phone": "13512345678", "consent": True},
            None,
        ),
        (
            "post",
            "/activities/{activity_id}/registrations",
            f"{a}/registrations",
            {"name": "赵六", "phone": "13512345678", "consent": True},
            None,
        ),
        (
            "post",
            "/activities/{activity_id}/registrations",
            f"{a}/registrations",
            {"name": "赵六", "phone": "1", "consent": True},
            None,
        ),
        ("post", "/scanner/enrol", "/scanner/enrol", {"code": enrol_code}, None),
        ("post", "/scanner/enrol", "/scanner/enrol", {"code": enrol_code}, None),
    ]
    statuses = []
    for method, documented_path, real_path, body, bearer in cases:
        response = call(method, real_path, body, bearer)
        check(document, documented_path, method, response)
        statuses.append(response.status_code)
    assert statuses == [
        200,
        403,
        401,
        200,
        200,
        200,
        404,
        200,
        400,
        200,
        200,
        200,
        200,
        400,
        401,
        200,
        400,
        200,
        413,
        201,
        409,
        400,
        200,
        400,
    ]


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/scans", {"client_scan_id": str(uuid.uuid4()), "token": "x" * 20, "activity_id": 999999}),
        ("/walkins", {"client_scan_id": str(uuid.uuid4()), "count": 1, "activity_id": 999999}),
        (
            "/scans/batch",
            {"scans": [{"client_scan_id": str(uuid.uuid4()), "token": "x" * 20, "activity_id": 999999}]},
        ),
    ],
)
def test_a_staff_scan_at_an_activity_that_does_not_exist_is_a_documented_404(app, document, path, body):
    with app.app_context():
        admin = factories.staff_token(factories.user("admin"))
        db.session.commit()
    response = app.test_client().post(
        f"/api/v1{path}", json=body, headers={"Authorization": f"Bearer {admin}"}
    )
    assert response.status_code == 404
    check(document, path, "post", response)


def test_joining_a_health_queue_without_a_body_is_a_documented_400(app, document):
    with app.app_context():
        activity = factories.activity(kind="health", booths=1)
        scanner = factories.scanner_token(activity)
        db.session.commit()
        path = f"/api/v1/activities/{activity.id}/health/stations/{activity.booths[0].id}/queue"
    response = app.test_client().post(path, headers={"Authorization": f"Bearer {scanner}"})
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "invalid_json"
    check(document, "/activities/{activity_id}/health/stations/{booth_id}/queue", "post", response)


def test_registering_with_a_bearer_token_that_is_no_credential_is_a_documented_401(app, document):
    with app.app_context():
        activity = factories.activity(registration_open=True)
        db.session.commit()
        path = f"/api/v1/activities/{activity.id}/registrations"
    body = {"name": "赵六", "phone": "13512345678", "consent": True}
    response = app.test_client().post(path, json=body, headers={"Authorization": "Bearer not-a-credential"})
    assert response.status_code == 401
    check(document, "/activities/{activity_id}/registrations", "post", response)


def test_searching_too_often_is_a_documented_429(make_app):
    app = make_app(RATELIMIT_ENABLED=True)
    document = app.test_client().get("/api/v1/openapi.json").get_json()
    with app.app_context():
        activity = factories.activity()
        scanner = factories.scanner_token(activity)
        db.session.commit()
        path = f"/api/v1/activities/{activity.id}/lookup?q=1234"
    http = app.test_client()
    bearer = {"Authorization": f"Bearer {scanner}"}
    statuses = [http.get(path, headers=bearer).status_code for _ in range(121)]
    assert statuses == [200] * 120 + [429]
    response = http.get(path, headers=bearer)
    check(document, "/activities/{activity_id}/lookup", "get", response)


def test_trying_one_enrolment_code_too_often_is_a_documented_429(make_app):
    app = make_app(RATELIMIT_ENABLED=True)
    document = app.test_client().get("/api/v1/openapi.json").get_json()
    http = app.test_client()
    statuses = [http.post("/api/v1/scanner/enrol", json={"code": "guessed"}).status_code for _ in range(11)]
    assert statuses == [400] * 10 + [429]
    response = http.post("/api/v1/scanner/enrol", json={"code": "guessed"})
    check(document, "/scanner/enrol", "post", response)
