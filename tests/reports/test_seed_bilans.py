"""The seed articles' figures, computed from the demo records loaded by the users' importer."""

import re

from copil.imports.importer import import_records
from copil.plans.models import Partner
from copil.records.models import Seizure
from copil.reports.bilan import build_bilan
from copil.reports.rendering import render_bilan
from tests.reports.seeds import ALENCON, PARIS, plain


def test_alencon_bilan_states_the_article_figures(alencon):
    bilan = build_bilan(alencon, ALENCON, charts=False)
    text = plain(bilan.text)
    assert "2 réseaux de trafic ont été démantelés" in text
    assert "4 points de deal ont été neutralisés" in text
    assert "35 kg de cannabis, 5,1 kg d'héroïne, 2,15 kg de cocaïne et 548 g de crack ont été saisis" in text
    assert "34 personnes ont été condamnées" in text
    assert "toutes ont fait l'objet d'un déferrement" in text
    assert re.search(r"les \d+ récidivistes ont fait l'objet d'une interdiction de séjour", text)
    assert "20 nouvelles caméras à vision nocturne ont été installées en 2023, portant le total à 72 caméras" in text
    # The demo plan's own target (demo/alencon/plan.toml), measured against the computed stock: 72 / 80.
    assert "Objectif fixé pour les caméras de vidéoprotection en service : 80, atteint à 90 %" in text
    for association in ["Drog'Aide 61", "Addictions France", "Croix-Rouge", "Entraid'Addict61"]:
        assert association in text
    assert "4 associations" in text
    housing = next(s for s in bilan.sections if s.axis == "housing")
    assert any("convention" in plain(s.text).lower() and "signée" in plain(s.text) for s in housing.sentences)


def test_paris_bilan_states_the_article_figures(paris):
    text = plain(build_bilan(paris, PARIS, charts=False).text)
    assert "357 interpellations de trafiquants" in text
    assert "entre 100 et 800 policiers et gendarmes" in text
    assert "610 personnes accueillies chaque nuit" in text
    assert "contre 200 avant le plan" in text
    assert "50 places hospitalières" in text
    assert "contre 35 avant le plan" in text
    assert "Objectif fixé pour les personnes accueillies chaque nuit en hébergement : 800, atteint à 76 %" in text


def test_paris_bilan_states_the_street_count_of_the_seed(paris):
    """« encore 100 à 150 consommateurs de crack errent dans le nord de la capitale » (issue 14, family 7)."""
    text = plain(build_bilan(paris, PARIS, charts=False).text)
    assert "entre 100 et 150 usagers présents chaque jour dans l'espace public" in text


def test_every_figure_sentence_has_a_footnote_with_sources_and_record_count(alencon):
    bilan = build_bilan(alencon, ALENCON, charts=False)
    numbers = {note.number for note in bilan.footnotes}
    for section in bilan.sections:
        for sentence in section.sentences:
            assert sentence.notes, sentence.text
            assert set(sentence.notes) <= numbers
    seizures = next(n for n in bilan.footnotes if "saisies" in n.label.lower())
    assert (
        seizures.record_count
        == Seizure.objects.filter(seized_on__range=(ALENCON.start, ALENCON.end)).exclude(unit="unit").count()
    )
    assert seizures.sources and all(count > 0 for _name, count in seizures.sources)


def test_rendered_html_and_markdown_carry_figures_and_notes(alencon):
    bilan = build_bilan(alencon, ALENCON, charts=False)
    html, md = render_bilan(bilan, "html"), render_bilan(bilan, "md")
    assert plain(html).count("548 g de crack") == 1
    assert 'href="#note-1"' in html and 'id="note-1"' in html
    assert "[^1]:" in md and "## " in md
    assert "5,1 kg d'héroïne" in plain(md)


def test_bilan_follows_the_records_deleting_a_seizure_and_adding_a_camera(alencon, tmp_path):
    crack = Seizure.objects.filter(plan=alencon, substance="crack", seized_on__range=(ALENCON.start, ALENCON.end))
    removed = crack.order_by("seized_on").first()
    grams = removed.quantity * (1000 if removed.unit == "kg" else 1)
    removed.delete()
    text = plain(build_bilan(alencon, ALENCON, charts=False).text)
    assert "548 g de crack" not in text
    remaining = 548 - grams
    assert f"{remaining.normalize()} g de crack".replace(".", ",") in text

    city = Partner.objects.get(plan=alencon, role="city")
    camera_file = tmp_path / "cameras.csv"
    camera_file.write_text(
        "identifiant;nom;installee_le;vision_nocturne\nCAM-TEST-1;Rue test;2024-03-01;oui\n", encoding="utf-8"
    )
    import_records(camera_file, plan=alencon, partner=city)
    text = plain(build_bilan(alencon, ALENCON, charts=False).text)
    assert "portant le total à 73 caméras" in text
    assert "21 nouvelles caméras à vision nocturne" in text
    assert "20 en 2023 et 1 en 2024" in text
