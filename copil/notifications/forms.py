"""The notification preferences form: one choice per kind of notification (a kind added later gets its field)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.text import capfirst
from django.utils.translation import pgettext_lazy

from copil.web.forms import CopilForm

from .models import Kind, Mode

MODE_LABELS = {
    Mode.IMMEDIATE: pgettext_lazy("notification mode", "immediate"),
    Mode.DIGEST: pgettext_lazy("notification mode", "daily digest"),
    Mode.NONE: pgettext_lazy("notification mode", "none"),
}


class PreferencesForm(CopilForm):
    """One radio group per kind, named after the kind's code."""

    def __init__(self, *args: Any, current: dict[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for kind in Kind:
            self.fields[kind.value] = forms.ChoiceField(
                label=capfirst(kind.label),
                choices=[(mode.value, MODE_LABELS[mode]) for mode in Mode],
                initial=current[kind.value],
                widget=forms.RadioSelect,
            )
