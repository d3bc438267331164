"""The demo's key-handover ceremony: about forty households of both programmes in two settlements,
some handed their keys (one through a proxy, one again after an undo), some present and waiting,
some absent; every ticket there is a household's; the tally is exactly what its facts say, and
moving the demo moves the households invited with it."""

from collections import Counter

import sqlalchemy as sa

from eventdesk.activities.handover import queries
from eventdesk.activities.handover.models import Handover, Household
from eventdesk.core.models import ActionVoid, Activity, Registration
from eventdesk.core.services import tally as tally_service
from eventdesk.extensions import db


def load(run_cli, day):
    result = run_cli("demo", "load", "--date", day)
    assert result.exit_code == 0, result.output


def figures_of(activity_id: int) -> Counter:
    figures = Counter()
    for (_day, activity, _booth, metric), value in tally_service.stored().items():
        if activity == activity_id:
            figures[metric] += value
    return figures


def test_the_demo_ceremony(app, run_cli):
    load(run_cli, "2026-10-17")
    with app.app_context():
        ceremony = db.session.scalars(sa.select(Activity).where(Activity.kind == "handover")).one()
        rows = queries.households(ceremony)
        assert 35 <= len(rows) <= 45
        assert {row.household.programme for row in rows} == {"relocation", "renovation"}
        assert len({row.household.settlement for row in rows}) == 2
        states = Counter(row.state for row in rows)
        assert states[queries.HANDED_OVER] >= 10
        assert states[queries.PRESENT] >= 5
        assert states[queries.ABSENT] >= 5
        handed = [row.handover for row in rows if row.handover is not None]
        assert sum(handover.recipient == "proxy" for handover in handed) == 1
        assert all(handover.signature.startswith(b"\x89PNG") for handover in handed)
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ActionVoid)) >= 1
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Handover)) == len(handed) + 1
        # Every ticket of the ceremony is a household's, with a valid ID number.
        tickets = db.session.scalars(
            sa.select(Registration).where(Registration.activity_id == ceremony.id)
        ).all()
        assert len(tickets) == len(rows)
        assert all(ticket.person.id_number_digest for ticket in tickets)

        assert tally_service.stored() == tally_service.facts()
        figures = figures_of(ceremony.id)
        assert figures["households_invited"] == len(rows)
        assert figures["households_present"] == states[queries.PRESENT] + states[queries.HANDED_OVER]
        assert figures["keys_handed_over"] == len(handed)
        assert figures["keys_handed_over.relocation"] + figures["keys_handed_over.renovation"] == len(handed)
        assert figures["keys_handed_over.renovation"] > 0
        assert figures["people_rehoused"] == sum(row.household.members for row in rows if row.handover)

    load(run_cli, "2026-10-20")
    with app.app_context():
        assert tally_service.stored() == tally_service.facts()
        ceremony = db.session.scalars(sa.select(Activity).where(Activity.kind == "handover")).one()
        days = {
            key[0]
            for key in tally_service.stored()
            if key[1] == ceremony.id and key[3] == "households_invited"
        }
        assert days == {ceremony.day}
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Household)) == len(rows)
        # Receipts tell the moved day: a handover's time is its action's.
        handed_on = {
            row.handed_over_at.astimezone(ceremony.event.zone).date()
            for row in queries.households(ceremony)
            if row.handover
        }
        assert handed_on == {ceremony.day}
