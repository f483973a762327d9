"""The field app's addresses: the manifest and the service worker at the site's root (a worker's scope is its own
folder), the start address and each plan's field page with its outbox endpoints."""

from django.urls import path

from . import pwa_views

app_name = "pwa"
urlpatterns = [
    path("manifest.webmanifest", pwa_views.manifest, name="manifest"),
    path("sw.js", pwa_views.service_worker, name="service_worker"),
    path("terrain/", pwa_views.start, name="start"),
    path("plans/<slug:slug>/terrain/", pwa_views.field, name="field"),
    path("plans/<slug:slug>/terrain/signalements/", pwa_views.signalement_submit, name="signalement_submit"),
    path("plans/<slug:slug>/terrain/observations/", pwa_views.observation_submit, name="observation_submit"),
]
