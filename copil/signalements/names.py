"""The free text of a signalement never names a person: patterns of civil titles followed by a name, of a first
name and a family name in capitals, and of dates of birth are refused before saving (French reasons)."""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

# « M. Dupont », « Monsieur X », « Mme Durand », « Mlle », « Madame »: a civil title followed by a capitalised word.
_TITLE = re.compile(
    r"(?<![\w])(?:M\.|Mr\.?|Mme\.?|Mlle\.?|Monsieur|Madame|Mademoiselle)\s+(?:[A-ZÀ-Ý][\w'’-]*|[A-Z])(?![\w])"
)
# « né le 12/03/1995 », « née en 1995 », « date de naissance », « DDN »
_BIRTH = re.compile(
    r"(?<![\w])(?:n[ée]e?s?\s+(?:le|en)\s+\d[\d/.-]*|date\s+de\s+naissance|DDN\b|né\s+à\b|née\s+à\b)", re.IGNORECASE
)
# A full date dd/mm/yyyy of a year when the person would be an adult now (birth-like, 1920-2015).
_BIRTH_DATE = re.compile(r"(?<!\d)\d{1,2}[/.-]\d{1,2}[/.-](?:19[2-9]\d|200\d|201[0-5])(?!\d)")
# A family name in capitals next to a capitalised first name: « DUPONT Kévin », « Kévin DUPONT ».
_UPPER_NAME = re.compile(
    r"(?<![\w])(?:[A-ZÀ-Ý]{3,}\s+[A-ZÀ-Ý][a-zà-ÿ]{2,}|[A-ZÀ-Ý][a-zà-ÿ]{2,}\s+[A-ZÀ-Ý]{3,})(?![\w])"
)
# Two capitalised words in a row that are not preceded by a place word (« rue Riquet », « place Jean Jaurès »).
_TWO_NAMES = re.compile(r"(?<![\w])([A-ZÀ-Ý][a-zà-ÿ'’-]{2,})\s+([A-ZÀ-Ý][a-zà-ÿ'’-]{2,})(?![\w])")
_PLACE_WORDS = {
    "rue", "avenue", "av", "boulevard", "bd", "place", "square", "allée", "allee", "impasse", "quai", "chemin",
    "cours", "route", "passage", "parc", "jardin", "pont", "porte", "gare", "station", "métro", "metro", "cité",
    "cite", "résidence", "residence", "école", "ecole", "collège", "college", "lycée", "lycee", "stade", "centre",
    "église", "eglise", "quartier", "hôpital", "hopital", "marché", "marche", "rond-point", "hall", "bâtiment",
    "batiment", "tour", "immeuble", "villa", "sentier", "esplanade", "parvis", "faubourg", "saint", "sainte",
}  # fmt: skip
# Capitalised words that start sentences or name places and institutions, not people.
_COMMON_CAPITALISED = {
    "deux", "trois", "quatre", "plusieurs", "des", "les", "une", "un", "devant", "derrière", "dans", "sous", "sur",
    "près", "vers", "entre", "ce", "cet", "cette", "ces", "le", "la", "l'", "il", "ils", "elle", "elles", "on",
    "groupe", "homme", "hommes", "femme", "femmes", "jeunes", "individus", "personnes", "seringues", "matériel",
    "police", "mairie", "bailleur", "nuit", "matin", "soir", "lundi", "mardi", "mercredi", "jeudi", "vendredi",
    "samedi", "dimanche", "janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
    "octobre", "novembre", "décembre", "paris", "toulouse", "alençon", "france", "nord", "sud", "est", "ouest",
}  # fmt: skip


def _two_names(text: str) -> list[str]:
    found = []
    for match in _TWO_NAMES.finditer(text):
        before = text[: match.start()].split()
        previous = before[-1].lower().strip(",.;:()") if before else ""
        first, second = match.group(1), match.group(2)
        if previous in _PLACE_WORDS or first.lower() in _PLACE_WORDS or second.lower() in _PLACE_WORDS:
            continue
        if first.lower() in _COMMON_CAPITALISED or second.lower() in _COMMON_CAPITALISED:
            continue
        # « Jean Jaurès » after « de » / « du » in an address (« lycée de Jean Moulin ») is a place too
        if previous in {"de", "du", "des", "d'"} and len(before) >= 2 and before[-2].lower() in _PLACE_WORDS:
            continue
        found.append(match.group(0))
    return found


def find_personal_data(text: str) -> list[str]:
    """Why the text seems to name a person (French, one reason per pattern found), or [] when it does not."""
    reasons: list[str] = []
    if match := _TITLE.search(text):
        reasons.append(
            _("« {found} »: a civil title followed by a name; describe the person, never name them.").format(
                found=match.group(0)
            )
        )
    if match := _BIRTH.search(text):
        reasons.append(_("« {found} »: a date of birth must not be written here.").format(found=match.group(0)))
    elif match := _BIRTH_DATE.search(text):
        reasons.append(
            _("« {found} »: a date that looks like a date of birth must not be written here.").format(
                found=match.group(0)
            )
        )
    if match := _UPPER_NAME.search(text):
        reasons.append(
            _("« {found} »: a first name and a family name; never name a person.").format(found=match.group(0))
        )
    elif not reasons and (names := _two_names(text)):
        reasons.append(_("« {found} »: looks like a person's name; never name a person.").format(found=names[0]))
    return reasons
