"""The periods the seed articles report on, and prose normalisation for assertions."""

import datetime as dt
import re
import unicodedata

from copil.indicators.periods import Period

ALENCON = Period(dt.date(2023, 1, 1), dt.date(2024, 6, 30))
PARIS = Period(dt.date(2023, 1, 1), dt.date(2023, 10, 5))


def plain(text: str) -> str:
    """Prose with ordinary spaces and apostrophes, so assertions read like the articles."""
    return re.sub(r"[\u00a0\u202f]", " ", text).replace("’", "'")


def flat(text: str) -> str:
    """Text as a PDF and a web page can both be compared: compatibility forms (no-break spaces, ligatures),
    one kind of apostrophe, words cut at line ends rejoined, hyphens dropped, runs of spaces as one space."""
    text = unicodedata.normalize("NFKC", text).replace("’", "'").replace("\u00ad", "")
    text = re.sub(r"[-\u2010\u2011]\s*", "", text)
    return re.sub(r"\s+", " ", text).strip()


HAUTE_GARONNE = Period(dt.date(2025, 1, 1), dt.date(2025, 12, 31))
