"""A CSV file of 50 MB goes through with memory flat in its size (rows are streamed, never held), and
frictionless agrees with Copil's verdict on it."""

import os
import tracemalloc
from pathlib import Path

import frictionless
import pytest

import copil
from copil.imports.importer import import_records
from copil.records.models import Camera
from tests.imports.corpus import CAMERA_HEADER

pytestmark = pytest.mark.large_file

SIZE = 50 * 1024 * 1024
SCHEMA = Path(copil.__file__).resolve().parent.parent / "schemas" / "cameras" / "schema.json"


def write_cameras(path: Path, size: int) -> int:
    """Cameras with long names and addresses (about 500 bytes a row) up to `size` bytes; returns the row count."""
    street = "Boulevard de la République prolongé, résidence des Tilleuls, bâtiment " * 4
    rows = 0
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write(CAMERA_HEADER + "\n")
        written = len(CAMERA_HEADER) + 1
        while written < size:
            line = (
                f"CAM-{rows:07d};Caméra {rows} — {street[: 140 + rows % 40]};{rows % 97} {street[: 250 + rows % 45]};"
                f"48.{4300 + rows % 50};0.{900 + rows % 30};2023-{1 + rows % 12:02d}-{1 + rows % 28:02d};;"
                f"{'oui' if rows % 3 else 'non'};{rows % 200}\n"
            )
            out.write(line)
            written += len(line.encode())
            rows += 1
    return rows


@pytest.fixture(scope="module")
def large_csv(tmp_path_factory) -> tuple[Path, int]:
    path = tmp_path_factory.mktemp("large") / "cameras.csv"
    rows = write_cameras(path, SIZE)
    assert path.stat().st_size >= SIZE
    return path, rows


@pytest.mark.django_db
def test_a_50_mb_csv_imports_in_flat_memory(large_csv, plan, police):
    """Python allocations are traced over the last 40 % of the rows (20 MB of the file; tracing the whole
    import would triple its time): an importer holding rows would grow by tens of MB there."""
    path, rows = large_csv
    totals = []

    def on_progress(done: int, total: int | None) -> None:
        totals.append(total)
        if done >= rows * 0.6 and not tracemalloc.is_tracing():
            tracemalloc.start()

    try:
        report = import_records(path, plan=plan, partner=police, on_progress=on_progress)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert (report.rows, report.created) == (rows, rows)
    assert Camera.objects.count() == rows
    assert Camera.objects.get(external_id=f"CAM-{rows - 1:07d}").coverage_radius_m == (rows - 1) % 200
    assert totals[0] == rows, "the row estimate of a CSV counts its lines"
    assert 0 < peak < 10 * 1024 * 1024, f"peak Python memory {peak / 1e6:.1f} MB over 20 MB of rows"


@pytest.mark.skipif(
    os.environ.get("COPIL_TEST_DATABASE") == "postgresql",
    reason="frictionless does not use the database: checked once, on the SQLite leg",
)
def test_frictionless_accepts_the_50_mb_csv_like_copil(large_csv):
    path, rows = large_csv
    with frictionless.system.use_context(trusted=True):
        report = frictionless.validate(str(path), schema=str(SCHEMA))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:5]
    assert report.tasks[0].stats["rows"] == rows
