"""The field app's PNG icons, drawn with Pillow (`python -m copil.signalements.pwa_icons` writes them next to
icon.svg, which they copy: a blue square, a white ring, a red dot)."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image, ImageDraw

PWA_STATIC_DIR = Path(__file__).resolve().parent.parent / "web" / "static" / "copil" / "pwa"

SIZES = (192, 512)


def icon_png(size: int) -> bytes:
    """The icon at `size` pixels, as PNG bytes (deterministic)."""
    scale = size / 512
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((0, 0, size - 1, size - 1), radius=round(96 * scale), fill="#000091")
    outer, inner = 150 + 28, 150 - 28
    centre = size / 2
    draw.ellipse(
        [centre - outer * scale, centre - outer * scale, centre + outer * scale, centre + outer * scale], "#fff"
    )
    draw.ellipse(
        [centre - inner * scale, centre - inner * scale, centre + inner * scale, centre + inner * scale], "#000091"
    )
    dot = 44 * scale
    draw.ellipse([centre - dot, centre - dot, centre + dot, centre + dot], "#e1000f")
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def write_icons() -> None:
    for size in SIZES:
        (PWA_STATIC_DIR / f"icon-{size}.png").write_bytes(icon_png(size))


if __name__ == "__main__":
    write_icons()
