"""Plans side by side per 10,000 inhabitants, among the plans the user may see."""

from django.contrib.auth import get_user_model

from copil.plans.models import Membership, Plan

from .conftest import add_records, make_site

PERIOD = {"periode": "personnalisee", "du": "2023-01-01", "au": "2023-12-31"}


def test_two_plans_side_by_side_per_10000_inhabitants(client, site):
    other = make_site("autre", name="Autre plan", population=40000)
    add_records(other, 10)
    user = get_user_model().objects.create_user("double", "double@example.fr", "x")
    Membership.objects.create(partner=site.partners["coordinator"], user=user)
    Membership.objects.create(partner=other.partners["coordinator"], user=user)
    client.force_login(user)
    page = client.get("/comparaison/", {"plans": ["ville", "autre"], **PERIOD}).content.decode()
    row = page[page.index("Saisies de stupéfiants") :].split("</tr>")[0]
    assert (
        "5 pour 10 000 habitants <span" in row and "2,5 pour 10 000 habitants <span" in row
    )  # 10 seizures / 20,000 and / 40,000 inhabitants


def test_only_the_user_s_plans_can_be_compared(client, site):
    make_site("autre", name="Autre plan")
    client.force_login(site.users["coordinator"])
    response = client.get("/comparaison/", {"plans": ["ville", "autre"], **PERIOD})
    page = response.content.decode()
    assert "Autre plan" not in page and "un seul plan" in page


def test_suppressed_counts_give_no_rate(client, site):
    other = make_site("autre", name="Autre plan")
    user = get_user_model().objects.create_user("policier", "p@example.fr", "x")
    Membership.objects.create(partner=site.partners["police"], user=user)
    Membership.objects.create(partner=other.partners["police"], user=user)
    client.force_login(user)
    page = client.get("/comparaison/", {"plans": "ville,autre", **PERIOD}).content.decode()
    row = page[page.index("Personnes condamnées</th>") :].split("</tr>")[0]
    assert "non publié" in row and "&lt;\u00a05" in row


def test_population_with_thousands_spaces_rates_with_unit_and_no_data_not_a_zero(client, site):
    """Issue 12 item 9: « 25 848 habitants », « … pour 10 000 habitants », « non renseigné » (never « 0 (0) »)."""
    make_site("vide", name="Plan sans données", population=25848)
    user = get_user_model().objects.create_user("comparateur", "c@example.fr", "x")
    Membership.objects.create(partner=site.partners["coordinator"], user=user)
    Membership.objects.create(partner=Plan.objects.get(slug="vide").partners.get(role="coordinator"), user=user)
    client.force_login(user)
    page = client.get("/comparaison/", {"plans": ["ville", "vide"], **PERIOD}).content.decode()
    assert "25\u00a0848 habitants" in page or "25 848 habitants" in page
    row = page[page.index("Saisies de stupéfiants") :].split("</tr>")[0]
    assert "5 pour 10\u00a0000 habitants" in row or "5 pour 10 000 habitants" in row
    assert "non renseigné" in row and "0 (0)" not in row and "(0)" not in row


def test_the_paris_demo_plan_is_compared_per_inhabitant_of_the_north_east_not_the_whole_city(client, site):
    """Issue 12 item 9: the Paris plan covers the 18th and 19th arrondissements (370,062 inhabitants), not the
    whole city (75056, 2,133,111): the comparison page and the bilan's densities divide by its own population."""
    import datetime as dt

    from django.conf import settings

    from copil.imports.plan_file import import_plan_directory
    from copil.indicators.engine import compute
    from copil.indicators.periods import Period
    from copil.reports.bilan import build_bilan
    from copil.reports.formatting import format_number
    from tests.reports.seeds import plain

    import_plan_directory(settings.COPIL_DEMO_DIR / "paris")
    paris = Plan.objects.get(slug="paris")
    assert (paris.territory.population, paris.territory.parent.insee_code) == (370062, "75056")
    user = get_user_model().objects.create_user("prefet", "prefet@example.fr", "x")
    for plan in Plan.objects.all():
        Membership.objects.create(partner=plan.partners.filter(role="coordinator").first(), user=user)
    client.force_login(user)
    period = {"periode": "personnalisee", "du": "2023-01-01", "au": "2023-10-05"}
    page = client.get("/comparaison/", {"plans": ["ville", "paris"], **period}).content.decode()
    assert "370\u00a0062 habitants" in page and "2\u00a0133\u00a0111" not in page
    seizures = compute("seizures", Period(dt.date(2023, 1, 1), dt.date(2023, 10, 5)), plan=paris)
    row = page[page.index("Saisies de stupéfiants") :].split("</tr>")[0]
    assert f"{format_number(seizures.per_10000)} pour 10 000 habitants" in row.replace("\u00a0", " ")
    assert (seizures.value, str(seizures.per_10000)) == (101, "2.73")  # 101 × 10,000 / 370,062 (was 0,47 for Paris)

    bilan = build_bilan(paris, Period(dt.date(2024, 6, 1), dt.date(2024, 6, 30)), charts=False)
    assert "passé de 3 à 3 (0,8 pour 100 000 habitants)" in plain(bilan.text)  # 3 / 370,062, not 0,1 / 2,133,111
