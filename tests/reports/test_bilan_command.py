import pytest
from django.core.management import CommandError, call_command

from tests.factories import make_partner, make_plan


@pytest.fixture
def plan_with_arrests(db, tmp_path):
    from copil.imports.importer import import_records

    plan = make_plan(slug="ville")
    police = make_partner(plan, role="police", name="Police nationale")
    arrests = tmp_path / "interpellations.csv"
    arrests.write_text(
        "identifiant;date;role\nA1;2023-01-01;trafiquant\nA2;2023-06-30;trafiquant\nA3;2023-07-01;trafiquant\n",
        encoding="utf-8",
    )
    import_records(arrests, plan=plan, partner=police)
    return plan


def test_bilan_command_writes_html_and_markdown(plan_with_arrests, tmp_path, capsys):
    out = tmp_path / "out"
    call_command("bilan", plan="ville", start="2023-01-01", end="2023-06-30", formats=["html", "md"], output=out)
    written = capsys.readouterr().out.split()
    assert [p.rsplit(".", 1)[1] for p in written] == ["html", "md"]
    md = (out / "bilan-ville-20230101-20230630.md").read_text(encoding="utf-8")
    assert "2 interpellations de trafiquants ont été réalisées" in md
    assert "Police nationale (2 enregistrements)" in md


def test_bilan_command_reads_period_expressions(plan_with_arrests, tmp_path):
    call_command("bilan", plan="ville", period="2023", output=tmp_path)
    html = (tmp_path / "bilan-ville-20230101-20231231.html").read_text(encoding="utf-8")
    assert "3 interpellations de trafiquants" in html


def test_bilan_command_errors_are_french(plan_with_arrests, tmp_path):
    with pytest.raises(CommandError, match="Plan inconnu « nulle-part »"):
        call_command("bilan", plan="nulle-part", period="2023", output=tmp_path)
    with pytest.raises(CommandError, match="Indiquez une période"):
        call_command("bilan", plan="ville", output=tmp_path)
    with pytest.raises(CommandError, match="2023-13"):
        call_command("bilan", plan="ville", period="2023-13", output=tmp_path)


def test_bilan_command_writes_pdf_and_csv_and_the_published_variant(plan_with_arrests, tmp_path, capsys):
    call_command("bilan", plan="ville", period="2023", formats=["pdf", "csv"], output=tmp_path)
    pdf, csv_file = (tmp_path / f"bilan-ville-20230101-20231231.{ext}" for ext in ("pdf", "csv"))
    assert pdf.read_bytes().startswith(b"%PDF-") and len(pdf.read_bytes()) > 5000
    assert csv_file.read_bytes().startswith(b"\xef\xbb\xbfcode de l'indicateur;")
    assert "trafficker_arrests;interpellations de trafiquants;" in csv_file.read_text(encoding="utf-8-sig")
    call_command("bilan", plan="ville", period="2023", formats=["md"], public=True, output=tmp_path)
    public = (tmp_path / "bilan-ville-20230101-20231231-public.md").read_text(encoding="utf-8")
    assert "version publiée" in public and "3 interpellations de trafiquants" in public
    with pytest.raises(CommandError, match="invalid choice: 'docx'"):
        call_command("bilan", "--plan", "ville", "--period", "2023", "--format", "docx", "--output", str(tmp_path))
