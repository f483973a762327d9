"""The demo plans, imported as the reports tests import them."""

from tests.reports.conftest import alencon, paris  # noqa: F401
