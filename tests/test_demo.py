"""The demo generator writes what the importer reads: its columns are the import formats' columns."""

import csv
from pathlib import Path

import pytest

from copil.formats import FORMATS_BY_FILE_STEM
from demo.common import COLUMNS, ROOT


def test_the_generator_knows_every_format_with_its_columns_in_order():
    expected = {stem: tuple(column.name for column in fmt.columns) for stem, fmt in FORMATS_BY_FILE_STEM.items()}
    assert COLUMNS == expected


DEMO_FILES = sorted(ROOT.glob("*/*/*.csv"))


@pytest.mark.parametrize("path", DEMO_FILES, ids=lambda path: str(path.relative_to(ROOT)))
def test_each_demo_file_has_its_formats_columns_required_ones_included(path: Path):
    fmt = FORMATS_BY_FILE_STEM[path.stem]
    with open(path, encoding="utf-8", newline="") as handle:
        header = next(csv.reader(handle, delimiter=";"))
    names = [column.name for column in fmt.columns]
    assert set(fmt.required_columns) <= set(header), path
    assert header == [name for name in names if name in header], f"{path}: unknown or reordered columns"


def test_every_demo_plan_has_files():
    assert {path.relative_to(ROOT).parts[0] for path in DEMO_FILES} == {"alencon", "paris", "haute-garonne"}
