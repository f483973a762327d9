"""Admin of the plan objects, governed by the access policy (`copil.access.policy.PLAN_OBJECT_TABLE`).

Lists go through `visible_plan_objects`, permissions through `can`; choices of related objects are limited to
the plans where the user may write. Saves and deletions, inline rows included, go through
`copil.plans.actions` (policy check in the write's transaction); django-auditlog captures them into the audit
trail with the user as actor.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest

from copil.access import policy
from copil.access.actors import Actor

from . import actions
from .models import Action, Axis, Decision, Meeting, Membership, Partner, Plan, Target, Territory

_PLAN_FIELDS = {Plan: "pk", Axis: "plan", Partner: "plan", Meeting: "plan", Action: "plan"}


if TYPE_CHECKING:  # what the mixin is mixed into, for the checker's sake
    _AdminBase = admin.options.BaseModelAdmin[Any]
else:
    _AdminBase = object


class PolicyAdminMixin(_AdminBase):
    """has_*_permission, get_queryset and related choices from the access policy for one plan-object kind."""

    kind: str

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return policy.visible_plan_objects(request.user, self.kind)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request)

    def _allowed(self, request: HttpRequest, action: str, obj: Any) -> bool:
        """`obj` is the object itself, or for an inline the parent object (whose plan decides)."""
        if obj is not None and isinstance(obj, self.model):
            return policy.can(request.user, action, self.kind, obj=obj)
        if self.kind == "territory":
            return policy.can(request.user, action, "territory")
        plan = _plan_of(obj) if obj is not None else None
        if plan is not None:
            return policy.can(request.user, action, self.kind, plan=plan)
        return policy.may_somewhere(request.user, action, self.kind)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request, "read", obj)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request, "create", obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request, "update", obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request, "delete", obj)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        actions.save_plan_object(obj, actor=request.user, kind=self.kind)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        actions.delete_plan_object(obj, actor=request.user, kind=self.kind)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        """The admin's bulk deletion: every object through the actions, all or none."""
        with transaction.atomic():
            for obj in queryset:
                actions.delete_plan_object(obj, actor=request.user, kind=self.kind)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        """The object's many-to-many links (a partner's axes, a meeting's attendees) and its inline rows, through
        the actions; links kept by an intermediate model of their own (memberships) are inline rows."""
        obj = form.instance
        for field in obj._meta.many_to_many:
            if field.name in form.cleaned_data and field.remote_field.through._meta.auto_created:
                actions.set_plan_object_links(obj, field.name, form.cleaned_data[field.name], actor=request.user)
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        """Inline rows (axes, targets, memberships, decisions) are written through the actions too."""
        kind = actions.kind_of(formset.model)
        for obj in formset.save(commit=False):
            actions.save_plan_object(obj, actor=request.user, kind=kind)
        for obj in formset.deleted_objects:
            actions.delete_plan_object(obj, actor=request.user, kind=kind)
        formset.save_m2m()

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        plans = policy.plans_where(request.user, "create", self.kind) | policy.plans_where(
            request.user, "update", self.kind
        )
        related = db_field.related_model
        if related is Plan:
            kwargs["queryset"] = plans
        elif related in _PLAN_FIELDS:
            kwargs["queryset"] = related.objects.filter(**{f"{_PLAN_FIELDS[related]}__in": plans})
        elif related is Territory:
            kwargs["queryset"] = policy.visible_plan_objects(request.user, "territory")
        elif related is get_user_model():
            kwargs["queryset"] = _users_of(request.user, plans)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        related = db_field.related_model
        if related in _PLAN_FIELDS:
            plans = policy.plans_where(request.user, "update", self.kind) | policy.plans_where(
                request.user, "create", self.kind
            )
            kwargs["queryset"] = related.objects.filter(**{f"{_PLAN_FIELDS[related]}__in": plans})
        return super().formfield_for_manytomany(db_field, request, **kwargs)


def _plan_of(obj: Any) -> Plan | None:
    if isinstance(obj, Plan):
        return obj
    if isinstance(obj, Decision):
        return obj.meeting.plan
    if isinstance(obj, Membership):
        return obj.partner.plan
    return getattr(obj, "plan", None)


def _users_of(user: Actor, plans: QuerySet[Plan]) -> QuerySet:
    """Users a coordinator may pick: members of the plans they manage (invite newcomers from /compte/)."""
    users = get_user_model().objects.all()
    if getattr(user, "is_superuser", False):
        return users
    return users.filter(membership__partner__plan__in=plans).distinct()


@admin.register(Territory)
class TerritoryAdmin(PolicyAdminMixin, admin.ModelAdmin):
    kind = "territory"
    list_display = ["name", "insee_code", "level", "population", "parent"]
    list_filter = ["level"]
    search_fields = ["name", "insee_code"]


class AxisInline(PolicyAdminMixin, admin.TabularInline):
    kind = "axis"
    model = Axis
    extra = 0


class TargetInline(PolicyAdminMixin, admin.TabularInline):
    kind = "target"
    model = Target
    extra = 0


@admin.register(Plan)
class PlanAdmin(PolicyAdminMixin, admin.ModelAdmin):
    kind = "plan"
    list_display = ["name", "territory", "started_on", "ended_on"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [AxisInline, TargetInline]


@admin.register(Target)
class TargetAdmin(PolicyAdminMixin, admin.ModelAdmin):
    kind = "target"
    list_display = ["indicator", "plan", "value", "direction"]
    list_filter = ["plan"]


@admin.register(Axis)
class AxisAdmin(PolicyAdminMixin, admin.ModelAdmin):
    kind = "axis"
    list_display = ["title", "code", "plan", "position"]
    list_filter = [("plan", admin.RelatedOnlyFieldListFilter), "code"]


class MembershipInline(PolicyAdminMixin, admin.TabularInline):
    kind = "membership"
    model = Membership
    extra = 0
    fields = ["user", "joined_on", "deactivated_at"]
    readonly_fields = ["joined_on"]

    def get_formset(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        """Memberships of a care partner follow `policy.care_membership_refusal` (no self-admission)."""
        formset = super().get_formset(request, obj, **kwargs)
        actor = request.user

        class CareMembershipFormSet(formset):  # type: ignore[misc,valid-type]
            def clean(self) -> None:
                super().clean()
                for form in self.forms:
                    user = form.cleaned_data.get("user") if hasattr(form, "cleaned_data") else None
                    if user is None or form.cleaned_data.get("DELETE") or "user" not in form.changed_data:
                        continue
                    refusal = policy.care_membership_refusal(actor, self.instance, user)
                    if refusal:
                        form.add_error("user", refusal)

        return CareMembershipFormSet


@admin.register(Partner)
class PartnerAdmin(PolicyAdminMixin, admin.ModelAdmin):
    kind = "partner"
    list_display = ["name", "code", "role", "plan"]
    list_filter = [("plan", admin.RelatedOnlyFieldListFilter), "role"]
    search_fields = ["name", "code"]
    filter_horizontal = ["axes"]
    inlines = [MembershipInline]


@admin.register(Action)
class ActionAdmin(PolicyAdminMixin, admin.ModelAdmin):
    kind = "action"
    list_display = ["title", "plan", "axis", "owner", "status", "due_on"]
    list_filter = [("plan", admin.RelatedOnlyFieldListFilter), "status"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        """A partner updating the action it owns changes its progress, not what or whose it is."""
        if obj is not None and not policy.can(request.user, "create", "action", plan=obj.plan_id):
            return ["plan", "axis", "owner", "title"]
        return list(super().get_readonly_fields(request, obj))


class DecisionInline(PolicyAdminMixin, admin.StackedInline):
    kind = "decision"
    model = Decision
    extra = 0


@admin.register(Meeting)
class MeetingAdmin(PolicyAdminMixin, admin.ModelAdmin):
    kind = "meeting"
    list_display = ["title", "plan", "held_on"]
    list_filter = [("plan", admin.RelatedOnlyFieldListFilter)]
    filter_horizontal = ["attendees"]
    inlines = [DecisionInline]


@admin.register(Decision)
class DecisionAdmin(PolicyAdminMixin, admin.ModelAdmin):
    kind = "decision"
    list_display = ["__str__", "meeting", "action"]
