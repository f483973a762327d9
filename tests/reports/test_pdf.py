"""The PDF bilan of the Alençon seed plan, checked the way a reader would: pages rendered to images by
pdftoppm, text read back by pdftotext (poppler-utils)."""

import os
import re
import shutil
import subprocess
from base64 import b64decode
from html import unescape
from pathlib import Path

import pytest

from copil.reports import pdf
from copil.reports.bilan import build_bilan
from copil.reports.pdf import bilan_pdf, render_print_html
from copil.reports.rendering import render_bilan
from tests.reports.seeds import ALENCON, flat

TEST_OUTPUT = Path(__file__).resolve().parents[2] / "test-output"

# The tools are part of the CI image (.ci/run); only a developer's machine may lack them.
needs_poppler = pytest.mark.skipif(
    not (shutil.which("pdftoppm") and shutil.which("pdftotext")) and os.environ.get("CI") != "true",
    reason="poppler-utils (pdftoppm, pdftotext) is not installed",
)


def pdf_pages(path: Path) -> list[str]:
    """The text of each page, as pdftotext reads it."""
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True).stdout
    return text.decode("utf-8").split("\f")[:-1]


def body_text(pages: list[str], footer: str) -> str:
    """The pages' text without their running footers (plan and period, "3 / 5"), flattened."""
    lines = [
        line
        for page in pages
        for line in page.splitlines()
        if not re.fullmatch(r"\s*\d+\s*/\s*\d+\s*", line) and flat(line) != flat(footer)
    ]
    return flat("\n".join(lines))


@needs_poppler
def test_alencon_pdf_has_cover_contents_sections_charts_and_the_html_figures(alencon, tmp_path, monkeypatch):
    """Alençon's 18 months are about 1,000 words: the table of contents is drawn here by lowering the length from
    which a bilan gets one (`test_printed_bilan` checks that it has none at its real length)."""
    monkeypatch.setattr(pdf, "CONTENTS_MIN_WORDS", 500)
    bilan = build_bilan(alencon, ALENCON)
    path = tmp_path / "bilan.pdf"
    path.write_bytes(bilan_pdf(bilan))

    subprocess.run(["pdftoppm", "-png", "-r", "50", str(path), str(tmp_path / "page")], check=True)
    images = sorted(tmp_path.glob("page-*.png"))
    pages = pdf_pages(path)
    assert len(images) == len(pages) >= 3  # cover, key figures, introduction and contents then sections, sources
    assert all(image.stat().st_size > 1000 for image in images)
    TEST_OUTPUT.mkdir(exist_ok=True)
    shutil.copy(images[0], TEST_OUTPUT / "bilan-alencon-page-1.png")

    cover = flat(pages[0])
    assert "COMITÉDEPILOTAGE" in cover.replace(" ", "")  # letter-spaced capitals
    assert "Plan anticrack d'Alençon Bilan du 1er janvier 2023 au 30 juin 2024" in cover
    assert "Alençon (Orne)" in cover and "Préfecture de l'Orne" in cover
    assert not re.search(r"\d+\s*/\s*\d+", pages[0]), "the cover has no page number"

    # The page after the cover: the key figures, the introduction, then the contents on the same page, every axis
    # with the page its section starts on (the two parts each list « Répression du trafic »).
    second = pages[1]
    assert flat(second).startswith("Chiffres clés")
    assert flat(second).index("Introduction") < flat(second).index("Sommaire")
    contents = second[second.index("Sommaire") :]
    listed = re.findall(r"^(\S.*?)(?:\s*\.){3,}\s*(\d+)\s*$", contents, re.MULTILINE)  # dot leaders
    assert [flat(title) for title, _page in listed] == [flat(s.title) for s in bilan.sections] + ["Sources"]
    toc_end = second.index("Sommaire") + list(re.finditer(r"Sources(?:\s*\.){3,}\s*\d+", contents))[-1].end()
    body_pages = [second[toc_end:], *pages[2:]]  # the text after the contents
    for number, (section, (_title, page_number)) in enumerate(zip(bilan.sections, listed, strict=False), start=1):
        starts_on = next(
            i for i, page in enumerate(body_pages, start=2) if f"{number} {flat(section.title)}" in flat(page)
        )
        assert int(page_number) == starts_on, section.title
    assert re.search(rf"{len(pages)}\s*/\s*{len(pages)}", pages[-1]), "page numbers in the footer"

    # The same figures as the web page: every sentence, note and chart caption of the HTML is in the PDF.
    text = body_text(pages[1:], footer=f"{bilan.plan.name} — bilan {bilan.period.label}")
    html = flat(unescape(re.sub(r"<[^>]+>", " ", render_bilan(bilan, "html"))))
    for key in ["35 kg de cannabis", "5,1 kg d'héroïne", "2,15 kg de cocaïne", "548 g de crack", "72 caméras"]:
        assert key in html and key in text
    for sentence in [s.text for section in bilan.sections for s in section.sentences] + [bilan.introduction]:
        assert flat(sentence) in html
        assert flat(sentence) in text
    for note in bilan.footnotes:
        assert f"{note.number}. {flat(note.text)}" in text

    # The charts are drawn in the PDF, as vectors: their titles and tick labels exist only inside the SVG.
    assert [chart.code for chart in bilan.charts] == ["seizures_by_substance", "arrests_by_role", "cameras_in_service"]
    for chart in bilan.charts:
        # (a note may name the same indicator, as "Caméras … en service. Source : …")
        assert len(re.findall(re.escape(flat(chart.title)) + r"(?!\. Source)", text)) == 1, chart.title
        assert flat(chart.description) in text
    assert text.count("janv. 2023") == len(bilan.charts)  # the first tick of every chart's time axis

    # The print layout embeds each chart once — the very SVG of the web page — with its caption.
    page = unescape(render_print_html(bilan))
    assert page.count('src="data:image/svg+xml;base64,') == len(bilan.charts)
    for chart in bilan.charts:
        assert page.count(chart.data_uri) == 1
        assert b64decode(chart.data_uri.split(",", 1)[1]).decode() == chart.svg
        assert f"<figcaption>{chart.description}</figcaption>" in page
