"""The signalement pages of a plan, included at /plans/<slug>/signalements/ (owned by the pages' branch)."""

from django.urls import URLPattern, URLResolver

app_name = "signalements"

urlpatterns: list[URLPattern | URLResolver] = []
