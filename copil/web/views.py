"""Pages of the committee's web app."""

from urllib.parse import urlencode

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import content_disposition_header

from copil.access import policy
from copil.access.audit import record_event
from copil.access.models import AuditEvent
from copil.indicators.catalogue import get_indicator
from copil.indicators.periods import Period, parse_period
from copil.plans.models import Plan
from copil.reports.bilan import INDICATORS, build_bilan
from copil.reports.rendering import CONTENT_TYPES, bilan_bytes, bilan_file_name, render_bilan

DEFAULT_PERIOD = "depuis le début du plan"


def home(request: HttpRequest) -> HttpResponse:
    """The list of plans, each with a link to its bilan."""
    plans = Plan.objects.select_related("territory").order_by("name")
    return render(request, "web/home.html", {"plans": plans, "default_period": DEFAULT_PERIOD})


def _plan_and_period(request: HttpRequest, slug: str) -> tuple[Plan, Period | HttpResponse]:
    """The plan of the URL and the period of `?periode=` (any expression `parse_period` reads), or the page
    explaining why the period cannot be read."""
    plan = get_object_or_404(Plan.objects.select_related("territory"), slug=slug)
    text = request.GET.get("periode", "").strip() or DEFAULT_PERIOD
    try:
        return plan, parse_period(text, plan_start=plan.started_on, plan_end=plan.ended_on)
    except ValueError as error:
        return plan, render(request, "web/period_error.html", {"plan": plan, "error": error, "text": text}, status=400)


def _published_for(request: HttpRequest, plan: Plan) -> bool:
    """Whether the user gets the published variant (small counts suppressed): everyone but those who see
    every figure of the bilan exactly (`copil.access.policy.aggregate_rule`)."""
    definitions = [get_indicator(code) for code in INDICATORS]
    return not policy.sees_exact_bilan(request.user, plan, definitions)


def _wants_published(request: HttpRequest) -> bool:
    return request.GET.get("publie") == "1"


def _audit(request: HttpRequest, action: str, plan: Plan, period: Period, published: bool, **details) -> None:
    """Bilans and exports made by members go to the audit trail (anonymous readers of the published one do not)."""
    if request.user.is_authenticated:
        record_event(
            request.user,
            action,
            plan=plan,
            details={"period": f"{period.start}/{period.end}", "published": published, **details},
        )


def bilan(request: HttpRequest, slug: str, *, published_only: bool = False) -> HttpResponse:
    """The bilan of a plan for the period given as `?periode=`, with links to its PDF and CSV.

    Members log in; those who may not see every figure exactly get the published variant, as do visitors on
    the published address (`published_only`).
    """
    if not published_only and not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    plan, period = _plan_and_period(request, slug)
    if isinstance(period, HttpResponse):
        return period
    published = published_only or _published_for(request, plan)
    query = {"periode": request.GET.get("periode", "").strip() or DEFAULT_PERIOD}
    if published:
        query["publie"] = "1"
    downloads = {
        output_format: f"{reverse(f'web:bilan_{output_format}', args=[plan.slug])}?{urlencode(query)}"
        for output_format in ("pdf", "csv")
    }
    _audit(request, AuditEvent.Action.BILAN, plan, period, published)
    report = build_bilan(plan, period, published=published)
    return HttpResponse(render_bilan(report, "html", downloads=downloads))


def published_bilan(request: HttpRequest, slug: str) -> HttpResponse:
    """The published bilan, open to everyone: small person counts suppressed."""
    return bilan(request, slug, published_only=True)


def bilan_download(request: HttpRequest, slug: str, output_format: str) -> HttpResponse:
    """The bilan as a file to save: `pdf` (for the committee) or `csv` (every figure).

    `?publie=1` gives the published variant, to anyone; otherwise members log in and get the variant the
    policy grants them.
    """
    if not _wants_published(request) and not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    plan, period = _plan_and_period(request, slug)
    if isinstance(period, HttpResponse):
        return period
    published = _wants_published(request) or _published_for(request, plan)
    _audit(request, AuditEvent.Action.EXPORT, plan, period, published, format=output_format)
    report = build_bilan(plan, period, published=published, charts=output_format == "pdf")
    return HttpResponse(
        bilan_bytes(report, output_format),
        content_type=CONTENT_TYPES[output_format],
        headers={"Content-Disposition": content_disposition_header(True, bilan_file_name(report, output_format))},
    )
