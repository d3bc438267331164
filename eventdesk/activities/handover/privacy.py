"""What the ceremony forgets when its people are anonymised: proxies' names and ID tails, and the
signatures; the handovers themselves, and so their counts, stay."""

from collections.abc import Sequence

import sqlalchemy as sa

from eventdesk.activities.handover.models import Handover, Household
from eventdesk.core.services.privacy import ANONYMOUS_NAME
from eventdesk.extensions import db


def forget(activity_ids: Sequence[int], registration_ids: Sequence[int] | None) -> None:
    where = [Handover.activity_id.in_(activity_ids)]
    if registration_ids is not None:
        households = sa.select(Household.id).where(Household.registration_id.in_(registration_ids))
        where.append(Handover.household_id.in_(households))
    db.session.execute(
        sa.update(Handover)
        .where(*where, Handover.proxy_name.is_not(None))
        .values(proxy_name=ANONYMOUS_NAME, proxy_id_tail=None)
    )
    db.session.execute(sa.update(Handover).where(*where).values(signature=b""))
