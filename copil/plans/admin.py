from django.contrib import admin

from .models import Action, Axis, Decision, Meeting, Membership, Partner, Plan, Territory


@admin.register(Territory)
class TerritoryAdmin(admin.ModelAdmin):
    list_display = ["name", "insee_code", "level", "population", "parent"]
    list_filter = ["level"]
    search_fields = ["name", "insee_code"]


class AxisInline(admin.TabularInline):
    model = Axis
    extra = 0


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ["name", "territory", "started_on", "ended_on"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [AxisInline]


@admin.register(Axis)
class AxisAdmin(admin.ModelAdmin):
    list_display = ["title", "code", "plan", "position"]
    list_filter = ["plan", "code"]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "role", "plan"]
    list_filter = ["plan", "role"]
    search_fields = ["name", "code"]
    filter_horizontal = ["axes"]
    inlines = [MembershipInline]


@admin.register(Action)
class ActionAdmin(admin.ModelAdmin):
    list_display = ["title", "plan", "axis", "owner", "status", "due_on"]
    list_filter = ["plan", "status"]


class DecisionInline(admin.StackedInline):
    model = Decision
    extra = 0


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["title", "plan", "held_on"]
    list_filter = ["plan"]
    filter_horizontal = ["attendees"]
    inlines = [DecisionInline]


@admin.register(Decision)
class DecisionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "meeting", "action"]
