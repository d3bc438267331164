"""An activity's live counts (API.md, count definitions), read from the tally in one query.

The cost does not grow with the number of scans: the tally holds running sums.
"""

from eventdesk.core import tally
from eventdesk.core.kinds import confidential_metric_names, get_kind
from eventdesk.core.models import WHOLE_ACTIVITY
from eventdesk.core.rawdb import RawConnection

_COUNTS = (
    "SELECT 0, booth_id, metric, SUM(value), NULL, NULL "
    "FROM tally_count WHERE activity_id = ? GROUP BY booth_id, metric "
    "UNION ALL SELECT 1, id, NULL, sort_order, name, name_en FROM booth WHERE activity_id = ?"
)


def activity_counts(
    connection: RawConnection, activity_id: int, kind: str, *, language: str = "zh_Hans"
) -> dict:
    """The counts the scanner, the dashboard and ``GET …/counts`` show for one activity.

    One round trip (it answers every scan): the tally's sums and the booths' names together.
    """
    return counts_from_rows(connection.all(*counts_query(activity_id)), kind, language=language)


def counts_query(activity_id: int) -> tuple[str, tuple]:
    """The query whose rows `counts_from_rows` reads."""
    return _COUNTS, (activity_id, activity_id)


def counts_from_rows(rows, kind: str, *, language: str = "zh_Hans") -> dict:
    """An activity's counts from the rows of `counts_query`."""
    sums: dict[tuple[int, str], int] = {}
    booths = []
    for part, booth_id, metric, value, name, name_en in rows:
        if part == 0:
            sums[(booth_id, metric)] = int(value)
        else:
            booths.append((int(value), booth_id, name, name_en))
    ordered = [(booth_id, name, name_en) for _order, booth_id, name, name_en in sorted(booths)]
    return build_counts(sums, ordered, kind, language=language)


def counts_of_activities(
    connection: RawConnection,
    kinds: dict[int, str],
    *,
    language: str = "zh_Hans",
    confidential_for: frozenset[int] | set[int] = frozenset(),
) -> dict[int, dict]:
    """Counts of several activities (id → kind) in two queries, for dashboards and live streams;
    with their confidential metrics for the activities in `confidential_for`."""
    if not kinds:
        return {}
    ids = sorted(kinds)
    marks = connection.placeholders(len(ids))
    sums: dict[int, dict[tuple[int, str], int]] = {activity_id: {} for activity_id in ids}
    for activity_id, booth_id, metric, value in connection.all(
        f"SELECT activity_id, booth_id, metric, SUM(value) FROM tally_count WHERE activity_id IN ({marks}) "
        "GROUP BY activity_id, booth_id, metric",
        ids,
    ):
        sums[activity_id][(booth_id, metric)] = int(value)
    booths: dict[int, list] = {activity_id: [] for activity_id in ids}
    for activity_id, booth_id, name, name_en in connection.all(
        f"SELECT activity_id, id, name, name_en FROM booth WHERE activity_id IN ({marks}) "
        "ORDER BY sort_order, id",
        ids,
    ):
        booths[activity_id].append((booth_id, name, name_en))
    return {
        activity_id: build_counts(
            sums[activity_id],
            booths[activity_id],
            kinds[activity_id],
            language=language,
            confidential=activity_id in confidential_for,
        )
        for activity_id in ids
    }


def build_counts(
    sums: dict[tuple[int, str], int],
    booths,
    kind: str,
    *,
    language: str = "zh_Hans",
    confidential: bool = False,
) -> dict:
    """Assemble counts from tally sums keyed by (booth id, metric) and the activity's booths.

    The kind's confidential metrics are left out unless `confidential` (a reader who manages the
    activity): every scanner and staff member sees the rest.
    """

    def whole(metric: str) -> int:
        return sums.get((WHOLE_ACTIVITY, metric), 0)

    def everywhere(metric: str) -> int:
        return sum(value for (_booth, name), value in sums.items() if name == metric)

    booth_rows = []
    booth_visits = 0
    for booth_id, name, name_en in booths:
        visits = sums.get((booth_id, tally.VISITS), 0)
        walk_ins = sums.get((booth_id, tally.WALK_INS), 0)
        booth_visits += visits + walk_ins
        booth_rows.append(
            {
                "id": booth_id,
                "name": name_en if language == "en" and name_en else name,
                "visits": visits,
                "walk_ins": walk_ins,
            }
        )
    checked_in = whole(tally.CHECKED_IN)
    walk_ins = whole(tally.WALK_INS)
    activity_kind = get_kind(kind)
    kind_metrics = [m.name for m in activity_kind.metrics] if activity_kind else []
    extra = {name for (_booth, name) in sums if name not in tally.CORE_METRICS}
    shown = set(kind_metrics) | extra
    if not confidential:
        withheld = confidential_metric_names(kind)
        shown = {name for name in shown if name.split(".", 1)[0] not in withheld}
    return {
        "registered": whole(tally.REGISTERED),
        "checked_in": checked_in,
        "walk_ins": walk_ins,
        "attendance": checked_in + walk_ins,
        "inside": whole(tally.ENTRIES) - whole(tally.EXITS),
        "booth_visits": booth_visits,
        "scans": everywhere(tally.SCANS),
        "duplicates": everywhere(tally.DUPLICATES),
        "rejected": everywhere(tally.REJECTED),
        "booths": booth_rows,
        "metrics": {name: everywhere(name) for name in sorted(shown)},
    }
