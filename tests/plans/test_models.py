import datetime as dt

import pytest
from django.db import IntegrityError, connection

from copil.plans.models import Territory
from tests.factories import make_plan, make_territory


@pytest.mark.django_db
def test_territory_subtree_includes_every_level_below():
    region = make_territory(level="region", name="Région")
    dept = make_territory(level="departement", parent=region)
    commune = make_territory(parent=dept)
    other = make_territory()
    subtree = region.descendants_and_self()
    assert {t.pk for t in subtree} == {region.pk, dept.pk, commune.pk}
    assert other not in subtree
    assert Territory.objects.count() == 4


@pytest.mark.django_db
def test_plan_cannot_end_before_it_starts():
    with pytest.raises(IntegrityError):
        make_plan(started_on=dt.date(2023, 1, 1), ended_on=dt.date(2022, 12, 31))


@pytest.mark.django_db
def test_database_backend_is_the_requested_one():
    import os

    expected = "postgresql" if os.environ.get("COPIL_TEST_DATABASE") == "postgresql" else "sqlite"
    assert connection.vendor == expected
