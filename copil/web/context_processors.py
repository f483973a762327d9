"""Template context of every page: the DSFR site configuration, skip links and the main navigation."""

from dataclasses import dataclass
from functools import cache

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from dsfr.models import DsfrConfig

SESSION_PLAN_KEY = "copil_plan"


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    current: bool


@cache
def _site_config() -> DsfrConfig:
    """The DSFR header and footer texts, built in memory: no database query on each page (the dsfr app's own
    context processor reads its `DsfrConfig` table on every request)."""
    return DsfrConfig(
        language="fr",
        site_title="Copil",
        site_tagline="Pilotage des plans locaux de lutte contre les stupéfiants",
        footer_brand="République française",
        footer_brand_html="République<br>française",
        header_brand="République française",
        header_brand_html="République<br>française",
        footer_description="Copil rassemble les données des partenaires d’un plan local de lutte contre les "
        "stupéfiants, calcule ses indicateurs et prépare le bilan du comité de pilotage.",
        accessibility_status="NON",
    )


def _url(name: str, *args: str) -> str | None:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def current_plan_slug(request: HttpRequest) -> str | None:
    """The plan of the page (its URL's `slug`), or the last plan the user opened in this session."""
    match = getattr(request, "resolver_match", None)
    slug = match.kwargs.get("slug") if match else None
    if slug:
        return slug
    session = getattr(request, "session", None)
    return session.get(SESSION_PLAN_KEY) if session is not None else None


def navigation(request: HttpRequest) -> list[NavItem]:
    """The main menu. Plan pages link to the current plan's pages; without a plan they lead to the plan list."""
    slug = current_plan_slug(request)
    home = reverse("web:home")
    entries = [
        (_("Dashboard"), _url("web:dashboard", slug) if slug else home),
        (_("Map"), _url("web:map", slug) if slug else home),
        (_("Records"), "/enregistrements/"),
        (_("Meetings"), _url("web:meetings", slug) if slug else home),
        (_("Bilans"), _url("web:bilan", slug) if slug else home),
        (_("Comparison"), _url("web:comparison")),
    ]
    path = request.path
    items = []
    for index, (label, url) in enumerate(entries):
        if not url:
            continue
        if url == home:
            current = index == 0 and path == home
        elif slug and url == _url("web:dashboard", slug):
            current = path == url
        else:
            current = path.startswith(url)
        items.append(NavItem(label, url, current))
    return items


def site(request: HttpRequest) -> dict:
    return {
        "SITE_CONFIG": _site_config(),
        "skiplinks": [
            {"link": "#content", "label": _("Content")},
            {"link": "#fr-navigation", "label": _("Menu")},
            {"link": "#footer", "label": _("Footer")},
        ],
        "copil_nav": navigation(request),
    }
