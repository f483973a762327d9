"""A new plan gets the default signalement categories (`actions.ensure_default_categories`)."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save
from django.dispatch import receiver

from copil.plans.models import Plan


@receiver(post_save, sender=Plan, dispatch_uid="signalements_default_categories")
def _default_categories(sender: type[Plan], instance: Plan, created: bool, raw: bool = False, **kwargs: Any) -> None:
    if created and not raw:
        from .actions import ensure_default_categories

        ensure_default_categories(instance)
