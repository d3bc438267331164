"""Devices racing at a consultation booth, against a real two-worker gunicorn server: hand-outs
never pass the stock brought, a follow-up is closed by one answer, and the tally stays exact."""

import pytest
import sqlalchemy as sa

from eventdesk.activities.consultation.models import Answer, Material
from eventdesk.core.models import Booth
from eventdesk.core.services import tally as tally_service
from eventdesk.extensions import db
from tests.support import factories
from tests.support.api import Api, new_id
from tests.support.consultation import build_fair, consult
from tests.support.storm import storm

pytestmark = pytest.mark.server

DEVICES = 6


def devices_at(app, fair, department: str) -> list[str]:
    with app.app_context():
        booth = db.session.get(Booth, fair.booth(department))
        tokens = [
            factories.scanner_token(booth.activity, booth_=booth, label=f"志愿者{n}") for n in range(DEVICES)
        ]
        db.session.commit()
    return tokens


def figure(app, metric: str) -> int:
    with app.app_context():
        assert tally_service.stored() == tally_service.facts()
        return sum(value for key, value in tally_service.stored().items() if key[3] == metric)


def test_hand_outs_never_pass_the_stock_with_devices_racing(app, live_server):
    fair = build_fair(app)  # 民政 brought 5 bags
    devices = devices_at(app, fair, "市民政局")
    server = live_server(workers=2)
    path = f"/activities/{fair.activity}/actions/handout"
    body = {
        "booth_id": fair.booth("市民政局"),
        "fields": {"material_id": str(fair.materials["环保购物袋"]), "quantity": 1},
    }
    answers = storm(
        server.url, [(device, path, {**body, "client_action_id": new_id()}) for device in devices * 2]
    )
    statuses = sorted(status for status, _ in answers)
    assert statuses == [201] * 5 + [409] * 7, answers
    assert {answer["error"]["code"] for status, answer in answers if status == 409} == {"out_of_stock"}
    with app.app_context():
        assert db.session.get(Material, fair.materials["环保购物袋"]).handed_out == 5
    assert figure(app, "materials_handed_out") == 5


def test_a_follow_up_answered_by_every_device_at_once_is_closed_once(app, live_server):
    fair = build_fair(app)
    question = {"follow_up": True, "contact_phone": "13912345678", "question": "低保怎么申请？"}
    response = consult(Api(app, fair.scanner), fair, "市民政局", "social_security", fields=question)
    consultation_id = response.get_json()["consultation_id"]
    devices = devices_at(app, fair, "市民政局")
    server = live_server(workers=2)
    path = f"/activities/{fair.activity}/actions/answer"
    body = {
        "booth_id": fair.booth("市民政局"),
        "fields": {"consultation_id": str(consultation_id), "note": "已答复"},
    }
    answers = storm(
        server.url, [(device, path, {**body, "client_action_id": new_id()}) for device in devices * 2]
    )
    statuses = sorted(status for status, _ in answers)
    assert statuses == [201] + [409] * 11, answers
    assert {answer["error"]["code"] for status, answer in answers if status == 409} == {"not_open_follow_up"}
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Answer)) == 1
    assert figure(app, "follow_ups_closed") == 1
