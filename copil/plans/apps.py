from django.apps import AppConfig
from django.db.models.signals import m2m_changed
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "copil.plans"
    label = "plans"
    verbose_name = _("Plans")

    def ready(self) -> None:
        from .models import Meeting, Partner

        for relation in (Partner.axes.through, Meeting.attendees.through):
            m2m_changed.connect(touch_on_relation_change, sender=relation, dispatch_uid=f"touch-{relation.__name__}")


def touch_on_relation_change(sender, instance, action: str, reverse: bool, model, pk_set, **kwargs) -> None:
    """A partner's axes or a meeting's attendees changed: move `updated_at` on, so the cached pages that state
    them (data version) are recomputed even when nothing else of the object was saved."""
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    now = timezone.now()
    if not reverse:
        type(instance).objects.filter(pk=instance.pk).update(updated_at=now)
    elif pk_set:
        model.objects.filter(pk__in=pk_set).update(updated_at=now)
    else:  # cleared from the other side (an axis's partners): which objects lost it is not told
        model.objects.filter(plan_id=instance.plan_id).update(updated_at=now)
