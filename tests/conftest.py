import pytest

from tests.factories import make_partner, make_plan


@pytest.fixture
def plan(db):
    return make_plan(slug="test-plan")


@pytest.fixture
def police(plan):
    return make_partner(plan, role="police", code="police", name="Police nationale")
