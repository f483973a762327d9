"""API tokens: a partner's systems write and read records through the JSON API with a token.

A token acts as its partner, with that partner's role (`copil.access.policy`), and only while the person who
created it may still manage the partner's tokens (an active member of the partner, a coordinator of the plan,
an administrator; a care partner's tokens: its members only). Only a hash of the token is stored: it is shown
once, at creation.
"""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from copil.plans.models import Partner

TOKEN_PREFIX = "copil_"
PREFIX_LENGTH = len(TOKEN_PREFIX) + 8


def hash_token(token: str) -> str:
    """SHA-256 of the token (tokens are 256-bit random strings: a plain hash is enough, no salt or stretching)."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def active(self) -> "ApiTokenQuerySet":
        return self.filter(revoked_at__isnull=True)


class ApiToken(models.Model):
    """A bearer token acting as one partner."""

    name = models.CharField(_("name"), max_length=100)
    partner = models.ForeignKey(Partner, verbose_name=_("partner"), on_delete=models.CASCADE, related_name="tokens")
    prefix = models.CharField(_("prefix"), max_length=PREFIX_LENGTH)
    key_hash = models.CharField(_("token hash"), max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    @classmethod
    def issue(cls, *, partner: Partner, name: str, created_by: object) -> tuple["ApiToken", str]:
        """A new token for the partner, and its secret value (shown once, never stored)."""
        secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
        token = cls.objects.create(
            name=name,
            partner=partner,
            prefix=secret[:PREFIX_LENGTH],
            key_hash=hash_token(secret),
            created_by=created_by,
        )
        return token, secret
