"""The territory tree pages: the country, a région or a département, with the figures of every plan below, for the
users granted a territory (`TerritoryObserver`: the MILDECA, the ministry, a prefecture of région)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from copil.indicators.catalogue import IndicatorDefinition
from copil.indicators.periods import Period
from copil.indicators.territory_tree import (
    Node,
    build_tree,
    find,
    may_observe,
    node_key,
    published_tree,
    tree_indicators,
    tree_payload,
)
from copil.indicators.versions import fingerprint
from copil.plans.models import Plan

from .caching import cached


def tree_year(params: Mapping[str, str], today: dt.date | None = None) -> int:
    """The calendar year asked (`?annee=2025`), by default the last complete one."""
    today = today or timezone.localdate()
    text = params.get("annee") or ""
    if text.isdigit() and 2000 <= int(text) <= today.year:
        return int(text)
    return today.year - 1


def tree_figures(root: Node, period: Period, definitions: list[IndicatorDefinition]) -> dict:
    """The published tree, cached under every plan's data version (a write anywhere recomputes it)."""
    plans = [node.plan for node in root.walk() if node.plan is not None]
    parts = ["territory-tree", period, *(f"{plan.pk}:{fingerprint(plan.pk)}" for plan in plans)]
    return cached(parts, lambda: published_tree(root, period, definitions))


@require_GET
def territory(request: HttpRequest, level: str = "national", code: str = "") -> HttpResponse:
    """A node of the tree and its children, each with its published figures and rate per 10,000 inhabitants; the
    same as JSON with `?format=json` (observers sign in as users: the token API is a partner's)."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    root = build_tree(list(Plan.objects.select_related("territory__parent__parent")))
    node = find(root, node_key(level, code))
    if node is None:
        raise Http404(_("No plan in this territory."))
    if not may_observe(request.user, node):
        raise PermissionDenied(_("You observe no territory that includes this one."))
    year = tree_year(request.GET)
    period = Period(dt.date(year, 1, 1), dt.date(year, 12, 31))
    definitions = tree_indicators()
    figures = tree_figures(root, period, definitions)
    if request.GET.get("format") == "json":
        return JsonResponse(tree_payload(node, period, figures, definitions), json_dumps_params={"ensure_ascii": False})
    rows = [
        {
            "definition": definition,
            "node": figures[node.key].get(definition.code),
            "children": [figures[child.key].get(definition.code) for child in node.children],
        }
        for definition in definitions
    ]
    context = {
        "node": node,
        "ancestors": node.ancestors(),
        "children": node.children,
        "rows": rows,
        "year": year,
        "years": list(range(timezone.localdate().year - 1, timezone.localdate().year - 6, -1)),
        "breadcrumb_data": {"links": [], "current": node.name},
    }
    return render(request, "web/territory.html", context)
