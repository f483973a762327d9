"""Template context of every page: the DSFR site configuration, skip links and the main navigation."""

from dataclasses import dataclass
from functools import cache

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from dsfr.models import DsfrConfig

from copil.access import policy
from copil.access.actors import Actor
from copil.records.models import RECORD_KINDS
from copil.reports.models import BilanVersion

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


def _signed_in(user: Actor) -> bool:
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "is_active", False))


def _remembered_plan_slug(request: HttpRequest) -> str | None:
    session = getattr(request, "session", None)
    return session.get(SESSION_PLAN_KEY) if session is not None else None


def may_manage_members(user: Actor) -> bool:
    """Whether the footer links to the members and the audit trail: coordinators and superusers."""
    if user is None or not _signed_in(user):
        return False
    return bool(user.is_superuser) or any(seat.role == policy.COORDINATOR for seat in policy.seats(user))


def current_plan_slug(request: HttpRequest) -> str | None:
    """The plan of the page (its URL's `slug`), or the last plan the user opened in this session."""
    match = getattr(request, "resolver_match", None)
    slug = match.kwargs.get("slug") if match else None
    if slug:
        return slug
    session = getattr(request, "session", None)
    return session.get(SESSION_PLAN_KEY) if session is not None else None


def may_open_records(user: Actor) -> bool:
    """Whether the records pages have something for the user: some kind they may read or create somewhere."""
    return any(policy.may_somewhere(user, action, kind) for kind in RECORD_KINDS for action in ("read", "create"))


def may_open_admin(user: Actor) -> bool:
    """Whether the footer links to the Django admin: the deployment's administrators only (superusers, and staff
    acting for no partner). Partners' members are `is_staff` for the entry forms, yet never led there."""
    if user is None or not _signed_in(user):
        return False
    return bool(user.is_superuser) or (bool(user.is_staff) and not policy.seats(user))


def navigation(request: HttpRequest) -> list[NavItem]:
    """The main menu, only with pages the user may open. Plan pages link to the current plan's pages for its
    members (the plan remembered in the session: member pages remember it, with no query here); without a
    plan they lead to the plan list. Others get the plan list and the plan's published bilan, once there is one."""
    user = getattr(request, "user", None)
    signed_in = _signed_in(user)
    slug = current_plan_slug(request)
    home = reverse("web:home")
    published = None
    if slug and not (signed_in and slug == _remembered_plan_slug(request)):
        if BilanVersion.objects.published().filter(plan__slug=slug).exists():
            published = _url("web:bilan_versions", slug)
        slug = None
    entries = [
        (_("Dashboard") if slug else _("Plans"), _url("web:dashboard", slug) if slug else home),
        (_("Map"), _url("web:map", slug) if slug else None),
        (_("Signalements"), _url("signalements:queue", slug) if slug and signed_in else None),
        (_("Records"), "/enregistrements/" if signed_in and may_open_records(user) else None),
        (_("Meetings"), _url("web:meetings", slug) if slug else None),
        (_("Bilans"), _url("web:bilan", slug) if slug else published),
        (_("Comparison"), _url("web:comparison") if signed_in else None),
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
        "copil_may_manage_members": may_manage_members(getattr(request, "user", None)),
        "copil_may_open_admin": may_open_admin(getattr(request, "user", None)),
    }
