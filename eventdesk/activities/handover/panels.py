"""What the ceremony adds to the core's pages: links on the activity's page, the household's home
on its head's ticket, its dashboard tiles (`templates/handover/_dashboard.html`) and its section of
the written report."""

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from eventdesk.activities.handover import queries
from eventdesk.activities.handover import tally as ceremony_tally
from eventdesk.activities.handover.households import household_of
from eventdesk.activities.handover.vocabulary import PROGRAMMES
from eventdesk.core.access import can_view_activity
from eventdesk.core.kinds import Link, Panel
from eventdesk.core.models import Activity, Registration, User


def activity_links(activity: Activity, user: User):
    if can_view_activity(user, activity):
        yield Link(_("Key-handover ceremony"), url_for("handover.ceremony", activity_id=activity.id))
        yield Link(_("Handover desk"), url_for("handover.desk", activity_id=activity.id))


def ticket_panel(registration: Registration) -> Panel | None:
    """The household's new home on its head's ticket, and whether its keys were handed over."""
    household = household_of(registration.id)
    if household is None:
        return None
    row = queries.household_row(registration.activity, household.id)
    return Panel(template="handover/_ticket_panel.html", context={"row": row})


@dataclass
class CeremonyResults:
    """One ceremony's figures on the report's day (or the total of several)."""

    label: str
    figures: Counter


def _keys(programme: str | None = None) -> str:
    return ceremony_tally.KEYS_HANDED_OVER + (f".{programme}" if programme else "")


def _people(programme: str | None = None) -> str:
    return ceremony_tally.PEOPLE_REHOUSED + (f".{programme}" if programme else "")


def _columns() -> list[tuple[str, str]]:
    """The figures the report's table shows, in order, with their headings."""
    columns = [
        (ceremony_tally.HOUSEHOLDS_INVITED, _("Households invited")),
        (ceremony_tally.HOUSEHOLDS_PRESENT, _("Households present")),
        (_keys(), _("Keys handed over")),
    ]
    for choice in PROGRAMMES:
        columns.append((_keys(choice.value), _("Households: %(programme)s", programme=choice.label)))
    columns.append((_people(), _("People rehoused")))
    for choice in PROGRAMMES:
        columns.append((_people(choice.value), _("People: %(programme)s", programme=choice.label)))
    return columns


def _counted_people(count: int) -> str:
    return ngettext("%(num)d person", "%(num)d people", count)


def _counted_households(count: int) -> str:
    return ngettext("%(num)d household", "%(num)d households", count)


def report_section(entries: Sequence, _unit) -> Panel:
    """The written report's key-handover section: households and people rehoused, by programme."""
    columns = _columns()
    ceremonies = [
        CeremonyResults(
            entry.activity.label, Counter({name: entry.figures.get(name, 0) for name, _label in columns})
        )
        for entry in entries
    ]
    figures = sum((ceremony.figures for ceremony in ceremonies), Counter())
    relocation, renovation = (choice.value for choice in PROGRAMMES)
    # Each counted thing is worded on its own, singular or plural, then put into the sentence.
    summary = ngettext(
        "%(num)d household was invited and %(present)d came. The keys of %(keys)s were handed over, to "
        "%(people)s: %(relocation)s (%(relocation_people)s) of poverty-relief relocation and "
        "%(renovation)s (%(renovation_people)s) of dangerous-house renovation.",
        "%(num)d households were invited and %(present)d came. The keys of %(keys)s were handed over, to "
        "%(people)s: %(relocation)s (%(relocation_people)s) of poverty-relief relocation and "
        "%(renovation)s (%(renovation_people)s) of dangerous-house renovation.",
        figures[ceremony_tally.HOUSEHOLDS_INVITED],
        present=figures[ceremony_tally.HOUSEHOLDS_PRESENT],
        keys=ngettext("%(num)d new home", "%(num)d new homes", figures[_keys()]),
        people=_counted_people(figures[_people()]),
        relocation=_counted_households(figures[_keys(relocation)]),
        relocation_people=_counted_people(figures[_people(relocation)]),
        renovation=_counted_households(figures[_keys(renovation)]),
        renovation_people=_counted_people(figures[_people(renovation)]),
    )
    total = CeremonyResults(_("Total"), figures)
    return Panel(
        template="handover/_report.html",
        title=_l("Key-handover ceremonies"),
        context={
            "ceremonies": ceremonies,
            "total": total if len(ceremonies) > 1 else None,
            "summary": summary,
            "columns": columns,
        },
    )
