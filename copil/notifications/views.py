"""The page where a signed-in person chooses, per kind, how they receive notifications (`/compte/notifications/`)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from .actions import choose_notification_modes
from .api import mode_for
from .forms import PreferencesForm
from .models import Kind


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    """Immediately, in a daily digest, or never: per kind of notification, for the signed-in person only."""
    current = {kind.value: mode_for(request.user, kind.value) for kind in Kind}
    form = PreferencesForm(request.POST or None, current=current)
    if request.method == "POST" and form.is_valid():
        choose_notification_modes(request.user, modes=form.cleaned_data)
        messages.success(request, _("Your notification preferences are saved."))
        return redirect("notifications:preferences")
    status = 400 if form.is_bound else 200
    return render(request, "notifications/preferences.html", {"form": form}, status=status)
