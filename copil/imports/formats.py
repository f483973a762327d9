"""Moved to `copil.formats`; kept so that code written against the old path still imports."""

from copil.formats import (  # noqa: F401
    EARLIEST_DATE,
    FORMATS,
    FORMATS_BY_FILE_STEM,
    Choice,
    Column,
    ColumnType,
    RecordFormat,
    normalize_token,
)
