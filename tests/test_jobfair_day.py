"""A scripted job-fair night across Asia/Shanghai midnight: check-ins, applications and outcomes
sent out of order (with the devices' times), refusals, and voids of both; the fed tally equals
a ground truth written out plainly here, and `flask tally rebuild` gives it again."""

import random
from collections import Counter
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from eventdesk.activities.jobfair.models import Posting
from eventdesk.core.services import tally as tally_service
from eventdesk.extensions import db
from tests.support.api import Api, new_id
from tests.support.jobfair import add_seeker, build_fair
from tests.support.scripted import night_across_midnight

SHANGHAI = ZoneInfo("Asia/Shanghai")
STANDS = {
    "市人民医院": ("public_institution", "A01", {"护工": (2, False, None), "保洁员": (1, False, None)}),
    "宏达建材有限公司": ("private", "B01", {"操作工": (3, False, None)}),
    "黄堡镇人民政府": ("government", None, {"乡村保洁员": (2, True, None), "护林员": (1, True, None)}),
}
STATUSES = ("interviewed", "intention", "hired", "not_suitable")
REACHES = {"intentions": {"intention", "hired"}, "hired": {"hired"}}


class Truth:
    """The job fair's rules written out plainly, and the figures they imply."""

    def __init__(self, fair):
        self.fair = fair
        self.figures = Counter()
        #: application id → {"stand", "posting", "seeker", "day", "live"}
        self.applications: dict[int, dict] = {}
        #: outcome action id → {"application", "status", "moment", "order", "live"}
        self.outcomes: dict[int, dict] = {}
        self.order = 0
        for employer, (_kind, _number, postings) in STANDS.items():
            key = (fair.day, fair.activity, fair.stand(employer))
            self.figures[(*key, "employers")] += 1
            for positions, welfare, _education in postings.values():
                self.figures[(*key, "postings")] += 1
                self.figures[(*key, "positions")] += positions
                self.figures[(*key, "public_welfare_positions")] += positions if welfare else 0

    def add(self, day, booth, metric, amount=1):
        self.figures[(day, self.fair.activity, booth, metric)] += amount

    def live_application(self, seeker, posting):
        return any(
            a["live"] and (a["seeker"], a["posting"]) == (seeker, posting) for a in self.applications.values()
        )

    def reached(self, application_id, statuses):
        live = [o for o in self.outcomes.values() if o["live"] and o["application"] == application_id]
        return sorted((o for o in live if o["status"] in statuses), key=lambda o: (o["moment"], o["order"]))

    def hires(self, posting):
        return sum(
            1
            for application_id, a in self.applications.items()
            if a["posting"] == posting and self.reached(application_id, REACHES["hired"])
        )

    def expected(self):
        figures = Counter(self.figures)
        for application_id, application in self.applications.items():
            if application["live"]:
                figures[(application["day"], self.fair.activity, application["stand"], "applications")] += 1
            for metric, statuses in REACHES.items():
                first = self.reached(application_id, statuses)
                if first:
                    day = first[0]["moment"].astimezone(SHANGHAI).date()
                    figures[(day, self.fair.activity, application["stand"], metric)] += 1
        return Counter({key: value for key, value in figures.items() if value})


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_job_fair_night_across_midnight(app, seed):
    rng = random.Random(seed)
    night = night_across_midnight(rng)
    moments = night.moments
    fair = build_fair(app, STANDS, **night.activity_options)
    truth = Truth(fair)
    stands = list(STANDS)
    postings = {title: employer for employer, spec in STANDS.items() for title in spec[2]}
    scanner, organizer = Api(app, fair.scanner), Api(app, fair.organizer)

    # Ten seekers, four of them registered poor labourers; each checks in at a stand.
    seekers = {}
    for number in range(10):
        poor = number % 3 == 0
        _id, token = add_seeker(app, fair, f"求职者{number}", f"1380000{number:04d}", poor_labourer=poor)
        seekers[token] = poor
        truth.add(fair.day, 0, "registered")
        moment = rng.choice(moments)
        booth = fair.stand(rng.choice(stands))
        answer = scanner.scan(token, booth_id=booth, scanned_at=moment.isoformat())
        assert answer["result"] == "accepted"
        day = moment.astimezone(SHANGHAI).date()
        truth.add(day, 0, "checked_in")
        truth.add(day, 0, "poor_labourers_present", poor)
        truth.add(day, booth, "visits")
        truth.add(day, booth, "scans")

    refusals = Counter()
    for _ in range(90):
        roll = rng.random()
        moment = rng.choice(moments)
        if roll < 0.35 or not truth.applications:
            seeker, title = rng.choice(list(seekers)), rng.choice(list(postings))
            employer = postings[title]
            response = scanner.post(
                f"/activities/{fair.activity}/actions/apply",
                {
                    "client_action_id": new_id(),
                    "booth_id": fair.stand(employer),
                    "token": seeker,
                    "fields": {"posting_id": str(fair.postings[title])},
                    "recorded_at": moment.isoformat(),
                },
            )
            if truth.live_application(seeker, title):
                assert response.status_code == 409, response.get_json()
                assert response.get_json()["error"]["code"] == "already_applied"
                refusals["already_applied"] += 1
                continue
            assert response.status_code == 201, response.get_json()
            body = response.get_json()
            truth.applications[body["application_id"]] = {
                "stand": fair.stand(employer),
                "posting": title,
                "seeker": seeker,
                "day": moment.astimezone(SHANGHAI).date(),
                "live": True,
                "action": body["action_id"],
            }
        elif roll < 0.8:
            live = [i for i, a in truth.applications.items() if a["live"]]
            if not live:
                continue
            application_id = rng.choice(live)
            application = truth.applications[application_id]
            status = rng.choice(STATUSES)
            response = scanner.post(
                f"/activities/{fair.activity}/actions/outcome",
                {
                    "client_action_id": new_id(),
                    "booth_id": application["stand"],
                    "fields": {"application_id": str(application_id), "status": status},
                    "recorded_at": moment.isoformat(),
                },
            )
            title = application["posting"]
            full = truth.hires(title) >= positions_of(title)
            if status == "hired" and not truth.reached(application_id, REACHES["hired"]) and full:
                assert response.status_code == 409, response.get_json()
                assert response.get_json()["error"]["code"] == "positions_filled"
                refusals["positions_filled"] += 1
                continue
            assert response.status_code == 201, response.get_json()
            truth.order += 1
            truth.outcomes[response.get_json()["action_id"]] = {
                "application": application_id,
                "status": status,
                "moment": moment,
                "order": truth.order,
                "live": True,
            }
        elif roll < 0.93:
            live = [i for i, o in truth.outcomes.items() if o["live"]]
            if not live:
                continue
            action_id = rng.choice(live)
            assert organizer.post(f"/actions/{action_id}/void", {"reason": "录错了"}).status_code == 200
            truth.outcomes[action_id]["live"] = False
        else:
            live = [i for i, a in truth.applications.items() if a["live"]]
            if not live:
                continue
            application_id = rng.choice(live)
            response = organizer.post(
                f"/actions/{truth.applications[application_id]['action']}/void", {"reason": "投错了"}
            )
            outcomes = truth.outcomes.values()
            if any(o["live"] and o["application"] == application_id for o in outcomes):
                assert response.status_code == 409
                refusals["application_has_outcomes"] += 1
            else:
                assert response.status_code == 200, response.get_json()
                truth.applications[application_id]["live"] = False

    assert set(refusals) == {"already_applied", "positions_filled", "application_has_outcomes"}
    assert len(truth.applications) > 10
    assert any(not o["live"] for o in truth.outcomes.values()), "the script undoes an outcome"
    assert sum(1 for o in truth.outcomes.values() if o["live"] and o["status"] == "hired") > 1

    with app.app_context():
        expected = truth.expected()
        assert tally_service.stored() == expected
        assert tally_service.facts() == expected
        tally_service.rebuild()
        db.session.commit()
        assert tally_service.stored() == expected
        days = {key[0] for key in expected}
        assert len(days) == 2, "the script crosses local midnight"
        for day in days:
            tally_service.rebuild(day)
            db.session.commit()
            assert tally_service.stored(day) == Counter({k: v for k, v in expected.items() if k[0] == day})
        hired = dict(db.session.execute(sa.select(Posting.title, Posting.hired)).all())
    assert hired == {title: truth.hires(title) for title in postings}
    for title, count in hired.items():
        assert count <= positions_of(title)


def positions_of(title: str) -> int:
    return next(spec[2][title][0] for spec in STANDS.values() if title in spec[2])

