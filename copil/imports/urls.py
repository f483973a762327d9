"""URLs of the published formats; the project includes them at the root: `path("", include("copil.imports.urls"))`."""

from django.urls import path

from . import views

app_name = "imports"
urlpatterns = [
    path("formats/", views.formats, name="formats"),
    path("formats/<slug:file_stem>/schema.json", views.schema, name="schema"),
    path("formats/<slug:file_stem>.csv", views.example, name="example_csv"),
    path("formats/<slug:file_stem>.xlsx", views.template, name="xlsx_template"),
]
