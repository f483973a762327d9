"""Pages of the committee's web app."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from copil.indicators.periods import parse_period
from copil.plans.models import Plan
from copil.reports.bilan import build_bilan
from copil.reports.rendering import render_bilan

DEFAULT_PERIOD = "depuis le début du plan"


def home(request: HttpRequest) -> HttpResponse:
    """The list of plans, each with a link to its bilan."""
    plans = Plan.objects.select_related("territory").order_by("name")
    return render(request, "web/home.html", {"plans": plans, "default_period": DEFAULT_PERIOD})


def bilan(request: HttpRequest, slug: str) -> HttpResponse:
    """The bilan of a plan for the period given as `?periode=` (any expression `parse_period` reads)."""
    plan = get_object_or_404(Plan.objects.select_related("territory"), slug=slug)
    text = request.GET.get("periode", "").strip() or DEFAULT_PERIOD
    try:
        period = parse_period(text, plan_start=plan.started_on, plan_end=plan.ended_on)
    except ValueError as error:
        return render(request, "web/period_error.html", {"plan": plan, "error": error, "text": text}, status=400)
    return HttpResponse(render_bilan(build_bilan(plan, period), "html"))
