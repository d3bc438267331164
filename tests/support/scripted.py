"""A scripted day of scans through the API, with the figures the scan rules imply, and a kind
that feeds figures of its own: shared by the tally, export, report and public-page tests; and
the night across midnight the kinds' scripted days run in."""

import datetime as dt
import uuid
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from eventdesk.core.kinds import ActivityKind, Metric
from eventdesk.core.models import utcnow
from eventdesk.extensions import db
from tests.support import factories
from tests.support.api import Api

SHANGHAI = ZoneInfo("Asia/Shanghai")

#: A kind that feeds figures of its own, to show that reports ask the registry for them.
TEST_KIND = ActivityKind(
    name="testfair",
    label="Test fair",
    booth_label="Stand",
    metrics=(Metric("jobs_offered", "Jobs offered", public=True), Metric("private_notes", "Notes")),
)


def scripted_day(app) -> dict:
    """Two districts, two activities with booths, tickets, and a day of scans made through the API.

    Returns ids and the figures the scan rules imply (API.md, count definitions).
    """
    with app.app_context():
        north, south = factories.district(name="北区"), factories.district(name="南区")
        north.sort_order, south.sort_order = 1, 2
        lead_a, lead_b = factories.department(name="市人社局"), factories.department(name="市卫计局")
        partner, desk_owner = factories.department(name="市扶贫局"), factories.department(name="市金融办")
        event = factories.event()
        fair = factories.activity(event, site_=factories.site(north, name="阳光广场"), lead=lead_a)
        fair.cooperators = [partner]
        desk = factories.booth(fair, name="金融咨询台", department_=desk_owner)
        stand = factories.booth(fair, name="企业展位")
        clinic = factories.activity(
            event, kind="health", site_=factories.site(south, name="村卫生室"), lead=lead_b
        )
        exam = factories.booth(clinic, name="体格检查", department_=lead_b)
        t1, t2, t3 = (factories.registration(fair).token for _ in range(3))
        factories.registration(fair, revoked=True)
        t4 = factories.registration(clinic).token
        factories.registration(clinic)
        fair_scanner, clinic_scanner = factories.scanner_token(fair), factories.scanner_token(clinic)
        db.session.commit()
        ids = {
            "event": event.id,
            "day": fair.day,
            "north": north.id,
            "south": south.id,
            "fair": fair.id,
            "clinic": clinic.id,
            "desk": desk.id,
            "stand": stand.id,
            "exam": exam.id,
            "lead_a": lead_a.id,
            "desk_owner": desk_owner.id,
        }

    api = Api(app, fair_scanner)
    results = [
        api.scan(t1)["result"],
        api.scan(t1)["result"],  # already in
        api.scan(t2)["result"],
        api.scan(t2, direction="out")["result"],
        api.scan(t1, booth_id=ids["desk"])["result"],
        api.scan(t1, booth_id=ids["desk"])["result"],  # already visited
        api.scan(t3, booth_id=ids["stand"])["result"],  # checks t3 in
        api.scan("no-such-ticket-aaaaaaaa")["result"],
    ]
    assert results == ["accepted", "duplicate", "accepted", "accepted", "accepted", "duplicate", "accepted",
                       "rejected"]  # fmt: skip
    for body in ({"count": 4}, {"count": 2, "booth_id": ids["desk"]}):
        response = api.post("/walkins", {"client_scan_id": str(uuid.uuid4()), **body})
        assert response.status_code == 200
    clinic_api = Api(app, clinic_scanner)
    assert clinic_api.scan(t4)["result"] == "accepted"
    assert clinic_api.post("/walkins", {"client_scan_id": str(uuid.uuid4()), "count": 1}).status_code == 200

    ids["expected"] = {
        (ids["fair"], None): {
            "registered": 3, "checked_in": 3, "walk_ins": 4, "attendance": 7, "inside": 1, "booth_visits": 4,
            "entries": 2, "exits": 1, "scans": 8, "duplicates": 2, "rejected": 1,
            # The consultation fair's own figures: nothing recorded beyond scans on this day.
            "consultations": 0, "follow_ups_opened": 0, "follow_ups_closed": 0, "materials_handed_out": 0,
        },
        (ids["fair"], ids["desk"]): {
            "visits": 1, "walk_ins": 2, "booth_visits": 3, "scans": 2, "duplicates": 1, "rejected": 0,
        },
        (ids["fair"], ids["stand"]): {
            "visits": 1, "walk_ins": 0, "booth_visits": 1, "scans": 1, "duplicates": 0, "rejected": 0,
        },
        (ids["clinic"], None): {
            "registered": 2, "checked_in": 1, "walk_ins": 1, "attendance": 2, "inside": 1, "booth_visits": 0,
            "entries": 1, "exits": 0, "scans": 1, "duplicates": 0, "rejected": 0,
            # The health day's own figures: nobody served nor queuing yet.
            "residents_served": 0, "services": 0, "referrals": 0, "queue_numbers": 0, "queue_called": 0,
        },
        (ids["clinic"], ids["exam"]): {
            "visits": 0, "walk_ins": 0, "booth_visits": 0, "scans": 0, "duplicates": 0, "rejected": 0,
        },
    }  # fmt: skip
    return ids


@dataclass(frozen=True)
class Night:
    """A scripted night across Asia/Shanghai midnight: an event of the day before and the day
    itself, an activity open two hours either side, and the moments its scans and actions are
    dated (a minute either side of midnight, and others before it; none far in the future)."""

    midnight: dt.datetime
    days: tuple[dt.date, dt.date]
    opens_at: dt.datetime
    closes_at: dt.datetime
    moments: list[dt.datetime]

    @property
    def activity_options(self) -> dict:
        return {"days": self.days, "opens_at": self.opens_at, "closes_at": self.closes_at}


def night_across_midnight(rng) -> Night:
    now = utcnow()
    midnight = dt.datetime.combine(now.astimezone(SHANGHAI).date(), dt.time(), tzinfo=SHANGHAI)
    moments = [midnight - dt.timedelta(minutes=1), midnight + dt.timedelta(minutes=1)]
    moments += [midnight - dt.timedelta(minutes=rng.randint(2, 110)) for _ in range(4)]
    return Night(
        midnight=midnight,
        days=(midnight.date() - dt.timedelta(days=1), midnight.date()),
        opens_at=midnight - dt.timedelta(hours=2),
        closes_at=midnight + dt.timedelta(hours=2),
        moments=[moment for moment in moments if moment <= now + dt.timedelta(minutes=4)],
    )
