from django.contrib import admin

from .models import Notification, PlanSettings, Preference


@admin.register(PlanSettings)
class PlanSettingsAdmin(admin.ModelAdmin):
    list_display = ["plan"]
    filter_horizontal = ["alert_partners"]


@admin.register(Preference)
class PreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "mode"]
    list_filter = ["kind", "mode"]


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "plan", "kind", "recipient", "state", "attempts"]
    list_filter = ["state", "kind", "mode"]
    readonly_fields = [field.name for field in Notification._meta.fields]
