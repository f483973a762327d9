"""XLSX and ODS specifics beyond the corpus: kind from the sheet name, the 1904 date system, ODS text
layout, file objects, and a workbook read as a stream."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import Workbook

from copil.imports.importer import ImportRejected, import_records, preview_import
from copil.imports.sources import open_table
from copil.records.models import Camera, Seizure
from tests.imports.corpus import CAMERA_HEADER, ODS_HEADER, d, f, ods_xml, row, s

pytestmark = pytest.mark.django_db


def workbook_bytes(rows, title="Feuil1", epoch_1904=False) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    if epoch_1904:
        from openpyxl.utils.datetime import CALENDAR_MAC_1904

        workbook.epoch = CALENDAR_MAC_1904
    for values in rows:
        sheet.append(values)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_kind_taken_from_the_sheet_name_and_file_object(plan, police):
    data = workbook_bytes(
        [["identifiant", "date", "type", "valeur"], ["C1", dt.date(2023, 6, 1), "personnes hébergées", 512]],
        title="releves_capacite",
    )
    report = import_records(io.BytesIO(data), plan=plan, partner=police, file_name="export-juin.xlsx")
    assert (report.kind, report.created) == ("capacity_reading", 1)


def test_mac_1904_date_serials(plan, police, tmp_path):
    path = tmp_path / "saisies.xlsx"
    path.write_bytes(
        workbook_bytes(
            [["identifiant", "date", "substance", "quantite", "unite"], ["S1", 43524, "crack", 1, "g"]], epoch_1904=True
        )
    )
    import_records(path, plan=plan, partner=police)
    assert Seizure.objects.get().seized_on == dt.date(2023, 3, 1)


def test_typed_cells_in_text_and_boolean_columns(plan, police, tmp_path):
    path = tmp_path / "cameras.xlsx"
    header = CAMERA_HEADER.split(";")
    path.write_bytes(
        workbook_bytes(
            [
                header,
                [101, "Nord", None, 48.5, 0.25, dt.datetime(2023, 6, 1, 0, 0), None, True, 50.0],
                [102, "Sud", None, None, None, "01/06/2023", None, 0, None],
            ]
        )
    )
    import_records(path, plan=plan, partner=police)
    north = Camera.objects.get(external_id="101")
    assert (north.night_vision, north.latitude, north.coverage_radius_m) == (True, Decimal("48.5"), 50)
    assert Camera.objects.get(external_id="102").night_vision is False


def test_a_whole_number_is_required_where_the_model_counts(plan, police, tmp_path):
    path = tmp_path / "cameras.xlsx"
    path.write_bytes(
        workbook_bytes(
            [CAMERA_HEADER.split(";"), ["K1", "Nord", None, None, None, dt.date(2023, 6, 1), None, None, 12.5]]
        )
    )
    with pytest.raises(ImportRejected) as caught:
        import_records(path, plan=plan, partner=police)
    assert str(caught.value) == "cameras.xlsx, ligne 2, colonne « rayon_m » : nombre entier invalide « 12.5 »"


def test_excel_serial_out_of_range_names_the_date(plan, police, tmp_path):
    path = tmp_path / "saisies.xlsx"
    path.write_bytes(
        workbook_bytes([["identifiant", "date", "substance", "quantite", "unite"], ["S1", 35, "crack", 1, "g"]])
    )
    with pytest.raises(ImportRejected) as caught:
        import_records(path, plan=plan, partner=police)
    assert "date « 35 (numéro de série de date Excel, soit le 04/02/1900) » antérieure au 01/01/2000" in str(
        caught.value
    )


def test_ods_text_paragraphs_spaces_and_preview(plan, police, tmp_path):
    name = (
        '<table:table-cell office:value-type="string"><text:p>Caméra<text:s text:c="2"/>nord</text:p>'
        "<text:p>entrée <text:span>est</text:span></text:p></table:table-cell>"
    )
    header = row(*(s(column) for column in ["identifiant", "nom", "installee_le", "vision_nocturne"]))
    path = tmp_path / "cameras.ods"
    path.write_bytes(ods_xml(header + row(s("K1"), name, d("2023-06-01"), s("oui")))())
    preview = preview_import(path, plan, police)
    assert (preview.valid, preview.sheet, preview.rows) == (
        True,
        "saisies",
        [(2, ["K1", "Caméra  nord\nentrée est", "2023-06-01", "oui"])],
    )
    import_records(path, plan=plan, partner=police)
    assert Camera.objects.get().name == "Caméra  nord\nentrée est"


def test_ods_rows_are_streamed_and_numbered_past_repeated_blank_rows(tmp_path):
    blank = '<table:table-cell table:number-columns-repeated="1024"/>'
    data = ods_xml(ODS_HEADER + row(blank, repeat=5000) + row(s("S1"), d("2023-03-01"), s("crack"), f("1"), s("g")))()
    table = open_table(io.BytesIO(data), "saisies.ods")
    assert [(line, cells[:2]) for line, cells in table.rows()] == [
        (1, ["identifiant", "date"]),
        (5002, ["S1", dt.date(2023, 3, 1)]),
    ]


def test_a_csv_renamed_xlsx_is_refused(plan, police, tmp_path):
    path = tmp_path / "saisies.xlsx"
    path.write_text("identifiant;date\n")
    with pytest.raises(ImportRejected, match="porte l'extension .xlsx mais n'est pas un classeur"):
        import_records(path, plan=plan, partner=police)


def test_merged_ranges_are_found_across_read_chunks(monkeypatch):
    from copil.imports import sources

    workbook = Workbook()
    sheet = workbook.active
    for index in range(40):
        sheet.append([f"valeur {index}", index, None, "texte"])
    sheet.merge_cells("A1:B1")
    sheet.merge_cells("C5:C9")
    buffer = io.BytesIO()
    workbook.save(buffer)
    for chunk in (37, 64, 1 << 20):
        monkeypatch.setattr(sources, "CHUNK", chunk)
        table = open_table(io.BytesIO(buffer.getvalue()), "classeur.xlsx")
        assert [(m.ref, m.min_row, m.min_col, m.max_row, m.max_col) for m in table.merged] == [
            ("A1:B1", 1, 1, 1, 2),
            ("C5:C9", 5, 3, 9, 3),
        ], chunk


def test_an_ods_row_of_fifty_million_empty_cells_then_a_value_is_refused_in_bounded_memory(plan, police, tmp_path):
    """The outside review's 791-byte file: 50,000,000 repeated empty cells, then one value (2.3 GB before)."""
    import tracemalloc

    wide = '<table:table-cell table:number-columns-repeated="50000000"/>' + s("x")
    path = tmp_path / "saisies.ods"
    path.write_bytes(ods_xml(ODS_HEADER + row(wide))())
    assert path.stat().st_size < 2000
    tracemalloc.start()
    try:
        with pytest.raises(ImportRejected) as refused:
            import_records(path, plan=plan, partner=police)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 20 * 1024 * 1024, f"peak {peak / 1e6:.1f} MB"
    error = refused.value.errors[0]
    assert (error.line, error.column) == (2, "DEJTLY")
    assert "au-delà des 1024 colonnes" in error.reason


def test_an_ods_value_repeated_across_many_columns_stops_at_the_column_limit(tmp_path):
    wide = '<table:table-cell office:value-type="string" table:number-columns-repeated="1000000"><text:p>x</text:p>'
    data = ods_xml(row(s("a"), wide + "</table:table-cell>"))()
    cells = next(open_table(io.BytesIO(data), "saisies.ods").rows())[1]
    assert len(cells) == 1024
