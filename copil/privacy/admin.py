from django.contrib import admin

from .models import DataProtectionOfficer, PlanRetention


@admin.register(DataProtectionOfficer)
class DataProtectionOfficerAdmin(admin.ModelAdmin):
    list_display = ("user", "plan", "designated_on")
    list_filter = ("plan",)

    def has_module_permission(self, request):
        return request.user.is_superuser

    has_view_permission = has_add_permission = has_change_permission = has_delete_permission = (
        lambda self, request, obj=None: request.user.is_superuser
    )


@admin.register(PlanRetention)
class PlanRetentionAdmin(DataProtectionOfficerAdmin):
    list_display = ("plan", "kind", "months")
