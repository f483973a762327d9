"""The bilan's phrases live next to the catalogue: each names a catalogue indicator, reads in French with the
placeholders the bilan fills, and the catalogue says which way each figure's move is good news."""

from types import MappingProxyType

import pytest
from django.utils import translation

from copil.indicators.catalogue import CatalogueError, check_phrases, get_catalogue, parse_catalogue
from copil.indicators.phrases import PHRASES, PartOf, Phrase, phrase_of
from copil.reports.bilan import INDICATORS

# Every placeholder a phrase may use: the figure, the period's end, a daily series, parts, and what sections add.
FIELDS = {
    "n": "7",
    "date": "30 juin 2024",
    "items": "35 kg de cannabis",
    "minimum": "100",
    "maximum": "800",
    "mean": "420",
    "days": "90",
    "years": "en 2023",
    "total": "72",
    "baseline": "200",
    "when": "avant le plan",
    "start": "156",
    "density": "50,8",
}


def _forms(phrase: Phrase) -> list:
    forms = [phrase.states, phrase.follows, phrase.comparison, *phrase.parts.values()]
    if phrase.part_of is not None:
        part_of = phrase.part_of
        forms += [part_of.all, part_of.all_hidden, part_of.most, part_of.some]
    return [form for form in forms if form is not None]


def test_every_phrase_names_a_catalogue_indicator_in_the_catalogue_order():
    catalogue = get_catalogue()
    check_phrases(catalogue, PHRASES)
    assert INDICATORS == list(PHRASES)
    assert {"field_observations", "people_observed", "shelter_capacity"}.isdisjoint(PHRASES)
    assert catalogue["convicted_persons"].phrase is PHRASES["convicted_persons"]
    assert catalogue["people_observed"].phrase is None
    with pytest.raises(KeyError, match="sans phrase"):
        phrase_of("people_observed")


@pytest.mark.parametrize(
    "phrases, message",
    [
        ({**PHRASES, "no_such_indicator": Phrase()}, "absent"),
        ({"operations": Phrase(), "networks_dismantled": Phrase()}, "ordre du catalogue"),
        ({"operations": Phrase(zero="sometimes")}, "zero « sometimes »"),
        (
            {"operations": Phrase(part_of=PartOf("nothing", str, str, str))},
            "part_of.total « nothing »",
        ),
    ],
)
def test_a_phrase_that_does_not_fit_the_catalogue_is_refused(phrases, message):
    with pytest.raises(CatalogueError, match=message):
        check_phrases(get_catalogue(), MappingProxyType(phrases))


@pytest.mark.parametrize("code", list(PHRASES))
def test_every_phrase_reads_in_french_with_the_bilan_placeholders(code):
    for form in _forms(PHRASES[code]):
        for number in (0, 1, 2, 5):
            with translation.override("en"):
                english = form(number)
            with translation.override("fr"):
                french = form(number)
            assert french != english, f"{code}: no French text for {english!r}"
            text = french.format(**FIELDS)
            assert "{" not in text and "}" not in text, (code, text)


def test_the_catalogue_says_which_way_is_good_news():
    catalogue = get_catalogue()
    assert catalogue["deal_points_active"].is_good_news("down") is True
    assert catalogue["deal_points_active"].is_good_news("up") is False
    assert catalogue["shelter_occupancy"].is_good_news("up") is True
    assert catalogue["people_observed"].good_news == "down"
    assert catalogue["seizure_mass"].is_good_news("flat") is None
    assert catalogue["repeat_offenders_convicted"].good_news is None
    assert catalogue["repeat_offenders_convicted"].is_good_news("up") is None
    assert all(catalogue[code].good_news in {"up", "down", None} for code in catalogue)


def test_a_good_news_direction_other_than_up_or_down_is_refused():
    entry = """
[[indicator]]
code = "arrests"
label = "interpellations"
unit = "count"
axis = "repression"
source = "arrest"
date_field = "arrested_on"
aggregation = "count"
good_news = "sideways"
"""
    with pytest.raises(CatalogueError, match="good_news « sideways » inconnu"):
        parse_catalogue(entry)
    assert parse_catalogue(entry.replace("sideways", "down"))["arrests"].good_news == "down"
    assert parse_catalogue(entry.replace('good_news = "sideways"\n', ""))["arrests"].good_news is None
