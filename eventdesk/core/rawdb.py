"""Plain DB-API access for the check-in path, on SQLite and PostgreSQL alike.

The check-in is the one place where every statement counts (README, performance): it runs
a handful of hand-written statements on the driver's own connection instead of building
ORM objects. Everything else uses the ORM.

Statements are written with ``?`` placeholders; for psycopg they become ``%s``. Values
cross the boundary through the converters here, so that what this module writes reads
back through the ORM exactly as the ORM would have written it (`UTCDateTime`).
"""

import contextlib
import datetime as dt
import sqlite3
from collections.abc import Iterator, Sequence

import psycopg
import sqlalchemy as sa

from eventdesk.core.database import sqlite_writer_queue
from eventdesk.extensions import db

IntegrityErrors = (sqlite3.IntegrityError, psycopg.IntegrityError)
#: A transaction that ended in one of these changed nothing and can be run again as it was.
RetryableErrors = (*IntegrityErrors, psycopg.errors.DeadlockDetected)


class RawConnection:
    """A driver connection, its dialect, and whether this code owns its transactions.

    Owned (the scanner API): the connection is in autocommit mode, so reads run outside any
    transaction (no snapshot held, nothing to roll back afterwards: on PostgreSQL every
    round trip saved counts); writes go in short transactions opened by
    `write_transaction`, ``BEGIN IMMEDIATE`` on SQLite so that the write lock is taken,
    waited for, and held only while writing.
    Borrowed (a page or a command already in an ORM transaction): statements join the
    caller's transaction and the caller commits.
    """

    def __init__(
        self, dbapi_connection, dialect: str, *, owned: bool, database_path: str | None = None, session=None
    ):
        self.dbapi = dbapi_connection
        #: The ORM session whose transaction a borrowed connection is in.
        self.session = session
        self.dialect = dialect
        self.owned = owned
        self.sqlite = dialect == "sqlite"
        self._writers = sqlite_writer_queue(database_path) if self.sqlite and database_path else None
        self._statements: dict[str, str] = {}

    # -- statements -------------------------------------------------------------------

    def _sql(self, statement: str) -> str:
        if self.sqlite:
            return statement
        translated = self._statements.get(statement)
        if translated is None:
            translated = self._statements[statement] = statement.replace("?", "%s")
        return translated

    def execute(self, statement: str, params: Sequence = ()) -> int:
        """Run a statement; returns the number of rows it changed."""
        cursor = self.dbapi.cursor()
        try:
            cursor.execute(self._sql(statement), params)
            return cursor.rowcount
        finally:
            cursor.close()

    def one(self, statement: str, params: Sequence = ()) -> tuple | None:
        cursor = self.dbapi.cursor()
        try:
            cursor.execute(self._sql(statement), params)
            return cursor.fetchone()
        finally:
            cursor.close()

    def all(self, statement: str, params: Sequence = ()) -> list[tuple]:
        cursor = self.dbapi.cursor()
        try:
            cursor.execute(self._sql(statement), params)
            return cursor.fetchall()
        finally:
            cursor.close()

    def write_together(self, returning: tuple[str, Sequence], others: Sequence[tuple[str, Sequence]]) -> list:
        """Run a write whose ``RETURNING`` rows are wanted and other writes that answer nothing;
        returns the first one's rows.

        On PostgreSQL they travel as one statement (the others as data-modifying ``WITH``
        parts, each run exactly once): one round trip instead of one per write. None of them
        may read what another writes. SQLite, in-process, runs them one after the other.
        """
        if self.sqlite or not others:
            rows = self.all(*returning)
            for statement, params in others:
                self.execute(statement, params)
            return rows
        return self.all(*self._as_one(returning, others))

    @staticmethod
    def _as_one(returning: tuple[str, Sequence], others: Sequence[tuple[str, Sequence]]) -> tuple[str, list]:
        """PostgreSQL's one statement for `write_together`."""
        if not others:
            return returning[0], list(returning[1])
        parts = [returning, *others]
        statement = "WITH " + ", ".join(f"w{index} AS ({sql})" for index, (sql, _params) in enumerate(parts))
        params = [value for _sql, part_params in parts for value in part_params]
        return statement + " SELECT * FROM w0", params

    @property
    def pipelines(self) -> bool:
        """Whether `write_commit_and_read` saves round trips here: PostgreSQL, transactions owned."""
        return self.owned and not self.sqlite

    def write_commit_and_read(
        self,
        returning: tuple[str, Sequence],
        others: Sequence[tuple[str, Sequence]],
        read: tuple[str, Sequence],
    ) -> tuple[list, list]:
        """End an owned PostgreSQL write transaction with the writes of `write_together`, commit
        it, and run a query that sees the commit: one round trip (the driver's pipeline) for
        all. Returns the first write's ``RETURNING`` rows and the query's rows. Only where
        `pipelines`."""
        statement, params = self._as_one(returning, others)
        with self.dbapi.pipeline():
            written = self.dbapi.cursor()
            written.execute(self._sql(statement), params)
            self.dbapi.execute("COMMIT")
            query = self.dbapi.cursor()
            query.execute(self._sql(read[0]), read[1])
        try:
            return written.fetchall(), query.fetchall()
        finally:
            written.close()
            query.close()

    def placeholders(self, count: int) -> str:
        return ", ".join("?" * count)

    # -- transactions -----------------------------------------------------------------

    @contextlib.contextmanager
    def write_transaction(self) -> Iterator[None]:
        """A short write transaction when owned; the caller's transaction when borrowed."""
        if not self.owned:
            yield
            return
        with self._writers.turn() if self._writers else contextlib.nullcontext():
            self.dbapi.execute("BEGIN IMMEDIATE" if self.sqlite else "BEGIN")
            try:
                yield
            except BaseException:
                self.dbapi.rollback()
                raise
            self.dbapi.commit()

    # -- values -------------------------------------------------------------------------

    def time_param(self, moment: dt.datetime | None):
        if moment is None:
            return None
        moment = moment.astimezone(dt.UTC)
        # The text SQLAlchemy stores for a DateTime on SQLite ("YYYY-MM-DD HH:MM:SS.ffffff").
        return moment.replace(tzinfo=None).isoformat(" ", "microseconds") if self.sqlite else moment

    def time_value(self, value) -> dt.datetime | None:
        if value is None:
            return None
        if isinstance(value, str):
            value = dt.datetime.fromisoformat(value)
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)

    def date_param(self, day: dt.date):
        return day.isoformat() if self.sqlite else day

    def date_value(self, value) -> dt.date:
        return dt.date.fromisoformat(value) if isinstance(value, str) else value

    def bool_param(self, value: bool):
        return int(value) if self.sqlite else value


@contextlib.contextmanager
def owned_connection() -> Iterator[RawConnection]:
    """A pooled connection of the app's engine, for a request that manages its own writes."""
    engine = db.engine
    pooled = engine.raw_connection()
    driver = pooled.driver_connection
    postgres = engine.dialect.name == "postgresql"
    if postgres:
        driver.autocommit = True  # SQLite's connections already are (`configure_engine`)
    try:
        yield RawConnection(driver, engine.dialect.name, owned=True, database_path=engine.url.database)
    finally:
        if postgres and driver.broken:
            pooled.invalidate()  # cut by the database (a restart): replaced, never pooled again
        else:
            if postgres:
                driver.autocommit = False  # the pool's other users expect the driver's default
            pooled.close()


def borrowed_connection(session=None) -> RawConnection:
    """The driver connection under the ORM session's current transaction."""
    session = session or db.session
    connection: sa.Connection = session.connection()
    return RawConnection(
        connection.connection.driver_connection, connection.dialect.name, owned=False, session=session
    )
