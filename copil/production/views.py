from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .health import check_health


@never_cache
@require_GET
def health(request: HttpRequest) -> HttpResponse:
    """`/sante/`, open to all: 200 « disponible » or 503 « indisponible », and nothing else."""
    if check_health().healthy:
        return HttpResponse(_("available") + "\n", content_type="text/plain; charset=utf-8")
    return HttpResponse(_("unavailable") + "\n", status=503, content_type="text/plain; charset=utf-8")
