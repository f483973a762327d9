from django.contrib import admin
from django.urls import include, path

from copil.api.api import api
from copil.production.views import health

urlpatterns = [
    path("sante/", health, name="health"),
    path("admin/", admin.site.urls),
    path("compte/notifications/", include("copil.notifications.urls")),
    path("compte/", include("copil.access.urls")),
    path("protection-des-donnees/", include("copil.privacy.urls")),
    path("api/jetons/", include("copil.api.urls")),
    path("api/", api.urls),
    path("enregistrements/", include("copil.records.urls")),
    path("plans/<slug:slug>/signalements/", include("copil.signalements.urls")),
    path("", include("copil.signalements.pwa_urls")),
    path("", include("copil.imports.urls")),
    path("", include("copil.web.urls")),
    path("plans/<slug:slug>/signalements/import/", include("copil.signalements.intake_urls")),
]
