"""A PostgreSQL server of a test's own, in a temporary directory on a free loopback port, that the
test may stop and start at will (the shared test database is never touched that way).

The server's programs come from the PostgreSQL installation (``/usr/lib/postgresql/<version>/bin``).
`initdb` refuses to run as root, so under root (as in CI) they run as the ``postgres`` account.
"""

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import psycopg

DATABASE = "eventdesk"


def programs_directory() -> Path | None:
    """The newest installed PostgreSQL's programs, or None when there is none."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda path: int(Path(path).parts[-3]))
    return Path(found[-1]).parent if found else None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class ThrowawayPostgres:
    """`create()` makes and starts the server with an empty database `eventdesk`; `stop()` and
    `start()` take it away and bring it back as a restarted server; `remove()` ends it and
    deletes every file of it (call it whatever happened, even when `create()` failed)."""

    def __init__(self, programs: Path):
        self.programs = programs
        self.port = _free_port()
        self.directory = Path(tempfile.mkdtemp(prefix="eventdesk-postgres-"))
        self.data = self.directory / "data"
        self.log = self.directory / "server.log"
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{DATABASE}"
        # initdb refuses root: the server's files then belong to the postgres account.
        self._as_server_account = []
        if os.geteuid() == 0:
            account = pwd.getpwnam("postgres")
            os.chown(self.directory, account.pw_uid, account.pw_gid)
            self._as_server_account = ["runuser", "-u", "postgres", "--"]

    def create(self) -> None:
        """Make the server's files, start it, and create the empty database."""
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync")
        self.start()
        with psycopg.connect(self._address("postgres"), autocommit=True) as connection:
            connection.execute(f"CREATE DATABASE {DATABASE}")

    def _address(self, database: str) -> str:
        return f"host=127.0.0.1 port={self.port} user=postgres dbname={database}"

    def _run(self, program: str, *args: str) -> None:
        command = [*self._as_server_account, str(self.programs / program), *args]
        finished = subprocess.run(command, capture_output=True, text=True, timeout=60)
        if finished.returncode != 0:
            server_log = self.log.read_text(errors="replace")[-2000:] if self.log.exists() else ""
            raise RuntimeError(f"{program} failed:\n{finished.stdout}{finished.stderr}{server_log}")

    def start(self) -> None:
        """Start the server and wait until it accepts connections."""
        options = (
            f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c full_page_writes=off"
        )
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", options, "-w", "start")

    def stop(self) -> None:
        """Stop as an administrator's restart does: open sessions are ended, transactions in
        flight rolled back."""
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def remove(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.directory, ignore_errors=True)
