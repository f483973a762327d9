"""The plan's letterhead (co-pilots, logos) on its documents, the foreword of a version, and the editable ODT
of a version: set by coordinators only, checked, audited; the ODT opened with odfpy holds what it should."""

import datetime as dt
import io
import subprocess
import zipfile

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from odf.draw import Image as OdfImage
from odf.opendocument import load
from odf.teletype import extractText
from odf.text import H, P
from PIL import Image

from copil.access.models import AuditEvent
from copil.plans import actions as plan_actions
from copil.plans.letterhead import MAX_LOGO_BYTES, letterhead
from copil.plans.models import Meeting, Partner, Plan
from copil.reports import actions
from copil.reports.bilan import build_bilan
from copil.reports.pdf import render_print_html
from tests.reports.seeds import ALENCON, flat

SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 200 100">'
    b'<rect width="200" height="100" fill="#000091"/></svg>'
)
CO_PILOTS = {
    "prefect": "Mme Anne Exemple, préfète de l'Orne",
    "mayor": "M. Paul Modèle, maire d'Alençon",
    "prosecutor": "Mme Claire Témoin, procureure de la République d'Alençon",
}


def _image(kind: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (120, 60), "navy").save(buffer, format=kind)
    return buffer.getvalue()


@pytest.fixture
def coordinator(alencon, django_user_model):
    user = django_user_model.objects.create_user("coordo", "coordo@example.fr", None)
    alencon.partners.filter(role=Partner.Role.COORDINATOR).first().membership_set.create(user=user)
    return user


@pytest.fixture
def police(alencon, django_user_model):
    user = django_user_model.objects.create_user("agent", "agent@example.fr", None)
    alencon.partners.filter(role=Partner.Role.POLICE).first().membership_set.create(user=user)
    return user


def test_logos_are_checked_before_anything_is_written_and_only_coordinators_set_them(alencon, coordinator, police):
    logos = {"logo_prefecture": _image("PNG"), "logo_city": _image("JPEG"), "logo_prosecution": SVG}
    with pytest.raises(PermissionDenied):
        plan_actions.set_letterhead(alencon, co_pilots=CO_PILOTS, logos=logos, actor=police)
    plan_actions.set_letterhead(alencon, co_pilots=CO_PILOTS, logos=logos, actor=coordinator)
    head = letterhead(Plan.objects.get(pk=alencon.pk))
    assert [logo.media_type for logo in head.logos] == ["image/png", "image/jpeg", "image/svg+xml"]
    assert head.co_pilots[0] == ("Préfet", CO_PILOTS["prefect"])
    event = AuditEvent.objects.filter(action="update", object_type="plans.plan").latest("pk")
    assert set(event.details["letterhead"]) >= {"prefect", "logo_city"} and "base64" not in str(event.details)

    bad = {
        "logo_city": (b"GIF89a not an accepted image", "Le logo de la ville doit être une image PNG, JPEG ou SVG."),
        "logo_prefecture": (b"\x89PNG\r\n\x1a\n" + b"broken", "Le logo de la préfecture doit être une image PNG"),
        "logo_prosecution": (
            b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaa">]><svg xmlns="http://www.w3.org/2000/svg">&a;</svg>',
            "Le logo du parquet doit être une image PNG",
        ),
    }
    for field, (data, message) in bad.items():
        with pytest.raises(ValidationError) as refused:
            plan_actions.set_letterhead(
                alencon, co_pilots={"mayor": "changé"}, logos={"logo_prosecution": None, field: data}, actor=coordinator
            )
        assert message in refused.value.message_dict[field][0]
    with pytest.raises(ValidationError) as too_big:
        plan_actions.set_letterhead(
            alencon, co_pilots={}, logos={"logo_city": _image("PNG") + b"\0" * MAX_LOGO_BYTES}, actor=coordinator
        )
    assert "au plus 512 Ko" in too_big.value.message_dict["logo_city"][0]
    unchanged = letterhead(Plan.objects.get(pk=alencon.pk))
    assert unchanged == head, "nothing written by a refused change"


def test_the_letterhead_page_takes_uploads_and_says_what_is_wrong(alencon, coordinator, police):
    page = Client()
    page.force_login(police)
    assert page.get("/plans/alencon/en-tete/").status_code == 403
    page.force_login(coordinator)
    response = page.post(
        "/plans/alencon/en-tete/",
        {**CO_PILOTS, "logo_prefecture": SimpleUploadedFile("logo.txt", b"hello", "text/plain")},
    )
    assert response.status_code == 400
    assert "Le logo de la préfecture doit être une image PNG, JPEG ou SVG." in response.content.decode()
    assert Plan.objects.get(pk=alencon.pk).prefect == ""
    response = page.post(
        "/plans/alencon/en-tete/",
        {**CO_PILOTS, "logo_prefecture": SimpleUploadedFile("logo.png", _image("PNG"), "image/png")},
    )
    assert response.status_code == 302
    stored = Plan.objects.get(pk=alencon.pk)
    assert stored.prefect == CO_PILOTS["prefect"] and bytes(stored.logo_prefecture).startswith(b"\x89PNG")
    assert "data:image/png;base64," in page.get("/plans/alencon/en-tete/").content.decode()


def test_the_pdf_header_prints_the_logos_and_the_co_pilots(alencon, coordinator):
    plan_actions.set_letterhead(
        alencon, co_pilots=CO_PILOTS, logos={"logo_prefecture": _image("PNG"), "logo_city": SVG}, actor=coordinator
    )
    alencon.refresh_from_db()
    html = render_print_html(build_bilan(alencon, ALENCON, published=True, charts=False))
    cover = html[html.index('<section class="cover">') : html.index("</section>")]
    assert cover.count('<img src="data:image/') == 2
    for person in CO_PILOTS.values():
        assert person.replace("'", "&#x27;") in cover


def _odt(content: bytes):
    return load(io.BytesIO(content))


def test_a_version_exports_as_odt_with_logos_foreword_and_its_frozen_sentences(alencon, coordinator, police):
    plan_actions.set_letterhead(
        alencon,
        co_pilots=CO_PILOTS,
        logos={"logo_prefecture": _image("PNG"), "logo_city": _image("JPEG"), "logo_prosecution": SVG},
        actor=coordinator,
    )
    alencon.refresh_from_db()
    version = actions.prepare_bilan(coordinator, plan=alencon, period=ALENCON)
    pdf_text = subprocess.run(
        ["pdftotext", "-l", "1", "-", "-"], input=bytes(version.pdf), capture_output=True, check=True
    ).stdout.decode()
    assert "Anne Exemple" in flat(pdf_text) and "Claire Témoin" in flat(pdf_text), "co-pilots on the PDF's cover"

    page = Client()
    page.force_login(police)
    assert page.get("/plans/alencon/bilan/versions/1/").status_code == 404, "coordinators only"
    page.force_login(coordinator)
    listing = page.get("/plans/alencon/bilan/versions/").content.decode()
    assert "/plans/alencon/bilan/versions/1/" in listing and "/plans/alencon/en-tete/" in listing
    foreword = "Le préfet remercie les partenaires du plan.\nCe bilan a été approuvé en COPIL."
    assert page.post("/plans/alencon/bilan/versions/1/", {"foreword": foreword}).status_code == 302
    assert AuditEvent.objects.filter(action="update", details__foreword__1=foreword).exists()

    response = page.get("/plans/alencon/bilan/versions/1/odt/")
    assert response["Content-Type"] == "application/vnd.oasis.opendocument.text"
    document = _odt(response.content)
    assert len(document.getElementsByType(OdfImage)) == 3
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        pictures = [name for name in archive.namelist() if name.startswith("Pictures/")]
        assert len(pictures) == 3 and any(archive.read(name) == SVG for name in pictures)
    paragraphs = [extractText(p) for p in document.getElementsByType(P)]
    text = flat(" ".join(paragraphs))
    assert "Le préfet remercie les partenaires du plan." in text and "approuvé en COPIL" in text
    assert "35 kg de cannabis, 5,1 kg d'héroïne" in text, "a frozen figure sentence"
    assert f"Préfet : {CO_PILOTS['prefect']}" in paragraphs
    headings = [extractText(h) for h in document.getElementsByType(H)]
    assert "Avant-propos" in headings and "Sources" in headings
    assert "Cannabis" in text or "cannabis" in text

    actions.submit_bilan(coordinator, version=version)
    meeting = Meeting.objects.create(plan=alencon, held_on=dt.date(2024, 7, 10), title="COPIL de juillet")
    actions.approve_bilan(coordinator, version=version, meeting=meeting, approved_on=meeting.held_on)
    actions.publish_version(coordinator, version=version)
    with pytest.raises(ValidationError, match="ne peut plus changer"):
        actions.set_foreword(coordinator, version=version, foreword="Trop tard")
    public = Client().get("/plans/alencon/bilans/1/odt/")
    assert public.status_code == 200
    assert "Le préfet remercie" in flat(" ".join(extractText(p) for p in _odt(public.content).getElementsByType(P)))
    assert "/plans/alencon/bilans/1/odt/" in Client().get("/plans/alencon/bilans/1/").content.decode()


def test_the_minutes_export_as_odt_with_the_letterhead_and_the_decisions(alencon, coordinator):
    plan_actions.set_letterhead(alencon, co_pilots=CO_PILOTS, logos={"logo_city": _image("PNG")}, actor=coordinator)
    meeting = plan_actions.schedule_meeting(
        alencon, held_on=dt.date(2024, 7, 10), title="COPIL de juillet", actor=coordinator
    )
    plan_actions.add_decision(meeting, text="Renforcer les maraudes rue Riquet.", actor=coordinator)
    page = Client()
    page.force_login(coordinator)
    assert (
        f"/plans/alencon/reunions/{meeting.pk}/releve.odt"
        in page.get(f"/plans/alencon/reunions/{meeting.pk}/").content.decode()
    )
    response = page.get(f"/plans/alencon/reunions/{meeting.pk}/releve.odt")
    assert response["Content-Disposition"] == 'attachment; filename="releve-de-decisions-alencon-20240710.odt"'
    document = _odt(response.content)
    assert len(document.getElementsByType(OdfImage)) == 1
    text = " ".join(extractText(p) for p in document.getElementsByType(P))
    assert "Renforcer les maraudes rue Riquet." in text and f"Maire : {CO_PILOTS['mayor']}" in text
    assert AuditEvent.objects.filter(action="export", details__format="odt", details__meeting=meeting.pk).exists()
