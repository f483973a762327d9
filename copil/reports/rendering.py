"""Write a bilan as HTML or Markdown."""

from pathlib import Path

from django.template.loader import render_to_string
from django.utils import translation

from .bilan import Bilan

FORMATS = {"html": "reports/bilan.html", "md": "reports/bilan.md"}


def render_bilan(bilan: Bilan, output_format: str = "html") -> str:
    """The bilan as a complete HTML page or a Markdown document with footnotes."""
    if output_format not in FORMATS:
        raise ValueError(f"unknown bilan format {output_format!r}: expected one of {', '.join(FORMATS)}")
    with translation.override("fr"):
        return render_to_string(FORMATS[output_format], {"bilan": bilan})


def bilan_file_name(bilan: Bilan, output_format: str) -> str:
    return f"bilan-{bilan.plan.slug}-{bilan.period.start:%Y%m%d}-{bilan.period.end:%Y%m%d}.{output_format}"


def write_bilan(bilan: Bilan, directory: Path, output_format: str = "html") -> Path:
    """Render the bilan into `directory` and return the path written."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / bilan_file_name(bilan, output_format)
    path.write_text(render_bilan(bilan, output_format), encoding="utf-8")
    return path
