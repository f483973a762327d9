"""Shared fixtures of the report tests: the seed plans loaded through the importer."""

import pytest
from django.conf import settings

from copil.imports.plan_file import import_plan_directory
from copil.plans.models import Plan


@pytest.fixture
def alencon(db) -> Plan:
    import_plan_directory(settings.COPIL_DEMO_DIR / "alencon")
    return Plan.objects.get(slug="alencon")


@pytest.fixture
def paris(db) -> Plan:
    import_plan_directory(settings.COPIL_DEMO_DIR / "paris")
    return Plan.objects.get(slug="paris")


@pytest.fixture
def haute_garonne(db) -> Plan:
    import_plan_directory(settings.COPIL_DEMO_DIR / "haute-garonne")
    return Plan.objects.get(slug="haute-garonne")
