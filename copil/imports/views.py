"""Pages and downloads of the published formats: the list of formats, each one's Table Schema, filled
example (CSV) and XLSX template. They describe no data, so anyone may read them."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from copil.formats import FORMATS, FORMATS_BY_FILE_STEM, ColumnType, RecordFormat
from copil.formats.schemas import example_csv, schema_json, schema_text, xlsx_template

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _format_or_404(file_stem: str) -> RecordFormat:
    fmt = FORMATS_BY_FILE_STEM.get(file_stem)
    if fmt is None:
        raise Http404(file_stem)
    return fmt


def _download(content: bytes, content_type: str, file_name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{file_name}"'
    return response


def formats(request: HttpRequest) -> HttpResponse:
    """Every import format with its columns, and links to its schema, example and template."""
    kinds = []
    for fmt in FORMATS.values():
        fields = {field["name"]: field for field in schema_json(fmt.kind)["fields"]}
        columns = [
            {
                "column": column,
                "field": fields[column.name],
                "values": ", ".join(column.enum) if column.type == ColumnType.CHOICE else "",
            }
            for column in fmt.columns
        ]
        kinds.append({"format": fmt, "columns": columns})
    return render(request, "imports/formats.html", {"kinds": kinds})


def schema(request: HttpRequest, file_stem: str) -> HttpResponse:
    """The Table Schema of one format (schema.json)."""
    fmt = _format_or_404(file_stem)
    return HttpResponse(schema_text(fmt.kind).encode("utf-8"), content_type="application/json; charset=utf-8")


def example(request: HttpRequest, file_stem: str) -> HttpResponse:
    """The filled example of one format, as the CSV file a partner sends (`saisies.csv`)."""
    fmt = _format_or_404(file_stem)
    return _download(example_csv(fmt.kind), "text/csv; charset=utf-8", f"{fmt.file_stem}.csv")


def template(request: HttpRequest, file_stem: str) -> HttpResponse:
    """The XLSX template of one format, with drop-down lists (`saisies.xlsx`)."""
    fmt = _format_or_404(file_stem)
    return _download(xlsx_template(fmt.kind), XLSX_TYPE, f"{fmt.file_stem}.xlsx")
