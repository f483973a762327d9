"""The third demo plan: its 2025 bilan states the figures of the Haute-Garonne prefecture's bilan
(demo/haute-garonne/SOURCE.md), computed from the demo records loaded by the importer."""

from copil.reports.bilan import build_bilan
from tests.reports.seeds import HAUTE_GARONNE, plain


def test_the_haute_garonne_bilan_states_the_prefectures_figures(haute_garonne):
    bilan = build_bilan(haute_garonne, HAUTE_GARONNE, charts=False)
    text = plain(bilan.text)

    assert "1 600 opérations ciblées ont été menées." in text
    assert "4 327 AFD ont été dressées pour usage de stupéfiants, contre 3 753 sur la période précédente." in text
    assert "Amendes forfaitaires délictuelles pour usage de stupéfiants : 4 327, contre 3 753 en 2024 (+15 %)" in text
    # The operations were first recorded in 2025: no « contre 0 en 2024 ».
    assert "Opérations de police : 1 600 contre 0" not in text
