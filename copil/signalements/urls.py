"""The signalement pages of a plan, included at /plans/<slug>/signalements/ (owned by the pages' branch)."""

from django.urls import URLPattern, URLResolver, path

from . import photo_views

app_name = "signalements"

urlpatterns: list[URLPattern | URLResolver] = [
    path("<int:pk>/photos/<int:photo_pk>/", photo_views.photo, name="photo"),
]
