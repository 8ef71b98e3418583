"""A throw-away PostgreSQL server for the tests: ``initdb`` in a temporary folder, started on a
free port of 127.0.0.1 with durability off, stopped and deleted at the end.

Uses the distribution's server binaries (Debian: ``/usr/lib/postgresql/<version>/bin``, or
``STUDYBOT_PG_BINDIR``). PostgreSQL refuses to run as root, so under root the server runs as
the ``postgres`` user (made by the Debian package) in a folder it owns.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import re
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

SERVER_SETTINGS = {
    "listen_addresses": "'127.0.0.1'",
    "max_connections": "300",
    # a test cluster: nothing here must survive a power cut
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "shared_buffers": "32MB",
    "log_min_messages": "warning",
}
SUPERUSER = "postgres"

# Stops the server and deletes its folder once the test process is gone, however it ended
# (a timeout's SIGTERM or a kill -9 skips every finaliser).
_WATCHDOG = """
import os, shutil, subprocess, sys, time
parent, pg_ctl, data_dir, root, uid, gid = sys.argv[1:7]
while True:
    try:
        os.kill(int(parent), 0)
    except ProcessLookupError:
        break
    except PermissionError:
        pass
    time.sleep(0.5)
as_user = {} if uid == "-" else {"user": int(uid), "group": int(gid), "extra_groups": []}
command = [pg_ctl, "--pgdata", data_dir, "--mode", "immediate", "stop"]
subprocess.run(command, capture_output=True, **as_user)
shutil.rmtree(root, ignore_errors=True)
"""


def find_bindir() -> Path | None:
    """The folder with ``initdb`` and ``pg_ctl`` (the newest installed version), or None."""
    configured = os.environ.get("STUDYBOT_PG_BINDIR")
    if configured:
        return Path(configured) if (Path(configured) / "initdb").exists() else None

    def version(path: str) -> tuple[int, ...]:
        return tuple(int(part) for part in re.findall(r"\d+", path))

    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=version)
    if found:
        return Path(found[-1]).parent
    on_path = shutil.which("initdb")
    return Path(on_path).parent if on_path else None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class PgCluster:
    """``start()`` a private server; ``url(name)`` is an asyncpg URL to a database on it."""

    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        self.port = 0
        self.root: Path | None = None
        self._user: pwd.struct_passwd | None = None
        self._watchdog: subprocess.Popen[bytes] | None = None
        if os.geteuid() == 0:
            try:
                self._user = pwd.getpwnam("postgres")
            except KeyError as missing:
                raise RuntimeError("running as root, and there is no 'postgres' user") from missing

    @property
    def data_dir(self) -> Path:
        assert self.root is not None
        return self.root / "data"

    def _run(self, *args: str) -> subprocess.CompletedProcess[str]:
        as_user = {}
        if self._user is not None:
            as_user = {"user": self._user.pw_uid, "group": self._user.pw_gid, "extra_groups": []}
        return subprocess.run(
            [str(self.bindir / args[0]), *args[1:]],
            capture_output=True,
            text=True,
            cwd=self.root,
            env={**os.environ, "LC_ALL": "C.UTF-8", "PGTZ": "UTC"},
            **as_user,
        )

    def _check(self, *args: str) -> None:
        done = self._run(*args)
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(args)} failed:\n{done.stdout}{done.stderr}{self._log()}")

    def _log(self) -> str:
        log = self.root / "server.log" if self.root else None
        return log.read_text(errors="replace")[-3000:] if log and log.exists() else ""

    def start(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="studybot-pg-"))
        if self._user is not None:
            os.chown(self.root, self._user.pw_uid, self._user.pw_gid)
        self._check(
            "initdb",
            "--pgdata",
            str(self.data_dir),
            "--username",
            SUPERUSER,
            "--auth",
            "trust",
            "--encoding",
            "UTF8",
            "--locale",
            "C.UTF-8",
            "--no-sync",
        )
        with (self.data_dir / "postgresql.conf").open("a") as conf:
            for name, value in SERVER_SETTINGS.items():
                conf.write(f"{name} = {value}\n")
            conf.write(f"unix_socket_directories = '{self.root}'\n")
        for attempt in range(3):  # the free port may be taken between probing and binding
            self.port = _free_port()
            done = self._run(
                "pg_ctl",
                "--pgdata",
                str(self.data_dir),
                "--log",
                str(self.root / "server.log"),
                "--options",
                f"-p {self.port}",
                "--wait",
                "--timeout",
                "60",
                "start",
            )
            if done.returncode == 0:
                self._start_watchdog()
                return
            if attempt == 2:
                raise RuntimeError(f"pg_ctl start failed:\n{done.stdout}{done.stderr}{self._log()}")

    def _start_watchdog(self) -> None:
        user = self._user
        self._watchdog = subprocess.Popen(
            [
                sys.executable,
                "-c",
                _WATCHDOG,
                str(os.getpid()),
                str(self.bindir / "pg_ctl"),
                str(self.data_dir),
                str(self.root),
                str(user.pw_uid) if user else "-",
                str(user.pw_gid) if user else "-",
            ],
            start_new_session=True,  # outlives a signal sent to the test's process group
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def stop(self) -> None:
        if self._watchdog is not None:
            self._watchdog.kill()
            self._watchdog.wait()
            self._watchdog = None
        if self.root is None:
            return
        with contextlib.suppress(OSError):
            self._run("pg_ctl", "--pgdata", str(self.data_dir), "--mode", "immediate", "stop")
        shutil.rmtree(self.root, ignore_errors=True)
        self.root = None

    def execute(self, sql: str) -> None:
        """Run one SQL command as the superuser (``psql``; no event loop needed)."""
        done = subprocess.run(
            [
                str(self.bindir / "psql"),
                "--no-psqlrc",
                "--quiet",
                "-v",
                "ON_ERROR_STOP=1",
                "--dbname",
                self.dsn(),
                "--command",
                sql,
            ],
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            raise RuntimeError(f"{sql!r} failed: {done.stderr.strip()}")

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+asyncpg://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    def dsn(self, database: str = "postgres") -> str:
        """The same database as a plain libpq/asyncpg DSN."""
        return f"postgresql://{SUPERUSER}@127.0.0.1:{self.port}/{database}"
