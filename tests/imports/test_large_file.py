"""A CSV file of 50 MB goes through with memory flat in its size: rows are streamed, never held."""

import tracemalloc

import pytest

from copil.imports.importer import import_records
from copil.records.models import Camera
from tests.imports.corpus import CAMERA_HEADER

pytestmark = [pytest.mark.django_db, pytest.mark.large_file]

SIZE = 50 * 1024 * 1024


def write_cameras(path, size: int) -> int:
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


def test_a_50_mb_csv_imports_in_flat_memory(tmp_path, plan, police):
    path = tmp_path / "cameras.csv"
    rows = write_cameras(path, SIZE)
    assert path.stat().st_size >= SIZE
    progress = []
    tracemalloc.start()
    try:
        report = import_records(path, plan=plan, partner=police, on_progress=lambda done, total: progress.append(total))
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert (report.rows, report.created) == (rows, rows)
    assert Camera.objects.count() == rows
    assert Camera.objects.get(external_id=f"CAM-{rows - 1:07d}").coverage_radius_m == (rows - 1) % 200
    assert progress[0] == rows, "the row estimate of a CSV counts its lines"
    assert peak < SIZE / 5, f"peak Python memory {peak / 1e6:.1f} MB for a {SIZE / 1e6:.0f} MB file"
