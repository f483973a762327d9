"""Upgrading from the previous release: its database, filled with the demo by its own code, migrated by the current
code keeps every record and every figure of the bilans (the database is built in conftest.py)."""

import csv
import os

import pytest
from django.utils import translation

from copil.indicators.catalogue import get_indicator

from .conftest import RELEASE_COMMIT, RELEASE_TAG, SQLITE_LEG

# Tables to which an upgrade adds rows (the migrations applied, the new models' content types and permissions).
BOOKKEEPING_TABLES = {"django_migrations", "django_content_type", "auth_permission"}
BREAKDOWN_COLUMN = 6
pytestmark = pytest.mark.skipif(not SQLITE_LEG, reason="the upgrade is checked on SQLite, in that leg")


def _common_rows(table: tuple[list[str], list[tuple]], columns: list[str]) -> list[tuple]:
    names, rows = table
    positions = [names.index(c) for c in columns]
    return sorted((tuple(row[p] for p in positions) for row in rows), key=repr)


def test_the_previous_release_database_migrates_without_losing_a_record_or_a_figure(upgraded_demo):
    if upgraded_demo is None:
        reason = f"the history of {RELEASE_TAG} ({RELEASE_COMMIT[:12]}) is not in this checkout (shallow clone?)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{reason}: fetch the full history in CI (fetch-depth: 0)")
        pytest.skip(reason)
    before, after, migrated = upgraded_demo.tables_before, upgraded_demo.tables_after, upgraded_demo.migrate_output
    assert len(before["records_seizure"][1]) > 100
    lost = sorted(set(before) - set(after))
    assert not lost, f"tables dropped by the upgrade: {lost}"
    for name, table in before.items():
        if name == "sqlite_sequence":  # SQLite's id counters: they grow with the rows added above
            continue
        columns = [c for c in table[0] if c in after[name][0]]
        assert columns == table[0], f"{name}: columns dropped by the upgrade"
        rows_before, rows_after = _common_rows(table, columns), _common_rows(after[name], columns)
        if name in BOOKKEEPING_TABLES:  # new apps and models add their rows
            assert set(rows_before) <= set(rows_after), f"{name}: rows lost\n{migrated}"
        else:
            assert rows_after == rows_before, f"{name}: rows changed by the upgrade\n{migrated}"
    before, after = upgraded_demo.figures_before, upgraded_demo.figures_after
    assert set(after) == set(before) and before
    for name, figures in before.items():  # every figure the release stated reads the same (new ones may follow)
        stated = {code: [_labelled(code, row) for row in rows] for code, rows in figures.items()}
        assert {code: _cells(after[name].get(code)) for code in figures} == stated, name


def _cells(rows: list[str] | None) -> list[list[str]] | None:
    return None if rows is None else [next(csv.reader([row], delimiter=";")) for row in rows]


def _labelled(code: str, row: str) -> list[str]:
    """A row of the release's CSV as this release writes it: the breakdown column (7th) names each value by its
    French label (`heroin` → « héroïne », issue 12 item 10) rather than its code; every figure stays the same."""
    cells = next(csv.reader([row], delimiter=";"))
    if len(cells) > BREAKDOWN_COLUMN and cells[BREAKDOWN_COLUMN]:
        with translation.override("fr"):
            cells[BREAKDOWN_COLUMN] = get_indicator(code).breakdown_label(cells[BREAKDOWN_COLUMN])
    return cells
