"""The installable field app: web manifest, service worker, the field page of a plan and the two JSON endpoints
its offline outbox sends to (signalement, field observation).

The endpoints authenticate the browser's session and Django's CSRF check (the page carries the token in a
`<meta name="csrf-token">`: the outbox sends it as `X-CSRFToken`, never read from a cookie). They are idempotent on
the client's identifier (`client_id`, a `crypto.randomUUID()` made when the form was submitted): a second send of
the same item answers 200 with the object already stored, so an outbox sent twice stores once.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.contrib.staticfiles import finders
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import pgettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from copil.access import policy
from copil.plans.models import Partner, Plan
from copil.records.actions import create_record
from copil.records.models import FieldObservation

PWA_STATIC_DIR = Path(__file__).resolve().parent.parent / "web" / "static" / "copil" / "pwa"
# The app shell: what the service worker stores at install, besides the field pages it is sent to.
SHELL_STATIC = (
    "copil/pwa/field.js",
    "copil/pwa/outbox.js",
    "copil/pwa/field.css",
    "copil/pwa/icon.svg",
    "copil/pwa/icon-192.png",
    "copil/pwa/icon-512.png",
    "web/copil.css",
    "dsfr/dist/dsfr.min.css",
    "dsfr/dist/utility/icons/icons.min.css",
    "dsfr/dist/dsfr.module.min.js",
)
MAX_PHOTOS = 3
MAX_PHOTO_BYTES = 2 * 1024 * 1024
OBSERVATION_KIND = "field_observation"


@lru_cache(maxsize=1)
def shell_version() -> str:
    """A hash of the app's own files and of the shell's static files: a deploy that changes any of them gives the
    service worker a new cache name, so phones drop the old shell."""
    digest = hashlib.sha256()
    names = sorted({*SHELL_STATIC, *(f"copil/pwa/{p.name}" for p in PWA_STATIC_DIR.iterdir() if p.is_file())})
    for name in names:
        found = finders.find(name)
        digest.update(name.encode())
        if found:
            digest.update(Path(str(found)).read_bytes())
    return digest.hexdigest()[:16]


def _shell_urls() -> list[str]:
    return [static(name) for name in SHELL_STATIC if finders.find(name)]


@require_GET
def manifest(request: HttpRequest) -> HttpResponse:
    """The web app manifest: installable, standalone, French, starting on the field page."""
    body = {
        "name": "Copil — terrain",
        "short_name": "Copil",
        "description": pgettext("field app", "Report from the field, even without network."),
        "lang": "fr",
        "dir": "ltr",
        "start_url": reverse("pwa:start"),
        "scope": "/",
        "display": "standalone",
        "orientation": "portrait",
        "background_color": "#ffffff",
        "theme_color": "#000091",
        "icons": [
            {"src": static("copil/pwa/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("copil/pwa/icon-512.png"), "sizes": "512x512", "type": "image/png"},
            {"src": static("copil/pwa/icon.svg"), "sizes": "any", "type": "image/svg+xml", "purpose": "any"},
        ],
    }
    response = HttpResponse(json.dumps(body, ensure_ascii=False), content_type="application/manifest+json")
    response["Cache-Control"] = "no-cache"
    return response


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    """The service worker, at the site's root so that its scope covers the plans' field pages; its cache name
    carries `shell_version()`."""
    source = (PWA_STATIC_DIR / "sw.js").read_text(encoding="utf-8")
    config = {"version": shell_version(), "shell": _shell_urls(), "outbox": static("copil/pwa/outbox.js")}
    body = source.replace("/*__COPIL_CONFIG__*/ {}", json.dumps(config))
    response = HttpResponse(body, content_type="application/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    response["Cache-Control"] = "no-cache"
    return response


@require_GET
def start(request: HttpRequest) -> HttpResponse:
    """The app's start address: the field page of the plan the user last opened, else of their first plan."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    plans = policy.visible_plans(request.user)
    remembered = request.session.get("copil_plan")
    plan = plans.filter(slug=remembered).first() if remembered else None
    plan = plan or plans.filter(pk__in=[s.plan_id for s in policy.seats(request.user)]).order_by("pk").first()
    if plan is None:
        raise Http404
    return redirect("pwa:field", slug=plan.slug)


def _member_plan(request: HttpRequest, slug: str) -> Plan:
    plan = get_object_or_404(policy.visible_plans(request.user), slug=slug)
    if not any(seat.plan_id == plan.pk for seat in policy.seats(request.user)):
        raise Http404
    return plan


def _observation_partner(user: Any, plan: Plan) -> Partner | None:
    """The first of the user's partners in the plan that may record field observations."""
    for partner in policy.user_partners(user, plan).order_by("pk"):
        if policy.can(user, "create", OBSERVATION_KIND, partner):
            return partner
    return None


def _categories(plan: Plan) -> list[Any]:
    from .models import Category

    return list(Category.objects.filter(plan=plan, active=True).order_by("label"))


@never_cache
@require_GET
def field(request: HttpRequest, slug: str) -> HttpResponse:
    """The field page (mobile first): « Nouveau signalement » and « Observation de terrain », both sent through the
    outbox. It holds nothing person-level, so the service worker may keep it for offline use."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    from .queries import charter_gate

    plan = _member_plan(request, slug)
    observation_partner = _observation_partner(request.user, plan)
    context = {
        "plan": plan,
        "charter_gate": charter_gate(request.user, plan),
        "categories": _categories(plan),
        "observation_partner": observation_partner,
        "observation_sources": FieldObservation.Source.choices,
        "signalement_url": reverse("pwa:signalement_submit", args=[plan.slug]),
        "observation_url": reverse("pwa:observation_submit", args=[plan.slug]),
        "now": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
    }
    return render(request, "signalements/pwa/field.html", context)


# --- endpoints of the outbox ----------------------------------------------------------------------------------------


class BadInput(Exception):
    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(errors)
        self.errors = errors


def _error(status: int, errors: dict[str, str]) -> JsonResponse:
    return JsonResponse({"errors": errors}, status=status)


def _body(request: HttpRequest) -> dict[str, Any]:
    try:
        body = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        raise BadInput({"body": pgettext("field app", "The request is not valid JSON.")}) from None
    if not isinstance(body, dict):
        raise BadInput({"body": pgettext("field app", "The request is not valid JSON.")})
    return body


def _client_id(body: dict[str, Any]) -> uuid.UUID:
    try:
        return uuid.UUID(str(body.get("client_id", "")))
    except ValueError:
        raise BadInput({"client_id": pgettext("field app", "The client identifier is not a UUID.")}) from None


def _observed_at(body: dict[str, Any]) -> dt.datetime:
    value = parse_datetime(str(body.get("observed_at") or ""))
    if value is None:
        raise BadInput({"observed_at": pgettext("field app", "Give the date and time of the observation.")})
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    if value > timezone.now() + dt.timedelta(minutes=5):
        raise BadInput({"observed_at": pgettext("field app", "The date of the observation is in the future.")})
    return value


def _coordinate(body: dict[str, Any], name: str, bound: int) -> Decimal | None:
    value = body.get(name)
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value)).quantize(Decimal("0.000001"))
    except (InvalidOperation, ValueError):
        raise BadInput({name: pgettext("field app", "The coordinate is not a number.")}) from None
    if not -bound <= number <= bound:
        raise BadInput({name: pgettext("field app", "The coordinate is out of range.")})
    return number


def _validation_errors(error: ValidationError) -> dict[str, str]:
    if hasattr(error, "error_dict"):
        return {field: " ".join(str(m) for m in messages) for field, messages in error.message_dict.items()}
    return {"body": " ".join(error.messages)}


@require_POST
def observation_submit(request: HttpRequest, slug: str) -> JsonResponse:
    """Store one field observation of the outbox: 201 created, 200 already stored under the same `client_id`
    (the partner's identifier, `external_id`), 409 when that identifier holds a different observation."""
    if not request.user.is_authenticated:
        return _error(401, {"body": pgettext("field app", "Sign in again to send.")})
    plan = _member_plan(request, slug)
    partner = _observation_partner(request.user, plan)
    if partner is None:
        return _error(403, {"body": pgettext("field app", "Your organisation does not record field observations.")})
    try:
        body = _body(request)
        client_id = str(_client_id(body))
        observed_at = _observed_at(body)
        data = {
            "external_id": client_id,
            "observed_at": observed_at,
            "people_count": body.get("people_count"),
            "source": body.get("source") or "",
            "address": str(body.get("address") or "")[:300],
            "latitude": _coordinate(body, "latitude", 90),
            "longitude": _coordinate(body, "longitude", 180),
        }
    except BadInput as bad:
        return _error(422, bad.errors)
    existing = FieldObservation.objects.filter(partner=partner, external_id=client_id).first()
    if existing is None:
        try:
            with transaction.atomic():
                record = create_record(request.user, OBSERVATION_KIND, plan=plan, partner=partner, data=data)
            return JsonResponse({"id": record.pk, "client_id": client_id}, status=201)
        except PermissionDenied as denied:
            return _error(403, {"body": str(denied)})
        except (ValidationError, IntegrityError) as error:
            # a concurrent send of the same item may have stored it meanwhile
            existing = FieldObservation.objects.filter(partner=partner, external_id=client_id).first()
            if existing is None:
                if isinstance(error, ValidationError):
                    return _error(422, _validation_errors(error))
                raise
    same = existing.observed_at == observed_at and str(existing.people_count) == str(data["people_count"])
    if not same:
        return _error(409, {"client_id": pgettext("field app", "This identifier already holds another observation.")})
    return JsonResponse({"id": existing.pk, "client_id": client_id}, status=200)


@require_POST
def signalement_submit(request: HttpRequest, slug: str) -> JsonResponse:
    """Store one signalement of the outbox through `actions.create_signalement` (name check, routing,
    notifications): 201 created, 200 already stored under the same `client_id`."""
    from . import actions
    from .models import Category

    if not request.user.is_authenticated:
        return _error(401, {"body": pgettext("field app", "Sign in again to send.")})
    plan = _member_plan(request, slug)
    try:
        body = _body(request)
        client_id = _client_id(body)
        observed_at = _observed_at(body)
        category = Category.objects.filter(plan=plan, code=str(body.get("category") or ""), active=True).first()
        if category is None:
            raise BadInput({"category": pgettext("field app", "Choose a category of the plan's list.")})
        description = str(body.get("description") or "").strip()
        if not description:
            raise BadInput({"description": pgettext("field app", "Describe what you saw.")})
        photos = body.get("photos") or []
        if not isinstance(photos, list) or len(photos) > MAX_PHOTOS:
            raise BadInput({"photos": pgettext("field app", "At most 3 photos.")})
        latitude = _coordinate(body, "latitude", 90)
        longitude = _coordinate(body, "longitude", 180)
    except BadInput as bad:
        return _error(422, bad.errors)
    try:
        signalement, created = actions.create_signalement(
            plan,
            actor=request.user,
            client_id=client_id,
            category=category,
            description=description,
            observed_at=observed_at,
            address=str(body.get("address") or "")[:300],
            latitude=latitude,
            longitude=longitude,
            photos=[str(photo) for photo in photos],
        )
    except PermissionDenied as denied:
        return _error(403, {"body": str(denied)})
    except ValidationError as error:
        return _error(422, _validation_errors(error))
    return JsonResponse({"id": signalement.pk, "client_id": str(client_id)}, status=201 if created else 200)
