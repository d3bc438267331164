"""Two handover desks racing to hand over the same keys, against a real two-worker gunicorn server:
exactly one handover is recorded, the household is checked in once, and the tally stays exact."""

import pytest
import sqlalchemy as sa

from eventdesk.activities.handover.models import Handover
from eventdesk.core.models import Activity, Booth, Registration, Scan
from eventdesk.core.services import tally as tally_service
from eventdesk.extensions import db
from tests.support import factories
from tests.support.api import new_id
from tests.support.handover import PROXY, SIGNATURE, build_ceremony, household_row
from tests.support.storm import storm

pytestmark = pytest.mark.server

DEVICES_PER_DESK = 4
HEADS = [household_row(n) for n in range(1, 4)]


def figure(metric: str) -> int:
    return sum(value for key, value in tally_service.stored().items() if key[3] == metric)


def test_two_desks_handing_over_the_same_keys_record_exactly_one(app, live_server):
    ceremony = build_ceremony(app, HEADS)
    with app.app_context():
        activity = db.session.get(Activity, ceremony.activity)
        devices = [
            (
                desk_id,
                factories.scanner_token(activity, booth_=db.session.get(Booth, desk_id), label=f"志愿者{n}"),
            )
            for desk_id in ceremony.desks.values()
            for n in range(DEVICES_PER_DESK)
        ]
        db.session.commit()
    server = live_server(workers=2)
    path = f"/activities/{ceremony.activity}/actions/handover"

    def request(desk_id, device, head, number):
        fields = {"recipient": "head", "signature": SIGNATURE}
        if number % 2:  # the same keys, asked for by a proxy at the same moment
            fields = {**fields, "recipient": "proxy", **PROXY}
        body = {
            "client_action_id": new_id(),
            "booth_id": desk_id,
            "token": ceremony.ticket(head),
            "fields": fields,
        }
        return (device, path, body)

    # Every device at both desks hands 户主1's keys over at once, twice over.
    answers = storm(
        server.url, [request(desk, device, "户主1", n) for n, (desk, device) in enumerate(devices * 2)]
    )
    statuses = sorted(status for status, _ in answers)
    assert statuses == [201] + [409] * (len(devices) * 2 - 1), answers
    assert {answer["error"]["code"] for status, answer in answers if status == 409} == {"already_handed_over"}

    # Two households' keys at once from both desks: one each.
    answers = storm(
        server.url,
        [request(desk, device, head, 0) for head in ("户主2", "户主3") for desk, device in devices],
    )
    assert sorted(status for status, _ in answers) == [201] * 2 + [409] * (len(devices) * 2 - 2)

    with app.app_context():
        handovers = db.session.scalars(sa.select(Handover).where(Handover.voided_at.is_(None))).all()
        assert sorted(h.household_id for h in handovers) == sorted(
            ceremony.households[h][2] for h in ("户主1", "户主2", "户主3")
        )
        # Each household checked in once, by the handover that won.
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Scan)) == 3
        assert (
            db.session.scalar(
                sa.select(sa.func.count())
                .select_from(Registration)
                .where(Registration.checked_in_at.is_not(None))
            )
            == 3
        )
        assert tally_service.stored() == tally_service.facts()
        assert figure("keys_handed_over") == 3
        assert figure("households_present") == 3
        assert figure("people_rehoused") == sum(int(row["members"]) for row in HEADS)
