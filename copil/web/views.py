"""Pages of the committee's web app."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from copil.plans.models import Plan


def home(request: HttpRequest) -> HttpResponse:
    """The list of plans, each with a link to its bilan."""
    plans = Plan.objects.select_related("territory").order_by("name")
    return render(request, "web/home.html", {"plans": plans})
