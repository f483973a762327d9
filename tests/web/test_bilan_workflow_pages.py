"""The bilan versions page: a coordinator prepares a version, submits it, records its approval and publishes it,
each move through `copil.reports.actions`; other members are refused; a move the state forbids gets a French
error and changes nothing."""

from __future__ import annotations

import datetime as dt

from django.test import Client

from copil.plans.models import Meeting
from copil.reports.models import BilanVersion


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_coordinator_moves_a_version_from_draft_to_published_on_the_page(site):
    base = f"/plans/{site.plan.slug}/bilan/versions/"
    police = _client(site.users["police"])
    assert police.get(base).status_code == 403
    coordinator = _client(site.users["coordinator"])
    page = coordinator.get(base).content.decode()
    assert "Préparer la version" in page and "Aucune version pour l’instant." in page
    refused = coordinator.post(base + "preparer/", {"start": "2023-12-31", "end": "2023-01-01", "variant": "public"})
    assert refused.status_code == 400 and "Le dernier jour doit suivre le premier jour." in refused.content.decode()
    data = {"start": "2023-01-01", "end": "2023-12-31", "variant": "public", "change_note": ""}
    assert coordinator.post(base + "preparer/", data).status_code == 302
    version = BilanVersion.objects.get(plan=site.plan)
    assert version.state == "draft" and version.figures and bytes(version.pdf).startswith(b"%PDF")
    early = coordinator.post(base + f"{version.number}/publier/")
    assert early.status_code == 400 and "ne peut pas devenir" in early.content.decode()
    assert police.post(base + f"{version.number}/soumettre/").status_code == 403
    assert coordinator.post(base + f"{version.number}/soumettre/").status_code == 302
    meeting = Meeting.objects.create(plan=site.plan, held_on=dt.date(2024, 2, 1), title="COPIL d’hiver")
    approval = {f"v{version.number}-meeting": meeting.pk, f"v{version.number}-approved_on": "2024-02-01"}
    assert coordinator.post(base + f"{version.number}/approuver/", approval).status_code == 302
    assert coordinator.post(base + f"{version.number}/publier/").status_code == 302
    version.refresh_from_db()
    assert version.state == "published" and version.approved_by_meeting == meeting
    public = Client().get(f"/plans/{site.plan.slug}/bilans/{version.number}/")
    assert public.status_code == 200
    assert f"/plans/{site.plan.slug}/bilans/{version.number}/" in coordinator.get(base).content.decode()
