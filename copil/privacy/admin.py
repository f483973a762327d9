"""Administration of the data-protection settings; every write goes through `copil.privacy.actions`."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from . import actions
from .models import DataProtectionOfficer, PlanRetention


class SuperuserOnly(admin.ModelAdmin):
    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_superuser

    has_add_permission = has_delete_permission = has_view_permission

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_superuser


@admin.register(DataProtectionOfficer)
class DataProtectionOfficerAdmin(SuperuserOnly):
    list_display = ("user", "plan", "designated_on")
    list_filter = ("plan",)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # a designation is made or revoked, never edited

    def save_model(self, request: HttpRequest, obj: DataProtectionOfficer, form: Any, change: bool) -> None:
        created = actions.designate_officer(request.user, obj.plan, obj.user)
        obj.pk = created.pk

    def delete_model(self, request: HttpRequest, obj: DataProtectionOfficer) -> None:
        actions.revoke_officer(request.user, obj)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for officer in queryset:
            actions.revoke_officer(request.user, officer)


@admin.register(PlanRetention)
class PlanRetentionAdmin(SuperuserOnly):
    list_display = ("plan", "kind", "months")
    list_filter = ("plan",)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        return ("plan", "kind") if obj is not None else ()

    def save_model(self, request: HttpRequest, obj: PlanRetention, form: Any, change: bool) -> None:
        saved = actions.set_plan_retention(request.user, obj.plan, obj.kind, obj.months)
        obj.pk = saved.pk

    def delete_model(self, request: HttpRequest, obj: PlanRetention) -> None:
        actions.set_plan_retention(request.user, obj.plan, obj.kind, None)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for retention in queryset:
            actions.set_plan_retention(request.user, retention.plan, retention.kind, None)
