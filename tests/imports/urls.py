"""The project's URLs with the published formats' URLs, whether or not the project includes them yet."""

from django.urls import include, path

from copil.urls import urlpatterns as project_urlpatterns

included = any(getattr(pattern, "namespace", None) == "imports" for pattern in project_urlpatterns)
urlpatterns = [*([] if included else [path("", include("copil.imports.urls"))]), *project_urlpatterns]
