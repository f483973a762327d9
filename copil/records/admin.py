"""Admin for every record kind: list by plan and partner, filter on the kind's own choices."""

from django.contrib import admin
from django.db import models

from .models import RECORD_KINDS


def _admin_for(model: type[models.Model]) -> type[admin.ModelAdmin]:
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
        (admin.ModelAdmin,),
        {
            "list_display": ["external_id", "partner", *[n for n in shown if n != "external_id"][:6]],
            "list_filter": ["plan", "partner", *choice_fields],
            "search_fields": ["external_id"],
            "date_hierarchy": next((n for n in date_fields if n not in {"created_at", "updated_at"}), None),
            "list_select_related": ["partner"],
        },
    )


for _model in RECORD_KINDS.values():
    admin.site.register(_model, _admin_for(_model))
