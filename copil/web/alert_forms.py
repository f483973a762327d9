"""Forms of an alert's follow-up (DSFR-styled): the choices come from the plan; the actions check the policy."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from copil.alerts.models import Alert
from copil.plans.models import Partner, Plan

from .forms import CopilForm


def _partners(plan: Plan) -> Any:
    return Partner.objects.filter(plan=plan).exclude(role=Partner.Role.PUBLIC).order_by("name")


class AlertAssignForm(CopilForm):
    partner = forms.ModelChoiceField(label=_("Partner in charge"), queryset=Partner.objects.none())

    def __init__(self, *args: Any, plan: Plan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = _partners(plan)


class AlertCloseForm(CopilForm):
    reason = forms.ChoiceField(label=_("Why is the alert closed?"), choices=Alert.ClosureReason.choices)


class AlertToActionForm(CopilForm):
    owner = forms.ModelChoiceField(label=_("Owner of the action item"), queryset=Partner.objects.none())

    def __init__(self, *args: Any, plan: Plan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = _partners(plan)
