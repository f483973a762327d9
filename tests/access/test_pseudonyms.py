"""Pseudonyms: the same person typed differently gets one pseudonym; another key, another pseudonym."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from copil.access.pseudonyms import IdentityForm, is_pseudonym, normalize_birth_date, normalize_name, pseudonym
from copil.records.actions import create_record, update_record

from .conftest import sample

KEY = "test-key"


def test_pseudonym_is_a_keyed_hmac_in_hex():
    value = pseudonym("Diallo", "Aïssata", "07/03/1990", key=KEY)
    assert is_pseudonym(value) and len(value) == 64
    assert pseudonym("Diallo", "Aïssata", "07/03/1990", key="another-key") != value
    assert pseudonym("Diallo", "Aïssata", "08/03/1990", key=KEY) != value
    assert pseudonym("Diallo", "Awa", "07/03/1990", key=KEY) != value


@pytest.mark.parametrize(
    ("last", "first", "born"),
    [
        ("N'Diaye", "Jean-Pierre", "07/03/1990"),
        ("NDIAYE", "JEAN PIERRE", "1990-03-07"),
        ("  n diaye ", "jean  pierre", "7/3/1990"),
        ("N’Diaye", "Jéan-Pierre", "07.03.1990"),
        ("ndiaye", "jeanpierre", dt.date(1990, 3, 7)),
        ("Ndiaye", "Jean–Pierre", "07031990"),
    ],
)
def test_spelling_variants_give_the_same_pseudonym(last, first, born):
    assert pseudonym(last, first, born, key=KEY) == pseudonym("N'Diaye", "Jean-Pierre", "07/03/1990", key=KEY)


def test_normalisation():
    assert normalize_name("Cœur-de-Lion") == "coeurdelion"
    assert normalize_name("Ævar Straße") == "aevarstrasse"
    assert normalize_birth_date("31/12/1990") == "1990-12-31"
    for bad in ("31/12/90", "1990", "32/01/1990", "tomorrow", ""):
        with pytest.raises(ValueError):
            normalize_birth_date(bad)
    with pytest.raises(ValueError):
        pseudonym("", "Jean", "01/01/1990", key=KEY)


def test_identity_form_keeps_only_the_pseudonym():
    form = IdentityForm({"last_name": "Diallo", "first_name": "Aïssata", "birth_date": "07/03/1990"}, key=KEY)
    assert form.is_valid(), form.errors
    assert form.cleaned_data == {"pseudonym": pseudonym("Diallo", "Aïssata", "07/03/1990", key=KEY)}
    assert form.pseudonym == form.cleaned_data["pseudonym"]


def test_identity_form_rejects_an_unreadable_birth_date_in_french():
    form = IdentityForm({"last_name": "Diallo", "first_name": "Awa", "birth_date": "7 mars 90"}, key=KEY)
    assert not form.is_valid()
    assert "Date de naissance illisible" in str(form.errors)


@pytest.mark.django_db
def test_a_name_cannot_be_stored_in_place_of_a_pseudonym(world):
    care = world.partners["care-1"]
    data = {**sample("care_referral", care, "R-1"), "pseudonym": "Hortense Zwischenberger"}
    with pytest.raises(ValidationError) as refused:
        create_record(world.users["care"], "care_referral", plan=world.plan, partner=care, data=data)
    assert "pseudonym" in refused.value.message_dict
    record = create_record(
        world.users["care"], "care_referral", plan=world.plan, partner=care, data=sample("care_referral", care, "R-2")
    )
    with pytest.raises(ValidationError):
        update_record(world.users["care"], record, {"pseudonym": "DIALLO Awa 1990"}, expected_version=1)
