"""A scripted health service day across Asia/Shanghai midnight: residents of two villages served
at three stations out of order (with the devices' times), refusals (the same service twice, a
service the station does not offer), referrals, and voids; the fed tally equals a ground truth
written out plainly here, and `flask tally rebuild` gives it again."""

import random
from collections import Counter
from zoneinfo import ZoneInfo

import pytest

from eventdesk.core.models import utcnow
from eventdesk.core.services import tally as tally_service
from eventdesk.extensions import db
from tests.support.api import Api
from tests.support.health import STATIONS, add_resident, build_day, serve, void
from tests.support.scripted import night_across_midnight

SHANGHAI = ZoneInfo("Asia/Shanghai")


class Truth:
    """The health day's rules written out plainly, and the figures they imply."""

    def __init__(self, day):
        self.day = day
        self.figures = Counter()
        #: action id → {"station", "resident", "service", "day", "referral", "live"}
        self.services: dict[int, dict] = {}
        #: station → {"waiting": residents in the order of their numbers, "given": numbers given}
        self.queues: dict[str, dict] = {}

    def add(self, day, booth, metric, amount=1):
        self.figures[(day, self.day.activity, booth, metric)] += amount

    def served(self, resident, service, day):
        return any(
            s["live"] and (s["resident"], s["service"], s["day"]) == (resident, service, day)
            for s in self.services.values()
        )

    def expected(self):
        figures = Counter(self.figures)
        residents = set()
        for given in self.services.values():
            if not given["live"]:
                continue
            key = (given["day"], self.day.activity, given["station"])
            figures[(*key, "services")] += 1
            figures[(*key, f"services.{given['service']}")] += 1
            figures[(*key, "referrals")] += given["referral"]
            residents.add((given["day"], given["resident"]))
        for local_day, _resident in residents:
            figures[(local_day, self.day.activity, 0, "residents_served")] += 1
        return Counter({key: value for key, value in figures.items() if value})


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_health_day_across_midnight(app, seed):
    rng = random.Random(seed)
    night = night_across_midnight(rng)
    moments = night.moments
    day = build_day(app, **night.activity_options)
    truth = Truth(day)
    offered = {code: station for station, codes in STATIONS.items() for code in codes}
    scanner, organizer = Api(app, day.scanner), Api(app, day.organizer)

    residents = []
    for number in range(10):
        village = ("孙塬村", "南古村")[number % 2]
        _id, token = add_resident(app, day, f"村民{number}", f"1380000{number:04d}", village=village)
        residents.append(token)
        truth.add(day.day, 0, "registered")

    refusals = Counter()
    for _ in range(100):
        roll = rng.random()
        moment = rng.choice(moments)
        local_day = moment.astimezone(SHANGHAI).date()
        if roll < 0.7 or not truth.services:
            resident, code = rng.choice(residents), rng.choice(list(offered))
            station = offered[code] if rng.random() < 0.9 else rng.choice(list(STATIONS))
            referral = rng.random() < 0.25
            response = serve(
                scanner,
                day,
                station,
                resident,
                code,
                referral=referral,
                note="血压偏高",
                recorded_at=moment.isoformat(),
            )
            if station != offered[code]:
                assert response.status_code == 409, response.get_json()
                assert response.get_json()["error"]["code"] == "service_not_offered"
                refusals["service_not_offered"] += 1
                continue
            if truth.served(resident, code, local_day):
                assert response.status_code == 409, response.get_json()
                assert response.get_json()["error"]["code"] == "already_served"
                refusals["already_served"] += 1
                continue
            assert response.status_code == 201, response.get_json()
            body = response.get_json()
            assert set(body) == {"action_id", "action", "result", "counts"}, "the answer names no service"
            assert not {"services", "referrals"} & set(body["counts"]["metrics"])
            truth.services[body["action_id"]] = {
                "station": day.station(station),
                "resident": resident,
                "service": code,
                "day": local_day,
                "referral": referral,
                "live": True,
            }
        elif roll < 0.85:
            # The queue at a station: a number for a resident (the same one while they wait), or
            # the next called. Numbers count on the day they are given: today.
            station = rng.choice(list(STATIONS))
            queue = truth.queues.setdefault(station, {"waiting": [], "given": 0})
            today = utcnow().astimezone(SHANGHAI).date()
            path = f"/activities/{day.activity}/health/stations/{day.station(station)}"
            if rng.random() < 0.6:
                resident = rng.choice(residents)
                response = organizer.post(f"{path}/queue", {"token": resident})
                if resident in queue["waiting"]:
                    assert response.status_code == 200, response.get_json()
                else:
                    assert response.status_code == 201, response.get_json()
                    queue["waiting"].append(resident)
                    queue["given"] += 1
                    truth.add(today, day.station(station), "queue_numbers")
                assert response.get_json()["ahead"] == queue["waiting"].index(resident)
            else:
                response = organizer.post(f"{path}/call-next", {})
                if not queue["waiting"]:
                    assert response.status_code == 409
                    assert response.get_json()["error"]["code"] == "queue_empty"
                    refusals["queue_empty"] += 1
                    continue
                assert response.status_code == 200, response.get_json()
                assert response.get_json()["called"] == queue["given"] - len(queue["waiting"]) + 1
                queue["waiting"].pop(0)
                truth.add(today, day.station(station), "queue_called")
        else:
            live = [action_id for action_id, given in truth.services.items() if given["live"]]
            if not live:
                continue
            action_id = rng.choice(live)
            assert void(organizer, action_id).status_code == 200
            truth.services[action_id]["live"] = False
            again = void(organizer, action_id)
            assert again.status_code == 409
            assert again.get_json()["error"]["code"] == "already_voided"

    assert set(refusals) == {"service_not_offered", "already_served", "queue_empty"}
    assert len(truth.services) > 20
    assert any(not given["live"] for given in truth.services.values()), "the script undoes a service"
    assert any(given["live"] and given["referral"] for given in truth.services.values())

    with app.app_context():
        expected = truth.expected()
        assert tally_service.stored() == expected
        assert tally_service.facts() == expected
        tally_service.rebuild()
        db.session.commit()
        assert tally_service.stored() == expected
        days = {key[0] for key in expected}
        assert len(days) == 2, "the script crosses local midnight"
        for local_day in days:
            tally_service.rebuild(local_day)
            db.session.commit()
            assert tally_service.stored(local_day) == Counter(
                {k: v for k, v in expected.items() if k[0] == local_day}
            )


def test_a_resident_counts_once_a_day_however_many_services_and_until_the_last_is_undone(app):
    day = build_day(app)
    scanner, organizer = Api(app, day.scanner), Api(app, day.organizer)
    _id, ticket = add_resident(app, day, "王秀英", "13800001111")
    first = serve(scanner, day, "一号服务站", ticket, "bp").get_json()["action_id"]
    second = serve(scanner, day, "二号服务站", ticket, "clinic", referral=True).get_json()["action_id"]
    with app.app_context():
        figures = tally_service.stored()
    activity = day.activity
    assert figures[(day.day, activity, 0, "residents_served")] == 1
    assert figures[(day.day, activity, day.station("二号服务站"), "referrals")] == 1
    assert void(organizer, first).status_code == 200
    with app.app_context():
        assert tally_service.stored()[(day.day, activity, 0, "residents_served")] == 1
    assert void(organizer, second).status_code == 200
    with app.app_context():
        figures = tally_service.stored()
        assert figures[(day.day, activity, 0, "residents_served")] == 0
        assert tally_service.facts() == Counter({k: v for k, v in figures.items() if v})
    again = serve(scanner, day, "一号服务站", ticket, "bp")
    assert again.status_code == 201, "an undone service may be recorded again"
