"""What the fair forgets when its people are anonymised: the phone numbers visitors left for a
follow-up, masked; the consultations, and so their counts, stay."""

from collections.abc import Sequence

import sqlalchemy as sa

from eventdesk.activities.consultation.models import Consultation
from eventdesk.core.identity import mask_phone
from eventdesk.extensions import db


def forget(activity_ids: Sequence[int], registration_ids: Sequence[int] | None) -> None:
    where = [Consultation.activity_id.in_(activity_ids), Consultation.contact_phone.is_not(None)]
    if registration_ids is not None:
        where.append(Consultation.registration_id.in_(registration_ids))
    for consultation in db.session.scalars(sa.select(Consultation).where(*where)):
        consultation.contact_phone = mask_phone(consultation.contact_phone)
