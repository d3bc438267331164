"""The fair's departments and their booths: one booth per department taking part (the lead and
each cooperating department), and the fair's own settings."""

import sqlalchemy as sa

from eventdesk.activities.consultation.models import FairSettings
from eventdesk.activities.consultation.vocabulary import DEFAULT_FOLLOW_UP_DAYS, MAX_FOLLOW_UP_DAYS
from eventdesk.core import audit
from eventdesk.core.models import Activity, Booth, Department, User
from eventdesk.core.services import activities
from eventdesk.core.services.setup import SORT_ORDER_MAX
from eventdesk.errors import ServiceError
from eventdesk.extensions import db


def taking_part(activity: Activity) -> list[Department]:
    """The lead department first, then the cooperating ones."""
    return [activity.lead_department, *activity.cooperators]


def booths_in_use(activity: Activity) -> list[Booth]:
    """The fair's booths, the archived ones left out (reports keep them)."""
    return [booth for booth in activity.booths if not booth.is_archived]


def department_id_of(activity: Activity, booth: Booth | None) -> int:
    """Who owes the answers of a booth: its department, or the fair's lead for a booth of none."""
    if booth is not None and booth.department_id is not None:
        return booth.department_id
    return activity.lead_department_id


def add_department_booths(activity: Activity, *, actor: User | None = None) -> list[Booth]:
    """A booth for each department taking part that has none yet, named after it; returns the new ones."""
    staffed = {booth.department_id for booth in booths_in_use(activity)}
    names = {booth.name for booth in activity.booths}
    last = max((booth.sort_order for booth in activity.booths), default=0)
    made = []
    for department in taking_part(activity):
        if department.id in staffed:
            continue
        name, number = department.name, 1
        while name in names:
            number += 1
            name = f"{department.name}（{number}）"
        last = min(last + 10, SORT_ORDER_MAX)
        booth = activities.create_booth(
            activity,
            name=name,
            name_en=department.name_en,
            department_id=department.id,
            sort_order=last,
            actor=actor,
        )
        names.add(name)
        staffed.add(department.id)
        made.append(booth)
    db.session.refresh(activity, ["booths"])
    return made


def follow_up_days(activity_id: int) -> int:
    settings = db.session.get(FairSettings, activity_id)
    return settings.follow_up_days if settings else DEFAULT_FOLLOW_UP_DAYS


def follow_up_days_by_activity(activity_ids) -> dict[int, int]:
    stored = dict(
        db.session.execute(
            sa.select(FairSettings.activity_id, FairSettings.follow_up_days).where(
                FairSettings.activity_id.in_(list(activity_ids))
            )
        ).all()
    )
    return {activity_id: stored.get(activity_id, DEFAULT_FOLLOW_UP_DAYS) for activity_id in activity_ids}


def set_follow_up_days(activity: Activity, days, *, actor: User | None = None) -> int:
    """How many days a follow-up may wait for its answer before it is overdue.

    :raises ServiceError: ``invalid_follow_up_days`` (400).
    """
    if isinstance(days, str) and days.strip().isdigit():
        days = int(days.strip())
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_FOLLOW_UP_DAYS:
        raise ServiceError("invalid_follow_up_days", field="follow_up_days")
    settings = db.session.get(FairSettings, activity.id)
    if settings is None:
        settings = FairSettings(activity_id=activity.id)
        db.session.add(settings)
    if settings.follow_up_days != days:
        audit.record("consultation.follow_up_days", activity, user=actor, days=days)
    settings.follow_up_days = days
    db.session.flush()
    return days
