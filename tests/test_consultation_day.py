"""A scripted consultation-fair night across Asia/Shanghai midnight: walk-in and scanned
consultations, follow-ups, hand-outs and answers sent out of order (with the devices' times),
refusals, and voids of all three; the fed tally equals a ground truth written out plainly
here, and `flask tally rebuild` gives it again."""

import random
from collections import Counter
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from eventdesk.activities.consultation.models import Material
from eventdesk.core.services import tally as tally_service
from eventdesk.extensions import db
from tests.support.api import Api
from tests.support.consultation import DEPARTMENTS, add_visitor, answer, build_fair, consult, handout, void
from tests.support.scripted import night_across_midnight

SHANGHAI = ZoneInfo("Asia/Shanghai")
TOPICS = (
    "industry",
    "relocation",
    "employment",
    "health",
    "education",
    "finance",
    "housing",
    "social_security",
    "other",
)
MATERIALS = {
    title: (department, brought)
    for department, offered in DEPARTMENTS.items()
    for title, (_kind, brought) in offered.items()
}


class Truth:
    """The fair's rules written out plainly, and the figures they imply."""

    def __init__(self, fair):
        self.fair = fair
        self.figures = Counter()
        #: consultation id → {"booth", "department", "topic", "day", "walk_in", "follow_up", "live",
        #: "action", "answer"}
        self.consultations: dict[int, dict] = {}
        #: hand-out action id → {"booth", "material", "quantity", "day", "live"}
        self.handouts: dict[int, dict] = {}
        #: answer action id → {"consultation", "day", "live"}
        self.answers: dict[int, dict] = {}

    def add(self, day, booth, metric, amount=1):
        self.figures[(day, self.fair.activity, booth, metric)] += amount

    def left(self, material):
        handed = sum(h["quantity"] for h in self.handouts.values() if h["live"] and h["material"] == material)
        return MATERIALS[material][1] - handed

    def is_open(self, consultation_id):
        c = self.consultations[consultation_id]
        return c["live"] and c["follow_up"] and c["answer"] is None

    def expected(self):
        figures = Counter(self.figures)
        activity = self.fair.activity
        for c in self.consultations.values():
            if c["live"]:
                key = (c["day"], activity, c["booth"])
                figures[(*key, "consultations")] += 1
                figures[(*key, f"consultations.{c['topic']}")] += 1
                figures[(*key, "follow_ups_opened")] += c["follow_up"]
                figures[(*key, "walk_ins")] += c["walk_in"]
        for h in self.handouts.values():
            if h["live"]:
                figures[(h["day"], activity, h["booth"], "materials_handed_out")] += h["quantity"]
        for a in self.answers.values():
            if a["live"]:
                booth = self.consultations[a["consultation"]]["booth"]
                figures[(a["day"], activity, booth, "follow_ups_closed")] += 1
        return Counter({key: value for key, value in figures.items() if value})


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_consultation_fair_night_across_midnight(app, seed):
    rng = random.Random(seed)
    night = night_across_midnight(rng)
    moments = night.moments
    fair = build_fair(app, **night.activity_options)
    truth = Truth(fair)
    departments = list(DEPARTMENTS)
    scanner, organizer = Api(app, fair.scanner), Api(app, fair.organizer)

    tickets = []
    for number in range(6):
        tickets.append(add_visitor(app, fair, f"群众{number}", f"1380000{number:04d}")[1])
        truth.add(fair.day, 0, "registered")

    refusals = Counter()
    for _ in range(110):
        roll = rng.random()
        moment = rng.choice(moments)
        day = moment.astimezone(SHANGHAI).date()
        department = rng.choice(departments)
        booth = fair.booth(department)
        if roll < 0.4 or not truth.consultations:
            topic = rng.choice(TOPICS)
            ticket = rng.choice(tickets) if rng.random() < 0.3 else None
            follow_up = rng.random() < 0.5
            fields = (
                {"follow_up": True, "contact_phone": "139 1234 5678", "question": "低保怎么申请？"}
                if follow_up
                else {}
            )
            extra = {"token": ticket} if ticket else {}
            response = consult(
                scanner, fair, department, topic, fields=fields, recorded_at=moment.isoformat(), **extra
            )
            assert response.status_code == 201, response.get_json()
            body = response.get_json()
            truth.consultations[body["consultation_id"]] = {
                "booth": booth,
                "department": department,
                "topic": topic,
                "day": day,
                "walk_in": ticket is None,
                "follow_up": follow_up,
                "live": True,
                "action": body["action_id"],
                "answer": None,
            }
        elif roll < 0.65:
            mine = [title for title, (owner, _brought) in MATERIALS.items() if owner == department]
            material = rng.choice(mine)
            quantity = rng.randint(1, 8)
            response = handout(scanner, fair, department, material, quantity, recorded_at=moment.isoformat())
            if quantity > truth.left(material):
                assert response.status_code == 409, response.get_json()
                assert response.get_json()["error"]["code"] == "out_of_stock"
                refusals["out_of_stock"] += 1
                continue
            assert response.status_code == 201, response.get_json()
            truth.handouts[response.get_json()["action_id"]] = {
                "booth": booth,
                "material": material,
                "quantity": quantity,
                "day": day,
                "live": True,
            }
        elif roll < 0.85:
            owned = [i for i, c in truth.consultations.items() if c["department"] == department]
            if not owned:
                continue
            consultation_id = rng.choice(owned)
            response = answer(scanner, fair, department, consultation_id, recorded_at=moment.isoformat())
            if not truth.is_open(consultation_id):
                assert response.status_code == 409, response.get_json()
                assert response.get_json()["error"]["code"] == "not_open_follow_up"
                refusals["not_open_follow_up"] += 1
                continue
            assert response.status_code == 201, response.get_json()
            action_id = response.get_json()["action_id"]
            truth.answers[action_id] = {"consultation": consultation_id, "day": day, "live": True}
            truth.consultations[consultation_id]["answer"] = action_id
        else:
            pick = rng.random()
            if pick < 0.4:
                live = [i for i, c in truth.consultations.items() if c["live"]]
                if not live:
                    continue
                consultation = truth.consultations[rng.choice(live)]
                response = void(organizer, consultation["action"])
                if consultation["answer"] is not None:
                    assert response.status_code == 409, response.get_json()
                    assert response.get_json()["error"]["code"] == "consultation_answered"
                    refusals["consultation_answered"] += 1
                    continue
                assert response.status_code == 200, response.get_json()
                consultation["live"] = False
            elif pick < 0.7:
                live = [i for i, h in truth.handouts.items() if h["live"]]
                if not live:
                    continue
                action_id = rng.choice(live)
                assert void(organizer, action_id).status_code == 200
                truth.handouts[action_id]["live"] = False
            else:
                live = [i for i, a in truth.answers.items() if a["live"]]
                if not live:
                    continue
                action_id = rng.choice(live)
                assert void(organizer, action_id).status_code == 200
                truth.answers[action_id]["live"] = False
                truth.consultations[truth.answers[action_id]["consultation"]]["answer"] = None

    assert set(refusals) >= {"out_of_stock", "not_open_follow_up"}
    assert len(truth.consultations) > 20
    assert any(not h["live"] for h in truth.handouts.values()), "the script undoes a hand-out"
    assert any(not c["live"] for c in truth.consultations.values()), "the script undoes a consultation"
    assert sum(1 for a in truth.answers.values() if a["live"]) > 1

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
        left = dict(
            db.session.execute(sa.select(Material.name, Material.brought - Material.handed_out)).all()
        )
    assert left == {title: truth.left(title) for title in MATERIALS}
    assert all(value >= 0 for value in left.values())
