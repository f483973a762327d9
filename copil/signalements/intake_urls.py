"""The national reporting platform's import page, under /plans/<slug>/signalements/import/."""

from django.urls import path

from . import intake_views

app_name = "signalements_intake"

urlpatterns = [path("", intake_views.intake_page, name="import")]
