"""The city's activity plan: its items, and each department's and district's duties to report."""

import datetime as dt
import enum

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import get_locale

from eventdesk.core.models import Base, Department, District, Event, User
from eventdesk.core.models.base import BilingualName, CreatedAt, intpk, str20


class PlanRole(enum.StrEnum):
    """A department's part in a plan item."""

    lead = "lead"  #: 牵头
    cooperating = "cooperating"  #: 配合


class DutyKind(enum.StrEnum):
    """What a department or district owes the city's office."""

    plan = "plan"  #: its activity plan (活动方案), due 9 October
    report = "report"  #: its written report of the day (书面报送), due 17 October


class PlanItem(BilingualName, Base):
    """One of the plan's activities (走访座谈, 新闻发布会 … 就业扶贫招聘会) for one event."""

    __tablename__ = "plan_item"
    __table_args__ = (
        sa.UniqueConstraint("event_id", "number"),
        sa.CheckConstraint("starts_on IS NULL OR starts_on <= due_on", name="dates_ordered"),
    )

    id: so.Mapped[intpk]
    event_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"), index=True)
    #: Its number in the plan (一 … 八), which also orders the list.
    number: so.Mapped[int]
    #: What is to be done, as the plan says it.
    summary: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    summary_en: so.Mapped[str | None] = so.mapped_column(sa.Text)
    #: The activity kind whose activities carry the item out on site; empty for the others
    #: (a press conference, an article …).
    kind: so.Mapped[str | None] = so.mapped_column(sa.String(20))
    #: Who leads when the plan names no single department (各级帮扶部门单位, 市级相关部门).
    lead_note: so.Mapped[str | None] = so.mapped_column(sa.String(100))
    lead_note_en: so.Mapped[str | None] = so.mapped_column(sa.String(100))
    #: Who else cooperates, when the plan names them as a group (市级相关部门).
    cooperator_note: so.Mapped[str | None] = so.mapped_column(sa.String(100))
    cooperator_note_en: so.Mapped[str | None] = so.mapped_column(sa.String(100))
    #: First day of the item's period, when the plan gives one (10月10日—16日).
    starts_on: so.Mapped[dt.date | None]
    #: The day by which it is to be done.
    due_on: so.Mapped[dt.date]
    #: When and by whom it was marked done, and what they said.
    done_at: so.Mapped[dt.datetime | None]
    done_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("staff_user.id"))
    done_note: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    created_at: so.Mapped[CreatedAt]

    event: so.Mapped[Event] = so.relationship()
    done_by: so.Mapped[User | None] = so.relationship()
    departments: so.Mapped[list["PlanItemDepartment"]] = so.relationship(
        back_populates="item", cascade="all, delete-orphan", order_by="PlanItemDepartment.sort_order"
    )

    @property
    def leads(self) -> list[Department]:
        return [link.department for link in self.departments if link.role == PlanRole.lead]

    @property
    def cooperators(self) -> list[Department]:
        return [link.department for link in self.departments if link.role == PlanRole.cooperating]

    @property
    def lead_note_label(self) -> str | None:
        return _in_language(self.lead_note, self.lead_note_en)

    @property
    def cooperator_note_label(self) -> str | None:
        return _in_language(self.cooperator_note, self.cooperator_note_en)

    @property
    def summary_label(self) -> str:
        return _in_language(self.summary, self.summary_en) or ""


def _in_language(chinese: str | None, english: str | None) -> str | None:
    locale = get_locale()
    if english and locale is not None and locale.language == "en":
        return english
    return chinese


class PlanItemDepartment(Base):
    """A department leading (牵头) or cooperating in (配合) a plan item."""

    __tablename__ = "plan_item_department"
    __table_args__ = (sa.CheckConstraint("role IN ('lead', 'cooperating')", name="role_known"),)

    item_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("plan_item.id", ondelete="CASCADE"), primary_key=True
    )
    department_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("department.id"), primary_key=True)
    #: One of `PlanRole`.
    role: so.Mapped[str] = so.mapped_column(sa.String(12))
    #: The order the plan names them in.
    sort_order: so.Mapped[int] = so.mapped_column(default=0)

    item: so.Mapped[PlanItem] = so.relationship(back_populates="departments")
    department: so.Mapped[Department] = so.relationship()


class PlanDuty(Base):
    """A department's or a district's duty to send the city's office its plan or its report."""

    __tablename__ = "plan_duty"
    __table_args__ = (
        sa.CheckConstraint("(department_id IS NULL) <> (district_id IS NULL)", name="exactly_one_unit"),
        sa.CheckConstraint("kind IN ('plan', 'report')", name="kind_known"),
        # NULLs never clash, so each pair below holds for the kind of unit it names.
        sa.UniqueConstraint("event_id", "kind", "department_id"),
        sa.UniqueConstraint("event_id", "kind", "district_id"),
    )

    id: so.Mapped[intpk]
    event_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"), index=True)
    #: One of `DutyKind`.
    kind: so.Mapped[str20]
    #: The unit that owes it: a department or a district, never both.
    department_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("department.id"))
    district_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("district.id"))
    #: The last day it may be sent on (the event's local day).
    due_on: so.Mapped[dt.date]
    created_at: so.Mapped[CreatedAt]

    event: so.Mapped[Event] = so.relationship()
    department: so.Mapped[Department | None] = so.relationship()
    district: so.Mapped[District | None] = so.relationship()
    submissions: so.Mapped[list["PlanSubmission"]] = so.relationship(
        back_populates="duty", order_by="PlanSubmission.id"
    )

    @property
    def unit(self) -> Department | District:
        return self.department or self.district

    @property
    def sent(self) -> list["PlanSubmission"]:
        """Submissions sent, oldest first: the last one is the one in force."""
        return [s for s in self.submissions if s.submitted_at is not None]

    @property
    def draft(self) -> "PlanSubmission | None":
        drafts = [s for s in self.submissions if s.submitted_at is None]
        return drafts[-1] if drafts else None


class PlanSubmission(Base):
    """A plan or report as a unit sends it: text and/or a file.

    A draft may be changed; once sent (`submitted_at` set) it is frozen exactly as it was
    sent, file included (its SHA-256 is kept). A correction is a new submission.
    """

    __tablename__ = "plan_submission"

    id: so.Mapped[intpk]
    duty_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("plan_duty.id", ondelete="CASCADE"), index=True)
    #: The text of the plan or report (may be empty when a file says it all).
    text: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    #: The uploaded file: the name it was sent with (for display only), the random name it is
    #: stored under in the upload folder, its type, size and digest.
    file_name: so.Mapped[str | None] = so.mapped_column(sa.String(200))
    stored_name: so.Mapped[str | None] = so.mapped_column(sa.String(64), unique=True)
    file_type: so.Mapped[str | None] = so.mapped_column(sa.String(10))
    file_size: so.Mapped[int | None]
    file_sha256: so.Mapped[str | None] = so.mapped_column(sa.String(64))
    created_at: so.Mapped[CreatedAt]
    created_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("staff_user.id"))
    #: When a draft was last changed.
    updated_at: so.Mapped[dt.datetime | None]
    #: When it was sent; from then on nothing about it changes.
    submitted_at: so.Mapped[dt.datetime | None]
    submitted_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("staff_user.id"))

    duty: so.Mapped[PlanDuty] = so.relationship(back_populates="submissions")
    created_by: so.Mapped[User | None] = so.relationship(foreign_keys=[created_by_id])
    submitted_by: so.Mapped[User | None] = so.relationship(foreign_keys=[submitted_by_id])

    @property
    def is_frozen(self) -> bool:
        return self.submitted_at is not None
