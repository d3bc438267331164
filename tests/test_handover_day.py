"""A scripted ceremony: households checked in at the entrance or at a desk, keys handed to heads
and proxies (the household checked in by the handover when it was not), a second handover
refused, undos, keys delivered after the ceremony, households absent. After every step the fed
tally equals a ground truth written out plainly here; `flask tally rebuild` gives it again."""

import datetime as dt
import random
from collections import Counter
from zoneinfo import ZoneInfo

import pytest

from eventdesk.core.models import Action, utcnow
from eventdesk.core.services import tally as tally_service
from eventdesk.extensions import db
from tests.support.api import Api
from tests.support.handover import PROXY, build_ceremony, handover, household_row, void

SHANGHAI = ZoneInfo("Asia/Shanghai")
ROWS = [household_row(n, "relocation" if n % 2 == 0 else "renovation") for n in range(12)]
MEMBERS = {row["head_name"]: int(row["members"]) for row in ROWS}
PROGRAMME = {row["head_name"]: row["programme"] for row in ROWS}


class Truth:
    """The ceremony's rules written out plainly, and the figures they imply."""

    def __init__(self, ceremony):
        self.ceremony = ceremony
        self.figures = Counter()
        self.present: set[str] = set()
        self.visited: set[tuple[str, int, dt.date]] = set()
        for _row in ROWS:
            self.add(ceremony.day, 0, "registered")
            self.add(ceremony.day, 0, "households_invited")

    def add(self, day, booth, metric, amount=1):
        self.figures[(day, self.ceremony.activity, booth, metric)] += amount

    def check_in(self, head, day):
        if head not in self.present:
            self.present.add(head)
            self.add(day, 0, "checked_in")
            self.add(day, 0, "households_present")

    def entrance(self, head, moment):
        day = moment.astimezone(SHANGHAI).date()
        self.add(day, 0, "scans")
        if head not in self.present:
            self.add(day, 0, "entries")
        self.check_in(head, day)

    def desk_visit(self, head, desk, moment):
        day = moment.astimezone(SHANGHAI).date()
        self.add(day, desk, "scans")
        self.add(day, desk, "visits")
        self.visited.add((head, desk, day))
        self.check_in(head, day)

    def handed_over(self, head, desk, moment, *, open_then, sign=1):
        day = moment.astimezone(SHANGHAI).date()
        if sign == 1 and open_then and head not in self.present:
            self.desk_visit(head, desk, moment)
        self.add(day, desk, "keys_handed_over", sign)
        self.add(day, desk, f"keys_handed_over.{PROGRAMME[head]}", sign)
        self.add(day, desk, "people_rehoused", sign * MEMBERS[head])
        self.add(day, desk, f"people_rehoused.{PROGRAMME[head]}", sign * MEMBERS[head])

    def expected(self):
        return Counter({key: value for key, value in self.figures.items() if value})


@pytest.mark.parametrize("seed", [1, 2])
def test_a_ceremony_scripted_fed_equals_rebuild_equals_truth(app, seed):
    rng = random.Random(seed)
    now = utcnow()
    closes_at = now - dt.timedelta(minutes=20)
    opens_at = closes_at - dt.timedelta(hours=3)
    ceremony = build_ceremony(
        app,
        ROWS,
        days=(opens_at.astimezone(SHANGHAI).date(), now.astimezone(SHANGHAI).date()),
        opens_at=opens_at,
        closes_at=closes_at,
    )
    truth = Truth(ceremony)
    moments = sorted(opens_at + dt.timedelta(minutes=rng.randint(1, 170)) for _ in range(20))
    desk_a, desk_b = ceremony.desk("一号桌"), ceremony.desk("二号桌")
    scanner = Api(app, ceremony.scanner)
    at_desk = {
        desk_a: Api(app, ceremony.desk_scanners["一号桌"]),
        desk_b: Api(app, ceremony.desk_scanners["二号桌"]),
    }
    organizer = Api(app, ceremony.organizer)

    def exact():
        with app.app_context():
            assert tally_service.stored() == truth.expected()

    def hand(head, desk, moment=None, api=None, **body):
        api = api or at_desk[desk]
        stamp = {"recorded_at": moment.isoformat()} if moment else {}
        response = handover(api, ceremony, head, booth_id=desk, **stamp, **body)
        assert response.status_code == 201, response.get_json()
        truth.handed_over(head, desk, moment or utcnow(), open_then=moment is not None)
        exact()
        return response.get_json()["action_id"]

    exact()
    # Households arrive: four at the entrance (one scanned twice), one at desk one.
    for head in ("户主0", "户主1", "户主2", "户主6"):
        moment = moments.pop(0)
        assert scanner.scan(ceremony.ticket(head), scanned_at=moment.isoformat())["result"] == "accepted"
        truth.entrance(head, moment)
    moment = moments.pop(0)
    again = scanner.scan(ceremony.ticket("户主0"), scanned_at=moment.isoformat())
    assert (again["result"], again["reason"]) == ("duplicate", "already_in")
    truth.add(moment.astimezone(SHANGHAI).date(), 0, "scans")
    truth.add(moment.astimezone(SHANGHAI).date(), 0, "duplicates")
    moment = moments.pop(0)
    answer = at_desk[desk_a].scan(ceremony.ticket("户主3"), booth_id=desk_a, scanned_at=moment.isoformat())
    assert answer["result"] == "accepted"
    truth.desk_visit("户主3", desk_a, moment)
    exact()

    # Keys: to heads at desk one, to a proxy at desk two; 户主4 comes straight to a desk.
    hand("户主0", desk_a, moments.pop(0))
    first_of_1 = hand("户主1", desk_b, moments.pop(0), recipient="proxy", fields=PROXY)
    hand("户主3", desk_a, moments.pop(0))
    of_4 = hand("户主4", desk_b, moments.pop(0))
    hand("户主2", desk_b, moments.pop(0), recipient="proxy", fields={**PROXY, "proxy_relation": "女儿"})

    # The same keys again, at the other desk: refused, nothing counted.
    refused = handover(
        at_desk[desk_b], ceremony, "户主0", booth_id=desk_b, recorded_at=moments.pop(0).isoformat()
    )
    assert (refused.status_code, refused.get_json()["error"]["code"]) == (409, "already_handed_over")
    # A proxy without a relation: refused, nothing counted.
    incomplete = handover(
        at_desk[desk_a],
        ceremony,
        "户主5",
        "proxy",
        booth_id=desk_a,
        fields={"proxy_name": "王五", "proxy_id_tail": "0012"},
    )
    assert (incomplete.status_code, incomplete.get_json()["error"]["code"]) == (422, "proxy_incomplete")
    exact()

    # Undos: the proxy's handover by its desk (then the head comes himself), 户主4's by an organizer.
    assert void(at_desk[desk_b], first_of_1, "代领人未带户口本").status_code == 200
    truth.handed_over("户主1", desk_b, _moment_of(app, first_of_1), open_then=True, sign=-1)
    exact()
    hand("户主1", desk_a, moments.pop(0))
    assert void(organizer, of_4, "钥匙发错").status_code == 200
    truth.handed_over("户主4", desk_b, _moment_of(app, of_4), open_then=True, sign=-1)
    exact()

    # After the ceremony: 户主7's keys taken to the household; it stays absent from the ceremony.
    hand("户主7", desk_a, api=organizer)
    assert "户主7" not in truth.present

    with app.app_context():
        expected = truth.expected()
        assert tally_service.facts() == expected
        tally_service.rebuild()
        db.session.commit()
        assert tally_service.stored() == expected
    # Present and waiting: 户主6; absent: 户主5, 户主8 … 户主11 (and 户主7, delivered later).
    assert truth.present == {"户主0", "户主1", "户主2", "户主3", "户主4", "户主6"}
    keys = sum(value for key, value in expected.items() if key[3] == "keys_handed_over")
    assert keys == 5  # 0, 1, 2, 3 and 7
    people = sum(value for key, value in expected.items() if key[3] == "people_rehoused")
    assert people == sum(MEMBERS[head] for head in ("户主0", "户主1", "户主2", "户主3", "户主7"))


def _moment_of(app, action_id):
    with app.app_context():
        return db.session.get(Action, action_id).counted_at
