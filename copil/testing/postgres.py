"""Pytest plugin: run the test suite against a throw-away PostgreSQL server it starts itself.

Enabled by `COPIL_TEST_DATABASE=postgresql`. Before Django's settings are read, it runs `initdb`
into a temporary folder, starts the server on a free loopback port (as the `postgres` user when
running as root, since PostgreSQL refuses to run as root), and points DATABASE_URL at it.
Locally, when no server binaries exist, the whole run is skipped with a clear message; under
CI=true that is an error.
"""

import atexit
import glob
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import pytest

ENV_SWITCH = "COPIL_TEST_DATABASE"


def find_server_binaries() -> Path | None:
    """The folder holding initdb and pg_ctl: PATH first, then Debian's versioned folders."""
    for name in ("initdb", "pg_ctl"):
        found = shutil.which(name)
        if found and Path(found).with_name("pg_ctl").exists() and Path(found).with_name("initdb").exists():
            return Path(found).resolve().parent
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[-2]), reverse=True)
    for folder in candidates:
        if (Path(folder) / "initdb").exists():
            return Path(folder)
    return None


def free_port() -> int:
    """A TCP port free on the loopback interface now (for a server the tests start)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class TemporaryPostgres:
    """A PostgreSQL cluster in a temporary folder, removed on stop."""

    def __init__(self, binaries: Path):
        self.binaries = binaries
        self.root = Path(tempfile.mkdtemp(prefix="copil-pg-"))
        self.data = self.root / "data"
        self.port = free_port()
        self.as_postgres = os.geteuid() == 0

    def _run(self, *args: str) -> None:
        command = [str(self.binaries / args[0]), *args[1:]]
        if self.as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def start(self) -> str:
        if self.as_postgres:
            shutil.chown(self.root, "postgres", "postgres")
        self.root.chmod(0o700)
        self._run("initdb", "-D", str(self.data), "-U", "copil", "--auth=trust", "-E", "UTF8", "--locale=C")
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off"
        options += " -c synchronous_commit=off -c full_page_writes=off"
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.root / "server.log"), "-o", options, "-w", "start")
        return f"postgresql://copil@127.0.0.1:{self.port}/postgres"

    def stop(self) -> None:
        if self.data.exists():
            try:
                self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
            except subprocess.CalledProcessError:
                pass
        shutil.rmtree(self.root, ignore_errors=True)


_server: TemporaryPostgres | None = None


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_load_initial_conftests(early_config, parser, args):
    """Start the server before pytest-django reads the settings."""
    global _server
    if os.environ.get(ENV_SWITCH) == "postgresql":
        binaries = find_server_binaries()
        if binaries is None:
            if os.environ.get("CI", "").lower() == "true":
                raise pytest.UsageError("PostgreSQL leg: no PostgreSQL server binaries (initdb, pg_ctl) found.")
            early_config._copil_pg_skip = True
            os.environ["DATABASE_URL"] = "sqlite://:memory:"
        else:
            _server = TemporaryPostgres(binaries)
            atexit.register(_server.stop)
            os.environ["DATABASE_URL"] = _server.start()
    return (yield)


def pytest_collection_modifyitems(config, items):
    if getattr(config, "_copil_pg_skip", False):
        marker = pytest.mark.skip(reason="PostgreSQL leg skipped: no PostgreSQL server binaries on this machine")
        for item in items:
            item.add_marker(marker)


def pytest_report_header(config):
    if _server is not None:
        return f"database: temporary PostgreSQL on 127.0.0.1:{_server.port} ({_server.binaries})"
    if getattr(config, "_copil_pg_skip", False):
        return "database: PostgreSQL leg SKIPPED (no server binaries found)"
    return f"database: {os.environ.get('DATABASE_URL') or 'SQLite (default)'}"


def pytest_unconfigure(config):
    if _server is not None:
        _server.stop()
