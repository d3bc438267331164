"""The daily tally as sheets: by activity, by booth, totals, and the long form of the API."""

from flask_babel import lazy_gettext as _l

from eventdesk.formatting import join_names, kind_label
from eventdesk.reports import metrics
from eventdesk.reports.exports import Column, Sheet
from eventdesk.reports.tally import DailyTally, Group, tally_rows

LONG_COLUMNS = [
    Column("date", _l("Date"), "date"),
    Column("district", _l("District")),
    Column("site", _l("Site")),
    Column("activity", _l("Activity")),
    Column("kind", _l("Kind")),
    Column("department", _l("Department")),
    Column("booth", _l("Booth")),
    Column("metric_label", _l("Figure")),
    Column("metric", _l("Figure code")),
    Column("value", _l("Value"), "int"),
]


def long_sheet(daily: DailyTally) -> Sheet:
    """One row per figure, as ``GET /api/v1/tally`` answers (with booth and figure names added)."""
    labels: dict[tuple[bool, str], str] = {}

    def rows():
        for row in tally_rows(daily):
            # A booth's figures have their own names: its walk-ins are visits, not people.
            label_of = metrics.booth_label if row.booth_id is not None else metrics.label
            key = (row.booth_id is not None, row.metric)
            label = labels.get(key) or labels.setdefault(key, label_of(row.metric))
            yield {
                "date": row.date,
                "district": row.district,
                "site": row.site,
                "activity": row.activity,
                "kind": kind_label(row.kind),
                "department": row.department,
                "booth": row.booth,
                "metric_label": label,
                "metric": row.metric,
                "value": row.value,
            }

    return Sheet(_l("All figures"), LONG_COLUMNS, rows())


def _metric_columns(names) -> list[Column]:
    return [Column(f"m:{name}", metrics.label(name), "int") for name in names]


def activity_sheet(daily: DailyTally) -> Sheet:
    names = daily.metric_names()
    columns = [
        Column("date", _l("Date"), "date"),
        Column("district", _l("District")),
        Column("site", _l("Site")),
        Column("activity", _l("Activity")),
        Column("kind", _l("Kind")),
        Column("lead", _l("Lead department")),
        Column("cooperators", _l("Cooperating departments")),
        *_metric_columns(names),
    ]
    rows = []
    for entry in daily.activities:
        activity = entry.activity
        row = {
            "date": daily.day,
            "district": activity.site.district.label,
            "site": activity.site.label,
            "activity": activity.label,
            "kind": kind_label(activity.kind),
            "lead": activity.lead_department.label,
            "cooperators": join_names(d.label for d in activity.cooperators),
        }
        row.update({f"m:{name}": value for name, value in entry.figures.items()})
        rows.append(row)
    return Sheet(_l("By activity"), columns, rows)


def booth_sheet(daily: DailyTally) -> Sheet:
    names: list[str] = []
    for entry in daily.activities:
        names += [n for n in entry.booth_metric_names() if n not in names]
    columns = [
        Column("date", _l("Date"), "date"),
        Column("district", _l("District")),
        Column("activity", _l("Activity")),
        Column("booth", _l("Booth")),
        Column("department", _l("Department")),
        *[Column(f"m:{m.name}", m.label, "int") for m in metrics.BOOTH_METRICS],
        *_metric_columns([n for n in names if n not in {m.name for m in metrics.BOOTH_METRICS}]),
    ]
    rows = []
    for entry in daily.activities:
        for booth in entry.booths:
            department = booth.booth.department
            row = {
                "date": daily.day,
                "district": entry.activity.site.district.label,
                "activity": entry.activity.label,
                "booth": booth.booth.label,
                "department": department.label if department else None,
            }
            row.update({f"m:{name}": value for name, value in booth.figures.items()})
            rows.append(row)
    return Sheet(_l("By booth"), columns, rows)


def totals_sheet(daily: DailyTally) -> Sheet:
    names = daily.metric_names()
    columns = [
        Column("group", _l("Total of")),
        Column("name", _l("Breakdown")),
        Column("activities", _l("Number of activities"), "int"),
        *_metric_columns(names),
    ]
    rows = []

    def add(kind_of_group: str, groups: list[Group]) -> None:
        for group in groups:
            row = {"group": kind_of_group, "name": group.label, "activities": group.activities}
            row.update({f"m:{name}": group.figures.get(name, 0) for name in names})
            rows.append(row)

    add(str(_l("District")), daily.by_district)
    add(str(_l("Kind")), daily.by_kind)
    add(str(_l("Lead department")), daily.by_department)
    everything = Group(key=None, label=str(_l("Total")), figures=daily.total.figures)
    everything.activities = daily.total.activities
    add(str(_l("All activities")), [everything])
    return Sheet(_l("Totals"), columns, rows)


def tally_workbook(daily: DailyTally) -> list[Sheet]:
    return [activity_sheet(daily), booth_sheet(daily), totals_sheet(daily), long_sheet(daily)]
