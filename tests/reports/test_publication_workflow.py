"""The publication workflow: a version is frozen when prepared, moved by coordinators only (draft → submitted →
approved → published, or withdrawn with a reason), every move audited; the public reads it as frozen at its
permanent address, and a later version says which figures changed."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from copil.access.models import AuditEvent
from copil.plans.models import Meeting, Partner
from copil.reports import actions
from copil.reports.models import BilanVersion
from copil.reports.versions import figure_changes, render_frozen_figures
from tests.factories import make_record
from tests.reports.seeds import ALENCON


@pytest.fixture
def coordinator(alencon, django_user_model):
    user = django_user_model.objects.create_user("coordo", "coordo@example.fr", None)
    alencon.partners.filter(role=Partner.Role.COORDINATOR).first().membership_set.create(user=user)
    return user


@pytest.fixture
def police(alencon, django_user_model):
    user = django_user_model.objects.create_user("agent", "agent@example.fr", None)
    alencon.partners.filter(role="police").first().membership_set.create(user=user)
    return user


def _article(page: str) -> str:
    """The version's text on its page, from its title to the end of its figures (the page's frame varies)."""
    return page[page.index("<h1>") : page.index("</table>")]


def _approved(plan, coordinator, note=""):
    version = actions.prepare_bilan(coordinator, plan=plan, period=ALENCON, change_note=note)
    actions.submit_bilan(coordinator, version=version)
    meeting = Meeting.objects.create(plan=plan, held_on=dt.date(2024, 7, 10), title="COPIL de juillet")
    return actions.approve_bilan(coordinator, version=version, meeting=meeting, approved_on=meeting.held_on)


def test_a_version_moves_through_its_states_by_coordinators_only_each_move_audited(alencon, coordinator, police):
    with pytest.raises(PermissionDenied):
        actions.prepare_bilan(police, plan=alencon, period=ALENCON)
    version = actions.prepare_bilan(coordinator, plan=alencon, period=ALENCON)
    assert version.state == BilanVersion.State.DRAFT and version.prepared_by == coordinator
    assert version.pdf[:4] == b"%PDF" and "34 personnes ont été condamnées" in version.html
    assert version.figures["indicators"] and version.figures["suppressed"]
    with pytest.raises(ValidationError, match="ne peut pas devenir"):
        actions.publish_version(coordinator, version=version)  # not approved yet
    with pytest.raises(PermissionDenied):
        actions.submit_bilan(police, version=version)
    version = actions.submit_bilan(coordinator, version=version)
    meeting = Meeting.objects.create(plan=alencon, held_on=dt.date(2024, 7, 10), title="COPIL de juillet")
    version = actions.approve_bilan(coordinator, version=version, meeting=meeting, approved_on=meeting.held_on)
    assert version.approved_by_meeting == meeting and version.approved_on == dt.date(2024, 7, 10)
    assert Client().get("/plans/alencon/bilans/1/").status_code == 404  # approved is not published
    version = actions.publish_version(coordinator, version=version)
    assert version.state == BilanVersion.State.PUBLISHED and version.published_by == coordinator
    moves = AuditEvent.objects.filter(object_id=str(version.pk), object_type__icontains="bilanversion").order_by("pk")
    assert [event.details["state"] for event in moves if "state" in event.details] == [
        "draft",
        ["draft", "submitted"],
        ["submitted", "approved"],
        ["approved", "published"],
    ]
    with pytest.raises(ValidationError, match="Dites pourquoi"):
        actions.withdraw_bilan(coordinator, version=version, reason=" ")
    actions.withdraw_bilan(coordinator, version=version, reason="erreur de saisie du parquet")
    assert Client().get("/plans/alencon/bilans/1/").status_code == 404
    withdrawn = moves.last()
    assert withdrawn.details["state"] == ["published", "withdrawn"]
    assert withdrawn.details["withdrawal_reason"] == "erreur de saisie du parquet"


def test_the_public_reads_the_frozen_version_whatever_is_entered_later_and_a_new_version_shows_the_diff(
    alencon, coordinator
):
    version = actions.publish_version(coordinator, version=_approved(alencon, coordinator))
    client = Client()
    page = client.get("/plans/alencon/bilans/1/")
    assert page.status_code == 200 and "34 personnes ont été condamnées" in page.content.decode()
    listing = client.get("/plans/alencon/bilans/").content.decode()
    assert 'href="/plans/alencon/bilans/1/"' in listing
    pdf = client.get("/plans/alencon/bilans/1/pdf/")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content == bytes(version.pdf)
    frozen_table = render_frozen_figures(version.figures)

    police = alencon.partners.get(code="police-nationale")
    make_record("seizure", police, seized_on=dt.date(2024, 3, 1), substance="cannabis", quantity=Decimal("800"))

    version.refresh_from_db()
    assert render_frozen_figures(version.figures) == frozen_table  # byte for byte
    again = client.get("/plans/alencon/bilans/1/").content.decode()
    assert _article(again) == _article(page.content.decode()) and version.html in again

    second = actions.publish_version(coordinator, version=_approved(alencon, coordinator, note="saisie oubliée"))
    changes = figure_changes(version.figures, second.figures, version.number)
    assert any("(version 1 : " in line and "kg" in line for line in changes), changes
    page = client.get(f"/plans/alencon/bilans/{second.number}/").content.decode()
    assert "Ce qui a changé depuis la version 1" in page and changes[0] in page


def test_the_internal_bilan_shows_the_last_approved_version_and_what_moved(alencon, coordinator):
    _approved(alencon, coordinator)
    client = Client()
    client.force_login(coordinator)
    page = client.get("/plans/alencon/bilan/?periode=personnalisee&du=2023-01-01&au=2024-06-30").content.decode()
    assert "Dernière version approuvée : bilan n° 1" in page and "Aucun chiffre n'a bougé depuis." in page
    police = alencon.partners.get(code="police-nationale")
    make_record("seizure", police, seized_on=dt.date(2024, 3, 1), substance="cannabis", quantity=Decimal("800"))
    page = client.get("/plans/alencon/bilan/").content.decode()
    assert "(version 1 : " in page
