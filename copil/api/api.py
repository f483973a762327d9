"""The JSON API (django-ninja): OpenAPI 3 at /api/openapi.json, documentation at /api/docs.

Every operation needs `Authorization: Bearer <token>`; tokens are created at /api/jetons/ and act as their
partner (`copil.api.auth`).
"""

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI, Swagger

from copil.signalements.api import router as signalements_router

from . import errors
from .auth import TokenAuth
from .records import router as records_router
from .reports import router as reports_router


class SwaggerInEnglish(Swagger):
    """Swagger UI, whose page says it is in English (its interface's language), for screen readers (axe's
    « html-has-lang »: django-ninja's template has no `lang`)."""

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        response = super().render_page(request, api, **kwargs)
        response.content = response.content.replace(b"<html>", b'<html lang="en">', 1)
        return response


api = NinjaAPI(
    title="Copil — API",
    version="1",
    description=(
        "Enregistrements des partenaires (création, création en lot, lecture, modification, suppression), "
        "indicateurs et bilan d'un plan. Authentification : `Authorization: Bearer <jeton>` ; un jeton agit "
        "au nom de son partenaire, avec ses droits. Les enregistrements utilisent les colonnes et les valeurs "
        "des formats d'import publiés (/formats/). Erreurs : JSON, avec le chemin du champ en cause (422)."
    ),
    auth=TokenAuth(),
    urls_namespace="api",
    docs=SwaggerInEnglish(),
    docs_url="/docs",
    openapi_url="/openapi.json",
)
errors.install(api)
api.add_router("/records", records_router)
api.add_router("", reports_router)
api.add_router("", signalements_router)
