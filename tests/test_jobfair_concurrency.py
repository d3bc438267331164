"""Devices racing at a job fair, against a real two-worker gunicorn server: hires never pass a
posting's positions, a seeker's application is recorded once, and the tally stays exact."""

import pytest
import sqlalchemy as sa

from eventdesk.activities.jobfair.models import Application, Employer, Posting
from eventdesk.core.models import Booth
from eventdesk.core.services import tally as tally_service
from eventdesk.extensions import db
from tests.support import factories
from tests.support.api import Api, new_id
from tests.support.jobfair import add_seeker, apply, build_fair
from tests.support.storm import storm

pytestmark = pytest.mark.server

SEEKERS = 12
DEVICES = 6


@pytest.fixture
def racing_fair(app):
    """A stand whose 护工 posting takes 2 people, 12 applicants for it, and 6 devices at the stand."""
    fair = build_fair(app)
    scanner = Api(app, fair.stand_scanners["市人民医院"])
    applications = []
    for number in range(SEEKERS):
        _id, token = add_seeker(app, fair, f"求职者{number}", f"1380000{number:04d}")
        response = apply(scanner, fair, "市人民医院", token, "护工")
        assert response.status_code == 201
        applications.append(response.get_json()["application_id"])
    with app.app_context():
        booth = db.session.get(Booth, fair.stand("市人民医院"))
        devices = [
            factories.scanner_token(booth.activity, booth_=booth, label=f"志愿者{n}") for n in range(DEVICES)
        ]
        db.session.commit()
    return fair, applications, devices


def outcome_request(fair, device, application_id, status="hired"):
    return (
        device,
        f"/activities/{fair.activity}/actions/outcome",
        {
            "client_action_id": new_id(),
            "booth_id": fair.stand("市人民医院"),
            "fields": {"application_id": str(application_id), "status": status},
        },
    )


def hires_and_tally(app, fair) -> tuple[int, int]:
    with app.app_context():
        hired = db.session.scalar(sa.select(Posting.hired).where(Posting.id == fair.postings["护工"]))
        assert tally_service.stored() == tally_service.facts()
        figures = tally_service.stored()
    return hired, sum(value for key, value in figures.items() if key[3] == "hired")


def test_hires_never_exceed_positions_with_devices_racing(app, live_server, racing_fair):
    fair, applications, devices = racing_fair
    server = live_server(workers=2)
    requests = [
        outcome_request(fair, devices[n % DEVICES], application) for n, application in enumerate(applications)
    ]
    answers = storm(server.url, requests)
    statuses = sorted(status for status, _ in answers)
    assert statuses == [201] * 2 + [409] * (SEEKERS - 2), answers
    assert {answer["error"]["code"] for status, answer in answers if status == 409} == {"positions_filled"}
    assert hires_and_tally(app, fair) == (2, 2)

    # Two hires taken back free two positions; the ten others race for them again.
    organizer = Api(app, fair.organizer)
    for status, answer in answers:
        if status == 201:
            assert (
                organizer.post(f"/actions/{answer['action_id']}/void", {"reason": "录错了"}).status_code
                == 200
            )
    assert hires_and_tally(app, fair) == (0, 0)
    hired_before = {answer["application_id"] for status, answer in answers if status == 201}
    others = [application for application in applications if application not in hired_before]
    answers = storm(
        server.url, [outcome_request(fair, devices[n % DEVICES], a) for n, a in enumerate(others)]
    )
    assert sorted(status for status, _ in answers) == [201] * 2 + [409] * (len(others) - 2)
    assert hires_and_tally(app, fair) == (2, 2)


def test_one_application_marked_hired_by_every_device_at_once_is_one_hire(app, live_server, racing_fair):
    fair, applications, devices = racing_fair
    server = live_server(workers=2)
    answers = storm(server.url, [outcome_request(fair, device, applications[0]) for device in devices * 2])
    assert [status for status, _ in answers] == [201] * len(devices) * 2  # each outcome is a fact
    assert hires_and_tally(app, fair) == (1, 1)
    with app.app_context():
        intentions = sum(v for k, v in tally_service.stored().items() if k[3] == "intentions")
    assert intentions == 1


def test_the_same_application_from_several_devices_is_recorded_once(app, live_server):
    fair = build_fair(app)
    _id, ticket = add_seeker(app, fair, "王秀英", "13800000001")
    with app.app_context():
        employer = db.session.scalar(sa.select(Employer).where(Employer.name == "宏达建材有限公司"))
        devices = [
            factories.scanner_token(employer.activity, booth_=employer.booth, label=f"志愿者{n}")
            for n in range(8)
        ]
        db.session.commit()
    server = live_server(workers=2)
    body = {
        "booth_id": fair.stand("宏达建材有限公司"),
        "token": ticket,
        "fields": {"posting_id": str(fair.postings["操作工"])},
    }
    path = f"/activities/{fair.activity}/actions/apply"
    answers = storm(
        server.url, [(device, path, {**body, "client_action_id": new_id()}) for device in devices * 2]
    )
    statuses = sorted(status for status, _ in answers)
    assert statuses == [201] + [409] * 15, answers
    assert {answer["error"]["code"] for status, answer in answers if status == 409} == {"already_applied"}
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Application)) == 1
        assert tally_service.stored() == tally_service.facts()
        assert sum(v for k, v in tally_service.stored().items() if k[3] == "applications") == 1
