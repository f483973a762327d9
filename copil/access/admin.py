"""Admin of the access app: the audit trail, read-only; the login form with throttling; users never deleted."""

from typing import Any

from auditlog.models import LogEntry
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import policy
from .forms import AdminLoginForm
from .models import AuditEvent, TerritoryObserver
from .views import journal_queryset, values_visible

admin.site.login_form = AdminLoginForm

# django-auditlog's raw entries are copied into AuditEvent, which is shown with the policy's redactions;
# its own admin would show every value to every superuser, referrals to care included.
if admin.site.is_registered(LogEntry):
    admin.site.unregister(LogEntry)

# django-otp's device admin would show the authenticators' keys and delete devices outside the audit trail: a
# member's second factor is reset by a coordinator of their plan (/compte/membres/), which records it.
if admin.site.is_registered(TOTPDevice):
    admin.site.unregister(TOTPDevice)


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Coordinators read their plans' events, superusers every event; nobody adds, changes or deletes one."""

    list_display = ["at", "actor_label", "action", "channel", "object_type", "object_repr", "plan", "ip"]
    list_filter = ["action", "channel", "object_type"]
    search_fields = ["actor_label", "object_repr", "object_id"]
    date_hierarchy = "at"
    fields = readonly_fields = [
        *(f.name for f in AuditEvent._meta.fields if f.name not in {"id", "before", "after", "details"}),
        "shown_before",
        "shown_after",
        "shown_details",
    ]
    actions = None

    def _shown(self, obj: AuditEvent, value: Any) -> Any:
        return value if getattr(obj, "values_shown", False) else _("Values hidden: person-level data.")

    @admin.display(description=_("before"))
    def shown_before(self, obj: AuditEvent) -> Any:
        return self._shown(obj, obj.before)

    @admin.display(description=_("after"))
    def shown_after(self, obj: AuditEvent) -> Any:
        return self._shown(obj, obj.after)

    @admin.display(description=_("details"))
    def shown_details(self, obj: AuditEvent) -> Any:
        return self._shown(obj, obj.details)

    def get_object(self, request: HttpRequest, object_id: str, from_field: str | None = None) -> Any:
        event = super().get_object(request, object_id, from_field)
        if event is not None:
            event.values_shown = values_visible(request.user, event)
        return event

    def get_queryset(self, request: HttpRequest) -> QuerySet[AuditEvent]:
        return journal_queryset(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return policy.coordinated_plans(request.user).exists()

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


User = get_user_model()
if admin.site.is_registered(User):
    admin.site.unregister(User)


@admin.register(User)
class CopilUserAdmin(UserAdmin):
    """Users are deactivated, never deleted: the audit trail keeps pointing to them."""

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(TerritoryObserver)
class TerritoryObserverAdmin(admin.ModelAdmin):
    """Who reads the territory tree (/territoires/) and from which node: granted by the staff, captured in the
    audit trail like every change of the audited models."""

    list_display = ("user", "territory_code", "granted_at")
    search_fields = ("user__username", "territory_code")
    autocomplete_fields = ("user",)
