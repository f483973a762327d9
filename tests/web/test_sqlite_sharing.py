"""The SQLite file `copil serve` shares with its background worker: pages read on while a large import is being
written, and a second writer waits for the first instead of failing ("database is locked")."""

import sqlite3
import threading
import time

import pytest
from django.conf import settings
from django.db import connection
from django.db.backends.sqlite3.base import DatabaseWrapper

pytestmark = pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3", reason="SQLite settings"
)
ROWS = 200_000  # ~10 MB of pages: more than SQLite's page cache, so a rollback journal would lock readers out


def _open(path, alias: str) -> sqlite3.Connection:
    """A connection to the file opened as Django opens the server's or the worker's, with the project's options."""
    wrapper = DatabaseWrapper({**connection.settings_dict, "NAME": str(path)}, alias=alias)
    return wrapper.get_new_connection(wrapper.get_connection_params())


def test_the_project_options_are_the_sharing_ones():
    options = settings.DATABASES["default"]["OPTIONS"]
    assert options["transaction_mode"] == "IMMEDIATE" and options["timeout"] >= 30


def test_pages_read_and_write_while_an_import_writes(tmp_path):
    path = tmp_path / "copil.sqlite3"
    setup = _open(path, "setup")
    assert setup.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    setup.execute("CREATE TABLE seizure (id INTEGER PRIMARY KEY, note TEXT)")
    setup.execute("CREATE TABLE session (id INTEGER PRIMARY KEY, note TEXT)")
    setup.close()
    writing, release, done = threading.Event(), threading.Event(), threading.Event()
    failures: list[BaseException] = []

    def import_file() -> None:
        worker = _open(path, "worker")
        try:
            worker.execute("BEGIN IMMEDIATE")
            worker.executemany("INSERT INTO seizure (note) VALUES (?)", [("x" * 40,)] * ROWS)
            writing.set()
            release.wait(10)
            time.sleep(0.5)  # the page's write below is now waiting
            worker.execute("COMMIT")
        except BaseException as error:  # reported to the test thread
            failures.append(error)
            writing.set()
        finally:
            worker.close()
            done.set()

    thread = threading.Thread(target=import_file)
    thread.start()
    assert writing.wait(30) and not failures
    page = _open(path, "page")
    try:
        started = time.perf_counter()
        # the import is not committed yet, and reading did not wait for it
        assert page.execute("SELECT COUNT(*) FROM seizure").fetchone()[0] == 0
        assert time.perf_counter() - started < 2
        release.set()
        page.execute("BEGIN IMMEDIATE")  # waits for the import's commit instead of failing
        page.execute("INSERT INTO session (note) VALUES ('login')")
        page.execute("COMMIT")
        assert page.execute("SELECT COUNT(*) FROM seizure").fetchone()[0] == ROWS
    finally:
        page.close()
        release.set()
        thread.join(30)
    assert done.is_set() and not failures
