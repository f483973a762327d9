"""Pages managing API tokens: create one for a partner (shown once), list and revoke them.

Coordinators manage the tokens of their plan's partners, members those of their own partner, administrators
all of them (`copil.api.auth.can_manage_tokens`). Creations and revocations go to the audit trail.
"""

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from copil.access.actors import Actor
from copil.access.audit import record_event
from copil.access.models import AuditEvent
from copil.access.twofactor_views import recent_second_factor_required
from copil.plans.models import Partner

from .auth import can_manage_tokens, manageable_partners
from .models import ApiToken


class PartnerField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Partner) -> str:
        return f"{obj.plan.name} — {obj.name}"


class TokenForm(forms.Form):
    partner = PartnerField(label=gettext_lazy("Partner"), queryset=Partner.objects.none(), empty_label=None)
    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=100,
        help_text=gettext_lazy("What the token is for, e.g. the software that uses it."),
    )

    def __init__(self, *args: Any, user: Actor, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = (
            manageable_partners(user).select_related("plan").order_by("plan__name", "name")
        )
        self.fields["partner"].widget.attrs["class"] = "fr-select"
        self.fields["name"].widget.attrs["class"] = "fr-input"


@never_cache
@login_required
@recent_second_factor_required
def token_list(request: HttpRequest) -> HttpResponse:
    """The tokens the user manages, and the form creating one; a new token is shown once, on this response."""
    partners = manageable_partners(request.user)
    if not partners.exists():
        raise PermissionDenied(_("You may not manage API tokens."))
    form = TokenForm(request.POST or None, user=request.user)
    secret = None
    if request.method == "POST" and form.is_valid():
        token, secret = ApiToken.issue(
            partner=form.cleaned_data["partner"], name=form.cleaned_data["name"], created_by=request.user
        )
        record_event(
            request.user,
            AuditEvent.Action.CREATE,
            partner=token.partner,
            plan=token.partner.plan_id,
            obj=token,
            after={"name": token.name, "prefix": token.prefix, "partner": token.partner_id},
        )
        form = TokenForm(user=request.user)
    tokens = ApiToken.objects.filter(partner__in=partners).select_related("partner__plan", "created_by")
    return render(request, "api/tokens.html", {"form": form, "tokens": tokens, "secret": secret})


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = ApiToken.objects.select_related("partner").filter(pk=pk).first()
    if token is None or not can_manage_tokens(request.user, token.partner):
        raise Http404(pk)
    if token.revoked_at is None:
        ApiToken.objects.filter(pk=token.pk).update(revoked_at=timezone.now())
        record_event(
            request.user,
            AuditEvent.Action.UPDATE,
            partner=token.partner,
            plan=token.partner.plan_id,
            obj=token,
            before={"revoked_at": None},
            after={"revoked_at": timezone.now()},
            details={"reason": "token revoked"},
        )
        messages.success(request, _("Token revoked: it no longer gives access to the API."))
    return HttpResponseRedirect(reverse("api_tokens:list"))
