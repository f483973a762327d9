import pytest
from django.core.cache import cache

from tests.factories import make_partner, make_plan


@pytest.fixture
def plan(db):
    return make_plan(slug="test-plan")


@pytest.fixture
def police(plan):
    return make_partner(plan, role="police", code="police", name="Police nationale")


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: test databases reuse primary keys, so a page cached by an earlier
    test (copil.web.caching) could otherwise be served for another plan that happens to share its key."""
    cache.clear()
