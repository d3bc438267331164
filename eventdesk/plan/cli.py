"""``flask plan load``: the activity plan's items and duties for an event."""

import click
from flask.cli import AppGroup

from eventdesk.cli import transactional
from eventdesk.errors import ServiceError
from eventdesk.plan import services

plan_cli = AppGroup("plan", help="The activity plan: its items and the reports units owe.")


@plan_cli.command("load")
@click.option(
    "--event", "event_id", type=int, help="The event (default: today's, else the next, else the last)."
)
@transactional
def load_plan_command(event_id):
    """Create the plan's eight items and each department's and district's duties, where missing."""
    event = services.plan_event(event_id)
    if event is None:
        raise ServiceError("no_event", status=404)
    result = services.load_plan(event)
    click.echo(
        f"plan for {event.name} (event {event.id}): {result.items} items, {result.duties} duties, "
        f"{result.departments} departments added"
    )
