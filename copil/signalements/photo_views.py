"""A signalement's photo, read from the private storage only for those the policy lets see it."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from copil.plans.models import Plan

from . import queries
from .models import Photo


@login_required
def photo(request: HttpRequest, slug: str, pk: int, photo_pk: int) -> FileResponse:
    plan = get_object_or_404(Plan, slug=slug)
    gate = queries.charter_gate(request.user, plan)
    if gate:
        raise PermissionDenied(gate)
    signalement = queries.visible_signalements(request.user, plan).filter(pk=pk).first()
    if signalement is None:
        raise Http404
    if not queries.may_see_photos(request.user, signalement):
        raise PermissionDenied(
            _("Only the reporting partner, the responsible partners and the coordinators see the photos.")
        )
    found = get_object_or_404(Photo, pk=photo_pk, signalement=signalement)
    response = FileResponse(found.file.open("rb"), content_type=found.content_type)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
