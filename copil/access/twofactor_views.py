"""Two-factor pages under /compte/double-facteur/: enrolment (QR code, first code, recovery codes shown once), the
code asked after the password, and a coordinator's reset of a member's second factor.

The rules are in `copil.access.twofactor`; who must enrol in `copil.access.policy`.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from copil.plans.models import Membership

from . import policy, twofactor
from .forms import lock_message


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code"),
        max_length=40,
        strip=True,
        widget=forms.TextInput(attrs={"class": "fr-input", "autocomplete": "one-time-code", "autofocus": True}),
    )

    def __init__(self, *args: Any, help_text: str = "", numeric: bool = False, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["code"].help_text = help_text
        if numeric:
            self.fields["code"].widget.attrs.update(inputmode="numeric", pattern="[0-9 ]*")


def _next_url(request: HttpRequest) -> str:
    """Where to go once the second factor is passed: `next` when it stays on this site, else the home page."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return settings.LOGIN_REDIRECT_URL


def _failure_message(verification: twofactor.Verification) -> str:
    if verification.locked_seconds:
        return lock_message(verification.locked_seconds)
    return _("This code is not valid. Check the time of your phone, or use one of your recovery codes.")


@never_cache
@login_required
@sensitive_post_parameters("code")
def enrol(request: HttpRequest) -> HttpResponse:
    """Enrol an authenticator application: scan the QR code (or type the key), confirm with a first code, then
    read the recovery codes, shown this once. An account already enrolled re-enrols (a new phone) only from a
    session that passed its second factor."""
    user = request.user
    enrolled = twofactor.has_second_factor(user)
    if enrolled and twofactor.session_second_factor(request) is None:
        return HttpResponseRedirect(f"{reverse('access:second_factor')}?{request.GET.urlencode()}")
    form = CodeForm(request.POST or None, numeric=True, help_text=_("The six digits your application shows for Copil."))
    if request.method == "POST" and form.is_valid():
        verification, codes = twofactor.confirm_enrolment(user, form.cleaned_data["code"], request=request)
        if verification.ok:
            return render(request, "access/twofactor_recovery_codes.html", {"codes": codes, "next": _next_url(request)})
        form.add_error("code", _failure_message(verification))
    device = twofactor.pending_device(user)
    context = {
        "form": form,
        "qr_code": twofactor.qr_code_svg(device),
        "secret": twofactor.secret_of(device),
        "enrolled": enrolled,
        "required": policy.second_factor_required(user),
        "next": _next_url(request),
    }
    return render(request, "access/twofactor_enrol.html", context)


@never_cache
@login_required
@sensitive_post_parameters("code")
def verify(request: HttpRequest) -> HttpResponse:
    """The code asked after the password (or again, before a sensitive action such as creating an API token)."""
    user = request.user
    if not twofactor.has_second_factor(user):
        return HttpResponseRedirect(f"{reverse('access:second_factor_enrol')}?{request.GET.urlencode()}")
    form = CodeForm(
        request.POST or None,
        help_text=_("The six digits your authenticator application shows, or one of your recovery codes."),
    )
    if request.method == "POST" and form.is_valid():
        verification = twofactor.verify_code(user, form.cleaned_data["code"], request=request)
        if verification.ok:
            if verification.method == twofactor.RECOVERY:
                left = twofactor.unused_recovery_codes(user)
                messages.warning(
                    request,
                    ngettext(
                        "You signed in with a recovery code; {left} is left. Enrol your authenticator again if you "
                        "lost it: new recovery codes come with it.",
                        "You signed in with a recovery code; {left} are left. Enrol your authenticator again if you "
                        "lost it: new recovery codes come with it.",
                        left,
                    ).format(left=left),
                )
            return HttpResponseRedirect(_next_url(request))
        form.add_error("code", _failure_message(verification))
    return render(request, "access/twofactor_verify.html", {"form": form, "next": _next_url(request)})


@login_required
@require_POST
def reset(request: HttpRequest, membership_id: int) -> HttpResponse:
    """A coordinator resets a member's second factor (lost phone, no recovery code left)."""
    membership = get_object_or_404(Membership.objects.select_related("partner__plan", "user"), pk=membership_id)
    twofactor.reset_second_factor(request.user, membership)
    messages.success(
        request,
        _("{user} must enrol an authenticator again at the next sign-in.").format(
            user=membership.user.get_full_name() or membership.user.get_username()
        ),
    )
    return HttpResponseRedirect(f"{reverse('access:members')}?plan={membership.partner.plan.slug}")


def recent_second_factor_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Before a POST to `view`, the session must have passed its second factor less than
    COPIL_SECOND_FACTOR_RECENT_SECONDS ago; otherwise the person confirms with a code (or enrols) and comes back."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method == "POST" and request.user.is_authenticated and not twofactor.verified_within(request):
            messages.info(request, _("Confirm it is you with your second factor, then try again."))
            state = request.session.get(twofactor.SESSION_KEY) or {}
            if state.get("method") == twofactor.PROCONNECT:
                target = "access:oidc_authenticate"
            elif twofactor.has_second_factor(request.user):
                target = "access:second_factor"
            else:
                target = "access:second_factor_enrol"
            return HttpResponseRedirect(f"{reverse(target)}?{urlencode({'next': request.path})}")
        return view(request, *args, **kwargs)

    return wrapper
