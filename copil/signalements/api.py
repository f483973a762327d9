"""Signalements in the JSON API: POST is idempotent on the client's identifier (the phone's outbox sends again
until it hears back): 201 when stored now, 200 when that identifier was already stored (the same object)."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from ninja import Field, Path, Router, Schema
from ninja.responses import Status

from copil.api.schemas import SLUG_PATTERN, error_responses
from copil.plans.models import Plan

from . import actions, queries
from .models import Signalement

router = Router(tags=["signalements"])

SignalementId = Path(..., ge=1, le=2**63 - 1, description="Identifiant (id) du signalement.")
Slug = Path(..., max_length=50, pattern=SLUG_PATTERN, description="Identifiant (slug) du plan.")


class SignalementIn(Schema):
    client_id: uuid.UUID = Field(..., description="Identifiant créé par le téléphone (clé d'idempotence).")
    category: str = Field(..., max_length=50, description="Code de la catégorie du plan.")
    description: str = Field(..., min_length=1, max_length=5000)
    observed_at: dt.datetime
    address: str = Field("", max_length=300)
    commune: str = Field("", max_length=120)
    latitude: Decimal | None = Field(None, ge=-90, le=90, max_digits=9, decimal_places=6)
    longitude: Decimal | None = Field(None, ge=-180, le=180, max_digits=9, decimal_places=6)
    photos: list[str] = Field(default_factory=list, max_length=actions.MAX_PHOTOS)


def _principal(request: HttpRequest) -> Any:
    """The token's principal (`copil.api.auth`): its creator holding only the token partner's seat."""
    return request.auth  # type: ignore[attr-defined]  # set by ninja's authentication


def _plan(request: HttpRequest, slug: str) -> Plan:
    plan = Plan.objects.filter(slug=slug).first()
    token = getattr(_principal(request), "api_token", None)
    if plan is None or (token is not None and token.partner.plan_id != plan.pk):
        raise Http404
    gate = queries.charter_gate(_principal(request), plan)
    if gate:
        raise PermissionDenied(gate)
    return plan


def signalement_out(s: Signalement, principal: Any) -> dict[str, Any]:
    details = queries.may_see_operation_details(principal, s)
    return {
        "id": s.pk,
        "client_id": str(s.client_id),
        "source": s.source,
        "category": s.category.code,
        "category_label": s.category.label,
        "description": s.description,
        "observed_at": s.observed_at.isoformat(),
        "created_at": s.created_at.isoformat(),
        "address": s.address,
        "commune": s.commune,
        "latitude": float(s.latitude) if s.latitude is not None else None,
        "longitude": float(s.longitude) if s.longitude is not None else None,
        "status": s.status,
        "status_label": str(s.get_status_display()),
        "reporter_partner": s.reporter_partner.code if s.reporter_partner else None,
        "owner_partner": s.owner_partner.code if s.owner_partner else None,
        "take_due_at": s.take_due_at.isoformat() if s.take_due_at else None,
        "due_at": s.due_at.isoformat() if s.due_at else None,
        "closed_at": s.closed_at.isoformat() if s.closed_at else None,
        "outcome": s.outcome,
        "operation": s.operation_id if details else None,
        "deal_point": s.deal_point_id,
        "eviction": s.eviction_id if details else None,
        "photos": s.photos.count() if queries.may_see_photos(principal, s) else None,
        "version": s.version,
    }


@router.post(
    "/plans/{slug}/signalements",
    response={200: dict, 201: dict, **error_responses(403, 404)},
    operation_id="create_signalement",
    summary="Créer un signalement (idempotent sur client_id)",
)
def create(request: HttpRequest, payload: SignalementIn, slug: str = Slug) -> Status:
    plan = _plan(request, slug)
    token = getattr(_principal(request), "api_token", None)
    s, created = actions.create_signalement(
        plan,
        actor=_principal(request),
        client_id=payload.client_id,
        category=payload.category,
        description=payload.description,
        observed_at=payload.observed_at,
        address=payload.address,
        commune=payload.commune,
        latitude=payload.latitude,
        longitude=payload.longitude,
        photos=payload.photos,
        reporter_partner=token.partner if token is not None else None,
    )
    return Status(201 if created else 200, signalement_out(s, _principal(request)))


@router.get(
    "/plans/{slug}/signalements",
    response={200: dict, **error_responses(403, 404)},
    operation_id="list_signalements",
    summary="Signalements",
)
def list_(request: HttpRequest, slug: str = Slug) -> dict[str, Any]:
    plan = _plan(request, slug)
    found = queries.visible_signalements(_principal(request), plan).select_related(
        "category", "reporter_partner", "owner_partner"
    )
    return {"count": found.count(), "results": [signalement_out(s, _principal(request)) for s in found[:500]]}


@router.get(
    "/plans/{slug}/signalements/{pk}",
    response={200: dict, **error_responses(403, 404)},
    operation_id="signalement_detail",
    summary="Un signalement",
)
def detail(request: HttpRequest, slug: str = Slug, pk: int = SignalementId) -> dict[str, Any]:
    plan = _plan(request, slug)
    s = queries.visible_signalements(_principal(request), plan).filter(pk=pk).first()
    if s is None:
        raise Http404
    out = signalement_out(s, _principal(request))
    out["history"] = [
        {"at": e.at.isoformat(), "action": e.action, "from": e.from_status, "to": e.to_status, "note": e.note}
        for e in s.events.all()
    ]
    return out
