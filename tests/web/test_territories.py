"""The territory tree (issue 16): plans summed per département, région and country for the users granted a
territory, per 10,000 inhabitants, persons never summed, and suppression that survives subtraction across views."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model

from copil.access.models import TerritoryObserver
from copil.indicators.periods import Period
from copil.indicators.territory_tree import build_tree, find, published_tree, tree_indicators
from tests.factories import make_partner, make_plan, make_record, make_territory

YEAR = Period(dt.date(2025, 1, 1), dt.date(2025, 12, 31))
ON = dt.date(2025, 6, 1)


def _plan(slug, code, population, level="commune", parent=None):
    territory = make_territory(insee_code=code, name=slug.title(), level=level, population=population, parent=parent)
    plan = make_plan(slug=slug, name=f"Plan {slug}", territory=territory, started_on=dt.date(2024, 1, 1))
    return plan, make_partner(plan, role="police"), make_partner(plan, role="justice")


@pytest.fixture
def deployment(db):
    """Alençon and Argentan (Orne, Normandie), the Haute-Garonne (a département plan, Occitanie)."""
    alencon = _plan("alencon", "61001", 25_000)
    argentan = _plan("argentan", "61006", 13_000)
    garonne = _plan("haute-garonne", "31", 1_400_000, level="departement")
    for plan, police, parquet in (alencon, argentan, garonne):
        count = {"alencon": 3, "argentan": 6, "haute-garonne": 9}[plan.slug]
        for n in range(count):
            make_record("conviction", parquet, convicted_on=ON, pseudonym=f"{n:064x}")
        for _ in range(count):
            make_record("operation", police, occurred_on=ON)
    return alencon[0], argentan[0], garonne[0]


def test_plans_sit_under_their_departement_and_region(deployment):
    root = build_tree()
    assert [n.key for n in root.children] == ["region:28", "region:76"]
    orne = find(root, "departement:61")
    assert orne.name == "Orne" and [c.key for c in orne.children] == ["plan:alencon", "plan:argentan"]
    assert find(root, "departement:31").children[0].key == "plan:haute-garonne"
    assert orne.population == 38_000 and root.population == 1_438_000


def test_additive_figures_are_summed_with_rates_and_persons_are_not(deployment):
    root = build_tree()
    definitions = tree_indicators()
    codes = {d.code for d in definitions}
    assert "operations" in codes and "convictions" in codes
    assert "convicted_persons" not in codes and "persons_referred_to_care" not in codes
    figures = published_tree(root, YEAR, definitions, today=dt.date(2026, 1, 1))
    assert figures["departement:61"]["operations"].value == Decimal(9)
    assert figures["FR"]["operations"].shown == "18"
    assert figures["departement:61"]["operations"].rate == "2,4"  # 9 / 38 000 × 10 000


def test_a_suppressed_plan_cannot_be_recovered_by_subtraction_from_any_view(deployment):
    root = build_tree()
    figures = published_tree(root, YEAR, tree_indicators(), today=dt.date(2026, 1, 1))
    cells = {key: by_code["convictions"] for key, by_code in figures.items()}
    assert cells["plan:alencon"].shown == "< 5"
    # Orne = Alençon + Argentan: Argentan is withheld too, else 9 − 6 gives Alençon's 3.
    assert cells["plan:argentan"].value is None and cells["plan:argentan"].shown == "s"
    # Every relation node = sum of its children keeps at least two hidden cells or none.
    for node in root.walk():
        if node.plan is None:
            members = [node, *node.children]
            hidden = [m for m in members if cells[m.key].value is None]
            assert len(hidden) != 1, node.key
    # The département's published total, minus its visible plans, never gives the 3.
    orne = find(root, "departement:61")
    if cells[orne.key].value is not None:
        visible = sum(cells[c.key].value for c in orne.children if cells[c.key].value is not None)
        assert cells[orne.key].value - visible != 3 or len([c for c in orne.children if cells[c.key].value is None]) > 1


def _observer(code=None, **fields):
    user = get_user_model().objects.create_user(username=f"obs-{code or 'none'}", password="x", **fields)
    if code:
        TerritoryObserver.objects.create(user=user, territory_code=code)
    return user


def test_only_observers_of_a_territory_read_its_page(deployment, client):
    assert client.get("/territoires/").status_code == 302  # sign in first
    client.force_login(_observer())
    assert client.get("/territoires/").status_code == 403
    client.force_login(_observer("28"))
    assert client.get("/territoires/region/28/?annee=2025").status_code == 200
    page = client.get("/territoires/departement/61/?annee=2025")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Orne" in html and "Plan alencon" in html and "&lt; 5" in html
    assert client.get("/territoires/region/76/").status_code == 403
    assert client.get("/territoires/").status_code == 403
    client.force_login(_observer("FR"))
    national = client.get("/territoires/?annee=2025")
    assert national.status_code == 200 and "Normandie" in national.content.decode()
    data = client.get("/territoires/region/28/?annee=2025&format=json").json()
    assert data["node"]["name"] == "Normandie" and [c["name"] for c in data["children"]] == ["Orne"]
    assert data["node"]["figures"]["operations"] == {"value": "9", "per_10000": "2,4"}
    assert "convicted_persons" not in data["node"]["figures"]
    assert client.get("/territoires/departement/99/").status_code == 404


def test_the_national_demo_spreads_plans_over_departements_and_the_tree_suppresses_small_counts(db):
    from copil.indicators import rollup
    from copil.web.national_demo import create_national_demo

    plans = create_national_demo(12, year=2025)
    assert len(plans) == 12 and len({p.territory.parent.insee_code for p in plans}) == 12
    assert create_national_demo(12, year=2025) == plans  # run again: nothing added
    assert rollup.verify(plan_ids=[p.pk for p in plans]) == []
    root = build_tree()
    assert len([n for n in root.walk() if n.level == "plan"]) == 12
    figures = published_tree(root, YEAR, tree_indicators(), today=dt.date(2026, 1, 1))
    leaves = [figures[n.key]["convictions"] for n in root.walk() if n.level == "plan"]
    assert any(cell.shown == "< 5" for cell in leaves) or all(cell.value and cell.value >= 5 for cell in leaves)
    for node in root.walk():
        if node.plan is None:
            hidden = [m for m in (node, *node.children) if figures[m.key]["convictions"].value is None]
            assert len(hidden) != 1
    assert figures["FR"]["operations"].value == sum(
        figures[n.key]["operations"].value for n in root.walk() if n.level == "plan"
    )


def test_granting_a_territory_is_in_the_audit_trail(db):
    from copil.access.models import AuditEvent

    _observer("76")
    assert AuditEvent.objects.filter(object_type__icontains="territoryobserver").exists()


def test_values_per_plan_equal_each_plans_own_figures(deployment):
    """One grouped query per indicator gives, plan by plan, what the engine computes for the plan alone."""
    from copil.indicators.engine import compute_many, values_per_plan
    from copil.plans.models import Partner

    for plan in deployment:
        police = Partner.objects.get(plan=plan, role="police")
        make_record("seizure", police, seized_on=ON, quantity=Decimal("1.250"), unit="kg", substance="cannabis")
        make_record("deal_point", police, identified_on=dt.date(2024, 5, 1))
        make_record("drug_fine", police, issued_on=ON, amount=Decimal("200"))
    definitions = tree_indicators()
    grouped = values_per_plan(definitions, YEAR, [p.pk for p in deployment], today=dt.date(2026, 1, 1))
    for plan in deployment:
        alone = compute_many(definitions, YEAR, plan=plan, today=dt.date(2026, 1, 1))
        for definition in definitions:
            assert grouped[definition.code][plan.pk] == (alone[definition.code].value or 0), definition.code
