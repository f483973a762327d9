"""Every change to a signalement goes through this module: policy check, history `Event` and audit entry in one
transaction. `actor=None` is the system (command line, daily task, outside intake)."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import io
import uuid
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from copil.access import policy
from copil.access.actors import Actor
from copil.access.audit import record_event
from copil.access.models import AuditEvent
from copil.plans.models import Partner, Plan, Territory
from copil.records.models import DealPoint, EvictionProcedure, Operation

from . import queries
from .models import Category, Charter, CharterAcceptance, Event, Photo, RoutingRule, Signalement
from .names import find_personal_data

DEFAULT_CATEGORIES: tuple[tuple[str, str, int], ...] = (
    ("point_de_deal", "point de deal suspecté", 30),
    ("regroupement", "regroupement d'usagers", 7),
    ("materiel", "matériel de consommation trouvé", 2),
    ("occupation_hall", "occupation de hall", 14),
    ("nuisance", "nuisance", 14),
    ("squat", "squat", 30),
    ("maraude", "besoin de maraude", 3),
)
MAX_PHOTOS = 3
MAX_PHOTO_BYTES = 2 * 1024 * 1024
MAX_PHOTO_SIDE = 1600


def _user(actor: Actor) -> Any:
    return actor if getattr(actor, "pk", None) else None


def _event(
    s: Signalement, actor: Actor, action: str, *, from_status: str = "", note: str = "", at: dt.datetime | None = None
) -> Event:
    """One step of the history, dated at the action's own moment (the daily task's `now`, a demo's date)."""
    return Event.objects.create(
        signalement=s,
        at=at or timezone.now(),
        actor=_user(actor),
        action=action,
        from_status=from_status,
        to_status=s.status,
        note=note,
    )


def _audit(actor: Actor, s: Signalement, action: str, **details: Any) -> None:
    kind = AuditEvent.Action.CREATE if action == Event.Action.CREATED else AuditEvent.Action.UPDATE
    record_event(actor, kind, plan=s.plan_id, obj=s, details={"signalement": action, **details})


def ensure_default_categories(plan: Plan) -> list[Category]:
    """The plan's default categories (created once; existing ones, possibly edited, are kept)."""
    return [
        Category.objects.get_or_create(plan=plan, code=code, defaults={"label": label, "due_days": due_days})[0]
        for code, label, due_days in DEFAULT_CATEGORIES
    ]


# --- routing -------------------------------------------------------------------------------------------------


def _territory_of(plan: Plan, commune: str) -> Territory | None:
    if not commune.strip():
        return None
    below = plan.territory.descendants_and_self()
    by_name = {t.name.casefold(): t for t in below}
    by_code = {t.insee_code: t for t in below}
    key = commune.strip()
    return by_code.get(key) or by_name.get(key.casefold())


def matching_rules(s: Signalement) -> list[RoutingRule]:
    """The rules of the signalement's category for its territory (or one above it), else for the whole plan."""
    rules = list(RoutingRule.objects.filter(category=s.category_id).select_related("territory"))
    if s.territory_id is not None:
        ancestors, node = set(), s.territory
        while node is not None:
            ancestors.add(node.pk)
            node = node.parent
        local = [r for r in rules if r.territory_id in ancestors]
        if local:
            return local
    return [r for r in rules if r.territory_id is None]


def _route(s: Signalement, actor: Actor) -> tuple[set[int], set[int]]:
    responsible: set[int] = set()
    informed: set[int] = set()
    for rule in matching_rules(s):
        responsible |= set(rule.responsible.values_list("pk", flat=True))
        informed |= set(rule.informed.values_list("pk", flat=True))
    informed -= responsible
    s.responsible.set(responsible)
    s.informed.set(informed)
    _event(
        s,
        actor,
        Event.Action.ROUTED,
        note=", ".join(Partner.objects.filter(pk__in=responsible).values_list("name", flat=True)),
        at=s.created_at,
    )
    return responsible, informed


def set_routing_rule(
    plan: Plan,
    *,
    actor: Actor,
    category: Category,
    territory: Territory | None = None,
    responsible: Iterable[Partner] = (),
    informed: Iterable[Partner] = (),
) -> RoutingRule:
    """Create or replace the rule of (category, territory); coordinators only; partners of the plan only."""
    if not queries.may_manage_routing(actor, plan):
        raise PermissionDenied(_("Only the plan's coordinators maintain the routing table."))
    responsible, informed = list(responsible), list(informed)
    if category.plan_id != plan.pk:
        raise ValidationError({"category": _("Unknown category, or one of another plan.")})
    if any(p.plan_id != plan.pk for p in responsible + informed):
        raise ValidationError({"responsible": _("Every partner must belong to the plan.")})
    with transaction.atomic():
        rule = (
            RoutingRule.objects.select_for_update()
            .filter(category=category, territory=territory)
            .order_by("pk")
            .first()
        )
        before = {"responsible": sorted(rule.responsible.values_list("pk", flat=True))} if rule else None
        if rule is None:
            rule = RoutingRule.objects.create(plan=plan, category=category, territory=territory)
        rule.responsible.set(responsible)
        rule.informed.set(informed)
        record_event(
            actor,
            AuditEvent.Action.UPDATE if before else AuditEvent.Action.CREATE,
            plan=plan,
            obj=rule,
            details={
                "routing_rule": category.code,
                "territory": territory.insee_code if territory else None,
                "responsible": sorted(p.pk for p in responsible),
                "informed": sorted(p.pk for p in informed),
            },
        )
    return rule


# --- photos --------------------------------------------------------------------------------------------------


def decode_photo(data_url: str, index: int) -> bytes:
    """The bytes of a `data:image/…;base64,…` photo, with a French error naming it."""
    label = _("photo {n}").format(n=index + 1)
    head, sep, payload = data_url.partition(",")
    if not sep or not head.startswith("data:image/") or ";base64" not in head:
        raise ValidationError(
            {"photos": _("{photo}: not an image data URL (data:image/jpeg;base64,…).").format(photo=label)}
        )
    try:
        raw = base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError) as error:
        raise ValidationError({"photos": _("{photo}: invalid base64.").format(photo=label)}) from error
    return raw


def _reencode(raw: bytes, index: int) -> tuple[bytes, int, int]:
    """Re-encode as JPEG without any metadata (EXIF, GPS), at most MAX_PHOTO_SIDE pixels on its longer side."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    label = _("photo {n}").format(n=index + 1)
    if len(raw) > MAX_PHOTO_BYTES:
        raise ValidationError({"photos": _("{photo}: more than 2 MB.").format(photo=label)})
    try:
        with Image.open(io.BytesIO(raw)) as opened:
            opened.load()
            upright = ImageOps.exif_transpose(opened).convert("RGB")
            upright.thumbnail((MAX_PHOTO_SIDE, MAX_PHOTO_SIDE))
            clean = Image.new("RGB", upright.size)  # a new image: no metadata is carried over
            clean.paste(upright)
            out = io.BytesIO()
            clean.save(out, format="JPEG", quality=85)
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as error:
        raise ValidationError({"photos": _("{photo}: not a readable image.").format(photo=label)}) from error
    return out.getvalue(), clean.width, clean.height


def _store_photos(s: Signalement, photos: Sequence[bytes | str]) -> list[Photo]:
    """Write the photos to the private storage; a file is removed again if the transaction rolls back."""
    if len(photos) > MAX_PHOTOS:
        raise ValidationError({"photos": _("At most 3 photos.")})
    encoded = []
    for index, photo in enumerate(photos):
        raw = decode_photo(photo, index) if isinstance(photo, str) else photo
        encoded.append(_reencode(raw, index))
    stored: list[Photo] = []
    for data, width, height in encoded:
        item = Photo(signalement=s, content_type="image/jpeg", width=width, height=height)
        item.file.save(f"{uuid.uuid4().hex}.jpg", ContentFile(data), save=False)
        _remove_on_rollback(item.file.storage, item.file.name)  # removed again unless the transaction commits
        item.save()
        stored.append(item)
    return stored


def _remove_on_rollback(storage: Any, name: str | None) -> None:
    pending = _PENDING_FILES.setdefault(id(transaction.get_connection()), [])
    if name:
        pending.append((storage, name))

    def committed() -> None:
        _PENDING_FILES.pop(id(transaction.get_connection()), None)

    transaction.on_commit(committed)


_PENDING_FILES: dict[int, list[tuple[Any, str]]] = {}


def _discard_pending_files() -> None:
    for storage, name in _PENDING_FILES.pop(id(transaction.get_connection()), []):
        storage.delete(name)


# --- creation ------------------------------------------------------------------------------------------------


def _reporting_partner(plan: Plan, actor: Actor, reporter_partner: Partner | None, source: str) -> Partner | None:
    if source == Signalement.Source.NATIONAL_CHANNEL:
        if actor is not None and not policy.is_plan_coordinator(actor, plan):
            raise PermissionDenied(_("Only the plan's coordinators import the national channel's reports."))
        return None
    if actor is None:
        if reporter_partner is None:
            raise ValidationError({"reporter_partner": _("A partner's signalement names its partner.")})
        return reporter_partner
    allowed = queries.reporting_partners(actor, plan)
    if reporter_partner is not None:
        if not allowed.filter(pk=reporter_partner.pk).exists():
            raise PermissionDenied(_("You do not act for this partner."))
        return reporter_partner
    partner = allowed.order_by("pk").first()
    if partner is None:
        raise PermissionDenied(_("Only the plan's partners report signalements."))
    return partner


def create_signalement(
    plan: Plan,
    *,
    actor: Actor,
    client_id: uuid.UUID | str,
    category: Category | str,
    description: str,
    observed_at: dt.datetime,
    address: str = "",
    latitude: Any = None,
    longitude: Any = None,
    photos: Sequence[bytes | str] = (),
    source: str = Signalement.Source.PARTNER,
    commune: str = "",
    reporter_partner: Partner | None = None,
    now: dt.datetime | None = None,
) -> tuple[Signalement, bool]:
    """Record a signalement, route it and notify its partners; the same `client_id` again returns the stored one
    (`created` False) so a phone sending twice makes one signalement."""
    try:
        client_uuid = client_id if isinstance(client_id, uuid.UUID) else uuid.UUID(str(client_id))
    except ValueError as error:
        raise ValidationError({"client_id": _("Not a UUID.")}) from error
    existing = Signalement.objects.filter(plan=plan, client_id=client_uuid).first()
    if existing is not None:
        if actor is not None and existing.reporter_id not in {None, getattr(actor, "pk", None)}:
            raise PermissionDenied(_("This identifier belongs to another signalement."))
        return existing, False
    if actor is not None and queries.charter_gate(actor, plan):
        raise PermissionDenied(queries.charter_gate(actor, plan))
    partner = _reporting_partner(plan, actor, reporter_partner, source)
    if isinstance(category, str):
        if not Category.objects.filter(plan=plan).exists():  # a plan created before signalements existed
            ensure_default_categories(plan)
        found = Category.objects.filter(plan=plan, code=category, active=True).first()
        if found is None:
            raise ValidationError({"category": _("Unknown category « {code} ».").format(code=category)})
        category = found
    elif category.plan_id != plan.pk:
        raise ValidationError({"category": _("Unknown category, or one of another plan.")})
    errors: dict[str, Any] = {}
    if not description.strip():
        errors["description"] = _("Describe what was seen.")
    elif reasons := find_personal_data(description):
        errors["description"] = reasons
    if reasons := find_personal_data(address):
        errors["address"] = reasons
    if (latitude is None) != (longitude is None):
        errors["latitude"] = _("Give both the latitude and the longitude, or neither.")
    if errors:
        raise ValidationError(errors)
    now = now or timezone.now()
    try:
        with transaction.atomic():
            s = Signalement(
                plan=plan,
                client_id=client_uuid,
                source=source,
                reporter_partner=partner,
                reporter=_user(actor),
                observed_at=observed_at,
                created_at=now,
                category=category,
                description=description.strip(),
                address=address.strip(),
                latitude=latitude,
                longitude=longitude,
                commune=commune.strip(),
                territory=_territory_of(plan, commune),
                take_due_at=now + dt.timedelta(days=category.take_days),
                due_at=now + dt.timedelta(days=category.due_days),
            )
            s.full_clean(exclude=["responsible", "informed", "client_id"])
            s.save()
            _event(s, actor, Event.Action.CREATED, at=now)
            _store_photos(s, photos)
            responsible, informed = _route(s, actor)
            _audit(actor, s, Event.Action.CREATED, category=category.code, photos=len(photos), source=source)
            _notify_new(s, responsible, informed)
    except IntegrityError:
        _discard_pending_files()
        # the same client_id stored meanwhile by a concurrent request (the phone sent twice at once)
        existing = Signalement.objects.filter(plan=plan, client_id=client_uuid).first()
        if existing is None:
            raise
        return existing, False
    except BaseException:
        _discard_pending_files()
        raise
    return s, True


def _notify_new(s: Signalement, responsible: set[int], informed: set[int]) -> None:
    from copil.notifications.api import coordinators_of, members_of, notify
    from copil.notifications.models import Kind

    partners = list(Partner.objects.filter(pk__in=responsible | informed))
    recipients = members_of(partners) if partners else coordinators_of(s.plan)
    notify(
        Kind.SIGNALEMENT,
        s,
        recipients,
        plan=s.plan,
        subject=_("New signalement: {category}").format(category=s.category.label),
        body=_("A signalement « {category} » was reported in the plan {plan} and routed to your organisation.").format(
            category=s.category.label, plan=s.plan
        ),
    )


# --- lifecycle -----------------------------------------------------------------------------------------------


def _locked(s: Signalement, actor: Actor, allowed_from: Iterable[str]) -> Signalement:
    if not queries.may_act(actor, s):
        raise PermissionDenied(_("You may not act on this signalement."))
    locked = Signalement.objects.select_for_update().select_related("plan", "category").get(pk=s.pk)
    if locked.status not in set(allowed_from):
        raise ValidationError(
            {
                "status": _("Not possible while the signalement is « {status} ».").format(
                    status=locked.get_status_display()
                )
            }
        )
    return locked


def _save(locked: Signalement, fields: list[str]) -> None:
    locked.version += 1
    locked.save(update_fields=[*fields, "status", "version"])


def take_signalement(s: Signalement, *, actor: Actor, now: dt.datetime | None = None) -> Signalement:
    """« pris en charge »: the actor (and their partner) own it."""
    with transaction.atomic():
        locked = _locked(s, actor, [Signalement.Status.NEW])
        previous = locked.status
        locked.status = Signalement.Status.TAKEN
        locked.taken_at = now or timezone.now()
        locked.owner = _user(actor)
        partners = policy.user_partners(actor, locked.plan_id) if actor is not None else Partner.objects.none()
        owner_partner = partners.filter(pk__in=locked.responsible.all()).first() or partners.first()
        locked.owner_partner = owner_partner
        _save(locked, ["taken_at", "owner", "owner_partner"])
        _event(locked, actor, Event.Action.TAKEN, from_status=previous, at=locked.taken_at)
        _audit(actor, locked, Event.Action.TAKEN)
    return locked


def engage_action(s: Signalement, *, actor: Actor, note: str, now: dt.datetime | None = None) -> Signalement:
    """« action engagée », with a note on what was engaged."""
    if reasons := find_personal_data(note):
        raise ValidationError({"note": reasons})
    with transaction.atomic():
        locked = _locked(s, actor, [Signalement.Status.NEW, Signalement.Status.TAKEN])
        previous = locked.status
        locked.status = Signalement.Status.ENGAGED
        locked.engaged_at = now or timezone.now()
        if locked.owner_id is None:
            locked.owner = _user(actor)
        _save(locked, ["engaged_at", "owner"])
        _event(locked, actor, Event.Action.ENGAGED, from_status=previous, note=note, at=locked.engaged_at)
        _audit(actor, locked, Event.Action.ENGAGED)
    return locked


def _finish(
    s: Signalement, actor: Actor, outcome: str, status: str, action: str, now: dt.datetime | None, **links: Any
) -> Signalement:
    outcome = outcome.strip()
    if not outcome:
        raise ValidationError({"outcome": _("Give a short reason.")})
    if reasons := find_personal_data(outcome):
        raise ValidationError({"outcome": reasons})
    with transaction.atomic():
        locked = _locked(s, actor, Signalement.OPEN_STATUSES)
        _check_links(locked, actor, links)
        previous = locked.status
        locked.status = status
        locked.closed_at = now or timezone.now()
        locked.outcome = outcome
        fields = ["closed_at", "outcome"]
        for name, value in links.items():
            if value is not None:
                setattr(locked, name, value)
                fields.append(name)
        _save(locked, fields)
        _event(locked, actor, action, from_status=previous, note=outcome, at=locked.closed_at)
        _audit(actor, locked, action, **{k: v.pk for k, v in links.items() if v is not None})
    return locked


def resolve_signalement(
    s: Signalement,
    *,
    actor: Actor,
    outcome: str,
    operation: Operation | None = None,
    deal_point: DealPoint | None = None,
    eviction: EvictionProcedure | None = None,
    now: dt.datetime | None = None,
) -> Signalement:
    """« résolu », with a short reason and the records it led to."""
    return _finish(
        s, actor, outcome, Signalement.Status.RESOLVED, Event.Action.RESOLVED, now,
        operation=operation, deal_point=deal_point, eviction=eviction,
    )  # fmt: skip


def close_without_action(s: Signalement, *, actor: Actor, outcome: str, now: dt.datetime | None = None) -> Signalement:
    """« clos sans suite », with a short reason."""
    return _finish(s, actor, outcome, Signalement.Status.CLOSED, Event.Action.CLOSED, now)


def reopen_signalement(s: Signalement, *, actor: Actor, reason: str, now: dt.datetime | None = None) -> Signalement:
    """Back to « nouveau » with new due dates (the outcome is kept in the history)."""
    if not reason.strip():
        raise ValidationError({"reason": _("Say why it is reopened.")})
    now = now or timezone.now()
    with transaction.atomic():
        locked = _locked(s, actor, Signalement.FINISHED_STATUSES)
        previous = locked.status
        locked.status = Signalement.Status.NEW
        locked.closed_at = None
        locked.outcome = ""
        locked.owner = None
        locked.owner_partner = None
        locked.taken_at = locked.engaged_at = locked.chased_at = locked.escalated_at = None
        locked.take_due_at = now + dt.timedelta(days=locked.category.take_days)
        locked.due_at = now + dt.timedelta(days=locked.category.due_days)
        _save(locked, ["closed_at", "outcome", "owner", "owner_partner", "taken_at", "engaged_at", "chased_at",
                       "escalated_at", "take_due_at", "due_at"])  # fmt: skip
        _event(locked, actor, Event.Action.REOPENED, from_status=previous, note=reason, at=now)
        _audit(actor, locked, Event.Action.REOPENED, reason=reason)
    return locked


def _check_links(s: Signalement, actor: Actor, links: dict[str, Any]) -> None:
    from copil.formats.references import referable_records

    kinds = {"operation": "operation", "deal_point": "deal_point", "eviction": "eviction_procedure"}
    errors = {}
    for name, value in links.items():
        if value is None:
            continue
        if value.plan_id != s.plan_id:
            errors[name] = _("Unknown record, or one of another plan.")
        elif actor is not None and not referable_records(actor, kinds[name], s.plan_id).filter(pk=value.pk).exists():
            errors[name] = _("Unknown record, or one of another plan.")
    if errors:
        raise ValidationError(errors)


def link_records(
    s: Signalement,
    *,
    actor: Actor,
    operation: Operation | None = None,
    deal_point: DealPoint | None = None,
    eviction: EvictionProcedure | None = None,
) -> Signalement:
    """Link the records the signalement concerns (any status)."""
    links = {"operation": operation, "deal_point": deal_point, "eviction": eviction}
    with transaction.atomic():
        locked = _locked(s, actor, Signalement.Status.values)
        _check_links(locked, actor, links)
        fields = []
        for name, value in links.items():
            if value is not None:
                setattr(locked, name, value)
                fields.append(name)
        if not fields:
            raise ValidationError({"operation": _("Name at least one record to link.")})
        _save(locked, fields)
        note = ", ".join(f"{name} {getattr(locked, name + '_id')}" for name in fields)
        _event(locked, actor, Event.Action.LINKED, from_status=locked.status, note=note)
        _audit(actor, locked, Event.Action.LINKED, **{name: getattr(locked, name + "_id") for name in fields})
    return locked


# --- overdue ------------------------------------------------------------------------------------------------


def chase_overdue(now: dt.datetime | None = None) -> dict[str, int]:
    """The daily task: an open signalement past its due date (to take in while new, to resolve afterwards) is
    chased to its owner (else its responsible partners); chased again overdue, or past due by more than half
    its delay, it is escalated to the plan's coordinators (the « régulateur »). Each once per signalement until
    it is reopened."""
    from copil.notifications.api import coordinators_of, members_of, notify
    from copil.notifications.models import Kind

    now = now or timezone.now()
    chased = escalated = 0
    candidates = Signalement.objects.filter(status__in=Signalement.OPEN_STATUSES, escalated_at__isnull=True)
    for s in candidates.select_related("plan", "category", "owner"):
        if not s.is_overdue(now):
            continue
        new = s.status == Signalement.Status.NEW
        deadline = s.take_due_at if new else s.due_at
        delay = dt.timedelta(days=s.category.take_days if new else s.category.due_days)
        assert deadline is not None
        late_by = now - deadline
        with transaction.atomic():
            locked = Signalement.objects.select_for_update().get(pk=s.pk)
            if locked.escalated_at is not None:
                continue
            escalate = (locked.chased_at is not None and locked.chased_at < now - dt.timedelta(hours=20)) or (
                late_by > delay / 2
            )
            if escalate:
                locked.escalated_at = now
                _save(locked, ["escalated_at"])
                _event(locked, None, Event.Action.ESCALATED, from_status=locked.status, at=now)
                _audit(None, locked, Event.Action.ESCALATED)
                notify(
                    Kind.SIGNALEMENT_OVERDUE,
                    locked,
                    coordinators_of(s.plan),
                    plan=s.plan,
                    subject=_("Overdue signalement escalated: {category}").format(category=s.category.label),
                    body=_(
                        "A signalement « {category} » of the plan {plan} is overdue and was escalated to the "
                        "coordinators."
                    ).format(category=s.category.label, plan=s.plan),  # fmt: skip
                )
                escalated += 1
            elif locked.chased_at is None:
                locked.chased_at = now
                _save(locked, ["chased_at"])
                _event(locked, None, Event.Action.CHASED, from_status=locked.status, at=now)
                _audit(None, locked, Event.Action.CHASED)
                recipients = [s.owner] if s.owner else members_of(locked.responsible.all())
                notify(
                    Kind.SIGNALEMENT_OVERDUE,
                    locked,
                    recipients,
                    plan=s.plan,
                    subject=_("Overdue signalement: {category}").format(category=s.category.label),
                    body=_(
                        "A signalement « {category} » of the plan {plan} routed to your organisation is overdue."
                    ).format(category=s.category.label, plan=s.plan),  # fmt: skip
                )
                chased += 1
    return {"chased": chased, "escalated": escalated}


# --- charter -------------------------------------------------------------------------------------------------


def publish_charter(plan: Plan, *, actor: Actor, text: str, required: bool = True) -> Charter:
    """A new version of the plan's charter: every member accepts it again."""
    if not queries.may_manage_routing(actor, plan):
        raise PermissionDenied(_("Only the plan's coordinators publish the charter."))
    if not text.strip():
        raise ValidationError({"text": _("The charter's text is empty.")})
    with transaction.atomic():
        last = Charter.objects.select_for_update().filter(plan=plan).order_by("-version").first()
        charter = Charter.objects.create(
            plan=plan, version=(last.version + 1) if last else 1, text=text.strip(), required=required
        )
        record_event(actor, AuditEvent.Action.CREATE, plan=plan, obj=charter, details={"charter": charter.version})
    return charter


def accept_charter(plan: Plan, *, actor: Actor, now: dt.datetime | None = None) -> CharterAcceptance:
    """The member accepts the plan's latest charter (valid a year, or until a new version)."""
    user_id = getattr(actor, "pk", None)
    if user_id is None or not getattr(actor, "is_authenticated", False):
        raise PermissionDenied(_("Sign in to accept the charter."))
    if not policy.user_partners(actor, plan).exists():
        raise PermissionDenied(_("Only the plan's members accept its charter."))
    charter = queries.latest_charter(plan)
    if charter is None:
        raise ValidationError({"charter": _("The plan has no charter.")})
    with transaction.atomic():
        acceptance = CharterAcceptance.objects.create(
            charter=charter, user_id=user_id, accepted_at=now or timezone.now()
        )
        record_event(
            actor, AuditEvent.Action.UPDATE, plan=plan, obj=charter, details={"charter_accepted": charter.version}
        )
    return acceptance
