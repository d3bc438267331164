"""The fed tally equals the ground truth of a scripted day and its rebuild from the facts."""

import datetime as dt
import random
import uuid
from collections import Counter
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from eventdesk.core import kinds
from eventdesk.core import tally as core_tally
from eventdesk.core.database import write_intent
from eventdesk.core.kinds import ActivityKind, Metric
from eventdesk.core.models import utcnow
from eventdesk.core.services import tally as tally_service
from eventdesk.core.tally import arrival_slot
from eventdesk.extensions import db
from tests.support import factories
from tests.support.api import Api

SHANGHAI = ZoneInfo("Asia/Shanghai")

#: The facts of a kind's own action, as a kind's package would keep them: an interview held at
#: an employer's stand, or the withdrawal of one recorded by mistake (a new fact voiding it).
INTERVIEWS = sa.Table(
    "tally_test_interview",
    sa.MetaData(),
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("local_day", sa.Date, nullable=False),
    sa.Column("activity_id", sa.Integer, nullable=False),
    sa.Column("booth_id", sa.Integer, nullable=False),
    sa.Column("jobs", sa.Integer, nullable=False),
    sa.Column("voids_id", sa.Integer, nullable=True, unique=True),
)


def _rebuild_interviews(day: dt.date | None):
    voided = sa.select(INTERVIEWS.c.voids_id).where(INTERVIEWS.c.voids_id.is_not(None))
    columns = (INTERVIEWS.c.local_day, INTERVIEWS.c.activity_id, INTERVIEWS.c.booth_id)
    statement = (
        sa.select(*columns, sa.func.count(), sa.func.sum(INTERVIEWS.c.jobs))
        .where(INTERVIEWS.c.voids_id.is_(None), INTERVIEWS.c.id.not_in(voided))
        .group_by(*columns)
    )
    if day is not None:
        statement = statement.where(INTERVIEWS.c.local_day == day)
    for local_day, activity_id, booth_id, held, jobs in db.session.execute(statement):
        yield (local_day, activity_id, booth_id, "interviews"), held
        yield (local_day, activity_id, booth_id, "jobs_offered"), int(jobs)


INTERVIEW_KIND = ActivityKind(
    name="interviewfair",
    label="Interview fair",
    booth_label="Stand",
    metrics=(Metric("interviews", "Interviews"), Metric("jobs_offered", "Jobs offered", public=True)),
    rebuild_tally=_rebuild_interviews,
)


class ActionFailed(Exception):
    """Raised inside a kind's action after it fed the tally, to prove both are undone together."""


def record_interview(activity_id, booth_id, moment, jobs, *, voids=None, fail=False) -> int:
    """A kind's action as its service would write it: the fact and its figures in one transaction."""
    day = moment.astimezone(SHANGHAI).date()
    withdrawal = voids is not None
    sign = -1 if withdrawal else 1
    with write_intent():
        try:
            fact = {"local_day": day, "activity_id": activity_id, "booth_id": booth_id, "voids_id": voids}
            fact["jobs"] = 0 if withdrawal else jobs
            fact_id = db.session.execute(
                sa.insert(INTERVIEWS).values(fact).returning(INTERVIEWS.c.id)
            ).scalar_one()
            core_tally.feed(
                [
                    ((day, activity_id, booth_id, "interviews"), sign),
                    ((day, activity_id, booth_id, "jobs_offered"), sign * jobs),
                ],
            )
            if fail:
                raise ActionFailed
            db.session.commit()
        except ActionFailed:
            db.session.rollback()
            return 0
    return fact_id


@pytest.fixture
def interview_kind(app, monkeypatch):
    """A kind with an action of its own, registered as a kind's package would register it."""
    monkeypatch.setitem(kinds._KINDS, INTERVIEW_KIND.name, INTERVIEW_KIND)
    with app.app_context():
        INTERVIEWS.create(db.engine)
    yield INTERVIEW_KIND
    with app.app_context():
        INTERVIEWS.drop(db.engine)


class Accepted:
    """An accepted scan or walk-in in the ground truth; its id is learnt from the answer."""

    def __init__(self, ticket, booth, direction, day, moment, people=0):
        self.ticket, self.booth, self.direction = ticket, booth, direction
        self.day, self.moment, self.people = day, moment, people
        self.scan_id = None


class GroundTruth:
    """The scan rules of API.md and the correction rules, written out plainly, and their figures."""

    def __init__(self, activity_id: int, activity_day: dt.date):
        self.activity = activity_id
        self.activity_day = activity_day
        self.figures = Counter()
        self.arrivals = Counter()
        self.inside: dict[str, bool] = {}
        self.visits: set[tuple[str, int, dt.date]] = set()
        #: Per ticket, its accepted scans not undone, in the order the server judged them.
        self.accepted: dict[str, list[Accepted]] = {}
        self.walk_ins: list[Accepted] = []

    def arrive(self, moment, people=1):
        self.arrivals[(self.activity, arrival_slot(moment))] += people

    def add(self, day, booth, metric, amount=1):
        self.figures[(day, self.activity, booth or 0, metric)] += amount

    def register(self, count):
        self.add(self.activity_day, None, "registered", count)

    def scan(self, ticket, booth, direction, moment) -> tuple[str, Accepted | None]:
        day = moment.astimezone(SHANGHAI).date()
        self.add(day, booth, "scans")
        if booth is None:
            entering = direction == "in"
            if self.inside.get(ticket, False) == entering:
                self.add(day, None, "duplicates")
                return "duplicate", None
            self.inside[ticket] = entering
            self.add(day, None, "entries" if entering else "exits")
        else:
            if (ticket, booth, day) in self.visits:
                self.add(day, booth, "duplicates")
                return "duplicate", None
            self.visits.add((ticket, booth, day))
            self.add(day, booth, "visits")
        entry = Accepted(ticket, booth, direction if booth is None else None, day, moment)
        history = self.accepted.setdefault(ticket, [])
        if not history:  # the first accepted scan checks the ticket in
            self.add(day, None, "checked_in")
            self.arrive(moment)
        history.append(entry)
        return "accepted", entry

    def walk_in(self, booth, count, moment) -> Accepted:
        day = moment.astimezone(SHANGHAI).date()
        self.add(day, booth, "walk_ins", count)
        if booth is None:
            self.arrive(moment, count)
        entry = Accepted(None, booth, None, day, moment, people=count)
        self.walk_ins.append(entry)
        return entry

    def unknown(self, moment):
        day = moment.astimezone(SHANGHAI).date()
        self.add(day, None, "scans")
        self.add(day, None, "rejected")

    def undo(self, entry: Accepted) -> bool:
        """Apply a correction; False when the rules refuse it (not the latest entrance scan)."""
        if entry.ticket is None:
            self.walk_ins.remove(entry)
            self.add(entry.day, entry.booth, "walk_ins", -entry.people)
            if entry.booth is None:
                self.arrive(entry.moment, -entry.people)
            return True
        history = self.accepted[entry.ticket]
        if entry.booth is None:
            entrance = [e for e in history if e.booth is None]
            if entrance[-1] is not entry:
                return False
            self.inside[entry.ticket] = entry.direction != "in"
            self.add(entry.day, None, "entries" if entry.direction == "in" else "exits", -1)
        else:
            self.visits.discard((entry.ticket, entry.booth, entry.day))
            self.add(entry.day, entry.booth, "visits", -1)
        if history[0] is entry:
            self.add(entry.day, None, "checked_in", -1)
            self.arrive(entry.moment, -1)
            if len(history) > 1:
                self.add(history[1].day, None, "checked_in")
                self.arrive(history[1].moment)
        history.remove(entry)
        return True

    def undoable(self) -> list[Accepted]:
        live = [e for history in self.accepted.values() for e in history] + self.walk_ins
        return [e for e in live if e.scan_id is not None]

    def expected(self):
        return Counter({key: value for key, value in self.figures.items() if value})


def _send(api, group, rng):
    """Send scans as a scanner would: alone when live, in batches after being offline."""
    bodies = [
        {k: v for k, v in item.items() if k not in ("expected", "entry") and v is not None} for item in group
    ]
    if len(group) == 1 and group[0].get("kind") != "walkin":
        answers = [api.post("/scans", bodies[0]).get_json()]
    else:
        answers = api.post("/scans/batch", {"scans": bodies}).get_json()["results"]
        if rng.random() < 0.3:  # a sync cut off and sent again
            replay = api.post("/scans/batch", {"scans": bodies}).get_json()["results"]
            assert [a["scan_id"] for a in replay] == [a["scan_id"] for a in answers]
    for item, answer in zip(group, answers, strict=True):
        if "expected" in item:
            assert answer["result"] == item["expected"], (item, answer)
        if item.get("entry") is not None:
            item["entry"].scan_id = answer["scan_id"]


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_scripted_day_across_midnight(app, interview_kind, seed):
    """Entrance and booths, in and out, duplicates, offline batches, walk-ins, corrections and
    a kind's own actions (some undone, some failing half-way), a minute either side of local
    midnight: fed tally = ground truth = rebuild."""
    rng = random.Random(seed)
    now = utcnow()
    # The last local midnight in Shanghai; the activity runs two hours either side of it.
    midnight = dt.datetime.combine(now.astimezone(SHANGHAI).date(), dt.time(), tzinfo=SHANGHAI)
    with app.app_context():
        event = factories.event(starts_on=midnight.date() - dt.timedelta(days=1), ends_on=midnight.date())
        activity = factories.activity(
            event,
            opens_at=midnight - dt.timedelta(hours=2),
            closes_at=midnight + dt.timedelta(hours=2),
            booths=3,
            kind=interview_kind.name,
        )
        tickets = [factories.registration(activity).token for _ in range(12)]
        booths = [b.id for b in activity.booths]
        token = factories.scanner_token(activity)
        db.session.commit()
        truth = GroundTruth(activity.id, activity.day)
    truth.register(len(tickets))
    api = Api(app, token)

    moments = [midnight - dt.timedelta(minutes=1), midnight + dt.timedelta(minutes=1)]
    moments += [midnight - dt.timedelta(minutes=rng.randint(2, 110)) for _ in range(3)]
    moments = [m for m in moments if m <= now + dt.timedelta(minutes=4)]

    group: list[dict] = []
    undone = refused = 0
    interviews: list[tuple[int, int, dt.datetime, int]] = []
    withdrawn = failed = 0
    for _ in range(220):
        roll = rng.random()
        if roll > 0.92:
            if interviews and rng.random() < 0.3:
                index = rng.randrange(len(interviews))
                voids, booth, moment, jobs = interviews[index]
            else:
                voids, booth, moment, jobs = None, rng.choice(booths), rng.choice(moments), rng.randint(0, 6)
            fail = rng.random() < 0.2
            with app.app_context():
                fact_id = record_interview(truth.activity, booth, moment, jobs, voids=voids, fail=fail)
            if fail:
                assert fact_id == 0
                failed += 1
                continue
            sign = -1 if voids is not None else 1
            day = moment.astimezone(SHANGHAI).date()
            truth.add(day, booth, "interviews", sign)
            truth.add(day, booth, "jobs_offered", sign * jobs)
            if voids is None:
                interviews.append((fact_id, booth, moment, jobs))
            else:
                del interviews[index]
                withdrawn += 1
            continue
        if roll < 0.08 and truth.undoable():
            if group:
                _send(api, group, rng)
                group = []
            entry = rng.choice(truth.undoable())
            allowed = truth.undo(entry)
            response = api.post(f"/scans/{entry.scan_id}/void", {"client_scan_id": str(uuid.uuid4())})
            assert response.status_code == (200 if allowed else 409), response.get_json()
            undone, refused = undone + allowed, refused + (not allowed)
            continue
        moment = rng.choice(moments)
        if roll < 0.18:
            booth = rng.choice([None, *booths])
            count = rng.randint(1, 4)
            item = {
                "kind": "walkin",
                "count": count,
                "booth_id": booth,
                "entry": truth.walk_in(booth, count, moment),
            }
        elif roll < 0.23:
            item = {"token": "forged-" + uuid.uuid4().hex[:16]}
            truth.unknown(moment)
        else:
            ticket = rng.choice(tickets)
            booth = rng.choice([None, None, *booths])
            direction = rng.choice(["in", "in", "out"])
            item = {"token": ticket, "booth_id": booth, "direction": direction}
            item["expected"], item["entry"] = truth.scan(ticket, booth, direction, moment)
        item.update(client_scan_id=str(uuid.uuid4()), scanned_at=moment.isoformat())
        group.append(item)
        if len(group) >= rng.choice([1, 1, 5, 20]):
            _send(api, group, rng)
            group = []
    if group:
        _send(api, group, rng)
    assert undone > 3
    assert interviews, "the script holds interviews"
    assert withdrawn, "the script withdraws an interview"
    assert failed, "the script has an action failing half-way"

    with app.app_context():
        expected = truth.expected()
        assert tally_service.stored() == expected
        assert tally_service.facts() == expected
        assert tally_service.stored_arrivals() == truth.arrivals
        assert tally_service.arrival_facts() == truth.arrivals
        tally_service.rebuild()
        db.session.commit()
        assert tally_service.stored() == expected
        assert tally_service.stored_arrivals() == truth.arrivals
        days = {key[0] for key in expected}
        assert len(days) == 2, "the script crosses local midnight"
        for day in days:
            tally_service.rebuild(day)
            db.session.commit()
            assert tally_service.stored(day) == Counter({k: v for k, v in expected.items() if k[0] == day})


def test_rebuild_command(app, run_cli):
    with app.app_context():
        activity = factories.activity()
        factories.registration(activity)
        factories.registration(activity, revoked=True)
        db.session.commit()
        before = tally_service.stored()
    result = run_cli("tally", "rebuild")
    assert result.exit_code == 0
    assert "figures" in result.output
    with app.app_context():
        assert tally_service.stored() == before
        assert sum(before.values()) == 1


def test_registrations_follow_their_activity_to_another_day(app):
    from eventdesk.core.services import activities

    with app.app_context():
        event = factories.event(ends_on=utcnow().astimezone(SHANGHAI).date() + dt.timedelta(days=1))
        activity = factories.activity(event)
        factories.registration(activity)
        factories.registration(activity)
        db.session.commit()
        tomorrow = activity.opens_at + dt.timedelta(days=1)
        activities.update_activity(
            activity,
            name=activity.name,
            name_en=None,
            site_id=activity.site_id,
            lead_department_id=activity.lead_department_id,
            opens_at=tomorrow,
            closes_at=tomorrow + dt.timedelta(hours=8),
            capacity=None,
            registration_open=True,
            description="",
        )
        db.session.commit()
        assert tally_service.stored() == tally_service.facts()
        assert tally_service.stored() == Counter({(activity.day, activity.id, 0, "registered"): 2})
