"""Talking to the JSON API as a scanner or a staff member would, and reading what it stored."""

import json
import uuid

import sqlalchemy as sa

from eventdesk.core.models import Scan
from eventdesk.extensions import db


def new_id() -> str:
    return str(uuid.uuid4())


class Api:
    """A client of `/api/v1` that sends a bearer token (a scanner credential or a staff token)."""

    def __init__(self, app, token):
        self.http = app.test_client()
        self.token = token

    def post(self, path, body, token=None, **headers):
        headers.setdefault("Authorization", f"Bearer {token or self.token}")
        return self.http.post(
            f"/api/v1{path}", data=json.dumps(body), headers=headers, content_type="application/json"
        )

    def get(self, path, token=None, **headers):
        headers.setdefault("Authorization", f"Bearer {token or self.token}")
        return self.http.get(f"/api/v1{path}", headers=headers)

    def scan(self, token, **fields):
        body = {"token": token, "client_scan_id": new_id(), **fields}
        response = self.post("/scans", body)
        assert response.status_code == 200, response.get_data(as_text=True)
        return response.get_json()


def scan_rows(app):
    with app.app_context():
        return db.session.scalars(sa.select(Scan).order_by(Scan.id)).all()
