"""Issue 11's two journeys in a real browser (Chromium through Playwright, against the live server):

a) a coordinator prepares the 18-month bilan, submits it to the COPIL, records its approval and publishes it; an
   anonymous visitor reads exactly that version; a seizure entered afterwards does not change it; a new version
   says what changed (« … (version 1 : …) »);
b) the scan raises an alert; the coordinator and the police get the e-mail from a real SMTP server (aiosmtpd)
   once the worker's send task runs; the police acknowledges it on the map; the coordinator turns it into an
   action item of the next meeting; its owner gets the reminder when it falls due (the daily task run for a
   later day).

Members sign in through Django's test client (which passes the second factor) and the browser holds that
session. The key pages are saved at 390 and 1366 px in test-output/follow-up-*.png.
"""

from __future__ import annotations

import datetime as dt
import re
import socket
from decimal import Decimal
from email.header import decode_header, make_header

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from copil.alerts.models import Alert
from copil.alerts.services import run_scan
from copil.notifications.models import PlanSettings
from copil.notifications.tasks import daily_notifications, send_notifications
from copil.plans.models import Meeting, Membership
from copil.records.actions import create_record
from copil.records.models import FieldObservation
from copil.reports.models import BilanVersion
from tests.factories import make_partner, make_plan
from tests.web.conftest import add_records, make_site

from .conftest import OUTPUT, UNREACHABLE_TILES, check_accessibility

pytestmark = pytest.mark.django_db(transaction=True)

WIDTHS = (390, 1366)
OVERFLOW = "document.documentElement.scrollWidth - document.documentElement.clientWidth"


@pytest.fixture(autouse=True)
def _fast_settings(settings):
    settings.COPIL_TILE_URL = UNREACHABLE_TILES
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _context(browser, live_server, user=None):
    """A browser context, holding `user`'s session when given (anonymous otherwise)."""
    context = browser.new_context(base_url=live_server.url, locale="fr-FR", viewport={"width": 1366, "height": 900})
    context.set_default_timeout(20_000)
    if user is not None:
        client = Client()
        client.force_login(user)
        cookie = client.cookies[django_settings.SESSION_COOKIE_NAME]
        context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
    return context


def _shoot(page, name: str) -> None:
    """The current page at a phone's and a laptop's width (it must not scroll sideways), back to the laptop's."""
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        wide = page.evaluate(
            "[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > "
            "document.documentElement.clientWidth + 1).slice(-5).map(e => e.tagName + '.' + e.className + ' ' + "
            "Math.round(e.getBoundingClientRect().right) + ' ' + (e.textContent || '').slice(0, 60))"
        )
        assert page.evaluate(OVERFLOW) <= 0, f"{name} scrolls sideways at {width} px: {wide}"
        page.screenshot(path=str(OUTPUT / f"follow-up-{name}-{width}.png"), full_page=True)


def _click(page, name: str) -> None:
    page.get_by_role("button", name=name).first.click()
    page.wait_for_load_state()


def _publish_through_the_page(page, meeting: Meeting, *, note: str = "") -> int:
    """Prepare the default (18-month) version, submit it, record its approval by `meeting`, publish it."""
    page.goto(f"/plans/{meeting.plan.slug}/bilan/versions/")
    if note:
        page.locator("#id_change_note").fill(note)
    _click(page, "Préparer la version")
    number = BilanVersion.objects.filter(plan=meeting.plan).order_by("-number").first().number
    card = page.locator(f"#version-{number}")
    assert card.locator(".copil-version-state").text_content() == "brouillon"
    card.get_by_role("button", name=re.compile("^Soumettre au COPIL")).click()
    page.wait_for_load_state()
    card.locator(f"#id_v{number}-meeting").select_option(label=str(meeting))
    card.locator(f"#id_v{number}-approved_on").fill(meeting.held_on.isoformat())
    card.get_by_role("button", name=re.compile("^Enregistrer l’approbation")).click()
    page.wait_for_load_state()
    card.get_by_role("button", name=re.compile("^Publier")).click()
    page.wait_for_load_state()
    assert card.locator(".copil-version-state").text_content() == "publié"
    return number


def test_publish_the_approved_bilan_and_correct_it_with_a_new_version(browser, live_server):
    site = make_site()
    add_records(site, 12)  # from 2 January 2023, within the plan's first 18 months
    meeting = Meeting.objects.create(plan=site.plan, held_on=dt.date(2024, 7, 9), title="COPIL d’été")
    coordinator = _context(browser, live_server, site.users["coordinator"])
    page = coordinator.new_page()
    page.goto("/plans/ville/bilan/")
    page.get_by_role("link", name="Préparer, soumettre et publier les versions du bilan").click()
    page.wait_for_load_state()
    assert page.url.endswith("/plans/ville/bilan/versions/"), page.url
    assert page.locator("#id_start").input_value() == "2023-01-01"
    assert page.locator("#id_end").input_value() == "2024-06-30"
    first = _publish_through_the_page(page, meeting)
    check_accessibility(page, "follow-up-bilan-versions")
    _shoot(page, "bilan-versions")

    visitor = _context(browser, live_server).new_page()
    visitor.goto("/plans/ville/bilans/")
    visitor.get_by_role("link", name=re.compile("2023")).first.click()
    visitor.wait_for_load_state()
    assert visitor.url.endswith(f"/plans/ville/bilans/{first}/")
    version = BilanVersion.objects.get(plan=site.plan, number=first)
    assert version.html in visitor.request.get(visitor.url).text()  # exactly the version approved
    shown = visitor.locator("main").inner_text()
    assert "approuvé par le comité de pilotage le 09/07/2024" in shown
    check_accessibility(visitor, "follow-up-public-version")
    _shoot(visitor, "public-version")

    create_record(
        site.users["police"],
        "seizure",
        plan=site.plan,
        partner=site.partners["police"],
        data={"seized_on": dt.date(2024, 3, 1), "substance": "crack", "quantity": Decimal("40"), "unit": "g"},
    )
    visitor.reload()
    assert visitor.locator("main").inner_text() == shown  # frozen: the new seizure does not show

    second = _publish_through_the_page(page, meeting, note="Saisie du 1er mars 2024 ajoutée")
    visitor.goto(f"/plans/ville/bilans/{second}/")
    changes = visitor.locator("#changements").inner_text().replace("\xa0", " ")
    assert f"quantités de stupéfiants saisies : 190 g (version {first} : 150 g)" in changes, changes
    assert f"saisies de stupéfiants : 13 (version {first} : 12)" in changes, changes
    assert "Saisie du 1er mars 2024 ajoutée" in visitor.locator("main").inner_text()
    _shoot(visitor, "public-version-2")
    coordinator.close()


class _Inbox:
    """An aiosmtpd handler keeping every message received."""

    def __init__(self):
        from aiosmtpd.handlers import Message

        class Keep(Message):
            def handle_message(handler, message):
                self.messages.append(message)

        self.messages: list = []
        self.handler = Keep()


@pytest.fixture
def smtp_inbox(settings):
    from aiosmtpd.controller import Controller

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    inbox = _Inbox()
    controller = Controller(inbox.handler, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", port, False
    yield inbox
    controller.stop()


def _text(message) -> str:
    return message.get_payload(decode=True).decode(message.get_content_charset() or "utf-8")


def _subject(message) -> str:
    return str(make_header(decode_header(message["Subject"])))


def _gathering_sector():
    """A plan whose patrols observe ten places every other day for 200 days, then a group gathering on a square
    for the last six days (the scan's own test sector): the scan flags the square."""
    plan = make_plan(slug="secteur", name="Plan du secteur", started_on=dt.date(2023, 1, 1))
    coordinator = make_partner(plan, role="coordinator", code="prefecture", name="Préfecture")
    police = make_partner(plan, role="police", code="police", name="Police nationale")
    PlanSettings.objects.create(plan=plan).alert_partners.add(police)
    users = {}
    for partner in (coordinator, police):
        user = get_user_model().objects.create_user(partner.code, f"{partner.code}@example.fr", None)
        Membership.objects.create(partner=partner, user=user)
        users[partner.code] = user
    places = [(48.880 + 0.004 * (k % 5), 2.350 + 0.006 * (k // 5)) for k in range(10)]
    start, rows = dt.date(2023, 1, 1), []

    def observed(day, lat, lon, n, address):
        at = timezone.make_aware(dt.datetime.combine(day, dt.time(21, 0)))
        rows.extend(
            FieldObservation(
                plan=plan,
                partner=police,
                external_id=f"OBS-{day:%Y%m%d}-{lat:.4f}-{lon:.4f}-{k}",
                observed_at=at,
                latitude=f"{lat:.6f}",
                longitude=f"{lon:.6f}",
                address=address,
                people_count=5,
                source=FieldObservation.Source.PATROL,
            )
            for k in range(n)
        )

    for d in range(0, 200, 2):
        for k, (lat, lon) in enumerate(places):
            if (d // 2 + k) % 3 == 0:
                observed(start + dt.timedelta(days=d), lat, lon, 1, f"Lieu {k}")
    last = start + dt.timedelta(days=199)
    for d in range(6):
        observed(last - dt.timedelta(days=d), 48.8855, 2.3575, 3, "Square des Deux-Moulins")
    FieldObservation.objects.bulk_create(rows)
    return plan, users, police, last


def test_an_alert_reaches_the_police_becomes_an_action_and_its_owner_is_reminded(browser, live_server, smtp_inbox):
    plan, users, police, last = _gathering_sector()
    [alert] = run_scan(plan, last, replicates=99, seed=1)
    assert smtp_inbox.messages == []  # queued: the worker sends
    assert send_notifications.call() == 2
    assert sorted(m["To"] for m in smtp_inbox.messages) == ["police@example.fr", "prefecture@example.fr"]
    assert all("Square des Deux-Moulins" in _text(m) for m in smtp_inbox.messages)

    officer = _context(browser, live_server, users["police"])
    page = officer.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto("/plans/secteur/carte/")
    page.wait_for_function("document.querySelectorAll('#copil-map path.leaflet-interactive').length > 0")
    item = page.locator(f"#alerte-{alert.pk}")
    assert "suivi : nouvelle" in item.inner_text()
    _shoot(page, "map-alert")
    item.get_by_role("button", name=re.compile("^Prendre en compte")).click()
    page.wait_for_load_state()
    assert "suivi : prise en compte" in page.locator(f"#alerte-{alert.pk}").inner_text()
    check_accessibility(page, "follow-up-map")
    assert not errors
    officer.close()

    meeting = Meeting.objects.create(plan=plan, held_on=timezone.localdate() + dt.timedelta(days=20), title="COPIL")
    coordination = _context(browser, live_server, users["prefecture"])
    page = coordination.new_page()
    page.goto("/plans/secteur/carte/")
    page.locator(f"#alerte-{alert.pk}").get_by_role("link", name=re.compile("^Suivre")).click()
    page.wait_for_load_state()
    assert page.locator("#id_owner option:checked").inner_text() == "Police nationale"  # one click: the named partner
    _click(page, "Transformer en action de la prochaine réunion")
    assert page.locator("#alerte-etat").text_content() == "transformée en action"
    history = page.locator("#alerte-historique-liste").inner_text()
    assert "police a pris l’alerte en compte." in history and "prefecture a transformé l’alerte en action" in history
    check_accessibility(page, "follow-up-alert")
    _shoot(page, "alert")
    page.goto(f"/plans/secteur/reunions/{meeting.pk}/")
    assert "transformée en action" in page.locator("#ordre-du-jour").locator("..").inner_text()
    _shoot(page, "agenda")
    coordination.close()

    action = Alert.objects.get(pk=alert.pk).action
    assert action.owner == police and action.due_on == meeting.held_on
    before = len(smtp_inbox.messages)
    daily_notifications.call(day=(action.due_on - dt.timedelta(days=30)).isoformat())
    assert len(smtp_inbox.messages) == before  # not due yet
    daily_notifications.call(day=(action.due_on - dt.timedelta(days=3)).isoformat())
    [reminder] = smtp_inbox.messages[before:]
    assert reminder["To"] == "police@example.fr" and _subject(reminder).startswith("Action à échéance le")
    assert "Donner suite à l'alerte" in _text(reminder)
