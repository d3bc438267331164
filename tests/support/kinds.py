"""A small activity kind built on the plug-in contract, to prove the core's side of it.

A "stamp fair": visitors collect stamps at stands. The kind keeps its own facts in its own
table (as a real kind's package would), declares a registration field, an action with typed
fields whose choices depend on the booth, a refusal of its own, standing and check-in
metrics, a list, follow-ups and an import.
"""

import datetime as dt

import sqlalchemy as sa
from flask import Blueprint, jsonify
from flask_babel import lazy_gettext as _l

from eventdesk.api.openapi import ACTIVITY_ID, json_content, ref
from eventdesk.core import tally
from eventdesk.core.actions import voided_ids
from eventdesk.core.fields import Choice, Field
from eventdesk.core.kinds import Action, ActionOutcome, ActivityKind, FollowUp, ImportKind, Metric
from eventdesk.core.models import Action as ActionRow
from eventdesk.core.route_access import public
from eventdesk.core.services.imports import ImportReport
from eventdesk.errors import ServiceError
from eventdesk.extensions import db
from eventdesk.reports.exports import Column
from eventdesk.reports.registry import ListExport

STAMPS = sa.Table(
    "test_stamp",
    sa.MetaData(),
    sa.Column("action_id", sa.Integer, primary_key=True),
    sa.Column("colour", sa.String(10), nullable=False),
    sa.Column("count", sa.Integer, nullable=False),
)
STANDS = "stands"


def colours(_activity, booth) -> list[Choice]:
    """A stand stamps in red; the first stand of an activity also in blue."""
    choices = [Choice("red", _l("Red"))]
    if booth is not None and booth.sort_order == 1:
        choices.append(Choice("blue", _l("Blue")))
    return choices


def record_stamp(context) -> ActionOutcome:
    fields = context.fields
    if fields["colour"] == "blue" and fields["count"] > 3:
        raise ServiceError("too_many_stamps", status=409)
    db.session.execute(
        sa.insert(STAMPS).values(action_id=context.action_id, colour=fields["colour"], count=fields["count"])
    )
    key = (context.local_day, context.activity.id, context.booth.id)
    return ActionOutcome(
        figures=[
            ((*key, "stamps"), fields["count"]),
            ((*key, f"stamps.{fields['colour']}"), fields["count"]),
        ],
        answer={"stamp_id": context.action_id},
    )


def void_stamp(context) -> ActionOutcome:
    colour, count = db.session.execute(
        sa.select(STAMPS.c.colour, STAMPS.c.count).where(STAMPS.c.action_id == context.action_id)
    ).one()
    key = (context.local_day, context.activity.id, context.booth.id)
    return ActionOutcome(figures=[((*key, "stamps"), -count), ((*key, f"stamps.{colour}"), -count)])


def rebuild(day: dt.date | None):
    columns = (ActionRow.local_day, ActionRow.activity_id, ActionRow.booth_id, STAMPS.c.colour)
    statement = (
        sa.select(*columns, sa.func.sum(STAMPS.c.count))
        .join(STAMPS, STAMPS.c.action_id == ActionRow.id)
        .where(ActionRow.id.not_in(voided_ids()))
        .group_by(*columns)
    )
    if day is not None:
        statement = statement.where(ActionRow.local_day == day)
    for local_day, activity_id, booth_id, colour, count in db.session.execute(statement):
        yield (local_day, activity_id, booth_id, "stamps"), int(count)
        yield (local_day, activity_id, booth_id, f"stamps.{colour}"), int(count)
    from eventdesk.core.models import Activity

    for activity in db.session.scalars(sa.select(Activity).where(Activity.kind == "stampfair")):
        if activity.booths and (day is None or activity.day == day):
            yield (activity.day, activity.id, 0, STANDS), len(activity.booths)


def feed_stands(activity, amount: int) -> None:
    """What a kind's service feeds when it sets stands up: a standing figure on the activity's day."""
    tally.feed([((activity.day, activity.id, 0, STANDS), amount)])


def open_questions(activity_ids, _day):
    for activity_id in activity_ids:
        yield FollowUp(activity_id=activity_id, summary="stamp cards to post", count=2, overdue=True)


def stamp_rows(activity, _day):
    for action_id, colour, count, booth_id in db.session.execute(
        sa.select(STAMPS.c.action_id, STAMPS.c.colour, STAMPS.c.count, ActionRow.booth_id)
        .join(ActionRow, ActionRow.id == STAMPS.c.action_id)
        .where(ActionRow.activity_id == activity.id)
    ):
        yield {"action_id": action_id, "colour": colour, "count": count, "booth_id": booth_id}


def import_stamp_cards(activity, data: bytes, *, skip_bad=False, actor=None) -> ImportReport:
    lines = [line for line in data.decode().splitlines()[1:] if line.strip()]
    return ImportReport("stampcards", rows=len(lines), done=len(lines))


stamp_api = Blueprint("stampfair_api", __name__, url_prefix="/api/v1")


@stamp_api.get("/activities/<int:activity_id>/stamps")
def stamps_of(activity_id: int):
    """A kind's own endpoint: the stamps given at an activity (no personal data)."""
    total = db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(STAMPS.c.count), 0))
        .join(ActionRow, ActionRow.id == STAMPS.c.action_id)
        .where(ActionRow.activity_id == activity_id, ActionRow.id.not_in(voided_ids()))
    )
    return jsonify({"stamps": int(total)})


STAMP_KIND = ActivityKind(
    name="stampfair",
    label=_l("Stamp fair"),
    booth_label=_l("Stand"),
    reasons={"too_many_stamps": _l("Too many stamps")},
    registration_fields=(
        Field("team", _l("Team"), "choice", choices=(Choice("red", _l("Red")), Choice("blue", _l("Blue")))),
        Field("shoe_size", _l("Shoe size"), "number", minimum=20, maximum=50, headers=("鞋码",)),
        Field("first_visit", _l("First visit"), "boolean"),
        Field("born_on", _l("Born on"), "date"),
    ),
    present_metrics=lambda fields: ["red_team_present"] if fields.get("team") == "red" else [],
    actions=(
        Action(
            name="stamp",
            label=_l("Stamp"),
            ticket="optional",
            fields=(
                Field("colour", _l("Colour"), "choice", required=True, choices=colours),
                Field("count", _l("Stamps"), "number", required=True, minimum=1, maximum=9),
                Field("note", _l("Note"), "text", max_length=20),
            ),
            record=record_stamp,
            void=void_stamp,
        ),
    ),
    metrics=(
        Metric("stamps", _l("Stamps"), breakdown={"red": _l("Red"), "blue": _l("Blue")}),
        Metric("red_team_present", _l("Red team present")),
        Metric(STANDS, _l("Stands"), standing=True),
    ),
    rebuild_tally=rebuild,
    lists=(
        ListExport(
            name="stamps",
            label=_l("Stamps"),
            columns=(Column("action_id", _l("Stamp"), "int"), Column("colour", _l("Colour"))),
            rows=stamp_rows,
            organizers_only=True,
        ),
    ),
    follow_ups=open_questions,
    imports=(
        ImportKind(
            name="stampcards",
            label=_l("Stamp cards"),
            run=import_stamp_cards,
            columns={"card": ("卡号",)},
            summary="Rows: %(rows)s. Imported: %(done)s; already there: %(already)s; skipped: %(skipped)s.",
            kinds=frozenset({"stampfair"}),
        ),
    ),
    api_blueprints=(stamp_api,),
    route_rules={"stampfair_api.stamps_of": public()},
    openapi_paths={
        "/activities/{activity_id}/stamps": {
            "get": {
                "summary": "The stamps given at an activity",
                "parameters": [ACTIVITY_ID],
                "responses": {"200": json_content(ref("StampTotal"), "the total")},
            }
        }
    },
    openapi_schemas={
        "StampTotal": {
            "type": "object",
            "required": ["stamps"],
            "additionalProperties": False,
            "properties": {"stamps": {"type": "integer", "minimum": 0}},
        }
    },
)
