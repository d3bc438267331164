"""`flask scanner issue`: a scanner credential from the command line (API.md)."""

import click
from flask import current_app
from flask.cli import AppGroup

from eventdesk import urls
from eventdesk.core.database import write_intent
from eventdesk.core.models import Activity, Booth
from eventdesk.core.services import credentials
from eventdesk.errors import ServiceError
from eventdesk.extensions import db

#: The address of `make run`, used for the link when EVENTDESK_BASE_URL is not set.
FALLBACK_BASE_URL = "http://127.0.0.1:8000"

scanner_cli = AppGroup("scanner", help="Scanner devices.")


@scanner_cli.command("issue")
@click.option("--activity", "activity_id", type=int, required=True, help="Activity id.")
@click.option("--booth", "booth_id", type=int, help="Booth id, for a device that scans at one booth.")
@click.option(
    "--hours",
    type=click.IntRange(min=1, max=credentials.MAX_HOURS),
    default=credentials.DEFAULT_HOURS,
    show_default=True,
)
@click.option("--label", default="scanner", show_default=True, help="Who holds the device.")
def issue_command(activity_id, booth_id, hours, label):
    """Issue a credential for one device: prints its one-time enrolment link and its bearer token."""
    base = current_app.config.get("EVENTDESK_BASE_URL")
    if not base:
        click.echo(f"EVENTDESK_BASE_URL is not set; the link uses {FALLBACK_BASE_URL}", err=True)
    # Links and translated messages are built as for a request to the public address.
    with current_app.test_request_context(base_url=base or FALLBACK_BASE_URL), write_intent():
        try:
            activity = db.session.get(Activity, activity_id)
            if activity is None:
                raise click.ClickException(f"no activity {activity_id}")
            booth = None
            if booth_id is not None:
                booth = db.session.get(Booth, booth_id)
                if booth is None or booth.activity_id != activity.id:
                    raise click.ClickException(f"activity {activity_id} has no booth {booth_id}")
            credential, token, code = credentials.issue(activity, label=label, booth=booth, hours=hours)
            db.session.commit()
        except ServiceError as error:
            db.session.rollback()
            field = f" ({error.field})" if error.field else ""
            raise click.ClickException(f"{error.code}{field}: {error.message}") from None
        except click.ClickException:
            db.session.rollback()
            raise
        # The link alone on the first line and the token on its own line, for scripts;
        # the description goes to standard error.
        click.echo(f"scanner {credential.id} at {activity.name}: {credential.label}", err=True)
        click.echo(urls.enrol_url(code))
        click.echo(f"token: {token}")
