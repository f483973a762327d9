"""Issue 20's journey on a 390 px phone with the network cut (Playwright's offline mode): a social landlord's
member records an « occupation de hall » with a photo (carrying EXIF GPS) and the phone's position; it waits in
the outbox; the network comes back and it is sent once (one signalement, its photo stored without EXIF). The
police member finds it in their queue, with its notification, takes it, links an operation and resolves it; the
landlord reads the outcome; another one, left overdue, is escalated to the coordinator (time moved by the test).
Screenshots: test-output/offline-*.png (the coordinator's pages at 1366 px)."""

from __future__ import annotations

import datetime as dt
import io
import uuid

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.signals import request_started
from django.test import Client
from django.utils import timezone

from copil.notifications.models import Kind, Notification
from copil.notifications.sending import send_immediate
from copil.plans.models import Membership
from copil.signalements import actions
from copil.signalements.models import Photo, Signalement
from tests.factories import make_partner, make_plan, make_record

from .conftest import OUTPUT, UNREACHABLE_TILES, check_accessibility

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}
DESK = {"width": 1366, "height": 900}
HALL = {"latitude": 48.430112, "longitude": 0.091276}
OVERFLOW = "document.documentElement.scrollWidth - document.documentElement.clientWidth"


@pytest.fixture(autouse=True)
def _settings(settings, tmp_path):
    from django.utils.functional import empty

    from copil.signalements.models import private_storage

    settings.COPIL_TILE_URL = UNREACHABLE_TILES
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.COPIL_PRIVATE_MEDIA_ROOT = tmp_path / "private-media"
    private_storage._wrapped = empty
    yield
    private_storage._wrapped = empty


def _member(partner, name: str):
    user = get_user_model().objects.create_user(name, f"{name}@example.fr", "motdepasse-long-1")
    Membership.objects.create(partner=partner, user=user)
    return user


def _phone(browser, live_server, user, **options):
    """A phone's browser context (390 × 844, unless `viewport` says otherwise) holding `user`'s session."""
    client = Client()
    client.force_login(user)
    options.setdefault("viewport", PHONE)
    context = browser.new_context(base_url=live_server.url, locale="fr-FR", **options)
    context.set_default_timeout(20_000)
    cookie = client.cookies[django_settings.SESSION_COOKIE_NAME]
    context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
    return context


def _photo_with_gps(path) -> None:
    from PIL import Image

    image = Image.new("RGB", (2400, 1800), (150, 110, 70))
    for x in range(0, 2400, 200):
        image.paste((40, 40, 40), (x, 0, x + 60, 1800))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif[0x8825] = {1: "N", 2: (48.0, 25.0, 48.4), 3: "E", 4: (0.0, 5.0, 28.6)}
    image.save(path, format="JPEG", exif=exif)
    assert Image.open(path).getexif().get_ifd(0x8825)


def _no_sideways_scroll(page, name: str) -> None:
    assert page.evaluate(OVERFLOW) <= 0, f"{name} scrolls sideways at 390 px"


def test_a_hall_occupation_recorded_offline_is_sent_once_then_followed_to_its_outcome(browser, live_server, tmp_path):
    plan = make_plan(slug="quartier-gare", name="Plan du quartier de la gare")
    categories = {c.code: c for c in actions.ensure_default_categories(plan)}
    landlord_partner = make_partner(plan, role="housing", code="orne-habitat", name="Orne Habitat")
    police_partner = make_partner(plan, role="police", code="police", name="Police nationale")
    coordinator_partner = make_partner(plan, role="coordinator", code="prefecture", name="Préfecture de l'Orne")
    landlord = _member(landlord_partner, "gardien")
    officer = _member(police_partner, "brigadier")
    coordinator = _member(coordinator_partner, "cabinet")
    actions.set_routing_rule(
        plan, actor=coordinator, category=categories["occupation_hall"], responsible=[police_partner], informed=[]
    )
    operation = make_record("operation", police_partner, external_id="OP-2024-031")
    photo_path = tmp_path / "hall.jpg"
    _photo_with_gps(photo_path)
    sends: list[str] = []  # the outbox's POSTs as the server received them (page or service worker alike)

    def _count_sends(sender, environ, **kwargs):
        if environ.get("REQUEST_METHOD") == "POST" and environ.get("PATH_INFO", "").endswith("/terrain/signalements/"):
            sends.append(environ["PATH_INFO"])

    request_started.connect(_count_sends)

    # --- the landlord's phone: the field page, then the network cut --------------------------------------------
    phone = _phone(browser, live_server, landlord, geolocation=HALL, permissions=["geolocation"])
    page = phone.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"/plans/{plan.slug}/terrain/")
    # the service worker installs and takes the page: the field page is then kept for offline use
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    page.reload()
    check_accessibility(page, "offline-field")
    _no_sideways_scroll(page, "field page")

    phone.set_offline(True)
    page.reload()  # served by the service worker from its cache
    assert page.locator("#pwa-signalement-form").is_visible()
    page.wait_for_function("document.getElementById('pwa-network').textContent.trim() === 'hors ligne'")

    page.select_option("#sig-category", "occupation_hall")
    page.fill("#sig-description", "Cinq à six personnes occupent le hall B chaque soir, porte forcée.")
    page.fill("#sig-address", "12 rue Riquet, hall B")
    page.get_by_role("button", name="Utiliser ma position").first.click()
    page.wait_for_function("document.getElementById('sig-latitude').value === '48.430112'")
    page.set_input_files("#sig-photos", str(photo_path))
    page.get_by_role("button", name="Enregistrer le signalement").click()
    page.wait_for_function("document.getElementById('pwa-outbox-status').dataset.count === '1'")
    assert "en attente d'envoi (1)" in page.locator("#pwa-outbox-text").inner_text()
    page.screenshot(path=str(OUTPUT / "offline-1-pending.png"), full_page=True)
    assert Signalement.objects.count() == 0 and sends == []  # nothing left the phone

    # --- the network comes back: sent once --------------------------------------------------------------------
    phone.set_offline(False)
    page.wait_for_function("document.getElementById('pwa-outbox-status').dataset.count === '0'")
    page.wait_for_function("navigator.onLine")
    page.screenshot(path=str(OUTPUT / "offline-2-sent.png"), full_page=True)
    # a later load (and a sync) sends nothing more
    page.reload()
    page.wait_for_function("document.getElementById('pwa-outbox-status').dataset.count === '0'")
    assert Signalement.objects.count() == 1
    request_started.disconnect(_count_sends)
    assert len(sends) == 1, sends  # sent once, not once per reconnection, reload or sync
    signalement = Signalement.objects.get()
    assert signalement.category.code == "occupation_hall"
    assert signalement.reporter == landlord
    assert (str(signalement.latitude), str(signalement.longitude)) == ("48.430112", "0.091276")
    stored = Photo.objects.get(signalement=signalement)
    assert max(stored.width, stored.height) <= 1600  # resized on the phone
    from PIL import Image

    with stored.file.open("rb") as handle:
        image = Image.open(io.BytesIO(handle.read()))
        assert not image.getexif()  # no EXIF, no GPS
    assert not errors, errors
    phone.close()

    # --- the police member: the notification and the queue ---------------------------------------------------
    notification = Notification.objects.get(recipient=officer, kind=Kind.SIGNALEMENT)
    assert notification.object_id == str(signalement.pk)
    send_immediate()
    assert any(officer.email in message.to for message in mail.outbox)
    police_phone = _phone(browser, live_server, officer)
    page = police_phone.new_page()
    page.goto(f"/plans/{plan.slug}/signalements/a-traiter/")
    _no_sideways_scroll(page, "queue")
    page.screenshot(path=str(OUTPUT / "offline-3-police-queue.png"), full_page=True)
    page.locator(f'a[href$="/signalements/{signalement.pk}/"]').first.click()
    page.wait_for_load_state()
    page.locator('form[action$="/prise-en-charge/"] button[type=submit]').click()
    page.wait_for_load_state()
    page.locator('form[action$="/liens/"] select[name$="operation"]').select_option(str(operation.pk))
    page.locator('form[action$="/liens/"] button[type=submit]').click()
    page.wait_for_load_state()
    page.locator('form[action$="/resolution/"] textarea').fill("Hall évacué lors d'une opération de police.")
    page.locator('form[action$="/resolution/"] button[type=submit]').click()
    page.wait_for_load_state()
    _no_sideways_scroll(page, "detail")
    page.screenshot(path=str(OUTPUT / "offline-4-police-resolved.png"), full_page=True)
    signalement.refresh_from_db()
    assert signalement.status == Signalement.Status.RESOLVED
    assert signalement.owner == officer
    assert signalement.operation_id == operation.pk
    police_phone.close()

    # --- the landlord reads the outcome -----------------------------------------------------------------------
    phone = _phone(browser, live_server, landlord)
    page = phone.new_page()
    page.goto(f"/plans/{plan.slug}/signalements/mes-signalements/")
    _no_sideways_scroll(page, "mine")
    day = operation.occurred_on.strftime("%d/%m")
    assert (
        f"Votre signalement a été traité : opération de police le {day} (Hall évacué lors d'une opération de police)."
        in page.locator("main").inner_text()
    )
    page.screenshot(path=str(OUTPUT / "offline-5-landlord-outcome.png"), full_page=True)
    phone.close()

    # --- another one left overdue is escalated to the coordinator ---------------------------------------------
    late, _ = actions.create_signalement(
        plan,
        actor=landlord,
        client_id=uuid.uuid4(),
        category=categories["occupation_hall"],
        description="deux hommes, hall C",
        observed_at=timezone.now() - dt.timedelta(hours=1),
    )
    later = late.take_due_at + dt.timedelta(days=categories["occupation_hall"].take_days)
    assert actions.chase_overdue(now=later) == {"chased": 0, "escalated": 1}
    late.refresh_from_db()
    assert late.escalated_at == later
    assert Notification.objects.filter(recipient=coordinator, kind=Kind.SIGNALEMENT_OVERDUE).count() == 1
    desk = _phone(browser, live_server, coordinator, viewport=DESK)
    page = desk.new_page()
    page.goto(f"/plans/{plan.slug}/signalements/{late.pk}/")
    assert "hall C" in page.content()
    facts = page.locator(".copil-facts").inner_text()
    assert f"Transmis au régulateur le\n{timezone.localtime(later):%d/%m/%Y %H:%M}" in facts, facts
    history = page.locator("#signalement-historique-liste").inner_text()
    assert f"{timezone.localtime(later):%d/%m/%Y %H:%M} — Transmis au régulateur" in history, history
    _no_sideways_scroll(page, "detail at 1366 px")
    page.screenshot(path=str(OUTPUT / "offline-6-coordinator-escalated.png"), full_page=True)
    # the coordinator's desk: every signalement of the plan, the resolved one with its photo and links
    page.goto(f"/plans/{plan.slug}/signalements/")
    late_row = page.locator("tbody tr", has=page.locator(f'a[href$="/signalements/{late.pk}/"]')).inner_text()
    assert "nouveau" in late_row.lower() and "transmis au régulateur" in late_row.lower(), late_row
    assert page.locator(f'a[href$="/signalements/{signalement.pk}/"]').count() >= 1
    _no_sideways_scroll(page, "list at 1366 px")
    page.screenshot(path=str(OUTPUT / "offline-7-coordinator-list.png"), full_page=True)
    page.goto(f"/plans/{plan.slug}/signalements/{signalement.pk}/")
    assert "OP-2024-031" in page.locator(".copil-facts").inner_text()
    _no_sideways_scroll(page, "resolved detail at 1366 px")
    page.screenshot(path=str(OUTPUT / "offline-8-coordinator-resolved.png"), full_page=True)
    desk.close()
