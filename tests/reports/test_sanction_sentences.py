"""The bilan states issue 14's administrative measures (loi narcotrafic) and penal chain in the words of the
préfectures' communiqués (« 61 demandes, 50 arrêtés, 32 notifiés »)."""

import datetime as dt

from copil.indicators.periods import Period
from copil.reports.bilan import build_bilan
from tests.factories import make_partner, make_record
from tests.reports.seeds import plain

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
