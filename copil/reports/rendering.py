"""Write a bilan as HTML, Markdown, PDF or CSV."""

from pathlib import Path

from django.template.loader import render_to_string
from django.utils import translation

from .bilan import Bilan

FORMATS = {"html": "reports/bilan.html", "md": "reports/bilan.md"}
OUTPUT_FORMATS = ("html", "md", "pdf", "csv")
CONTENT_TYPES = {
    "html": "text/html; charset=utf-8",
    "md": "text/markdown; charset=utf-8",
    "pdf": "application/pdf",
    "csv": "text/csv; charset=utf-8",
}


def render_bilan(bilan: Bilan, output_format: str = "html", *, downloads: dict[str, str] | None = None) -> str:
    """The bilan as a complete HTML page or a Markdown document with footnotes.

    `downloads` (HTML only) are the addresses of the PDF and CSV versions, linked from the page.
    """
    if output_format not in FORMATS:
        raise ValueError(f"unknown bilan format {output_format!r}: expected one of {', '.join(FORMATS)}")
    with translation.override("fr"):
        return render_to_string(FORMATS[output_format], {"bilan": bilan, "downloads": downloads})


def bilan_bytes(bilan: Bilan, output_format: str) -> bytes:
    """The bilan in any output format, as the bytes of its file."""
    if output_format == "pdf":
        from .pdf import bilan_pdf

        return bilan_pdf(bilan)
    if output_format == "csv":
        from .export import bilan_csv

        return bilan_csv(bilan)
    if output_format in FORMATS:
        return render_bilan(bilan, output_format).encode("utf-8")
    raise ValueError(f"unknown bilan format {output_format!r}: expected one of {', '.join(OUTPUT_FORMATS)}")


def bilan_file_name(bilan: Bilan, output_format: str) -> str:
    """`bilan-alencon-20230101-20240630.pdf`; the variant for the public ends in `-public`."""
    variant = "-public" if bilan.public else ""
    return f"bilan-{bilan.plan.slug}-{bilan.period.start:%Y%m%d}-{bilan.period.end:%Y%m%d}{variant}.{output_format}"


def write_bilan(bilan: Bilan, directory: Path, output_format: str = "html") -> Path:
    """Write the bilan into `directory` in one of `OUTPUT_FORMATS` and return the path written."""
    content = bilan_bytes(bilan, output_format)
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / bilan_file_name(bilan, output_format)
    path.write_bytes(content)
    return path
