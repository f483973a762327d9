"""The catalogue file: the codes the bilan relies on, and validation of malformed entries."""

import pytest

from copil.indicators import catalogue as catalogue_module
from copil.indicators.catalogue import (
    CatalogueError,
    get_catalogue,
    get_indicator,
    load_catalogue,
    parse_catalogue,
)
from copil.records.models import RECORD_KINDS

CONTRACT = {
    "networks_dismantled": ("network", "count"),
    "deal_points_neutralized": ("deal_point", "count"),
    "deal_points_active": ("deal_point", "stock"),
    "operations": ("operation", "count"),
    "seizure_mass": ("seizure", "sum"),
    "seizures": ("seizure", "count"),
    "arrests": ("arrest", "count"),
    "trafficker_arrests": ("arrest", "count"),
    "convictions": ("conviction", "count"),
    "convicted_persons": ("conviction", "distinct"),
    "convicted_persons_referred_to_court": ("conviction", "distinct"),
    "repeat_offenders_convicted": ("conviction", "distinct"),
    "repeat_offenders_residence_ban": ("conviction", "distinct"),
    "convicted_persons_removal_order": ("conviction", "distinct"),
    "cameras_in_service": ("camera", "stock"),
    "cameras_installed": ("camera", "count"),
    "night_cameras_installed": ("camera", "count"),
    "prevention_actions": ("prevention_action", "count"),
    "people_reached": ("prevention_action", "sum"),
    "care_referrals": ("care_referral", "count"),
    "persons_referred_to_care": ("care_referral", "distinct"),
    "shelter_occupancy": ("capacity_reading", "reading"),
    "shelter_capacity": ("capacity_reading", "reading"),
    "hospital_places": ("capacity_reading", "reading"),
    "staff_deployed": ("deployment_reading", "daily"),
    "eviction_procedures_opened": ("eviction_procedure", "count"),
    "evictions_carried_out": ("eviction_procedure", "count"),
    "agreements_signed": ("agreement", "count"),
    "field_observations": ("field_observation", "count"),
    "people_observed": ("field_observation", "sum"),
    "drug_fines": ("drug_fine", "count"),
    "drug_fines_paid": ("drug_fine", "count"),
    "weapons_seized": ("weapon_seizure", "sum"),
    "ammunition_seized": ("weapon_seizure", "sum"),
    "persons_checked": ("operation", "sum"),
    "cases_opened": ("operation", "sum"),
    "assets_seized": ("asset_seizure", "sum"),
    "seizure_street_value": ("seizure", "sum"),
    "deal_points_by_zone": ("deal_point", "stock"),
    "deal_points_entrenched": ("deal_point", "stock"),
    "street_users_daily": ("street_count", "daily"),
    "appearance_bans_requested": ("administrative_measure", "count"),
    "appearance_bans_ordered": ("administrative_measure", "count"),
    "appearance_bans_notified": ("administrative_measure", "count"),
    "penal_steps": ("penal_step", "count"),
    "firm_prison_months_mean": ("penal_step", "mean"),
    "care_passages": ("care_activity", "sum"),
    "care_supervised_consumptions": ("care_activity", "sum"),
    "care_crack_kits": ("care_activity", "sum"),
    "care_syringes": ("care_activity", "sum"),
    "care_overdoses": ("care_activity", "sum"),
    "care_people_housed": ("care_activity", "sum"),
    "care_active_file": ("care_activity", "daily"),
}


def test_the_catalogue_declares_every_indicator_the_bilan_uses():
    catalogue = load_catalogue()
    for code, (source, aggregation) in CONTRACT.items():
        assert code in catalogue, code
        assert (catalogue[code].source, catalogue[code].aggregation) == (source, aggregation), code
        assert catalogue[code].label and catalogue[code].label == catalogue[code].label.strip()


def test_catalogue_details():
    catalogue = get_catalogue()
    assert catalogue_module.CATALOGUE is catalogue  # lazily loaded, cached
    assert catalogue["seizure_mass"].value_field == "mass_grams"
    assert catalogue["seizure_mass"].disaggregate == ("substance",)
    assert catalogue["trafficker_arrests"].filters == {"role": "trafficker"}
    assert catalogue["repeat_offenders_residence_ban"].filters == {
        "repeat_offender": True,
        "residence_ban": True,
    }
    assert catalogue["cameras_installed"].disaggregate == ("year",)
    assert catalogue["convicted_persons"].person_count and catalogue["convicted_persons"].disclosure_threshold == 5
    assert catalogue["shelter_occupancy"].baseline == "before_plan"
    assert catalogue["arrests"].baseline == "previous_period"
    assert catalogue["cameras_in_service"].end_field == "removed_on"
    assert all(d.source in RECORD_KINDS for d in catalogue.values())
    assert get_indicator("arrests") is catalogue["arrests"]
    with pytest.raises(KeyError, match="inconnu"):
        get_indicator("no_such_indicator")


GOOD = """
[[indicator]]
code = "arrests"
label = "interpellations"
unit = "count"
axis = "repression"
source = "arrest"
date_field = "arrested_on"
aggregation = "count"
"""


def test_a_minimal_entry_parses_with_defaults():
    definition = parse_catalogue(GOOD)["arrests"]
    assert definition.baseline == "previous_period"
    assert definition.target is None and definition.filter == () and definition.disaggregate == ()


def with_lines(*lines: str) -> str:
    return GOOD + "\n".join(lines) + "\n"


def replace(old: str, new: str) -> str:
    assert old in GOOD
    return GOOD.replace(old, new)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (replace('source = "arrest"', 'source = "arest"'), "source inconnue « arest »"),
        (replace('date_field = "arrested_on"', 'date_field = "arrested"'), "champ inconnu de Arrest"),
        (replace('date_field = "arrested_on"', 'date_field = "role"'), "n'est pas une date"),
        (replace('aggregation = "count"', 'aggregation = "median"'), "agrégation inconnue « median »"),
        (replace('axis = "repression"', 'axis = "justice"'), "axe inconnu"),
        (replace('unit = "count"', 'unit = "furlongs"'), "unité inconnue"),
        (replace('code = "arrests"', 'code = "Arrests!"'), "code invalide"),
        (replace('label = "interpellations"\n', ""), "manquante(s) : label"),
        (with_lines('filter = { role = "dealer" }'), "valeur inconnue « dealer »"),
        (with_lines('filter = { colour = "red" }'), "filter « colour » : champ inconnu"),
        (with_lines("filter = { role = true }"), "un texte ou un booléen"),
        (with_lines('disaggregate = ["substance"]'), "disaggregate « substance » : champ inconnu"),
        (with_lines('value_field = "role"'), "value_field n'a pas de sens"),
        (with_lines('baseline = "last_year"'), "référence inconnue"),
        (with_lines('target_direction = "up"'), "target_direction sans target"),
        (with_lines('target = "many"'), "doit être un nombre"),
        (with_lines("disclosure_threshold = 0"), "disclosure_threshold"),
        (with_lines("person_count = 1"), "person_count"),
        (with_lines('colour = "red"'), "clé(s) inconnue(s) : colour"),
        (replace('aggregation = "count"', 'aggregation = "sum"'), "demande un value_field"),
        (replace('aggregation = "count"', 'aggregation = "stock"'), "end_field est obligatoire"),
        (replace('aggregation = "count"', 'aggregation = "sum"\nvalue_field = "mass_grams"'), "saisies"),
        (with_lines("last_days = 30"), "ne s'applique qu'à une série quotidienne"),
        (with_lines("last_days = 0"), "last_days doit être un entier strictement positif"),
        (with_lines('step = "month"'), "step ne s'applique qu'à une série quotidienne"),
        (with_lines('step = "week"'), "step doit être « day » ou « month »"),
        (GOOD + GOOD, "déclaré deux fois"),
        ("[[indicator]\n", "TOML invalide"),
        ("[settings]\nx = 1\n", "clés inattendues"),
    ],
)
def test_validation_errors_name_the_problem(text, message):
    with pytest.raises(CatalogueError) as error:
        parse_catalogue(text)
    assert message in str(error.value)


def test_errors_name_the_indicator():
    with pytest.raises(CatalogueError, match="« arrests »"):
        parse_catalogue(replace('source = "arrest"', 'source = "nothing"'))


def test_a_sum_needs_a_numeric_value_field():
    text = replace('aggregation = "count"', 'aggregation = "sum"\nvalue_field = "role"')
    with pytest.raises(CatalogueError, match="n'est pas numérique"):
        parse_catalogue(text)


def test_a_mean_needs_a_numeric_value_field():
    """Issue 14: the mean sentence (`mean`) reads a number of each record."""
    with pytest.raises(CatalogueError, match="demande un value_field"):
        parse_catalogue(replace('aggregation = "count"', 'aggregation = "mean"'))
    with pytest.raises(CatalogueError, match="n'est pas numérique"):
        parse_catalogue(replace('aggregation = "count"', 'aggregation = "mean"\nvalue_field = "role"'))


def test_target_defaults_to_upward():
    definition = parse_catalogue(with_lines("target = 40"))["arrests"]
    assert definition.target == 40 and definition.target_direction == "up"
