"""Every record's plan is its partner's plan: the database refuses any other pair, on both backends."""

import datetime as dt

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from copil.records.models import RECORD_KINDS, Record, Seizure
from tests.factories import make_partner, make_plan

pytestmark = pytest.mark.django_db


def _seizure(plan, partner, external_id: str = "S-1") -> Seizure:
    return Seizure(
        plan=plan,
        partner=partner,
        external_id=external_id,
        seized_on=dt.date(2024, 3, 1),
        substance="cannabis",
        quantity="12.5",
        unit="g",
    )


def test_a_record_of_another_plans_partner_is_refused_at_commit():
    own, other = make_plan("own"), make_plan("other")
    stranger = make_partner(other, code="police-b")
    with pytest.raises(IntegrityError), transaction.atomic():
        _seizure(own, stranger).save()
        connection.check_constraints()
    assert not Seizure.objects.exists()


def test_a_record_of_a_missing_partner_is_refused_at_commit():
    plan = make_plan("own")
    with pytest.raises(IntegrityError), transaction.atomic():
        record = _seizure(plan, None)
        record.partner_id = 999_999
        record.save()
        connection.check_constraints()


def test_a_record_of_its_plans_partner_is_stored():
    plan = make_plan("own")
    partner = make_partner(plan, code="police-a")
    with transaction.atomic():
        _seizure(plan, partner).save()
        connection.check_constraints()
    assert Seizure.objects.get().partner == partner


def test_model_validation_names_the_mismatch_before_any_write():
    own, other = make_plan("own"), make_plan("other")
    record = _seizure(own, make_partner(other, code="police-b"))
    with pytest.raises(ValidationError) as raised:
        record.full_clean()
    assert "n'est pas celui de son partenaire" in str(raised.value)
    record.partner = make_partner(own, code="police-a")
    record.full_clean()


def test_every_record_kind_carries_the_key():
    models = [model for model in apps.get_app_config("records").get_models() if issubclass(model, Record)]
    assert set(models) == set(RECORD_KINDS.values())
    for model in models:
        names = {constraint.name for constraint in model._meta.constraints}
        assert f"{model._meta.model_name}_partner_of_plan" in names, model
