"""The access matrix: every role × every record kind × every action × three targets × every channel.

Targets: a record of the user's own partner, of another partner of the same plan (the kind's usual owner,
or a second one of the user's own role), and of a partner of another plan. The expected outcome of each cell
is written below from the brief's table, independently of `copil.access.policy`'s own table; each channel
must then allow exactly the allowed cells (and really do the thing) and deny the others (PermissionDenied,
403, absent from lists, nothing written).

A channel is one adapter class; a new channel (the JSON API, the web pages) plugs in by subclassing `Channel`
and adding it to `CHANNELS`.
"""

from __future__ import annotations

import datetime as dt
import logging
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.test import Client

from copil.access.audit import auditlog_disabled
from copil.plans.models import Partner
from copil.records.actions import create_record, delete_record, update_record
from copil.records.models import RECORD_KINDS, Record

from .conftest import ALL_ROLES, MATRIX, SUPERUSER, World, build_world, delete_world, sample

ACTIONS = ("create", "read", "update", "delete")
TARGETS = ("own", "other", "foreign")

# --- The brief's table, restated --------------------------------------------------------------------------------
POLICE_KINDS = {
    "deal_point",
    "network",
    "operation",
    "seizure",
    "arrest",
    "deployment_reading",
    "field_observation",
    "drug_fine",
    "weapon_seizure",
    "asset_seizure",
    "street_price",
}
RECORDS_OF = {
    "coordinator": {"agreement"},
    "police": POLICE_KINDS,
    "justice": {"conviction", "penal_step"},
    "city": {"camera"},
    "housing": {"eviction_procedure"},
    "care": {"prevention_action", "field_observation", "care_referral"},
    "health": {"capacity_reading"},
    "public": set(),
}
# Issue 14, kinds2: street counts are made by patrols and by outreach teams (maraudes) alike.
RECORDS_OF["police"] |= {"street_count"}
RECORDS_OF["care"] |= {"street_count"}
# Issue 14, family 6: harm reduction and care activity is entered by the care and the health partners.
RECORDS_OF["care"] |= {"care_activity"}
RECORDS_OF["health"] |= {"care_activity"}
# Issue 14, kinds3: the préfecture (coordinator) and the police record the loi narcotrafic's administrative measures.
RECORDS_OF["coordinator"] |= {"administrative_measure"}
RECORDS_OF["police"] |= {"administrative_measure"}
# Whose records a kind usually is (the "other" target is a partner of that role).
OWNER_ROLE = {kind: next(r for r, kinds in RECORDS_OF.items() if kind in kinds) for kind in RECORD_KINDS}


def expected(role: str, kind: str, action: str, target: str) -> bool:
    """Allowed or not, per the brief: own records for recording roles; the coordinator reads every line but
    referrals and manages agreements plan-wide; superusers administer all but referral lines; nothing crosses
    plans except for superusers."""
    if role == SUPERUSER:
        return kind != "care_referral"
    if target == "foreign":
        return False
    if role == "coordinator":
        if kind == "agreement":
            return True
        if kind == "administrative_measure":  # its own measures, and reads every measure of the plan
            return action == "read" or target == "own"
        # the penal chain's lines are the parquet's: the coordinator reads its figures only
        return kind not in {"care_referral", "penal_step"} and action == "read"
    return kind in RECORDS_OF[role] and target == "own"


def target_partner(world: World, role: str, kind: str, target: str) -> Partner:
    owner = OWNER_ROLE[kind]
    if target == "foreign":
        return world.partners[f"{owner}-b"]
    if role == SUPERUSER:
        return world.partners[f"{owner}-1" if target == "own" else f"{owner}-2"]
    if target == "own":
        return world.partners[f"{role}-1"]
    return world.partners[f"{owner}-2" if owner == role else f"{owner}-1"]


# --- Channels ---------------------------------------------------------------------------------------------------


class Channel:
    """One way into Copil. Each method returns True when the operation happened, False when it was denied;
    anything else (a crash, a half-done write) fails the test."""

    name = "?"
    roles: tuple[str, ...] = tuple(ALL_ROLES)  # the roles that can use this channel at all

    def __init__(self, world: World, user):
        self.world, self.user = world, user

    def expected(self, role: str, kind: str, action: str, target: str, partner: Partner) -> bool:
        """The brief's answer for this channel (the same for every channel but delegation)."""
        return expected(role, kind, action, target)

    def create(self, kind: str, partner: Partner, external_id: str) -> bool:
        raise NotImplementedError

    def read(self, kind: str, records: list[Record]) -> list[bool]:
        raise NotImplementedError

    def update(self, kind: str, record: Record, new_external_id: str) -> bool:
        raise NotImplementedError

    def delete(self, kind: str, record: Record) -> bool:
        raise NotImplementedError


class ServiceChannel(Channel):
    """`copil.records.actions` and `copil.access.policy.visible_records`, as the API and pages will call them."""

    name = "service"

    def create(self, kind, partner, external_id):
        try:
            create_record(self.user, kind, plan=partner.plan, partner=partner, data=sample(kind, partner, external_id))
        except PermissionDenied:
            return False
        return True

    def read(self, kind, records):
        from copil.access.policy import visible_records

        visible = set(visible_records(self.user, kind).values_list("pk", flat=True))
        return [record.pk in visible for record in records]

    def update(self, kind, record, new_external_id):
        try:
            update_record(self.user, record, {"external_id": new_external_id}, expected_version=record.version)
        except PermissionDenied:
            return False
        return True

    def delete(self, kind, record):
        try:
            delete_record(self.user, record, expected_version=record.version)
        except PermissionDenied:
            return False
        return True


DENIED_STATUSES = {302, 403, 404}


class LeanClient(Client):
    """The test client without its template and context capture (a third of the admin's time in this matrix):
    the matrix only reads statuses, redirects and page text."""

    def request(self, **request):
        response = self.handler(self._base_environ(**request))
        if response.cookies:
            self.cookies.update(response.cookies)
        response.context = None
        return response


class AdminChannel(Channel):
    """The Django admin pages, through the test client."""

    name = "admin"

    def __init__(self, world, user):
        super().__init__(world, user)
        self.client = LeanClient()
        self.client.force_login(user)

    @staticmethod
    def url(kind: str, suffix: str = "") -> str:
        return f"/admin/records/{RECORD_KINDS[kind]._meta.model_name}/{suffix}"

    def create(self, kind, partner, external_id):
        data = form_data(RECORD_KINDS[kind], sample(kind, partner, external_id))
        data.update(plan=partner.plan_id, partner=partner.pk, _save="1")
        response = self.client.post(self.url(kind, "add/"), data)
        if response.status_code == 302 and response.url.startswith(self.url(kind)):
            return True
        assert response.status_code in {200, 403}, response.status_code  # 200: form refused the partner/plan
        return False

    def read(self, kind, records):
        listing = self.client.get(self.url(kind))
        listed = listing.content.decode() if listing.status_code == 200 else ""
        assert listing.status_code in {200, 403}, listing.status_code
        seen = []
        for record in records:
            page = self.client.get(self.url(kind, f"{record.pk}/change/"))
            shown = page.status_code == 200 and record.external_id in page.content.decode()
            assert shown or page.status_code in DENIED_STATUSES, page.status_code
            in_list = f">{record.external_id}<" in listed
            assert shown == in_list, f"change page and list disagree on {record.external_id}"
            seen.append(shown)
        return seen

    def update(self, kind, record, new_external_id):
        model = RECORD_KINDS[kind]
        values = {f.name: getattr(record, f.name) for f in _editable_fields(model)}
        if kind == "agreement":
            values["parties"] = list(record.parties.all())
        values["external_id"] = new_external_id
        data = form_data(model, values)
        data.update(expected_version=record.version, _save="1")
        response = self.client.post(self.url(kind, f"{record.pk}/change/"), data)
        if response.status_code == 302 and response.url.rstrip("/").endswith(self.url(kind).rstrip("/")):
            return True
        assert response.status_code in DENIED_STATUSES, (response.status_code, _errors(response))
        return False

    def delete(self, kind, record):
        response = self.client.post(self.url(kind, f"{record.pk}/delete/"), {"post": "yes"})
        if response.status_code == 302 and response.url.rstrip("/").endswith(self.url(kind).rstrip("/")):
            return not type(record).objects.filter(pk=record.pk).exists()
        assert response.status_code in DENIED_STATUSES, response.status_code
        return False


CHANNELS: list[type[Channel]] = [ServiceChannel, AdminChannel]


def _editable_fields(model: type[models.Model]) -> list[models.Field]:
    skip = {"id", "plan", "partner", "version", "created_at", "updated_at"}
    return [f for f in model._meta.concrete_fields if f.editable and f.name not in skip]


def form_data(model: type[models.Model], values: dict) -> dict:
    """Values as the admin form posts them."""
    data: dict = {}
    for name, value in values.items():
        field = model._meta.get_field(name)
        if field.many_to_many:
            data[name] = [v.pk for v in value]
        elif isinstance(field, models.BooleanField):
            if value:
                data[name] = "on"
        elif isinstance(field, models.DateTimeField):
            local = value.astimezone(dt.timezone(dt.timedelta(hours=1)))
            data[f"{name}_0"], data[f"{name}_1"] = local.date().isoformat(), local.time().isoformat()
        elif isinstance(value, models.Model):
            data[name] = value.pk
        elif value is None:
            data[name] = ""
        elif isinstance(value, dt.date | Decimal | int):
            data[name] = str(value)
        else:
            data[name] = value
    return data


def _errors(response) -> str:
    context = getattr(response, "context", None)
    if context and "adminform" in context:
        return str(context["adminform"].form.errors)
    return ""


# --- The matrix -------------------------------------------------------------------------------------------------


def _fixture_records(kind: str, partners: dict[str, Partner], prefix: str) -> dict[str, Record]:
    """One record per target, written straight to the database (fixtures, not a channel under test)."""
    model = RECORD_KINDS[kind]
    records, parties = {}, {}
    for target, partner in partners.items():
        values = sample(kind, partner, f"{prefix}-{target}")
        parties[target] = values.pop("parties", None)
        records[target] = model(plan=partner.plan, partner=partner, **values)
    with auditlog_disabled():
        model.objects.bulk_create(records.values())
        for target, record in records.items():
            if parties[target] is not None:
                record.parties.set(parties[target])
    return records


@pytest.fixture(autouse=True)
def _lean_requests(settings):
    """Speed only: Django logs every 403 with its traceback (refusals are what the matrix expects), and
    sessions in signed cookies save two queries per request."""
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.signed_cookies"
    logger = logging.getLogger("django.request")
    level = logger.level
    logger.setLevel(logging.ERROR)
    yield
    logger.setLevel(level)


@pytest.fixture(scope="module")
def matrix_world(django_db_setup, django_db_blocker):
    """One world for the whole matrix (each test's own writes are rolled back after it)."""
    with django_db_blocker.unblock():
        world = build_world()
    yield world
    with django_db_blocker.unblock():
        delete_world(world)


def pytest_generate_tests(metafunc):
    """Every (role, kind, channel) cell that can exist: each channel lists the roles that can use it."""
    if metafunc.definition.name != "test_access_matrix":
        return
    cells = [(role, kind, channel) for channel in CHANNELS for role in channel.roles for kind in RECORD_KINDS]
    ids = [f"{channel.name}-{role}-{kind}" for role, kind, channel in cells]
    metafunc.parametrize(("role", "kind", "channel_class"), cells, ids=ids)


def test_access_matrix(db, matrix_world, role, kind, channel_class):
    world = matrix_world
    channel = channel_class(world, world.users[role])
    model = RECORD_KINDS[kind]
    failures = []

    def check(action: str, target: str, got: bool, effect_ok: bool) -> None:
        want = channel.expected(role, kind, action, target, partners[target])
        ok = got == want and effect_ok
        MATRIX.add(channel.name, ok)
        if not ok:
            failures.append(f"{channel.name} {role} {action} {kind} ({target}): expected {want}, got {got}")

    partners = {target: target_partner(world, role, kind, target) for target in TARGETS}

    for target, partner in partners.items():
        external_id = f"new-{target}"
        got = channel.create(kind, partner, external_id)
        exists = model.objects.filter(partner=partner, external_id=external_id).exists()
        check("create", target, got, effect_ok=exists == got)

    readable = _fixture_records(kind, partners, "read")
    for (target, _record), got in zip(readable.items(), channel.read(kind, list(readable.values())), strict=True):
        check("read", target, got, effect_ok=True)

    for target, record in _fixture_records(kind, partners, "upd").items():
        got = channel.update(kind, record, f"upd-{target}-changed")
        stored = model.objects.get(pk=record.pk)
        changed = stored.external_id == f"upd-{target}-changed"
        check("update", target, got, effect_ok=changed == got and stored.version == (2 if got else 1))

    for target, record in _fixture_records(kind, partners, "del").items():
        got = channel.delete(kind, record)
        gone = not model.objects.filter(pk=record.pk).exists()
        check("delete", target, got, effect_ok=gone == got)

    assert not failures, "\n".join(failures)


def test_expected_table_matches_the_brief_in_a_few_spelled_out_cells():
    """Guards the restated table itself against a slip that would make the matrix agree with a wrong policy."""
    assert expected("police", "seizure", "update", "own")
    assert not expected("police", "seizure", "read", "other")  # another police partner's seizures
    assert not expected("police", "care_referral", "read", "own")
    assert expected("care", "care_referral", "read", "own")
    assert not expected("care", "care_referral", "read", "other")  # another care partner's referrals
    assert not expected("coordinator", "care_referral", "read", "other")
    assert expected("coordinator", "seizure", "read", "other") and not expected(
        "coordinator", "seizure", "update", "other"
    )
    assert expected("coordinator", "agreement", "delete", "other")
    assert not expected(SUPERUSER, "care_referral", "read", "own")
    # issue 14, kinds3: penal chain lines only for the parquet; measures for the préfecture and the police
    assert expected("justice", "penal_step", "read", "own") and not expected("police", "penal_step", "read", "own")
    assert not expected("coordinator", "penal_step", "read", "other")
    assert expected("coordinator", "administrative_measure", "create", "own")
    assert not expected("coordinator", "administrative_measure", "update", "other")
    assert not any(expected("public", kind, action, "own") for kind in RECORD_KINDS for action in ACTIONS)
    assert not any(expected(r, "seizure", "read", "foreign") for r in ALL_ROLES if r != SUPERUSER)


def test_validation_errors_are_not_mistaken_for_denials(db, matrix_world):
    """A service call with bad data raises ValidationError, not PermissionDenied: the matrix cannot pass by a
    crash that looks like a refusal."""
    world = matrix_world
    police = world.users["police"]
    with pytest.raises(ValidationError):
        create_record(police, "seizure", plan=world.plan, partner=world.partners["police-1"], data={"external_id": "x"})


# --- The JSON API and the record pages (copil.api, copil.records.views) -----------------------------------------


def _complete_values(kind: str, record: Record, external_id: str) -> dict:
    """A record's values, completed with what its import format requires (an observation's coordinates)."""
    from tests.records.helpers import complete_sample, record_values

    current = {name: value for name, value in record_values(record).items() if value is not None}
    return {**complete_sample(kind, record.partner, external_id), **current, "external_id": external_id}


def _json(response):
    import json

    return json.loads(response.content)


class ApiChannel(Channel):
    """The JSON API with a token of the user's partner (a token acts as its partner: superusers have none)."""

    name = "api"
    roles = tuple(r for r in ALL_ROLES if r != SUPERUSER)  # a token acts as one partner: superusers have none

    def __init__(self, world, user):
        from copil.api.models import ApiToken

        super().__init__(world, user)
        partner = Partner.objects.get(membership__user=user)
        _token, secret = ApiToken.issue(partner=partner, name="matrix", created_by=user)
        self.client = LeanClient()
        self.headers = {"Authorization": f"Bearer {secret}"}

    def _send(self, method: str, path: str, body=None):
        import json

        kwargs = {"headers": self.headers}
        if body is not None:
            kwargs.update(data=json.dumps(body), content_type="application/json")
        return getattr(self.client, method)(path, **kwargs)

    def create(self, kind, partner, external_id):
        from tests.records.helpers import api_body, complete_sample

        body = {**api_body(kind, complete_sample(kind, partner, external_id)), "partenaire": partner.code}
        response = self._send("post", f"/api/records/{kind}", body)
        if response.status_code == 201:
            return True
        if response.status_code == 422:  # a partner code of another plan: unknown in the token's plan
            assert [e["loc"] for e in _json(response)["detail"]] == [["body", "partenaire"]], _json(response)
            return False
        assert response.status_code == 403, (response.status_code, response.content[:500])
        return False

    def read(self, kind, records):
        listing = self._send("get", f"/api/records/{kind}?taille=500")
        assert listing.status_code in {200, 403}, listing.status_code
        listed = {r["id"] for r in _json(listing)["results"]} if listing.status_code == 200 else set()
        seen = []
        for record in records:
            response = self._send("get", f"/api/records/{kind}/{record.pk}")
            assert response.status_code in {200, 403, 404}, response.status_code
            shown = response.status_code == 200 and _json(response)["identifiant"] == record.external_id
            assert shown == (record.pk in listed), f"detail and list disagree on {record.external_id}"
            seen.append(shown)
        return seen

    def update(self, kind, record, new_external_id):
        from tests.records.helpers import api_body

        body = {**api_body(kind, _complete_values(kind, record, new_external_id)), "version": record.version}
        response = self._send("put", f"/api/records/{kind}/{record.pk}", body)
        if response.status_code == 200:
            return True
        assert response.status_code in {403, 404}, (response.status_code, response.content[:500])
        return False

    def delete(self, kind, record):
        response = self._send("delete", f"/api/records/{kind}/{record.pk}?version={record.version}")
        if response.status_code == 204:
            return True
        assert response.status_code in {403, 404}, response.status_code
        return False


class PagesChannel(Channel):
    """The record pages (/enregistrements/…): list, detail, and the create, edit and delete forms."""

    name = "pages"

    def __init__(self, world, user):
        super().__init__(world, user)
        self.client = LeanClient()
        self.client.force_login(user)

    def create(self, kind, partner, external_id):
        from tests.records.helpers import complete_sample
        from tests.records.helpers import form_data as record_form_data

        data = record_form_data(kind, complete_sample(kind, partner, external_id))
        data.update(plan=partner.plan.slug, partenaire=partner.pk)
        response = self.client.post(f"/enregistrements/{kind}/nouveau/", data)
        if response.status_code == 302:
            return True
        assert response.status_code in {400, 403, 404}, response.status_code  # 400: the partner is not offered
        return False

    def read(self, kind, records):
        listing = self.client.get(f"/enregistrements/{kind}/")
        assert listing.status_code in {200, 403}, listing.status_code
        listed = listing.content.decode() if listing.status_code == 200 else ""
        seen = []
        for record in records:
            page = self.client.get(f"/enregistrements/{kind}/{record.pk}/")
            assert page.status_code in {200, 403, 404}, page.status_code
            shown = page.status_code == 200 and record.external_id in page.content.decode()
            assert shown == (f">{record.external_id}<" in listed), f"detail and list disagree on {record.external_id}"
            seen.append(shown)
        return seen

    def update(self, kind, record, new_external_id):
        from tests.records.helpers import form_data as record_form_data

        data = {**record_form_data(kind, _complete_values(kind, record, new_external_id)), "version": record.version}
        response = self.client.post(f"/enregistrements/{kind}/{record.pk}/modifier/", data)
        if response.status_code == 302:
            return True
        assert response.status_code in {403, 404}, response.status_code
        return False

    def delete(self, kind, record):
        response = self.client.post(f"/enregistrements/{kind}/{record.pk}/supprimer/", {"version": record.version})
        if response.status_code == 302:
            return True
        assert response.status_code in {403, 404}, response.status_code
        return False


CHANNELS.extend([ApiChannel, PagesChannel])


# --- Delegation: API tokens and self-invitation (copil.api.auth, copil.access.accounts) -------------------------


class _TokenClient(ApiChannel):
    """The API channel with a given token secret."""

    def __init__(self, world, user, secret):  # noqa: D107 — no token issued here
        Channel.__init__(self, world, user)
        self.client = LeanClient()
        self.headers = {"Authorization": f"Bearer {secret}"}


class DelegationChannel(Channel):
    """What a user gets by delegating: a token issued on the token page (`/api/jetons/`) for the target's
    partner, then used on the API; and, for a care partner, inviting themself as its member
    (`/compte/membres/inviter/`), then the record pages. A delegation never gives more than the delegator may do,
    so the expected cells are the user's own."""

    name = "delegation"

    def expected(self, role, kind, action, target, partner):
        """The user's own rights, except that only a care partner's members delegate for it (health data)."""
        delegable = partner.role != Partner.Role.CARE or (role == partner.role and target == "own")
        return delegable and expected(role, kind, action, target)

    def __init__(self, world, user):
        from tests.conftest import pass_second_factor

        super().__init__(world, user)
        self.client = LeanClient()
        self.client.force_login(user)
        pass_second_factor(self.client, user)  # the token page asks every account for a recent second factor
        self.secrets: dict[int, str | None] = {}

    def _token(self, partner: Partner) -> _TokenClient | None:
        if partner.pk not in self.secrets:
            response = self.client.post("/api/jetons/", {"partner": partner.pk, "name": "délégation"})
            assert response.status_code in {200, 403}, response.status_code
            import re

            shown = (
                re.search(r"copil_[A-Za-z0-9_-]{43}", response.content.decode())
                if response.status_code == 200
                else None
            )
            self.secrets[partner.pk] = shown.group(0) if shown else None
        secret = self.secrets[partner.pk]
        return _TokenClient(self.world, self.user, secret) if secret else None

    def _join(self, partner: Partner) -> PagesChannel | None:
        """Invite oneself as a member of a care partner; the pages as that member if it worked."""
        if partner.role != Partner.Role.CARE:
            return None
        data = {"email": self.user.email, "first_name": "Moi", "last_name": "Même", "partner": partner.pk}
        response = self.client.post(f"/compte/membres/inviter/?plan={partner.plan.slug}", data)
        assert response.status_code in {200, 302, 403}, response.status_code
        return PagesChannel(self.world, self.user) if response.status_code == 302 else None

    def _either(self, partner: Partner, operation) -> bool:
        results = [operation(channel) for channel in (self._token(partner), self._join(partner)) if channel]
        return any(results)

    def create(self, kind, partner, external_id):
        return self._either(partner, lambda channel: channel.create(kind, partner, external_id))

    def read(self, kind, records):
        return [self._either(r.partner, lambda channel, r=r: channel.read(kind, [r])[0]) for r in records]

    def update(self, kind, record, new_external_id):
        return self._either(record.partner, lambda channel: channel.update(kind, record, new_external_id))

    def delete(self, kind, record):
        return self._either(record.partner, lambda channel: channel.delete(kind, record))


CHANNELS.append(DelegationChannel)


# --- Rights of the persons recorded: only the plan's data protection officer searches by identity --------------

DATA_PROTECTION = "data_protection"


@pytest.mark.parametrize("role", [*ALL_ROLES, DATA_PROTECTION])
def test_only_the_data_protection_role_searches_by_identity(db, matrix_world, role):
    """Every role (a plain coordinator and superusers included) is refused the identity search, by the service and
    by the page; the coordinator designated data protection officer gets it, in their plan only."""
    from copil.privacy.models import DataProtectionOfficer
    from copil.privacy.rights import Identity, person_pseudonym, search_person

    world = matrix_world
    identity = Identity("Martin", "Alice", "02/03/1990")
    for plan, suffix in ((world.plan, "1"), (world.foreign_plan, "b")):
        with auditlog_disabled():
            RECORD_KINDS["care_referral"].objects.create(
                plan=plan,
                partner=world.partners[f"care-{suffix}"],
                external_id=f"RGPD-{suffix}",
                referred_on=dt.date(2024, 3, 1),
                destination="csapa",
                pseudonym=person_pseudonym(plan, identity),
            )
    user = world.users.get(role)
    if role == DATA_PROTECTION:
        user = world.users["coordinator"]
        DataProtectionOfficer.objects.create(plan=world.plan, user=user)
    allowed = role == DATA_PROTECTION
    try:
        found = search_person(user, world.plan, identity)
    except PermissionDenied:
        assert not allowed
    else:
        assert allowed
        assert [r.external_id for r in found.by_kind["care_referral"]] == ["RGPD-1"]
    with pytest.raises(PermissionDenied):
        search_person(user, world.foreign_plan, identity)
    client = LeanClient()
    client.force_login(user)
    data = {"last_name": "Martin", "first_name": "Alice", "birth_date": "02/03/1990", "step": "search"}
    response = client.post(f"/protection-des-donnees/{world.plan.slug}/personne/", data)
    assert response.status_code == (200 if allowed else 403)
    assert ("RGPD-1" in response.content.decode()) is allowed
    assert client.post(f"/protection-des-donnees/{world.foreign_plan.slug}/personne/", data).status_code == 403


# --- Two-factor sign-in (copil.access.twofactor) ----------------------------------------------------------------

# Per the issue: required of whoever may read person-level lines (care: referrals; justice and coordinators:
# convictions) and of the deployment's administrators; optional for the others (unless a plan requires it of all).
SECOND_FACTOR_REQUIRED = {"coordinator", "justice", "care", SUPERUSER}


@pytest.mark.parametrize("role", ALL_ROLES)
def test_second_factor_matrix(db, matrix_world, role):
    """For each role, whether a password sign-in must be followed by a second factor: the policy table says it,
    and a session signed in with the password only is confined to enrolment exactly then."""
    from copil.access import policy
    from tests.conftest import force_login_password_only

    user = matrix_world.users[role]
    want = role in SECOND_FACTOR_REQUIRED
    client = LeanClient()
    force_login_password_only(client, user)
    response = client.get("/enregistrements/")
    confined = response.status_code == 302 and response.url.startswith("/compte/double-facteur/activer/")
    ok = policy.SECOND_FACTOR_POLICY[role] is want and policy.second_factor_required(user) is want and confined is want
    MATRIX.add("second factor", ok)
    table = policy.SECOND_FACTOR_POLICY[role]
    assert ok, f"{role}: second factor required expected {want}, table says {table}, confined {confined}"


# --- Alert follow-up (copil.alerts.actions) through its pages, and the notification preferences page -----------

# Per issue 11: the plan's coordinators take every step; the partners its notification settings name (here police-1)
# and the partner the alert is assigned to (here city-1) acknowledge and close it; nobody else; nothing crosses
# plans. The other members read the alert's page without its buttons; the public (no member) does not find it.
# Only coordinators open the bilan versions page; every signed-in person opens their notification preferences.
FOLLOW_UP_STEPS = {
    "acknowledge": "prise-en-compte/",
    "assign": "attribution/",
    "close": "cloture/",
    "convert": "action/",
}
FOLLOW_UP_OF = {
    "coordinator": set(FOLLOW_UP_STEPS),
    SUPERUSER: set(FOLLOW_UP_STEPS),
    "police": {"acknowledge", "close"},
    "city": {"acknowledge", "close"},
}


def _alert_for(world: World, plan) -> object:
    from copil.alerts.models import Alert

    suffix = "1" if plan == world.plan else "b"
    today = dt.date.today()
    return Alert.objects.create(
        plan=plan,
        kind=Alert.Kind.SCAN_CLUSTER,
        detected_on=today,
        rank=Alert.objects.filter(plan=plan).count() + 1,
        latitude=Decimal("48.43"),
        longitude=Decimal("0.09"),
        radius_m=200,
        start_day=today - dt.timedelta(days=3),
        end_day=today,
        observed=9,
        expected=2.0,
        p_value=0.001,
        assigned_to=world.partners[f"city-{suffix}"],
    )


@pytest.mark.parametrize("role", ALL_ROLES)
def test_alert_follow_up_bilan_versions_and_notification_preferences_matrix(db, matrix_world, role):
    from copil.alerts.models import AlertStep
    from copil.notifications.models import PlanSettings
    from copil.plans.models import Meeting

    world = matrix_world
    with auditlog_disabled():
        for plan, suffix in ((world.plan, "1"), (world.foreign_plan, "b")):
            PlanSettings.objects.create(plan=plan).alert_partners.add(world.partners[f"police-{suffix}"])
            Meeting.objects.create(plan=plan, held_on=dt.date.today() + dt.timedelta(days=7), title="COPIL")
    client = LeanClient()
    client.force_login(world.users[role])
    data = {
        "assign": lambda suffix: {"partner": world.partners[f"housing-{suffix}"].pk},
        "close": lambda suffix: {"reason": "dispersed"},
        "convert": lambda suffix: {"owner": world.partners[f"police-{suffix}"].pk},
        "acknowledge": lambda suffix: {},
    }
    failures = []
    for plan, suffix in ((world.plan, "1"), (world.foreign_plan, "b")):
        for step, path in FOLLOW_UP_STEPS.items():
            alert = _alert_for(world, plan)
            want = step in FOLLOW_UP_OF.get(role, set()) and (suffix == "1" or role == SUPERUSER)
            response = client.post(f"/plans/{plan.slug}/alertes/{alert.pk}/{path}", data[step](suffix))
            done = AlertStep.objects.filter(alert=alert).exists()
            got = response.status_code == 302 and done
            ok = got == want and (want or (response.status_code in {403, 404} and not done))
            MATRIX.add("alert follow-up", ok)
            if not ok:
                failures.append(f"{role} {step} ({suffix}): expected {want}, got {response.status_code}, step {done}")
        page = client.get(f"/plans/{plan.slug}/alertes/{alert.pk}/")
        member = role == SUPERUSER or (suffix == "1" and role != "public")
        if page.status_code != (200 if member else 404):
            failures.append(f"{role} reads the alert page of plan {suffix}: {page.status_code}")
    versions = client.get(f"/plans/{world.plan.slug}/bilan/versions/").status_code
    want_versions = 200 if role in {"coordinator", SUPERUSER} else 404 if role == "public" else 403
    MATRIX.add("bilan versions page", versions == want_versions)
    if versions != want_versions:
        failures.append(f"{role} opens the bilan versions page: {versions}, expected {want_versions}")
    preferences = client.get("/compte/notifications/")
    MATRIX.add("notification preferences", preferences.status_code == 200)
    if preferences.status_code != 200:
        failures.append(f"{role} opens their notification preferences: {preferences.status_code}")
    assert not failures, "\n".join(failures)


# --- Plan pages: « Le COPIL en 5 minutes » ----------------------------------------------------------------------


@pytest.mark.parametrize("role", ALL_ROLES)
def test_five_minutes_page_matrix(db, matrix_world, role):
    """The summary page and its PDF open to the plan's members of every role but the public (each sees the figures
    its role may, through the dashboard's cards), to superusers in every plan, and to nobody in another plan."""
    world = matrix_world
    client = LeanClient()
    client.force_login(world.users[role])
    own = 200 if role != "public" else 404
    foreign = 200 if role == SUPERUSER else 404
    statuses = (
        client.get(f"/plans/{world.plan.slug}/5-minutes/").status_code,
        client.get(f"/plans/{world.foreign_plan.slug}/5-minutes/").status_code,
    )
    ok = statuses == (own, foreign)
    if ok and own == 200:
        ok = client.get(f"/plans/{world.plan.slug}/5-minutes/pdf/").status_code == 200
    MATRIX.add("five minutes page", ok)
    assert ok, f"{role}: expected {(own, foreign)}, got {statuses}"
