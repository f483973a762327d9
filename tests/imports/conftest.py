import pytest

from copil.records.models import RECORD_KINDS, Agreement
from tests.factories import make_partner


def record_counts() -> dict[str, int]:
    """Rows in every record table, agreement parties included, to prove a rejected import wrote nothing."""
    counts = {kind: model.objects.count() for kind, model in RECORD_KINDS.items()}
    counts["agreement_parties"] = Agreement.parties.through.objects.count()
    return counts


@pytest.fixture
def write_csv(tmp_path):
    def write(name: str, text: str, encoding: str = "utf-8"):
        path = tmp_path / name
        path.write_bytes(text.encode(encoding))
        return path

    return write


@pytest.fixture
def city(plan):
    return make_partner(plan, role="city", code="mairie", name="Mairie")


@pytest.fixture
def prefecture(plan):
    return make_partner(plan, role="coordinator", code="prefecture", name="Préfecture")
