"""Editable exports as OpenDocument text (ODT, the format French administrations exchange), written with odfpy:
a bilan version from what it froze, and the letterhead (logos, co-pilots) and foreword the préfecture adds, so
that it can add its own words before printing.

`OdtWriter` lays out headings, paragraphs, lists, tables and the logos; `bilan_version_odt` reads the version's
frozen HTML body (never the records) and its frozen figures.
"""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterable, Sequence
from html.parser import HTMLParser
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _

from copil.plans.letterhead import Letterhead, Logo, letterhead

from .models import BilanVersion
from .versions import count_text, figure_text

LOGO_HEIGHT_CM = 2.0
LOGO_MAX_WIDTH_CM = 5.0
ODT_CONTENT_TYPE = "application/vnd.oasis.opendocument.text"


def _logo_ratio(logo: Logo) -> float:
    """Width over height of a logo, so that it prints undistorted (1 when it cannot be told)."""
    try:
        if logo.media_type == "image/svg+xml":
            root = ElementTree.fromstring(logo.data)
            box = root.get("viewBox")
            if box:
                width, height = (float(n) for n in re.split(r"[\s,]+", box.strip())[2:4])
            else:
                width, height = (float(re.sub(r"[^0-9.]", "", root.get(n, "0")) or 0) for n in ("width", "height"))
        else:
            from PIL import Image

            with Image.open(io.BytesIO(logo.data)) as image:
                width, height = image.size
        return width / height if width > 0 and height > 0 else 1.0
    except (ValueError, ElementTree.ParseError, OSError):
        return 1.0


class OdtWriter:
    """A text document built block by block, saved as ODT bytes."""

    def __init__(self, title: str) -> None:
        from odf.dc import Title
        from odf.opendocument import OpenDocumentText
        from odf.style import ParagraphProperties, Style, TableColumnProperties, TextProperties

        self.document = OpenDocumentText()
        self.document.meta.addElement(Title(text=title))
        styles = self.document.automaticstyles
        self.bold = Style(name="Gras", family="paragraph")
        self.bold.addElement(TextProperties(fontweight="bold"))
        self.centred = Style(name="Centre", family="paragraph")
        self.centred.addElement(ParagraphProperties(textalign="center"))
        self.small = Style(name="Petit", family="paragraph")
        self.small.addElement(TextProperties(fontsize="9pt", color="#3a3a3a"))
        self.superscript = Style(name="Exposant", family="text")
        self.superscript.addElement(TextProperties(textposition="super 58%"))
        self.column = Style(name="Colonne", family="table-column")
        self.column.addElement(TableColumnProperties(columnwidth="5.5cm"))
        for style in (self.bold, self.centred, self.small, self.superscript, self.column):
            styles.addElement(style)
        self.tables = 0

    def heading(self, text: str, level: int = 1) -> None:
        from odf.text import H

        self.document.text.addElement(H(outlinelevel=level, text=text))

    def paragraph(self, text: str, *, style: Any = None, notes: Sequence[tuple[str, str]] = ()) -> None:
        """A paragraph; `notes` are runs `(text, "sup")` or `(text, "")` when the text carries note calls."""
        from odf.text import P, Span

        paragraph = P(stylename=style) if style is not None else P()
        if notes:
            for run, kind in notes:
                paragraph.addElement(Span(stylename=self.superscript, text=run) if kind == "sup" else Span(text=run))
        else:
            paragraph.addText(text)
        self.document.text.addElement(paragraph)

    def bullets(self, items: Iterable[str]) -> None:
        from odf.text import List, ListItem, P

        listing = List()
        for item in items:
            entry = ListItem()
            entry.addElement(P(text=item))
            listing.addElement(entry)
        self.document.text.addElement(listing)

    def table(self, header: Sequence[str], rows: Iterable[Sequence[str]]) -> None:
        from odf.table import Table, TableCell, TableColumn, TableRow
        from odf.text import P

        self.tables += 1
        table = Table(name=f"Tableau{self.tables}")
        table.addElement(TableColumn(numbercolumnsrepeated=len(header)))
        for number, row in enumerate([header, *rows]):
            table_row = TableRow()
            for cell in row:
                table_cell = TableCell(valuetype="string")
                table_cell.addElement(P(text=str(cell), stylename=self.bold if number == 0 else None))
                table_row.addElement(table_cell)
            table.addElement(table_row)
        self.document.text.addElement(table)

    def letterhead(self, head: Letterhead) -> None:
        """The logos side by side, then the co-pilots, one a line."""
        from odf.draw import Frame, Image
        from odf.text import P

        if head.logos:
            row = P(stylename=self.centred)
            for number, logo in enumerate(head.logos, start=1):
                href = self.document.addPicture(f"Pictures/logo-{number}.{logo.extension}", logo.media_type, logo.data)
                width = min(LOGO_HEIGHT_CM * _logo_ratio(logo), LOGO_MAX_WIDTH_CM)
                height = width / _logo_ratio(logo)
                frame = Frame(
                    name=str(logo.label), anchortype="as-char", width=f"{width:.2f}cm", height=f"{height:.2f}cm"
                )
                frame.addElement(Image(href=href))
                row.addElement(frame)
                row.addText("    ")
            self.document.text.addElement(row)
        for office, person in head.co_pilots:
            self.paragraph(f"{office} : {person}", style=self.centred)

    def bytes(self) -> bytes:
        buffer = io.BytesIO()
        self.document.write(buffer)
        return buffer.getvalue()


class _FrozenBody(HTMLParser):
    """The blocks of a version's frozen HTML body: headings, paragraphs (with their note calls) and list items;
    charts (SVG) are left out, their captions kept."""

    BLOCKS = {"p": "p", "h2": "h2", "h3": "h3", "li": "li", "figcaption": "caption"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[tuple[str, list[tuple[str, str]]]] = []
        self._current: list[tuple[str, str]] | None = None
        self._kind = ""
        self._skip = 0
        self._sup = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "svg":
            self._skip += 1
        elif tag == "sup":
            self._sup += 1
        elif tag in self.BLOCKS and not self._skip:
            self._current, self._kind = [], self.BLOCKS[tag]

    def handle_endtag(self, tag: str) -> None:
        if tag == "svg":
            self._skip -= 1
        elif tag == "sup":
            self._sup -= 1
        elif tag in self.BLOCKS and self._current is not None and not self._skip:
            runs = [(text, kind) for text, kind in self._current if text]
            if "".join(text for text, _kind in runs).strip():
                self.blocks.append((self._kind, runs))
            self._current = None

    def handle_data(self, data: str) -> None:
        if self._current is not None and not self._skip:
            text = re.sub(r"\s+", " ", data)
            self._current.append((text, "sup" if self._sup else ""))


def frozen_blocks(html: str) -> list[tuple[str, list[tuple[str, str]]]]:
    parser = _FrozenBody()
    parser.feed(html)
    parser.close()
    return parser.blocks


def bilan_version_odt(version: BilanVersion) -> bytes:
    """A bilan version as an editable ODT: letterhead, title, foreword, the frozen text by axis with its note
    calls and sources, and the table of its frozen figures."""
    with translation.override("fr"):
        title = version.figures.get("title") or str(version)
        writer = OdtWriter(title)
        writer.letterhead(letterhead(version.plan))
        writer.heading(title, 1)
        line = _("Bilan no. {number}, from {start} to {end}").format(
            number=version.number,
            start=version.period_start.strftime("%d/%m/%Y"),
            end=version.period_end.strftime("%d/%m/%Y"),
        )
        if version.approved_on:
            line += " — " + _("approved by the steering committee on {date}").format(
                date=version.approved_on.strftime("%d/%m/%Y")
            )
        writer.paragraph(line, style=writer.small)
        if version.foreword.strip():
            writer.heading(_("Foreword"), 2)
            for paragraph in re.split(r"\n\s*\n|\n", version.foreword.strip()):
                if paragraph.strip():
                    writer.paragraph(paragraph.strip())
        items: list[str] = []
        for kind, runs in frozen_blocks(version.html):
            if kind != "li" and items:
                writer.bullets(items)
                items = []
            text = "".join(text for text, _kind in runs).strip()
            if kind == "h2":
                writer.heading(text, 2)
            elif kind == "h3":
                writer.heading(text, 3)
            elif kind == "li":
                items.append(text)
            elif kind == "caption":
                writer.paragraph(text, style=writer.small)
            else:
                writer.paragraph(text, notes=runs)
        if items:
            writer.bullets(items)
        writer.heading(_("Figures of this version, as approved"), 2)
        writer.table(
            [_("Indicator"), _("Figure"), _("Sources (records)")],
            [
                (
                    frozen["label"],
                    figure_text(frozen),
                    _("; ").join(f"{name} ({count_text(count)})" for name, count in frozen["sources"]),
                )
                for frozen in version.figures.get("indicators", {}).values()
            ],
        )
        return writer.bytes()


def bilan_version_odt_name(version: BilanVersion) -> str:
    return f"bilan-{version.plan.slug}-v{version.number}.odt"
