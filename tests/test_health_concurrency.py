"""Devices racing at a health service day, against a real two-worker gunicorn server: a service is
recorded once per resident and day, a resident served at three stations at once counts once, queue
numbers are never given twice, and a number is called once."""

import pytest
import sqlalchemy as sa

from eventdesk.activities.health.models import QueueTicket, ServiceGiven
from eventdesk.core.models import Booth
from eventdesk.core.services import tally as tally_service
from eventdesk.extensions import db
from tests.support import factories
from tests.support.api import new_id
from tests.support.health import STATIONS, add_resident, build_day
from tests.support.storm import storm

pytestmark = pytest.mark.server

DEVICES = 4


def station_devices(app, day, station: str) -> list[str]:
    with app.app_context():
        booth = db.session.get(Booth, day.station(station))
        devices = [
            factories.scanner_token(booth.activity, booth_=booth, label=f"{station}{n}")
            for n in range(DEVICES)
        ]
        db.session.commit()
    return devices


def serve_request(day, device, station, ticket, service):
    body = {
        "client_action_id": new_id(),
        "booth_id": day.station(station),
        "token": ticket,
        "fields": {"service": service, "referral": True},
    }
    return device, f"/activities/{day.activity}/actions/serve", body


def figures(app) -> dict:
    with app.app_context():
        stored = tally_service.stored()
        assert stored == tally_service.facts()
    totals = {}
    for (_day, _activity, _booth, metric), value in stored.items():
        totals[metric] = totals.get(metric, 0) + value
    return totals


def test_the_same_service_from_every_device_at_once_is_recorded_once(app, live_server):
    day = build_day(app)
    _id, ticket = add_resident(app, day, "王秀英", "13800000001")
    devices = station_devices(app, day, "一号服务站")
    server = live_server(workers=2)
    answers = storm(
        server.url, [serve_request(day, device, "一号服务站", ticket, "bp") for device in devices * 3]
    )
    assert sorted(status for status, _ in answers) == [201] + [409] * (len(devices) * 3 - 1), answers
    assert {answer["error"]["code"] for status, answer in answers if status == 409} == {"already_served"}
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ServiceGiven)) == 1
    assert figures(app) == {
        "registered": 1,
        "residents_served": 1,
        "services": 1,
        "services.bp": 1,
        "referrals": 1,
    }


def test_a_resident_served_at_every_station_at_once_counts_once(app, live_server):
    day = build_day(app)
    _id, ticket = add_resident(app, day, "王秀英", "13800000001")
    requests = []
    for station, codes in STATIONS.items():
        devices = station_devices(app, day, station)
        requests += [
            serve_request(day, devices[n % DEVICES], station, ticket, code) for n, code in enumerate(codes)
        ]
    server = live_server(workers=2)
    answers = storm(server.url, requests)
    assert [status for status, _ in answers] == [201] * len(requests), answers
    totals = figures(app)
    assert totals["residents_served"] == 1
    assert totals["services"] == totals["referrals"] == len(requests)


def test_queue_numbers_are_given_and_called_once_with_devices_racing(app, live_server):
    day = build_day(app)
    tickets = [add_resident(app, day, f"村民{n}", f"1380000{n:04d}")[1] for n in range(10)]
    devices = station_devices(app, day, "一号服务站")
    station = day.station("一号服务站")
    server = live_server(workers=2)
    queue = f"/activities/{day.activity}/health/stations/{station}/queue"
    # Each resident is scanned twice, by two devices at once: one number each all the same.
    answers = storm(
        server.url,
        [(devices[n % DEVICES], queue, {"token": ticket}) for n, ticket in enumerate(tickets * 2)],
    )
    assert sorted(status for status, _ in answers) == [200] * 10 + [201] * 10, answers
    by_ticket = {}
    for (_status, answer), ticket in zip(answers, tickets * 2, strict=True):
        by_ticket.setdefault(ticket, set()).add(answer["number"])
    assert all(len(numbers) == 1 for numbers in by_ticket.values())
    assert sorted(next(iter(numbers)) for numbers in by_ticket.values()) == list(range(1, 11))

    call = f"/activities/{day.activity}/health/stations/{station}/call-next"
    answers = storm(server.url, [(devices[n % DEVICES], call, {}) for n in range(13)])
    called = sorted(answer["called"] for status, answer in answers if status == 200)
    assert called == list(range(1, 11)), answers
    assert [answer["error"]["code"] for status, answer in answers if status != 200] == ["queue_empty"] * 3
    with app.app_context():
        assert (
            db.session.scalar(
                sa.select(sa.func.count()).select_from(QueueTicket).where(QueueTicket.called_at.is_(None))
            )
            == 0
        )
    totals = figures(app)
    assert (totals["queue_numbers"], totals["queue_called"]) == (10, 10)
