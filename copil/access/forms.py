"""Forms of the account pages: login (with the throttling message), password, invitation."""

from typing import Any

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm, PasswordResetForm, SetPasswordForm
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from copil.plans.models import Partner, Plan

from . import throttling
from .audit import client_ip


def use_dsfr_widgets(form: forms.BaseForm) -> None:
    """Give each widget of `form` the DSFR class of its kind, so that the page's fields look like the app's."""
    for field in form.fields.values():
        css = "fr-select" if isinstance(field.widget, forms.Select) else "fr-input"
        field.widget.attrs.setdefault("class", css)


def lock_message(seconds: int) -> str:
    minutes = max(1, (seconds + 59) // 60)
    return ngettext(
        "Too many failed login attempts. Try again in {minutes} minute.",
        "Too many failed login attempts. Try again in {minutes} minutes.",
        minutes,
    ).format(minutes=minutes)


class _ThrottledLogin:
    """Shows the lock, in French, instead of the generic "wrong username or password"."""

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username") or ""
        ip = client_ip(self.request)
        remaining = throttling.lock_remaining(username, ip)
        if remaining:
            raise forms.ValidationError(lock_message(remaining), code="locked")
        try:
            return super().clean()
        except forms.ValidationError:
            remaining = throttling.lock_remaining(username, ip)
            if remaining:
                raise forms.ValidationError(lock_message(remaining), code="locked") from None
            raise


class LoginForm(_ThrottledLogin, AuthenticationForm):
    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        use_dsfr_widgets(self)


class PasswordForm(SetPasswordForm):
    """The invited person's new password (Django's validators), in the DSFR fields."""

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        use_dsfr_widgets(self)


class ForgottenPasswordForm(PasswordResetForm):
    """The e-mail address of a person who forgot their password; the link is sent only to an active account's
    address, and the page says the same whatever the address (nobody learns who has an account)."""

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["email"].label = _("E-mail address")
        use_dsfr_widgets(self)


class ChangePasswordForm(PasswordChangeForm):
    """A signed-in person changes their password: the current one, then the new one twice (Django's validators)."""

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        use_dsfr_widgets(self)


class AdminLoginForm(_ThrottledLogin, AdminAuthenticationForm):
    pass


class InvitationForm(forms.Form):
    """A coordinator invites a person to act for one partner of the plan."""

    email = forms.EmailField(label=_("E-mail address"))
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    partner = forms.ModelChoiceField(label=_("Partner organisation"), queryset=Partner.objects.none())

    def __init__(self, *args: Any, plan: Plan, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = Partner.objects.filter(plan=plan).order_by("name")
        use_dsfr_widgets(self)
