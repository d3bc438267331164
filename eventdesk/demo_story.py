"""When the demo's story happens: the visitors' scans and the kinds' actions of one morning, and
the plan's deadlines around the day.

Loaded for today, the story has already happened: it never shows an arrival still to come.
Moved to another day, the whole story moves with the demo, so that the dashboard, the arrivals
chart and the plan read on the new day as they did on the old one.
"""

import dataclasses
import datetime as dt
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from eventdesk.core.models import Action, ActionVoid, Activity, Booth, Event, Registration, Scan
from eventdesk.core.models.scans import BoothVisit
from eventdesk.core.services import tally
from eventdesk.extensions import db
from eventdesk.plan import content
from eventdesk.plan.models import PlanDuty, PlanItem, PlanSubmission

#: The story's visitors come from 09:00 over three hours.
STORY_START = dt.time(9)
STORY_SPAN = dt.timedelta(hours=3)
#: Loaded for today, the story ends this long before the present.
_MARGIN = dt.timedelta(minutes=5)


@dataclasses.dataclass(frozen=True)
class StoryClock:
    """Where the story's three hours fall: 09:00 to noon, or squeezed before the present."""

    start: dt.datetime
    end: dt.datetime

    def at(self, offset: dt.timedelta) -> dt.datetime:
        """The moment `offset` into the story (at most `STORY_SPAN`)."""
        return self.start + offset * ((self.end - self.start) / STORY_SPAN)


def story_clock(day: dt.date, zone: ZoneInfo, now: dt.datetime) -> StoryClock:
    """The story's window on local `day`; on the present day, it ends before `now`."""
    start = dt.datetime.combine(day, STORY_START, tzinfo=zone)
    end = start + STORY_SPAN
    latest = now - _MARGIN
    if now.astimezone(zone).date() == day and latest < end:
        midnight = dt.datetime.combine(day, dt.time(), tzinfo=zone)
        end = max(latest, midnight)
        start = max(midnight, min(start, end - STORY_SPAN))
    return StoryClock(start, end)


def plan_offset(day: dt.date) -> dt.timedelta:
    """How far `day` is from the day the plan was written for (its 扶贫日, when reports are due)."""
    return day - dt.date(day.year, *content.REPORT_DUE)


def shift_plan(event: Event, days: dt.timedelta) -> None:
    """Move the plan's dates and deadlines, and what units sent, by whole `days`."""
    if not days:
        return
    for item in db.session.scalars(sa.select(PlanItem).where(PlanItem.event_id == event.id)):
        item.due_on += days
        if item.starts_on is not None:
            item.starts_on += days
        if item.done_at is not None:
            item.done_at += days
    duties = db.session.scalars(sa.select(PlanDuty).where(PlanDuty.event_id == event.id)).all()
    for duty in duties:
        duty.due_on += days
    for submission in db.session.scalars(
        sa.select(PlanSubmission).where(PlanSubmission.duty_id.in_([duty.id for duty in duties]))
    ):
        if submission.updated_at is not None:
            submission.updated_at += days
        if submission.submitted_at is not None:
            submission.submitted_at += days


def move_story(event: Event, clock: StoryClock) -> None:
    """Move the scans, check-ins and actions of the demo's activities into `clock`'s window,
    keeping their order and spacing (squeezed if the window is shorter), then rebuild the tally
    from them."""
    activity_ids = db.session.scalars(sa.select(Activity.id).where(Activity.event_id == event.id)).all()
    scans = db.session.scalars(sa.select(Scan).where(Scan.activity_id.in_(activity_ids))).all()
    if not scans:
        return
    # The story was told between its first scan and the moment its scans were judged.
    old_start = min(scan.counted_at for scan in scans)
    old_length = max(scan.received_at for scan in scans) - old_start
    scale = (clock.end - clock.start) / old_length if old_length else 1.0

    def moved(moment: dt.datetime | None) -> dt.datetime | None:
        return None if moment is None else clock.start + (moment - old_start) * scale

    zone = event.zone
    for scan in scans:
        scan.scanned_at, scan.received_at = moved(scan.scanned_at), moved(scan.received_at)
        scan.counted_at = moved(scan.counted_at)
        scan.local_day = scan.counted_at.astimezone(zone).date()
    actions = db.session.scalars(sa.select(Action).where(Action.activity_id.in_(activity_ids))).all()
    for action in actions:
        action.recorded_at, action.received_at = moved(action.recorded_at), moved(action.received_at)
        action.counted_at = moved(action.counted_at)
        action.local_day = action.counted_at.astimezone(zone).date()
    for void in db.session.scalars(
        sa.select(ActionVoid).where(ActionVoid.action_id.in_([action.id for action in actions]))
    ):
        void.voided_at = moved(void.voided_at)
    for registration in db.session.scalars(
        sa.select(Registration).where(
            Registration.activity_id.in_(activity_ids), Registration.checked_in_at.is_not(None)
        )
    ):
        registration.checked_in_at = moved(registration.checked_in_at)
    db.session.execute(
        sa.update(BoothVisit)
        .where(BoothVisit.booth_id.in_(sa.select(Booth.id).where(Booth.activity_id.in_(activity_ids))))
        .values(local_day=clock.start.astimezone(zone).date())
    )
    db.session.flush()
    tally.rebuild()
