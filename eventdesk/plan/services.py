"""Tracking the activity plan: its items, the units' duties to report, and what they sent.

A sent submission is the record of what a unit reported, so it is frozen: no service
changes it, and a correction is a new submission that follows it.
"""

import datetime as dt
import hashlib
import io
import secrets
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import current_app
from werkzeug.datastructures import FileStorage

from eventdesk.core import audit
from eventdesk.core.access import is_city_wide
from eventdesk.core.models import (
    Activity,
    Booth,
    Department,
    District,
    Event,
    Role,
    TallyCount,
    User,
    activity_cooperator,
    utcnow,
)
from eventdesk.core.scans.counts import build_counts
from eventdesk.errors import ServiceError
from eventdesk.extensions import db
from eventdesk.plan import content
from eventdesk.plan.models import DutyKind, PlanDuty, PlanItem, PlanItemDepartment, PlanRole, PlanSubmission
from eventdesk.reports.days import event_in_view

#: Largest file a unit may attach (bytes); ``EVENTDESK_UPLOAD_MAX_BYTES`` overrides it.
UPLOAD_MAX_BYTES = 10 * 1024 * 1024
TEXT_MAX_LENGTH = 20_000
FILE_NAME_MAX_LENGTH = 200


# -- Which event, and loading the plan ------------------------------------------------------


def plan_event(event_id: int | None = None) -> Event | None:
    """The event whose plan is tracked: the one asked for, else today's, else the next, else the last.

    A plan is worked on weeks before its event and reported on after it, so "today's event"
    alone would leave the plan pages empty when they are needed most.
    """
    return event_in_view(event_id)


@dataclass
class PlanLoad:
    """What `load_plan` created (zero everywhere when the plan was there already)."""

    items: int = 0
    duties: int = 0
    departments: int = 0


def _department(code: str, created: PlanLoad) -> Department:
    department = db.session.scalar(sa.select(Department).where(Department.code == code))
    name, name_en = content.DEPARTMENTS[code]
    if department is None:
        # An installation set up by hand may use other codes: the plan names departments by name.
        department = db.session.scalar(sa.select(Department).where(Department.name == name).limit(1))
    if department is None:
        order = db.session.scalar(sa.select(sa.func.coalesce(sa.func.max(Department.sort_order), 0)))
        department = Department(code=code, name=name, name_en=name_en, sort_order=order + 10)
        db.session.add(department)
        db.session.flush()
        created.departments += 1
    return department


def _in_year(event: Event, month_day: tuple[int, int] | None) -> dt.date | None:
    return dt.date(event.starts_on.year, *month_day) if month_day else None


def load_plan(event: Event) -> PlanLoad:
    """Create the plan's eight items and every unit's two duties for `event`, where missing.

    Safe to run again: it only adds what is not there yet (an item by its number, a duty by
    its unit and kind), e.g. after new departments or districts were set up. Departments are
    the ones the plan names and those taking part in the event's activities; districts, all.
    """
    created = PlanLoad()
    existing = set(db.session.scalars(sa.select(PlanItem.number).where(PlanItem.event_id == event.id)))
    named: list[Department] = []
    for spec in content.ITEMS:
        links = [(code, PlanRole.lead) for code in spec.leads]
        links += [(code, PlanRole.cooperating) for code in spec.cooperators]
        departments = [(_department(code, created), role) for code, role in links]
        named += [department for department, _role in departments]
        if spec.number in existing:
            continue
        item = PlanItem(
            event_id=event.id,
            number=spec.number,
            name=spec.name,
            name_en=spec.name_en,
            summary=spec.summary,
            summary_en=spec.summary_en,
            kind=spec.kind,
            lead_note=spec.lead_note[0] if spec.lead_note else None,
            lead_note_en=spec.lead_note[1] if spec.lead_note else None,
            cooperator_note=spec.cooperator_note[0] if spec.cooperator_note else None,
            cooperator_note_en=spec.cooperator_note[1] if spec.cooperator_note else None,
            starts_on=_in_year(event, spec.starts),
            due_on=_in_year(event, spec.due),
        )
        item.departments = [
            PlanItemDepartment(department_id=department.id, role=role, sort_order=position)
            for position, (department, role) in enumerate(departments)
        ]
        db.session.add(item)
        created.items += 1
    db.session.flush()

    departments = {d.id: d for d in named}
    departments.update({d.id: d for d in _departments_taking_part(event)})
    districts = db.session.scalars(sa.select(District).order_by(District.sort_order, District.id)).all()
    have = {
        (kind, department_id, district_id)
        for kind, department_id, district_id in db.session.execute(
            sa.select(PlanDuty.kind, PlanDuty.department_id, PlanDuty.district_id).where(
                PlanDuty.event_id == event.id
            )
        )
    }
    for kind, due in ((DutyKind.plan, content.PLAN_DUE), (DutyKind.report, content.REPORT_DUE)):
        units = [(d.id, None) for d in departments.values()] + [(None, d.id) for d in districts]
        for department_id, district_id in units:
            if (kind, department_id, district_id) in have:
                continue
            db.session.add(
                PlanDuty(
                    event_id=event.id,
                    kind=kind,
                    department_id=department_id,
                    district_id=district_id,
                    due_on=_in_year(event, due),
                )
            )
            created.duties += 1
    db.session.flush()
    return created


def _departments_taking_part(event: Event) -> list[Department]:
    activities = sa.select(Activity.id).where(Activity.event_id == event.id)
    ids = sa.union(
        sa.select(Activity.lead_department_id).where(Activity.event_id == event.id),
        sa.select(activity_cooperator.c.department_id).where(
            activity_cooperator.c.activity_id.in_(activities)
        ),
        sa.select(Booth.department_id).where(
            Booth.activity_id.in_(activities), Booth.department_id.is_not(None)
        ),
    )
    return db.session.scalars(sa.select(Department).where(Department.id.in_(ids))).all()


# -- Reading the plan -----------------------------------------------------------------------


def plan_items(event: Event) -> list[PlanItem]:
    return db.session.scalars(
        sa.select(PlanItem)
        .where(PlanItem.event_id == event.id)
        .options(so.selectinload(PlanItem.departments).joinedload(PlanItemDepartment.department))
        .order_by(PlanItem.number)
    ).all()


def _unit_order(duty: PlanDuty):
    unit = duty.unit
    return (duty.district_id is not None, unit.sort_order, unit.id, duty.kind != DutyKind.plan)


def duties_for(event: Event, user: User) -> list[PlanDuty]:
    """The duties `user` may see and act on: all of them for the city's office, else their units'."""
    statement = (
        sa.select(PlanDuty)
        .where(PlanDuty.event_id == event.id)
        .options(
            so.joinedload(PlanDuty.department),
            so.joinedload(PlanDuty.district),
            so.selectinload(PlanDuty.submissions),
        )
    )
    if not is_city_wide(user):
        department_ids = [s.department_id for s in user.scopes if s.department_id]
        district_ids = [s.district_id for s in user.scopes if s.district_id]
        if user.role != Role.organizer or not (department_ids or district_ids):
            return []
        statement = statement.where(
            sa.or_(PlanDuty.department_id.in_(department_ids), PlanDuty.district_id.in_(district_ids))
        )
    return sorted(db.session.scalars(statement).unique().all(), key=_unit_order)


def may_act_for(user: User, duty: PlanDuty) -> bool:
    """The city's office, or an organizer of the duty's department or district."""
    if is_city_wide(user):
        return True
    if user.role != Role.organizer:
        return False
    return any(
        (duty.department_id and scope.department_id == duty.department_id)
        or (duty.district_id and scope.district_id == duty.district_id)
        for scope in user.scopes
    )


def may_complete(user: User, item: PlanItem) -> bool:
    """The city's office, or an organizer of one of the item's lead departments."""
    if is_city_wide(user):
        return True
    lead_ids = {d.id for d in item.leads}
    return user.role == Role.organizer and any(s.department_id in lead_ids for s in user.scopes)


def local_today(event: Event) -> dt.date:
    return event.local_day(utcnow())


@dataclass(frozen=True)
class Status:
    """Where an item or duty stands: ``done``, ``done_late``, ``sent``, ``sent_late``, ``draft``,
    ``open``, ``upcoming`` or ``overdue``."""

    code: str

    @property
    def is_overdue(self) -> bool:
        return self.code == "overdue"

    @property
    def is_late(self) -> bool:
        return self.code in ("overdue", "done_late", "sent_late")


def duty_status(duty: PlanDuty, today: dt.date) -> Status:
    sent = duty.sent
    if sent:
        first_day = duty.event.local_day(sent[0].submitted_at)
        return Status("sent_late" if first_day > duty.due_on else "sent")
    if today > duty.due_on:
        return Status("overdue")
    return Status("draft" if duty.draft is not None else "open")


def item_status(item: PlanItem, today: dt.date) -> Status:
    if item.done_at is not None:
        return Status("done_late" if item.event.local_day(item.done_at) > item.due_on else "done")
    if today > item.due_on:
        return Status("overdue")
    if item.starts_on is not None and today < item.starts_on:
        return Status("upcoming")
    return Status("open")


def live_activities(event: Event) -> dict[str, list[tuple[Activity, int]]]:
    """The event's activities by kind, each with its attendance so far (all days)."""
    activities = db.session.scalars(
        sa.select(Activity)
        .where(Activity.event_id == event.id)
        .options(so.selectinload(Activity.booths))
        .order_by(Activity.opens_at, Activity.id)
    ).all()
    sums: dict[int, dict[tuple[int, str], int]] = {}
    for activity_id, booth_id, metric, value in db.session.execute(
        sa.select(
            TallyCount.activity_id, TallyCount.booth_id, TallyCount.metric, sa.func.sum(TallyCount.value)
        )
        .join(Activity, Activity.id == TallyCount.activity_id)
        .where(Activity.event_id == event.id)
        .group_by(TallyCount.activity_id, TallyCount.booth_id, TallyCount.metric)
    ):
        sums.setdefault(activity_id, {})[(booth_id, metric)] = int(value or 0)
    by_kind: dict[str, list[tuple[Activity, int]]] = {}
    for activity in activities:
        booths = [(b.id, b.name, b.name_en) for b in activity.booths]
        counts = build_counts(sums.get(activity.id, {}), booths, activity.kind)
        by_kind.setdefault(activity.kind, []).append((activity, counts["attendance"]))
    return by_kind


# -- Items done ---------------------------------------------------------------------------


def complete_item(item: PlanItem, actor: User, note: str = "") -> None:
    """Mark a plan item done, with a note of what was done.

    :raises ServiceError: 403 ``forbidden`` for someone not leading it; ``note_too_long``.
    """
    if not may_complete(actor, item):
        raise ServiceError("forbidden", status=403)
    note = _text(note, "note_too_long", "note")
    if item.done_at is not None:
        return
    item.done_at = utcnow()
    item.done_by_id = actor.id
    item.done_note = note
    db.session.flush()
    audit.record("plan_item.done", item, user=actor)


def reopen_item(item: PlanItem, actor: User) -> None:
    """Undo "done" (the city's office only), e.g. when it was marked by mistake."""
    if not is_city_wide(actor):
        raise ServiceError("forbidden", status=403)
    if item.done_at is None:
        return
    audit.record("plan_item.reopened", item, user=actor, was_done_at=item.done_at.isoformat())
    item.done_at = None
    item.done_by_id = None
    item.done_note = ""
    db.session.flush()


# -- Submissions ----------------------------------------------------------------------------


@dataclass(frozen=True)
class FileType:
    extension: str
    mimetype: str


FILE_TYPES = {
    "pdf": FileType("pdf", "application/pdf"),
    "docx": FileType("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "xlsx": FileType("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "jpg": FileType("jpg", "image/jpeg"),
    "png": FileType("png", "image/png"),
}
_EXTENSION_ALIASES = {"jpeg": "jpg"}


@dataclass(frozen=True)
class StoredFile:
    file_name: str
    stored_name: str
    file_type: str
    size: int
    sha256: str


def upload_folder() -> Path:
    configured = current_app.config.get("EVENTDESK_UPLOAD_FOLDER")
    folder = Path(configured) if configured else Path(current_app.instance_path) / "uploads"
    return folder / "plan"


def upload_path(submission: PlanSubmission) -> Path:
    return upload_folder() / submission.stored_name


def _display_name(filename: str) -> str:
    # The name is shown and offered again on download, never used as a path.
    name = filename.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in unicodedata.normalize("NFC", name) if unicodedata.category(ch)[0] != "C")
    return name.strip()[-FILE_NAME_MAX_LENGTH:] or "file"


def _content_is(kind: str, data: bytes) -> bool:
    """Whether the bytes are what the extension says (a renamed file is refused)."""
    if kind == "pdf":
        return data.startswith(b"%PDF-")
    if kind == "jpg":
        return data.startswith(b"\xff\xd8\xff")
    if kind == "png":
        return data.startswith(b"\x89PNG\r\n\x1a\n")
    # Word and Excel files are zip archives with a known part; only the names are read.
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError):
        return False
    part = "word/document.xml" if kind == "docx" else "xl/workbook.xml"
    return "[Content_Types].xml" in names and part in names


def store_upload(upload: FileStorage) -> StoredFile:
    """Check an uploaded file and keep it under a random name in the upload folder.

    :raises ServiceError: ``upload_type_not_allowed`` (not pdf/docx/xlsx/jpg/png, or content
        that does not match), ``upload_too_large`` (413), ``upload_empty``.
    """
    file_name = _display_name(upload.filename or "")
    extension = file_name.rsplit(".", 1)[-1].lower() if "." in file_name else ""
    kind = _EXTENSION_ALIASES.get(extension, extension)
    if kind not in FILE_TYPES:
        raise ServiceError("upload_type_not_allowed", field="file")
    limit = current_app.config.get("EVENTDESK_UPLOAD_MAX_BYTES", UPLOAD_MAX_BYTES)
    data = upload.stream.read(limit + 1)
    if len(data) > limit:
        raise ServiceError("upload_too_large", status=413, field="file")
    if not data:
        raise ServiceError("upload_empty", field="file")
    if not _content_is(kind, data):
        raise ServiceError("upload_type_not_allowed", field="file")
    folder = upload_folder()
    folder.mkdir(parents=True, exist_ok=True)
    stored_name = f"{secrets.token_hex(16)}.{kind}"
    path = folder / stored_name
    with path.open("xb") as handle:  # a fresh random name: never overwrites anything
        handle.write(data)
    path.chmod(0o640)
    return StoredFile(
        file_name=file_name,
        stored_name=stored_name,
        file_type=kind,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )


def _text(value: str | None, code: str = "submission_too_long", field: str = "text") -> str:
    text = (value or "").replace("\r\n", "\n").strip()
    if len(text) > TEXT_MAX_LENGTH:
        raise ServiceError(code, field=field)
    return text


def _attach(submission: PlanSubmission, stored: StoredFile) -> None:
    submission.file_name = stored.file_name
    submission.stored_name = stored.stored_name
    submission.file_type = stored.file_type
    submission.file_size = stored.size
    submission.file_sha256 = stored.sha256


def _send_if_asked(submission: PlanSubmission, actor: User, send: bool) -> None:
    if not submission.text and not submission.stored_name:
        raise ServiceError("submission_empty", field="text")
    if send:
        submission.submitted_at = utcnow()
        submission.submitted_by_id = actor.id
    db.session.flush()
    audit.record(
        "plan_submission.sent" if send else "plan_submission.saved",
        submission,
        user=actor,
        duty_id=submission.duty_id,
        file_sha256=submission.file_sha256,
    )


def create_submission(
    duty: PlanDuty, actor: User, *, text: str = "", upload: FileStorage | None = None, send: bool
) -> PlanSubmission:
    """Start a plan or report for `duty`: saved as a draft, or sent (and frozen) at once.

    :raises ServiceError: ``forbidden`` (403), ``submission_empty``, ``submission_too_long`` and
        the refusals of `store_upload`.
    """
    if not may_act_for(actor, duty):
        raise ServiceError("forbidden", status=403)
    submission = PlanSubmission(duty=duty, text=_text(text), created_by_id=actor.id)
    if upload is not None and upload.filename:
        _attach(submission, store_upload(upload))
    db.session.add(submission)
    _send_if_asked(submission, actor, send)
    return submission


def update_submission(
    submission: PlanSubmission,
    actor: User,
    *,
    text: str = "",
    upload: FileStorage | None = None,
    remove_file: bool = False,
    send: bool,
) -> PlanSubmission:
    """Change a draft (its text, its file), and send it if asked.

    :raises ServiceError: 409 ``submission_frozen`` once it has been sent, whoever asks;
        ``forbidden`` (403); ``submission_empty``; the refusals of `store_upload`.
    """
    if not may_act_for(actor, submission.duty):
        raise ServiceError("forbidden", status=403)
    # Lock the row, so that a send and an edit arriving together cannot both pass this check.
    locked = db.session.execute(
        sa.select(PlanSubmission.submitted_at).where(PlanSubmission.id == submission.id).with_for_update()
    ).scalar_one()
    if locked is not None or submission.is_frozen:
        raise ServiceError("submission_frozen", status=409)
    submission.text = _text(text)
    if upload is not None and upload.filename:
        _attach(submission, store_upload(upload))
    elif remove_file:
        for name in ("file_name", "stored_name", "file_type", "file_size", "file_sha256"):
            setattr(submission, name, None)
    submission.updated_at = utcnow()
    _send_if_asked(submission, actor, send)
    return submission
