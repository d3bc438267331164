"""The `flask` command line (API.md): demo data, staff accounts and their tokens.

Each command is one transaction: it runs its service calls and commits once at the end,
or changes nothing when a service refuses.
"""

import functools
import sys

import click
from flask import Flask
from flask.cli import AppGroup

from eventdesk.core.database import write_intent
from eventdesk.core.models import Role
from eventdesk.core.services import privacy, users
from eventdesk.core.services import tally as tally_service
from eventdesk.errors import ServiceError
from eventdesk.extensions import db
from eventdesk.scanner.cli import scanner_cli


def transactional(command):
    """Run a command in one write transaction; a refused service call exits with status 1."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        with write_intent():
            try:
                result = command(*args, **kwargs)
                db.session.commit()
            except ServiceError as error:
                db.session.rollback()
                field = f" ({error.field})" if error.field else ""
                raise click.ClickException(f"{error.code}{field}: {error.message}") from None
        return result

    return wrapper


def read_password(from_stdin: bool, *, confirm: bool = True) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return click.prompt("Password", hide_input=True, confirmation_prompt=confirm)


users_cli = AppGroup("users", help="Staff accounts.")


@users_cli.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--name", default="", help="Name shown to colleagues (defaults to the e-mail's user part).")
@click.option("--department", "departments", multiple=True, metavar="CODE", help="Limit to a department.")
@click.option("--district", "districts", multiple=True, metavar="CODE", help="Limit to a district.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@transactional
def create_user_command(email, role, name, departments, districts, password_stdin):
    """Create a staff account (also how the first admin is made)."""
    # Everything but the password is checked first: a typing mistake in a code should not
    # cost the person a password typed twice.
    scopes = users.check_new_account(email, role, district_codes=districts, department_codes=departments)
    password = read_password(password_stdin)
    user = users.create_user(email, name=name, role=role, password=password, scopes=scopes)
    click.echo(f"created {user.role} {user.email}")


@users_cli.command("reset-password")
@click.argument("email")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@transactional
def reset_password_command(email, password_stdin):
    """Set a new password (there is no e-mail)."""
    user = users.find_user(email)
    if user is None:
        raise click.ClickException(f"no account {email}")
    users.set_password(user, read_password(password_stdin))
    click.echo(f"password set for {user.email}")


@users_cli.command("token")
@click.argument("email")
@click.option("--hours", type=click.IntRange(min=1, max=24 * 366), default=24, show_default=True)
@transactional
def token_command(email, hours):
    """Print a personal API token for the account."""
    user = users.find_user(email)
    if user is None or not user.active:
        raise click.ClickException(f"no active account {email}")
    token = users.issue_api_token(user, hours=hours)
    click.echo(f"token: {token}")


tally_cli = AppGroup("tally", help="The daily tally.")


@tally_cli.command("rebuild")
@click.option("--date", "day", type=click.DateTime(formats=["%Y-%m-%d"]), help="Only this local day.")
@transactional
def rebuild_tally_command(day):
    """Recompute the daily tally from the recorded facts."""
    local_day = day.date() if day else None
    rows = tally_service.rebuild(local_day)
    click.echo(f"tally rebuilt for {local_day or 'all days'}: {rows} figures")


demo_cli = AppGroup("demo", help="The demo event (never in production).")


@demo_cli.command("load")
@click.option(
    "--date",
    "day",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Local day to hold the demo on (default: today in Asia/Shanghai).",
)
@click.option("--force", is_flag=True, help="Load it even though the database holds other events.")
@transactional
def demo_load_command(day, force):
    """Create the demo event, or move it to another day; print the demo logins."""
    from eventdesk import demo

    result = demo.load_demo(day.date() if day else demo.today(), force=force)
    for line in demo.describe(result):
        click.echo(line)


privacy_cli = AppGroup("privacy", help="Personal data kept no longer than needed.")


@privacy_cli.command("anonymise")
@click.option(
    "--before",
    "day",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    required=True,
    help="Anonymise the people of events that ended before this day.",
)
@transactional
def anonymise_command(day):
    """Replace the names, phones and ID numbers of past events' people; every count stays."""
    people = privacy.anonymise_before(day.date())
    click.echo(f"people anonymised: {people}")


def init_app(app: Flask) -> None:
    from eventdesk.backup import backup_cli
    from eventdesk.plan.cli import plan_cli
    from eventdesk.reports.cli import export_cli
    from eventdesk.tickets.cli import import_cli

    app.cli.add_command(users_cli)
    app.cli.add_command(tally_cli)
    app.cli.add_command(demo_cli)
    app.cli.add_command(privacy_cli)
    app.cli.add_command(import_cli())
    app.cli.add_command(scanner_cli)
    app.cli.add_command(export_cli)
    app.cli.add_command(plan_cli)
    app.cli.add_command(backup_cli)
