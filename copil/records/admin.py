"""Admin for every record kind, governed by the access policy.

Lists go through `visible_records`, permissions through `can`, and saves and deletes through
`copil.records.actions` (so they are checked and audited like any other channel). The change form carries the
version it was read at: saving over someone else's newer change is refused with the conflict message.
Django's model permissions play no part here; `is_staff` only opens the door to the admin site.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.translation import gettext_lazy as _

from copil.access import policy
from copil.access.audit import record_read
from copil.plans.models import Plan

from .actions import StaleRecord, create_record, delete_record, update_record
from .models import RECORD_KINDS, Record

EXPECTED_VERSION = "expected_version"


class RecordAdminForm(forms.ModelForm):
    """Adds the version the form was read at; the save is refused if the record moved on since."""

    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.fields[EXPECTED_VERSION].initial = self.instance.version

    def clean(self) -> dict[str, Any]:
        data = super().clean() or self.cleaned_data
        plan, partner = data.get("plan"), data.get("partner")
        if plan is not None and partner is not None and partner.plan_id != plan.pk:
            self.add_error("partner", _("This partner does not belong to the plan."))
        if self.instance.pk is not None:
            expected = data.get(EXPECTED_VERSION)
            if expected is None:
                raise ValidationError(_("The form is missing the version of the record; reload the page."))
            current = type(self.instance).objects.filter(pk=self.instance.pk).values_list("version", flat=True).first()
            if current != expected:
                raise ValidationError(str(StaleRecord(self.instance, expected, current)))
        return data


class RecordAdmin(admin.ModelAdmin):
    kind: str
    form = RecordAdminForm

    # --- what the user sees ---
    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return policy.visible_records(request.user, self.kind).select_related("partner", "plan")

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request) or self.has_add_permission(request)

    def has_view_permission(self, request: HttpRequest, obj: Record | None = None) -> bool:
        return policy.can(request.user, "read", self.kind, obj.partner if obj is not None else None)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return policy.can(request.user, "create", self.kind)

    def has_change_permission(self, request: HttpRequest, obj: Record | None = None) -> bool:
        return policy.can(request.user, "update", self.kind, obj.partner if obj is not None else None)

    def has_delete_permission(self, request: HttpRequest, obj: Record | None = None) -> bool:
        return policy.can(request.user, "delete", self.kind, obj.partner if obj is not None else None)

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        user = request.user
        if db_field.name == "plan":
            creatable = policy.creatable_partners(user, self.kind)
            kwargs["queryset"] = Plan.objects.filter(pk__in=creatable.values("plan_id"))
        elif db_field.name == "partner":
            kwargs["queryset"] = policy.creatable_partners(user, self.kind).select_related("plan")
        else:
            target = next((k for k, m in RECORD_KINDS.items() if m is db_field.related_model), None)
            if target is not None:
                kwargs["queryset"] = policy.visible_records(user, target)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "parties":
            kwargs["queryset"] = policy.visible_plan_objects(request.user, "partner")
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_readonly_fields(self, request: HttpRequest, obj: Record | None = None) -> list[str]:
        readonly = list(super().get_readonly_fields(request, obj))
        return [*readonly, "plan", "partner"] if obj is not None else readonly

    # --- writes, through copil.records.actions ---
    def _data(self, form: forms.ModelForm, *, changed_only: bool) -> dict[str, Any]:
        names = [
            name
            for name in form.cleaned_data
            if name not in {"plan", "partner", EXPECTED_VERSION} and name in form.fields
        ]
        if changed_only:
            names = [name for name in names if name in form.changed_data]
        return {name: form.cleaned_data[name] for name in names}

    def save_model(self, request: HttpRequest, obj: Record, form: forms.ModelForm, change: bool) -> None:
        if not change:
            created = create_record(
                request.user, self.kind, plan=obj.plan, partner=obj.partner, data=self._data(form, changed_only=False)
            )
            obj.pk, obj.version = created.pk, created.version
            obj._state.adding = False
            return
        update_record(
            request.user,
            obj,
            self._data(form, changed_only=True),
            expected_version=form.cleaned_data[EXPECTED_VERSION],
        )

    def save_related(self, request: HttpRequest, form: forms.ModelForm, formsets: Any, change: bool) -> None:
        """Many-to-many values were written by the action with the record; only inlines remain."""
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def delete_model(self, request: HttpRequest, obj: Record) -> None:
        delete_record(request.user, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        for obj in queryset.select_related("partner"):
            delete_record(request.user, obj)

    # --- reads of person-level records, audited (copil.access.audit.record_read) ---
    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        response = super().changelist_view(request, extra_context)
        changelist = (getattr(response, "context_data", None) or {}).get("cl")
        if changelist is not None:
            filters = {key: value for key, value in request.GET.items() if key != "o"}
            record_read(request.user, self.kind, rows=len(changelist.result_list), filters=filters)
        return response

    def changeform_view(
        self, request: HttpRequest, object_id: str | None = None, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        try:
            response = super().changeform_view(request, object_id, form_url, extra_context)
            original = (getattr(response, "context_data", None) or {}).get("original")
            if request.method == "GET" and original is not None and original.pk is not None:
                record_read(request.user, self.kind, rows=1, obj=original)
            return response
        except StaleRecord as conflict:  # lost the race after the form's own check
            self.message_user(request, str(conflict), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())
        except PermissionDenied:
            raise


def _admin_for(kind: str, model: type[models.Model]) -> type[RecordAdmin]:
    own_fields = [f for f in model._meta.get_fields() if f.concrete and not f.many_to_many and not f.auto_created]
    date_fields = [f.name for f in own_fields if isinstance(f, models.DateField | models.DateTimeField)]
    shown = [
        f.name
        for f in own_fields
        if f.name not in {"plan", "created_at", "updated_at", "latitude", "longitude"} and not f.is_relation
    ]
    choice_fields = [f.name for f in own_fields if f.choices or isinstance(f, models.BooleanField)]
    return type(
        f"{model.__name__}Admin",
        (RecordAdmin,),
        {
            "kind": kind,
            "list_display": ["external_id", "partner", *[n for n in shown if n != "external_id"][:6]],
            "list_filter": [
                ("plan", admin.RelatedOnlyFieldListFilter),
                ("partner", admin.RelatedOnlyFieldListFilter),
                *choice_fields,
            ],
            "search_fields": ["external_id"],
            "date_hierarchy": next((n for n in date_fields if n not in {"created_at", "updated_at"}), None),
            "list_select_related": ["partner"],
        },
    )


for _kind, _model in RECORD_KINDS.items():
    admin.site.register(_model, _admin_for(_kind, _model))
