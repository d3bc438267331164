"""The written report (书面报送) of a local day: for the city, one district or one department.

The plan asks every district (区县, 新区管委会) and every department to report in writing
what its activities did on the day. The report says it in figures taken from the daily
tally (never from the scans, so it builds in milliseconds) and in short sentences made
from those figures, in the reader's language.
"""

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal

import sqlalchemy as sa
from flask_babel import get_locale, ngettext, pgettext
from flask_babel import gettext as _

from eventdesk.core.access import is_city_wide
from eventdesk.core.calendar import current_event
from eventdesk.core.kinds import FollowUp, Panel, all_kinds
from eventdesk.core.models import Activity, Booth, Department, District, Role, Site, User, activity_cooperator
from eventdesk.core.tally import REGISTERED
from eventdesk.extensions import db
from eventdesk.formatting import join_names, kind_label, local_time
from eventdesk.reports import metrics, registry
from eventdesk.reports.tally import ActivityFigures, DailyTally, Group, daily_tally, with_totals

Scope = Literal["city", "district", "department"]


@dataclass(frozen=True)
class ReportUnit:
    """Who reports: the whole city, a district (区县, 新区管委会) or a department."""

    scope: Scope
    district: District | None = None
    department: Department | None = None

    @property
    def id(self) -> int | None:
        target = self.district or self.department
        return target.id if target else None

    @property
    def name(self) -> str:
        if self.district is not None:
            return self.district.label
        if self.department is not None:
            return self.department.label
        return _("The city")

    def activity_filter(self) -> sa.ColumnElement[bool] | None:
        """Which activities the unit reports on."""
        if self.district is not None:
            return Activity.site_id.in_(sa.select(Site.id).where(Site.district_id == self.district.id))
        if self.department is not None:
            department_id = self.department.id
            return sa.or_(
                Activity.lead_department_id == department_id,
                Activity.id.in_(
                    sa.select(activity_cooperator.c.activity_id).where(
                        activity_cooperator.c.department_id == department_id
                    )
                ),
                Activity.id.in_(sa.select(Booth.activity_id).where(Booth.department_id == department_id)),
            )
        return None


def report_unit(scope: str, unit_id: int | None = None) -> ReportUnit | None:
    """The unit named in a URL, or None when there is no such unit."""
    if scope == "city":
        return ReportUnit("city")
    if scope == "district" and unit_id is not None:
        district = db.session.get(District, unit_id)
        return ReportUnit("district", district=district) if district else None
    if scope == "department" and unit_id is not None:
        department = db.session.get(Department, unit_id)
        return ReportUnit("department", department=department) if department else None
    return None


def may_report_for(user: User, unit: ReportUnit) -> bool:
    """The city's office reports for everyone; an organizer for the districts and departments in
    scope; a department's staff for their department, which the plan asks to report too."""
    if is_city_wide(user):
        return True
    if unit.scope == "city":
        return False
    if unit.district is not None:
        return user.role == Role.organizer and any(s.district_id == unit.district.id for s in user.scopes)
    return any(scope.department_id == unit.department.id for scope in user.scopes)


def units_for(user: User) -> list[ReportUnit]:
    """The units `user` may write a report for, city first."""
    if is_city_wide(user):
        districts = db.session.scalars(sa.select(District).order_by(District.sort_order, District.id)).all()
        departments = db.session.scalars(
            sa.select(Department).order_by(Department.sort_order, Department.id)
        ).all()
        return (
            [ReportUnit("city")]
            + [ReportUnit("district", district=d) for d in districts]
            + [ReportUnit("department", department=d) for d in departments]
        )
    units = [
        ReportUnit("district", district=db.session.get(District, s.district_id))
        for s in user.scopes
        if s.district_id and user.role == Role.organizer
    ]
    units += [
        ReportUnit("department", department=db.session.get(Department, s.department_id))
        for s in user.scopes
        if s.department_id
    ]
    return units


@dataclass
class ActivitySection:
    """What the report says about one activity."""

    number: str
    entry: ActivityFigures
    #: For a department's report: ``lead``, ``cooperating`` or ``booth`` (it only staffed a desk).
    role: str | None
    sentences: list[str]
    #: Booths shown in the report's table: all of them, or a department's own.
    booths: list = field(default_factory=list)

    @property
    def metric_names(self) -> list[str]:
        """The figures the report's table shows: the headline counts, then the kind's own."""
        return [*metrics.HEADLINE, *(n for n in self.entry.figures if n not in metrics.CORE_NAMES)]


@dataclass
class SectionGroup:
    """Activities under one subheading: a district's in the city's report, a kind's in a district's
    or a department's (no subheading when all are of one)."""

    heading: str | None
    sections: list[ActivitySection]


@dataclass
class DepartmentPart:
    """A department's part in the unit's activities: which it led, which it joined, its booths."""

    department: Department
    led: list[Activity] = field(default_factory=list)
    cooperated: list[Activity] = field(default_factory=list)
    booths: int = 0
    booth_visits: int = 0


@dataclass
class WrittenReport:
    unit: ReportUnit
    day: dt.date
    event_name: str
    title: str
    #: The line a district's or department's report opens with: whom it is sent to.
    addressee: str
    intro: list[str]
    groups: list[SectionGroup]
    departments: list[DepartmentPart]
    #: None when no activity kind provides follow-ups (the section is left out).
    follow_ups: list[FollowUp] | None
    #: The kinds' own sections (the job fair's results, the consultations by department …).
    kind_sections: list[Panel]
    totals_by_kind: list[Group]
    totals_by_district: list[Group]
    total: Group
    headline: tuple[str, ...] = metrics.HEADLINE
    daily: DailyTally | None = None

    @property
    def signing_unit(self) -> str | None:
        """The unit named in the signature block; the city's report is signed by whoever sends it."""
        return None if self.unit.scope == "city" else self.unit.name

    @property
    def sections(self) -> list[ActivitySection]:
        return [section for group in self.groups for section in group.sections]

    def activity_name(self, activity_id: int) -> str:
        for section in self.sections:
            if section.entry.activity.id == activity_id:
                return section.entry.activity.label
        return ""


def _english() -> bool:
    locale = get_locale()
    return locale is not None and locale.language == "en"


_DIGITS = "零一二三四五六七八九"
_COMMITTEE = "管委会"


def chinese_number(n: int) -> str:
    """1 → 一, 12 → 十二, 40 → 四十: the numbering of official documents (up to 99)."""
    if n < 10:
        return _DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _DIGITS[tens]) + "十" + (_DIGITS[ones] if ones else "")


def _numbered(n: int) -> str:
    return f"({n}) " if _english() else f"（{chinese_number(n)}）"


def _day_text(day: dt.date) -> str:
    if _english():
        return f"{day:%d %B %Y}".lstrip("0")
    return f"{day.year}年{day.month}月{day.day}日"


def _role_of(activity: Activity, department: Department) -> str:
    if activity.lead_department_id == department.id:
        return "lead"
    if any(d.id == department.id for d in activity.cooperators):
        return "cooperating"
    return "booth"


def closing_time(activity: Activity) -> str:
    """When an activity closes, as a report says it: 17:00, or 00:00 the next day."""
    zone = activity.event.zone
    closes = activity.closes_at.astimezone(zone)
    time = closes.strftime("%H:%M")
    if closes.date() > activity.opens_at.astimezone(zone).date():
        return _("%(time)s the next day", time=time)
    return time


def place_name(site: Site) -> str:
    """A site with its district, as a report names it: 王益区黄堡镇广场; a site whose name already
    starts with its district's keeps its own name (新区阳光广场, never 新区新区阳光广场).

    A new area's committee (新区管委会) names the area it runs, so its area's name (新区) counts as
    the district's name too.
    """
    district = site.district.label
    if site.label.startswith((district, district.removesuffix(_COMMITTEE))):
        return site.label
    return pgettext("a place in a report", "%(site)s (%(district)s)", site=site.label, district=district)


def _visits(count: int) -> str:
    """Booth visits, counted: a part of a sentence that counts other things too."""
    return ngettext("%(num)d visit", "%(num)d visits", count)


def _figures_sentence(figures: dict[str, int], booths: int) -> str:
    values = {name: figures.get(name, 0) for name in metrics.HEADLINE}
    registered = values.pop(REGISTERED)
    if not booths:
        return ngettext(
            "%(num)d person registered, %(checked_in)d checked in and %(walk_ins)d came without "
            "registering: %(attendance)d took part in all.",
            "%(num)d people registered, %(checked_in)d checked in and %(walk_ins)d came without "
            "registering: %(attendance)d took part in all.",
            registered,
            **values,
        )
    people = ngettext(
        "%(num)d person registered, %(checked_in)d checked in and %(walk_ins)d came without "
        "registering: %(attendance)d took part in all",
        "%(num)d people registered, %(checked_in)d checked in and %(walk_ins)d came without "
        "registering: %(attendance)d took part in all",
        registered,
        **values,
    )
    return ngettext(
        "%(people)s; its one booth received %(visits)s.",
        "%(people)s; its %(num)d booths received %(visits)s.",
        booths,
        people=people,
        visits=_visits(values[metrics.BOOTH_VISITS]),
    )


def _kind_sentence(entry: ActivityFigures) -> str | None:
    names = [m.name for m in metrics.kind_metrics(entry.activity.kind)]
    names += [
        n for n in entry.figures if n not in names and n not in {m.name for m in metrics.ACTIVITY_METRICS}
    ]
    parts = [
        _("%(label)s: %(value)d", label=metrics.label(name), value=entry.figures.get(name, 0))
        for name in names
    ]
    return _("Also recorded: %(figures)s.", figures=_("; ").join(parts)) if parts else None


def _busiest_sentence(booths) -> str | None:
    """Which booth received the most visits; several when tied, none when all are."""
    top = max((b.figures.get(metrics.BOOTH_VISITS, 0) for b in booths), default=0)
    leaders = [b.booth.label for b in booths if b.figures.get(metrics.BOOTH_VISITS, 0) == top]
    if top == 0 or len(leaders) == len(booths):
        return None
    if len(leaders) == 1:
        return ngettext(
            "The busiest booth was %(booth)s, with %(num)d visit.",
            "The busiest booth was %(booth)s, with %(num)d visits.",
            top,
            booth=leaders[0],
        )
    return ngettext(
        "The busiest booths were %(booths)s, with %(num)d visit each.",
        "The busiest booths were %(booths)s, with %(num)d visits each.",
        top,
        booths=join_names(leaders),
    )


def _activity_sentences(entry: ActivityFigures, unit: ReportUnit) -> list[str]:
    activity = entry.activity
    zone = activity.event.timezone
    place = {
        "opens": local_time(activity.opens_at, zone, "%H:%M"),
        "closes": closing_time(activity),
        "place": place_name(activity.site),
        "lead": activity.lead_department.label,
    }
    if activity.cooperators:
        sentences = [
            _(
                "Held from %(opens)s to %(closes)s at %(place)s, led by %(lead)s with %(cooperators)s "
                "cooperating.",
                cooperators=join_names([d.label for d in activity.cooperators]),
                **place,
            )
        ]
    else:
        sentences = [_("Held from %(opens)s to %(closes)s at %(place)s, led by %(lead)s.", **place)]
    sentences.append(_figures_sentence(entry.figures, len(entry.booths)))
    kind = _kind_sentence(entry)
    if kind:
        sentences.append(kind)
    busiest = _busiest_sentence(entry.booths)
    if busiest:
        sentences.append(busiest)
    if unit.department is not None:
        own = [b for b in entry.booths if b.booth.department_id == unit.department.id]
        if own:
            sentences.append(
                ngettext(
                    "%(unit)s staffed %(booths)s here, which received %(num)d visit.",
                    "%(unit)s staffed %(booths)s here, which received %(num)d visits.",
                    sum(b.figures.get(metrics.BOOTH_VISITS, 0) for b in own),
                    unit=unit.name,
                    booths=join_names([b.booth.label for b in own]),
                )
            )
    return sentences


def _intro(
    unit: ReportUnit, day: dt.date, event_name: str, daily: DailyTally, led: Group, *, city: str | None
) -> list[str]:
    date = _day_text(day)
    count = len(daily.activities)
    if not count:
        return [_("No on-site activity was recorded on %(date)s.", date=date)]
    if unit.scope == "city" and city:
        opening = ngettext(
            "On %(date)s %(city)s held %(num)d on-site activity of %(event)s.",
            "On %(date)s %(city)s held %(num)d on-site activities of %(event)s.",
            count,
            date=date,
            city=city,
            event=event_name,
        )
    elif unit.scope == "city":
        opening = ngettext(
            "On %(date)s the city held %(num)d on-site activity of %(event)s.",
            "On %(date)s the city held %(num)d on-site activities of %(event)s.",
            count,
            date=date,
            event=event_name,
        )
    elif unit.scope == "district":
        opening = ngettext(
            "On %(date)s, %(num)d on-site activity of %(event)s was held in %(unit)s.",
            "On %(date)s, %(num)d on-site activities of %(event)s were held in %(unit)s.",
            count,
            date=date,
            event=event_name,
            unit=unit.name,
        )
    elif not led.activities:
        return [
            ngettext(
                "On %(date)s %(unit)s took part in %(num)d on-site activity of %(event)s.",
                "On %(date)s %(unit)s took part in %(num)d on-site activities of %(event)s.",
                count,
                date=date,
                unit=unit.name,
                event=event_name,
            )
        ]
    else:
        opening = ngettext(
            "On %(date)s %(unit)s led %(num)d on-site activity of %(event)s and took part in %(joined)d "
            "more.",
            "On %(date)s %(unit)s led %(num)d on-site activities of %(event)s and took part in %(joined)d "
            "more.",
            led.activities,
            date=date,
            unit=unit.name,
            joined=count - led.activities,
            event=event_name,
        )
        figures = _headline_figures(led)
        return [
            opening,
            ngettext(
                "At the activities it led, %(num)d person registered, %(checked_in)d checked in and "
                "%(walk_ins)d came without registering: %(attendance)d took part in all; the booths "
                "received %(visits)s.",
                "At the activities it led, %(num)d people registered, %(checked_in)d checked in and "
                "%(walk_ins)d came without registering: %(attendance)d took part in all; the booths "
                "received %(visits)s.",
                figures.pop(REGISTERED),
                **figures,
            ),
        ]
    figures = _headline_figures(daily.total)
    return [
        opening,
        ngettext(
            "In all, %(num)d person registered, %(checked_in)d checked in and %(walk_ins)d came "
            "without registering: %(attendance)d took part; the booths received %(visits)s.",
            "In all, %(num)d people registered, %(checked_in)d checked in and %(walk_ins)d came "
            "without registering: %(attendance)d took part; the booths received %(visits)s.",
            figures.pop(REGISTERED),
            **figures,
        ),
    ]


def _headline_figures(group: Group) -> dict:
    """A group's headline figures for a sentence, its booth visits counted in words."""
    figures = {name: group.figures.get(name, 0) for name in metrics.HEADLINE}
    figures["visits"] = _visits(figures.pop(metrics.BOOTH_VISITS))
    return figures


def _departments(daily: DailyTally) -> list[DepartmentPart]:
    parts: dict[int, DepartmentPart] = {}

    def part(department: Department) -> DepartmentPart:
        return parts.setdefault(department.id, DepartmentPart(department=department))

    for entry in daily.activities:
        activity = entry.activity
        part(activity.lead_department).led.append(activity)
        for department in activity.cooperators:
            part(department).cooperated.append(activity)
        for booth in entry.booths:
            if booth.booth.department is not None:
                staffed = part(booth.booth.department)
                staffed.booths += 1
                staffed.booth_visits += booth.figures.get(metrics.BOOTH_VISITS, 0)
    return sorted(parts.values(), key=lambda p: (p.department.sort_order, p.department.id))


def written_report(day: dt.date, unit: ReportUnit, *, event_id: int | None = None) -> WrittenReport:
    """The written report of `unit` for local day `day` (the caller has checked `may_report_for`)."""
    daily = daily_tally(day, event_id=event_id, activity_filter=unit.activity_filter())
    events = list(dict.fromkeys(entry.activity.event for entry in daily.activities))
    if not events:
        event = current_event(event_id)
        events = [event] if event else []
    event_name = join_names([event.label for event in events]) if events else _("the day's activities")
    # The first event's words: one report covers one event's day in practice.
    city = next((event.city_name for event in events if event.city_name), None)
    addressee = next((event.report_addressee for event in events if event.report_addressee), None)
    unit_name = city if unit.scope == "city" and city else unit.name

    led = []
    sections = []
    for entry in daily.activities:
        role = _role_of(entry.activity, unit.department) if unit.department is not None else None
        if role == "lead":
            led.append(entry)
        booths = (
            [b for b in entry.booths if b.booth.department_id == unit.department.id]
            if role == "booth"
            else entry.booths
        )
        sections.append(
            ActivitySection(
                number="",
                entry=entry,
                role=role,
                sentences=_activity_sentences(entry, unit),
                booths=booths,
            )
        )
    follow_ups = None
    if registry.follow_up_kinds():
        follow_ups = registry.follow_ups([entry.activity for entry in daily.activities], day)
    title = _("%(unit)s: report on the activities of %(event)s", unit=unit_name, event=event_name)
    # A department sums up what it led; the figures of activities it joined are their leads' to report.
    summary = with_totals(day, led) if unit.department is not None else daily
    return WrittenReport(
        unit=unit,
        day=day,
        event_name=event_name,
        title=title,
        intro=_intro(unit, day, event_name, daily, summary.total, city=city),
        addressee=(
            _("To %(addressee)s:", addressee=addressee)
            if addressee
            else _("To the City Poverty Alleviation Office:")
        ),
        groups=_grouped(sections, unit),
        departments=_departments(daily) if unit.scope != "department" else [],
        follow_ups=follow_ups,
        kind_sections=_kind_sections(daily, unit),
        totals_by_kind=summary.by_kind,
        totals_by_district=summary.by_district if unit.scope == "city" else [],
        total=summary.total,
        daily=daily,
    )


def _grouped(sections: list[ActivitySection], unit: ReportUnit) -> list[SectionGroup]:
    """Sections under subheadings, numbered as official documents are: （一） under 一、, then 1."""

    def heading(section: ActivitySection) -> str:
        activity = section.entry.activity
        return activity.site.district.label if unit.scope == "city" else kind_label(activity.kind)

    by_heading: dict[str, list[ActivitySection]] = {}
    for section in sections:
        by_heading.setdefault(heading(section), []).append(section)
    if len(by_heading) <= 1:
        for number, section in enumerate(sections, start=1):
            section.number = _numbered(number)
        return [SectionGroup(None, sections)] if sections else []
    groups = []
    for group_number, (name, members) in enumerate(by_heading.items(), start=1):
        for number, section in enumerate(members, start=1):
            section.number = f"{number}. "
        groups.append(SectionGroup(f"{_numbered(group_number)}{name}", members))
    return groups


def _kind_sections(daily: DailyTally, unit: ReportUnit) -> list[Panel]:
    """Each kind's own section, for the activities of that kind in the report."""
    by_kind: dict[str, list[ActivityFigures]] = {}
    for entry in daily.activities:
        by_kind.setdefault(entry.activity.kind, []).append(entry)
    sections = []
    for kind in all_kinds():
        if kind.report_section is not None and kind.name in by_kind:
            section = kind.report_section(by_kind[kind.name], unit)
            if section is not None:
                sections.append(section)
    return sections


def heading_number(n: int) -> str:
    """A first-level heading's number: 一、 or 1."""
    return f"{n}. " if _english() else f"{chinese_number(n)}、"


def sentence_gap() -> str:
    """What goes between two sentences: a space in English, nothing in Chinese."""
    return " " if _english() else ""


def date_blank() -> str:
    """The date line of the signature block, to be filled in by hand."""
    return "" if _english() else "　　　　年　　月　　日"


def role_labels() -> dict[str, str]:
    return {"lead": _("lead"), "cooperating": _("cooperating"), "booth": _("staffs a booth")}


def day_text(day: dt.date) -> str:
    """The day as a report writes it: 2026年10月17日, or 17 October 2026."""
    return _day_text(day)
