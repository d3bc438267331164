"""``flask import KIND FILE --activity ID [--skip-bad]`` (API.md): lists from .xlsx or .csv.

One command per importable list: the core's (people, checkins) and each activity kind's
(employers, postings, households …). Bad rows are listed with their row numbers on standard
error; when there are any, nothing is imported and the command exits with status 1, unless
``--skip-bad`` is given.
"""

import functools
import os
from pathlib import Path

import click
from flask.cli import AppGroup
from flask_babel import force_locale
from flask_babel import gettext as _

from eventdesk.cli import transactional
from eventdesk.core.kinds import ImportKind
from eventdesk.core.languages import DEFAULT_LANGUAGE, normalise_language
from eventdesk.core.models import Activity
from eventdesk.core.services import imports
from eventdesk.extensions import db


def in_terminal_language(command):
    """Messages in the terminal's language (``LANG``), else Chinese; there is no request to ask."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        with force_locale(normalise_language(os.environ.get("LANG")) or DEFAULT_LANGUAGE):
            return command(*args, **kwargs)

    return wrapper


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


def _echo_problems(report: imports.ImportReport) -> None:
    for problem in report.problems:
        line = _("Row %(row)s: %(message)s", row=problem.row, message=problem.message)
        column = f" [{problem.field}]" if problem.field else ""
        click.echo(f"{line} ({problem.code}{column})", err=True)
    for repeat in report.repeats:
        click.echo(_("Row %(row)s: %(message)s", row=repeat.row, message=repeat.message), err=True)


def _add_import_command(group: AppGroup, spec: ImportKind) -> None:
    @click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    @click.option("--activity", "activity_id", type=int, required=True, help="The activity's id.")
    @click.option("--skip-bad", is_flag=True, help="Import the good rows even when some rows are bad.")
    @in_terminal_language
    @transactional
    def command(file: Path, activity_id: int, skip_bad: bool):
        activity = _activity(activity_id)
        if not spec.applies_to(activity):
            raise click.ClickException(_("This list cannot be imported into this kind of activity."))
        try:
            report = spec.run(activity, _read(file), skip_bad=skip_bad)
        except imports.ImportRejected as rejected:
            db.session.rollback()
            _echo_problems(rejected.report)
            # The page's words ("choose to skip them") mean the option on the command line.
            raise click.ClickException(
                "import_rejected: "
                + _(
                    "Nothing was imported because some rows have errors. Correct those rows, or run "
                    "the command again with --skip-bad to import the rest."
                )
            ) from None
        _echo_problems(report)
        values = {"rows": report.rows, "done": report.done, "already": report.already}
        click.echo(str(spec.summary) % {**values, "skipped": len(report.problems)})

    # Built as the app starts, outside any request: the help reads in English.
    group.command(spec.name, help=str(spec.help or spec.label))(command)


def import_cli() -> AppGroup:
    """The ``flask import`` group, with a command for every list the app's kinds can import."""
    group = AppGroup("import", help="Bulk imports from .xlsx or .csv files.")
    for spec in imports.import_kinds():
        _add_import_command(group, spec)
    return group
