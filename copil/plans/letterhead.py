"""The plan's letterhead: the logos (préfecture, ville, parquet) and the co-pilots (préfet, maire, procureur)
printed at the head of its bilans and minutes, in the PDF and the ODT.

Logos are stored in the database with the plan (a few hundred kilobytes at most), so that backups carry them and
no media server is needed; each is checked when uploaded: PNG, JPEG or SVG, under `MAX_LOGO_BYTES`.
"""

from __future__ import annotations

import base64
import io
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import Plan

MAX_LOGO_BYTES = 512 * 1024
LOGO_FIELDS = {
    "logo_prefecture": gettext_lazy("logo of the préfecture"),
    "logo_city": gettext_lazy("logo of the city"),
    "logo_prosecution": gettext_lazy("logo of the parquet"),
}
CO_PILOT_FIELDS = ("prefect", "mayor", "prosecutor")
EXTENSIONS = {"image/png": "png", "image/jpeg": "jpg", "image/svg+xml": "svg"}


def logo_media_type(data: bytes) -> str | None:
    """`image/png`, `image/jpeg` or `image/svg+xml` as the bytes themselves say (never the file's name)."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    head = data[:4096].lstrip().lower()
    if head.startswith((b"<?xml", b"<svg", b"<!--")) and b"<svg" in data[:4096].lower():
        return "image/svg+xml"
    return None


def validate_logo(data: bytes, field: str) -> str:
    """The media type of an uploaded logo, or a French error naming the logo at fault."""
    label = LOGO_FIELDS[field]
    if len(data) > MAX_LOGO_BYTES:
        raise ValidationError(
            {
                field: _("The {label} weighs {size} KB: at most {limit} KB.").format(
                    label=label, size=(len(data) + 1023) // 1024, limit=MAX_LOGO_BYTES // 1024
                )
            }
        )
    media_type = logo_media_type(data)
    if media_type == "image/svg+xml":
        # Entities and document types are refused: a logo needs neither, and they are how XML files attack.
        if b"<!doctype" in data.lower() or b"<!entity" in data.lower():
            media_type = None
        else:
            try:
                root = ElementTree.fromstring(data)
            except ElementTree.ParseError:
                media_type = None
            else:
                media_type = media_type if root.tag.rsplit("}", 1)[-1] == "svg" else None
    elif media_type == "image/png" or media_type == "image/jpeg":
        from PIL import Image, UnidentifiedImageError  # Pillow comes with WeasyPrint

        try:
            with Image.open(io.BytesIO(data)) as image:
                image.verify()
        except (UnidentifiedImageError, OSError, SyntaxError):
            media_type = None
    if media_type is None:
        raise ValidationError({field: _("The {label} must be a PNG, JPEG or SVG image.").format(label=label)})
    return media_type


@dataclass(frozen=True)
class Logo:
    field: str
    label: str
    media_type: str
    data: bytes

    @property
    def data_uri(self) -> str:
        return f"data:{self.media_type};base64,{base64.b64encode(self.data).decode('ascii')}"

    @property
    def extension(self) -> str:
        return EXTENSIONS[self.media_type]


@dataclass(frozen=True)
class Letterhead:
    """What heads the plan's documents: its logos in order (préfecture, ville, parquet) and its co-pilots."""

    logos: tuple[Logo, ...]
    co_pilots: tuple[tuple[str, str], ...]  # (office, « name, title » as typed)


def co_pilot_offices() -> dict[str, str]:
    return {"prefect": _("Prefect"), "mayor": _("Mayor"), "prosecutor": _("Public prosecutor")}


def letterhead(plan: Plan) -> Letterhead:
    """The plan's letterhead as stored."""
    logos = []
    for field, label in LOGO_FIELDS.items():
        data = bytes(getattr(plan, field) or b"")
        media_type = logo_media_type(data) if data else None
        if media_type:
            logos.append(Logo(field, str(label), media_type, data))
    offices = co_pilot_offices()
    co_pilots = tuple((offices[name], value) for name in CO_PILOT_FIELDS if (value := getattr(plan, name).strip()))
    return Letterhead(tuple(logos), co_pilots)
