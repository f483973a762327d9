"""Pseudonyms of persons: person-level records (referrals to care, convictions) never hold a name or a birth
date, only `pseudonym(last name, first name, birth date)`, an HMAC-SHA-256 keyed per plan: the plan's key is
derived from the deployment's secret `COPIL_PSEUDONYM_KEY` and the plan's id (`plan_key`), so the same person
has unrelated pseudonyms in two plans and no count of one plan answers a question about another.

The identity is normalised first, so the same person typed differently gets the same pseudonym and counts
once: case, accents and ligatures, spaces, hyphens and apostrophes are ignored ("Jean-Pierre N'Diaye" =
"jean pierre ndiaye" = "JEAN PIERRE NDIAYE"), and the birth date is read from the usual French and ISO
spellings. Without the key the pseudonym cannot be recomputed from a list of names; with it, only within this
deployment (another deployment's key gives other pseudonyms).

`IdentityForm` is the form a care partner fills in: it derives the pseudonym and drops the identity. Views
using it must be wrapped in `sensitive_post_parameters(*IDENTITY_FIELDS)` so error reports never show it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import unicodedata
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_variables

IDENTITY_FIELDS = ("last_name", "first_name", "birth_date")
PSEUDONYM_LENGTH = 64  # hex digits of SHA-256
PSEUDONYM_PATTERN = "[0-9a-f]{64}"  # what `pseudonym` returns; also published in the import schemas and the API

_LIGATURES = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss"})
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")
_DATE_PATTERNS = (
    re.compile(r"(?P<day>\d{1,2})[/.\- ](?P<month>\d{1,2})[/.\- ](?P<year>\d{4})"),
    re.compile(r"(?P<year>\d{4})[/.\-](?P<month>\d{1,2})[/.\-](?P<day>\d{1,2})"),
    re.compile(r"(?P<day>\d{2})(?P<month>\d{2})(?P<year>\d{4})"),
)


@sensitive_variables("text")
def normalize_name(text: str) -> str:
    """Lowercase ASCII letters and digits only: accents, ligatures, spaces, hyphens, apostrophes dropped."""
    decomposed = unicodedata.normalize("NFKD", (text or "").translate(_LIGATURES))
    ascii_only = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    return _NOT_ALNUM.sub("", ascii_only)


@sensitive_variables("value")
def normalize_birth_date(value: dt.date | str) -> str:
    """The birth date in ISO 8601 from a date or a text (31/12/1990, 31-12-1990, 31.12.1990, 1990-12-31,
    31121990); ValueError for anything else, two-digit years included (ambiguous)."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = (value or "").strip()
    for pattern in _DATE_PATTERNS:
        match = pattern.fullmatch(text)
        if match:
            try:
                return dt.date(int(match["year"]), int(match["month"]), int(match["day"])).isoformat()
            except ValueError:
                break
    raise ValueError(_("Unreadable birth date (expected DD/MM/YYYY)."))


@sensitive_variables("last_name", "first_name", "birth_date", "message")
def pseudonym(last_name: str, first_name: str, birth_date: dt.date | str, *, key: str | bytes) -> str:
    """HMAC-SHA-256 (hex, 64 characters) of the normalised identity under the deployment's key."""
    if not key:
        raise ImproperlyConfigured("COPIL_PSEUDONYM_KEY is empty")
    last, first = normalize_name(last_name), normalize_name(first_name)
    if not last or not first:
        raise ValueError(_("The last name and the first name are required."))
    message = "\x1f".join((last, first, normalize_birth_date(birth_date))).encode()
    secret = key.encode() if isinstance(key, str) else key
    return hmac.new(secret, message, hashlib.sha256).hexdigest()


def deployment_key() -> str:
    """The deployment's pseudonym key (`COPIL_PSEUDONYM_KEY`)."""
    key = getattr(settings, "COPIL_PSEUDONYM_KEY", "")
    if not key:
        raise ImproperlyConfigured("COPIL_PSEUDONYM_KEY must be set")
    return key


def plan_key(plan: Any) -> bytes:
    """The pseudonym key of one plan: HMAC-SHA-256 of its id under the deployment's key (the id, not the slug,
    which may be renamed: pseudonyms must not change with it)."""
    plan_id = getattr(plan, "pk", plan)
    if plan_id is None:
        raise ValueError("a plan must be saved before its pseudonym key exists")
    message = f"copil-plan-pseudonyms\x1f{int(plan_id)}".encode()
    return hmac.new(deployment_key().encode(), message, hashlib.sha256).digest()


def is_pseudonym(value: str) -> bool:
    """Whether a value looks like a pseudonym (64 lowercase hex digits), not a name typed by mistake."""
    return bool(re.fullmatch(PSEUDONYM_PATTERN, value or ""))


class IdentityForm(forms.Form):
    """Last name, first name and birth date of a person → `self.pseudonym`; the identity is then dropped.

    After `is_valid()`, `cleaned_data` holds only `pseudonym`: nothing else can be saved or logged by mistake.
    """

    last_name = forms.CharField(label=_("Last name"), max_length=150)
    first_name = forms.CharField(label=_("First name"), max_length=150)
    birth_date = forms.CharField(
        label=_("Birth date"), max_length=10, help_text=_("DD/MM/YYYY"), widget=forms.TextInput()
    )

    def __init__(self, *args, key: str | bytes | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.key = key
        self.pseudonym: str | None = None
        for field in self.fields.values():
            field.widget.attrs["autocomplete"] = "off"

    @sensitive_variables("identity")
    def clean(self) -> dict:
        identity = super().clean()
        if self.errors:
            return identity
        try:
            self.pseudonym = pseudonym(
                identity["last_name"],
                identity["first_name"],
                identity["birth_date"],
                key=self.key or deployment_key(),  # views pass the plan's key (`plan_key`)
            )
        except ValueError as error:
            raise forms.ValidationError(str(error)) from None
        self.cleaned_data = {"pseudonym": self.pseudonym}
        return self.cleaned_data
