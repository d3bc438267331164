"""Backing the database up and restoring it: `flask backup create -o FILE`, `flask backup restore FILE`.

A backup is one consistent moment of the database even while scanning goes on: SQLite's
online backup copies the file under a read transaction (in WAL mode writers carry on), and
`pg_dump` reads PostgreSQL in one snapshot. The file is SQLite's own or `pg_dump`'s custom
format, so the usual tools can open it too. A restore goes into an empty database (or, with
`--replace`, over one), never half-way: a failed restore leaves the database as it was.
"""

import os
import shutil
import sqlite3
import subprocess
import tempfile
from pathlib import Path

import click
import sqlalchemy as sa
from flask.cli import AppGroup

from eventdesk.extensions import db

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_DUMP_MAGIC = b"PGDMP"


class BackupError(RuntimeError):
    """A backup or restore that cannot be done; the message says what to do."""


def _sqlite_path(engine: sa.Engine) -> str:
    path = engine.url.database
    if not path or path == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up")
    return path


def _libpq(engine: sa.Engine) -> tuple[str, dict]:
    """The database's address for pg_dump/pg_restore, and the environment carrying its password
    (so that it never shows in the process list)."""
    url = engine.url
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = url.password
    address = url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    return address, env


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} is not installed (Debian: apt-get install postgresql-client)")
    return path


def _run(command: list[str], env: dict) -> None:
    finished = subprocess.run(command, env=env, capture_output=True, text=True)  # noqa: S603 (arguments of our own)
    if finished.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} failed: {finished.stderr.strip()}")


def create(target: Path) -> None:
    """Write a consistent backup of the database to `target` (replaced only once complete)."""
    engine = db.engine
    target = target.resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, partial = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    os.close(handle)
    try:
        if engine.dialect.name == "sqlite":
            source = sqlite3.connect(_sqlite_path(engine))
            copy = sqlite3.connect(partial)
            try:
                source.backup(copy)
            finally:
                copy.close()
                source.close()
        elif engine.dialect.name == "postgresql":
            address, env = _libpq(engine)
            _run([_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges",
                  f"--file={partial}", f"--dbname={address}"], env)  # fmt: skip
        else:
            raise BackupError(f"no backup for {engine.dialect.name} databases")
        os.replace(partial, target)
    finally:
        Path(partial).unlink(missing_ok=True)


def _format_of(source: Path) -> str:
    try:
        with source.open("rb") as file:
            head = file.read(len(SQLITE_MAGIC))
    except OSError as error:
        raise BackupError(f"cannot read {source}: {error.strerror}") from None
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(PG_DUMP_MAGIC):
        return "postgresql"
    raise BackupError(f"{source} is not an EventDesk backup (neither SQLite nor pg_dump's custom format)")


def _tables(engine: sa.Engine) -> list[str]:
    return sa.inspect(engine).get_table_names()


def restore(source: Path, *, replace: bool = False) -> None:
    """Put the backup in `source` into the database, which must be empty unless `replace`."""
    engine = db.engine
    kind = _format_of(source)
    if kind != engine.dialect.name:
        raise BackupError(f"{source} is a {kind} backup; this database is {engine.dialect.name}")
    if _tables(engine) and not replace:
        raise BackupError("the database is not empty: restore into a new one, or overwrite it with --replace")
    db.session.remove()
    engine.dispose()
    if kind == "sqlite":
        backup = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        live = sqlite3.connect(_sqlite_path(engine))
        try:
            # Page by page into the live file, in one transaction: all of it or none.
            backup.backup(live)
        finally:
            live.close()
            backup.close()
    else:
        address, env = _libpq(engine)
        command = [_tool("pg_restore"), "--no-owner", "--no-privileges", "--single-transaction",
                   "--exit-on-error"]  # fmt: skip
        if replace:
            command += ["--clean", "--if-exists"]
        _run([*command, f"--dbname={address}", str(source)], env)


def _revision() -> str | None:
    with db.engine.connect() as connection:
        if "alembic_version" not in _tables(db.engine):
            return None
        return connection.scalar(sa.text("SELECT version_num FROM alembic_version"))


backup_cli = AppGroup("backup", help="Back the database up, and restore a backup.")


@backup_cli.command("create")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="The file to write (replaced only once the backup is complete).")  # fmt: skip
def create_command(output):
    """Write a consistent backup of the database, even while scanning goes on."""
    try:
        create(output)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"backup written to {output} ({output.stat().st_size} bytes)")


@backup_cli.command("restore")
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--replace", is_flag=True, help="Overwrite a database that already holds data.")
def restore_command(source, replace):
    """Restore a backup made by `flask backup create` into this (empty) database."""
    try:
        restore(source, replace=replace)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"restored {source} (migration {_revision()})")
    click.echo("next: `flask db upgrade` if this code is newer, then restart the app servers")
