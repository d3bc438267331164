"""``flask export tally``: the daily tally as a file, as the tally page downloads it."""

from pathlib import Path

import click
from flask.cli import AppGroup
from flask_babel import force_locale

from eventdesk.reports.exports import FORMATS, csv_bytes, xlsx_bytes
from eventdesk.reports.sheets import long_sheet, tally_workbook
from eventdesk.reports.tally import daily_tally

export_cli = AppGroup("export", help="Files for organizers.")


@export_cli.command("tally")
@click.option("--date", "day", type=click.DateTime(formats=["%Y-%m-%d"]), required=True, help="Local day.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="xlsx", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True, path_type=Path), required=True)
@click.option("--event", "event_id", type=int, help="Only this event's activities.")
@click.option("--lang", type=click.Choice(["zh_Hans", "en"]), default="zh_Hans", show_default=True)
def export_tally_command(day, fmt, output, event_id, lang):
    """Write the daily tally of a local day to a file (all activities: the command line is city-wide)."""
    with force_locale(lang):
        daily = daily_tally(day.date(), event_id=event_id)
        data = xlsx_bytes(tally_workbook(daily)) if fmt == "xlsx" else csv_bytes(long_sheet(daily))
    output.write_bytes(data)
    click.echo(f"{output}: {len(daily.activities)} activities, {len(data)} bytes")
