"""``flask import people|checkins FILE --activity ID [--skip-bad]`` (API.md): lists from .xlsx or .csv.

Bad rows are listed with their row numbers on standard error; when there are any, nothing
is imported and the command exits with status 1, unless ``--skip-bad`` is given.
"""

import functools
import os
from pathlib import Path

import click
from flask.cli import AppGroup
from flask_babel import force_locale
from flask_babel import gettext as _

from eventdesk.cli import transactional
from eventdesk.core.languages import DEFAULT_LANGUAGE, normalise_language
from eventdesk.core.models import Activity
from eventdesk.core.services import imports
from eventdesk.extensions import db

import_cli = AppGroup("import", help="Bulk imports from .xlsx or .csv files.")


def in_terminal_language(command):
    """Messages in the terminal's language (``LANG``), else Chinese; there is no request to ask."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        with force_locale(normalise_language(os.environ.get("LANG")) or DEFAULT_LANGUAGE):
            return command(*args, **kwargs)

    return wrapper


def _file_and_activity(command):
    command = click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))(command)
    command = click.option("--activity", "activity_id", type=int, required=True, help="The activity's id.")(
        command
    )
    return click.option("--skip-bad", is_flag=True, help="Import the good rows even when some rows are bad.")(
        command
    )


def _activity(activity_id: int) -> Activity:
    activity = db.session.get(Activity, activity_id)
    if activity is None:
        raise click.ClickException(_("There is no activity with id %(id)s.", id=activity_id))
    return activity


def _read(file: Path) -> bytes:
    try:
        return file.read_bytes()
    except OSError as error:
        raise click.ClickException(str(error)) from None


def _run(action, activity: Activity, file: Path, skip_bad: bool) -> imports.ImportReport:
    try:
        report = action(activity, _read(file), skip_bad=skip_bad)
    except imports.ImportRejected as rejected:
        _echo_problems(rejected.report)
        raise
    _echo_problems(report)
    return report


def _echo_problems(report: imports.ImportReport) -> None:
    for problem in report.problems:
        line = _("Row %(row)s: %(message)s", row=problem.row, message=problem.message)
        column = f" [{problem.field}]" if problem.field else ""
        click.echo(f"{line} ({problem.code}{column})", err=True)


@import_cli.command("people")
@_file_and_activity
@in_terminal_language
@transactional
def import_people_command(file: Path, activity_id: int, skip_bad: bool):
    """Register the people of a list (姓名 name, 手机号 phone, 身份证号 id_number, 村镇 village)."""
    report = _run(imports.import_people, _activity(activity_id), file, skip_bad)
    click.echo(
        _(
            "%(rows)s rows: %(done)s registered, %(already)s already registered, %(skipped)s skipped.",
            rows=report.rows,
            done=report.done,
            already=report.already,
            skipped=len(report.problems),
        )
    )


@import_cli.command("checkins")
@_file_and_activity
@in_terminal_language
@transactional
def import_checkins_command(file: Path, activity_id: int, skip_bad: bool):
    """Back-fill check-ins from a paper list (票码 ticket_code, or 姓名 and 手机号; 签到时间 time)."""
    report = _run(imports.import_checkins, _activity(activity_id), file, skip_bad)
    click.echo(
        _(
            "%(rows)s rows: %(done)s checked in, %(already)s already checked in, %(skipped)s skipped.",
            rows=report.rows,
            done=report.done,
            already=report.already,
            skipped=len(report.problems),
        )
    )
