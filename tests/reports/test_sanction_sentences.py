"""The bilan states issue 14's administrative measures (loi narcotrafic) and penal chain in the words of the
préfectures' communiqués (« 61 demandes, 50 arrêtés, 32 notifiés »)."""

import datetime as dt

from copil.indicators.periods import Period
from copil.reports.bilan import build_bilan, sensitive_indicators
from tests.factories import make_partner, make_record
from tests.reports.seeds import ALENCON, PARIS, plain

H2_2025 = Period(dt.date(2025, 7, 1), dt.date(2025, 12, 31))


def _repression(plan, period=H2_2025) -> str:
    bilan = build_bilan(plan, period, charts=False)
    sections = [section for section in bilan.sections if section.axis == "repression"]
    return " ".join(plain(sentence.text) for section in sections for sentence in section.sentences)


def test_the_bilan_states_the_appearance_bans_stage_by_stage(plan):
    prefecture = make_partner(plan, role="coordinator", code="prefecture")
    day = dt.date(2025, 9, 1)
    for n in range(61):
        stages = {"ordered_on": day} if n < 50 else {}
        if n < 32:
            stages["notified_on"] = day
        make_record("administrative_measure", prefecture, measure="appearance_ban", requested_on=day, **stages)
    make_record("administrative_measure", prefecture, measure="shop_closure", requested_on=day, ordered_on=day)

    text = _repression(plan)

    assert "Interdictions de paraître (loi narcotrafic) : 61 demandes, 50 arrêtés, 32 notifiés." in text
    assert "1 commerce a fait l'objet d'une fermeture administrative." in text


def test_the_alencon_demo_bilan_states_its_administrative_measures(alencon):
    """The demo rows of demo/sanctions.py, dated after the law of 13 June 2025."""
    text = _repression(alencon)

    assert (
        "Interdictions de paraître (loi narcotrafic) : 14 demandes, 11 arrêtés, 8 notifiés, 2 violations constatées, "
        "1 violation poursuivie." in text
    )
    assert "2 commerces ont fait l'objet d'une fermeture administrative." in text
    assert "1 injonction d'expulser un locataire lié au trafic a été adressée à un bailleur." in text


def _sentence(partner, day, person, firm_months):
    make_record(
        "penal_step", partner, occurred_on=day, stage="sentence", pseudonym=f"{person:064x}", firm_months=firm_months
    )


def test_the_bilan_states_the_penal_chain_and_the_mean_firm_sentence(plan):
    parquet = make_partner(plan, role="justice", code="parquet")
    day = dt.date(2025, 9, 1)
    for person in range(6):
        make_record("penal_step", parquet, occurred_on=day, stage="custody", pseudonym=f"{person:064x}")
    for person, months in enumerate([24, 24, 30, 26, 26]):
        _sentence(parquet, day, person, months)
    _sentence(parquet, day, 5, None)  # a suspended sentence only: not in the mean

    text = _repression(plan)

    assert "Chaîne pénale : 6 gardes à vue et 6 condamnations." in text
    assert (
        "Les personnes condamnées à de la prison ferme l'ont été en moyenne à 26 mois d'emprisonnement ferme." in text
    )


def test_the_published_bilan_withholds_a_mean_of_few_persons(plan):
    parquet = make_partner(plan, role="justice", code="parquet")
    for person, months in enumerate([24, 36, 48]):
        _sentence(parquet, dt.date(2025, 9, 1), person, months)

    bilan = build_bilan(plan, H2_2025, charts=False, suppressed=sensitive_indicators())
    text = " ".join(plain(sentence.text) for section in bilan.sections for sentence in section.sentences)

    assert "Chaîne pénale : < 5 condamnations." in text
    assert "en moyenne" not in text


def test_the_demo_bilans_state_their_penal_chain(alencon, paris):
    """demo/sanctions.py derives each parquet's penal chain from its convictions (the 34 persons of Alençon)."""
    alencon_text = _repression(alencon, ALENCON)
    assert (
        "Chaîne pénale : 61 gardes à vue, 33 déferrements, 23 comparutions immédiates, 11 informations judiciaires "
        "ouvertes, 14 mandats de dépôt et 34 condamnations." in alencon_text
    )
    assert "l'ont été en moyenne à 17 mois d'emprisonnement ferme." in alencon_text
    # Paris: « généralement ils sont condamnés plusieurs années »
    assert "l'ont été en moyenne à 31 mois d'emprisonnement ferme." in _repression(paris, PARIS)
