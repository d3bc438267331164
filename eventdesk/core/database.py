"""How EventDesk talks to its database: SQLite settings, write transactions, dialect helpers.

SQLite allows one writer at a time. A transaction that reads first and writes later can
find that another writer got in between, and then fails at once with "database is
locked" instead of waiting: the classic cause of HTTP 500s under concurrent check-ins.
So a transaction that will write starts with ``BEGIN IMMEDIATE``, which takes the write
lock up front and waits (``busy_timeout``) for it. Requests that change things (POST …)
and command-line commands declare that intent; GET requests read in plain ``BEGIN``
transactions, which never block and are never blocked in WAL mode.
"""

import contextlib
import contextvars
import fcntl
import functools
import os
import threading
import time
from collections.abc import Iterator

import sqlalchemy as sa
from sqlalchemy import event

#: Milliseconds a writer waits for the SQLite write lock before giving up.
SQLITE_BUSY_TIMEOUT_MS = 20_000

_write_intent: contextvars.ContextVar[bool] = contextvars.ContextVar("eventdesk_write_intent", default=False)


def set_write_intent(value: bool) -> contextvars.Token:
    """Declare whether transactions begun from now on in this context will write."""
    return _write_intent.set(value)


def reset_write_intent(token: contextvars.Token) -> None:
    _write_intent.reset(token)


@contextlib.contextmanager
def write_intent() -> Iterator[None]:
    token = _write_intent.set(True)
    try:
        yield
    finally:
        _write_intent.reset(token)


#: A pooled PostgreSQL connection left unused this long is tried before use.
IDLE_BEFORE_TRY_SECONDS = 1.0


def configure_engine(engine: sa.Engine) -> None:
    """Apply EventDesk's connection settings to an engine."""
    if engine.dialect.name == "postgresql":
        _try_idle_connections(engine)
    if engine.dialect.name != "sqlite":
        return
    _create_owner_only(engine.url.database)

    @event.listens_for(engine, "connect")
    def _sqlite_connect(dbapi_connection, _record):
        # Take over BEGIN from the driver, so that the "begin" hook below decides its kind.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _sqlite_begin(connection):
        connection.exec_driver_sql("BEGIN IMMEDIATE" if _write_intent.get() else "BEGIN")


def _try_idle_connections(engine: sa.Engine) -> None:
    """Try a pooled connection that has been idle (one empty round trip) before handing it out.

    After the database restarts, pooled connections are dead: tried, they are replaced and the
    request goes on. Connections in steady use are not tried, so a busy check-in path (the one
    place where every round trip counts) pays nothing; one that a restart cut while in use
    fails its request with 503 and is replaced (`owned_connection`, SQLAlchemy's own handling).
    """

    @event.listens_for(engine, "checkin")
    def _note_idle_from(_dbapi_connection, record):
        record.info["idle_from"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _try_if_idle(dbapi_connection, record, _proxy):
        idle_from = record.info.get("idle_from")
        if idle_from is None or time.monotonic() - idle_from < IDLE_BEFORE_TRY_SECONDS:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error:
            raise sa.exc.DisconnectionError() from None  # the pool replaces it and checks out again


def _create_owner_only(database_path: str | None) -> None:
    """Create the SQLite file readable by its owner only, before SQLite would create it with the
    process's umask (often readable by every account on the machine). SQLite gives the file's
    journal and shared-memory companions the same permissions."""
    if not database_path or database_path == ":memory:" or database_path.startswith("file:"):
        return
    with contextlib.suppress(FileExistsError):
        os.close(os.open(database_path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600))


def session_reads_only(view):
    """For a view that writes through its own connection (the check-in path): any ORM
    reads it makes start plain transactions, so they never hold the SQLite write lock the
    view's own writes will ask for."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        token = _write_intent.set(False)
        try:
            return view(*args, **kwargs)
        finally:
            _write_intent.reset(token)

    return wrapper


class SQLiteWriterQueue:
    """Writers to one SQLite file take turns through the kernel rather than SQLite's busy handler.

    SQLite's busy handler retries a locked database after sleeping up to 100 ms, so under
    load a writer can wait a hundred times longer than the lock is actually held. Here
    threads of a process queue on a lock and processes on ``flock`` of a file beside the
    database; both wake a waiter the moment the lock is free. The file lock is released
    by the kernel if a process dies.
    """

    def __init__(self, database_path: str):
        self._path = f"{database_path}-writers.lock"
        self._thread_lock = threading.Lock()
        self._descriptor = os.open(self._path, os.O_RDWR | os.O_CREAT, 0o600)

    @contextlib.contextmanager
    def turn(self) -> Iterator[None]:
        with self._thread_lock:
            fcntl.flock(self._descriptor, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(self._descriptor, fcntl.LOCK_UN)


_writer_queues: dict[tuple[int, str], SQLiteWriterQueue] = {}
_writer_queues_lock = threading.Lock()


def sqlite_writer_queue(database_path: str) -> SQLiteWriterQueue | None:
    """The queue of this process for an SQLite file (none for in-memory databases)."""
    if not database_path or database_path == ":memory:" or database_path.startswith("file:"):
        return None
    # Keyed by process: a descriptor inherited through fork would share the other's lock.
    key = (os.getpid(), os.path.abspath(database_path))
    with _writer_queues_lock:
        queue = _writer_queues.get(key)
        if queue is None:
            queue = _writer_queues[key] = SQLiteWriterQueue(key[1])
        return queue
