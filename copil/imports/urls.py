"""URLs of the published formats; the project includes them at the root: `path("", include("copil.imports.urls"))`."""

from django.urls import path

from . import upload_views, views

app_name = "imports"
urlpatterns = [
    path("formats/", views.formats, name="formats"),
    path("formats/<slug:file_stem>/schema.json", views.schema, name="schema"),
    path("formats/<slug:file_stem>.csv", views.example, name="example_csv"),
    path("formats/<slug:file_stem>.xlsx", views.template, name="xlsx_template"),
    path("imports/", upload_views.upload, name="upload"),
    path("imports/<int:pk>/", upload_views.job_page, name="job"),
    path("imports/<int:pk>/confirmer/", upload_views.confirm, name="confirm"),
    path("imports/<int:pk>/annuler/", upload_views.cancel, name="cancel"),
    path("imports/<int:pk>/erreurs.csv", upload_views.errors_download, name="errors_csv"),
]
