"""Person-level data stays secret: a police user obtains no referral line and no small referral count, and the
identity typed by a care partner is found nowhere — database, logs, audit trail, error reports."""

import datetime as dt
import io
import logging
import re

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.db import SessionStore
from django.core.management import call_command
from django.db import connection
from django.test import Client, RequestFactory
from django.views.debug import SafeExceptionReporterFilter

from copil.access import policy
from copil.access.pseudonyms import pseudonym
from copil.indicators.catalogue import get_catalogue
from copil.indicators.periods import Period
from copil.records.actions import create_record
from copil.records.models import CareReferral
from copil.records.views import record_create
from copil.reports.actions import publish_bilan
from copil.reports.bilan import INDICATORS, build_bilan, sensitive_indicators
from copil.reports.export import bilan_csv

from .conftest import sample


def _referral(world, n, partner_code="care-1"):
    partner = world.partners[partner_code]
    data = {**sample("care_referral", partner, f"R-{partner_code}-{n}"), "pseudonym": f"{n:064x}"}
    data["referred_on"] = dt.date(2023, 3, 1 + n)
    return create_record(world.users["care"] if partner_code == "care-1" else None, "care_referral",
                         plan=world.plan, partner=partner, data=data)  # fmt: skip


def test_police_gets_no_referral_line_through_any_channel(world):
    referral = _referral(world, 1)
    police = world.users["police"]
    assert not policy.visible_records(police, "care_referral").exists()
    assert not policy.can(police, "read", "care_referral", referral.partner)
    client = Client()
    client.force_login(police)
    assert client.get("/admin/records/carereferral/").status_code == 403
    assert client.get(f"/admin/records/carereferral/{referral.pk}/change/").status_code in {302, 403}
    assert client.get(f"/enregistrements/care_referral/nouveau/?plan={world.plan.slug}").status_code == 403
    assert client.get("/compte/journal/").status_code == 403
    assert client.get("/admin/access/auditevent/").status_code == 403


def test_care_partners_see_their_own_referrals_only(world):
    own, other = _referral(world, 1, "care-1"), _referral(world, 2, "care-2")
    visible = set(policy.visible_records(world.users["care"], "care_referral"))
    assert own in visible and other not in visible


def test_every_referral_aggregate_is_suppressed_for_police_and_exact_for_the_coordinator(world):
    catalogue = get_catalogue()
    referral_indicators = [d for d in catalogue.values() if d.source == "care_referral"]
    assert referral_indicators
    for definition in referral_indicators:
        police_rule = policy.aggregate_rule(world.users["police"], definition, plan=world.plan)
        assert police_rule.visible and police_rule.suppress and police_rule.threshold == 5
        assert policy.aggregate_rule(world.users["coordinator"], definition, plan=world.plan).exact
        care_rule = policy.aggregate_rule(world.users["care"], definition, plan=world.plan)
        assert care_rule.exact != definition.person_count  # distinct persons only above the threshold
        assert policy.aggregate_rule(None, definition).suppress  # visitors
    seizures = catalogue["seizure_mass"]
    assert policy.aggregate_rule(world.users["police"], seizures, plan=world.plan).exact


def _bilan_page(client, world, published=False):
    url = f"/plans/{world.plan.slug}/{'bilans/1/' if published else 'bilan/'}"
    response = client.get(url, {} if published else {"periode": "2023"})
    assert response.status_code == 200
    page = re.sub(r'name="csrfmiddlewaretoken" value="\w+"', "", response.content.decode())
    page = re.sub(r"-[a-z]{16}\b", "-random-id", page)  # the page's random element ids (DSFR components)
    return re.sub(r"\d{1,2}(er)? \w+ 20\d\d à \d+ ?h ?\d+|\d\d:\d\d(:\d\d)?", "", page)


def test_the_bilan_page_does_not_reveal_a_small_number_of_referrals_to_police(world):
    """Differential: with 2 then 3 referrals (both under the threshold), the police's page must not change at
    all — no figure, footnote, record count or chart may tell them apart. The coordinator's page does change."""
    police, coordinator = Client(), Client()
    police.force_login(world.users["police"])
    coordinator.force_login(world.users["coordinator"])
    for n in (1, 2):
        _referral(world, n)
    publish_bilan(None, plan=world.plan, period=Period(dt.date(2023, 1, 1), dt.date(2023, 12, 31)))
    police_two, coordinator_two = _bilan_page(police, world), _bilan_page(coordinator, world)
    public_two = _bilan_page(Client(), world, published=True)
    _referral(world, 3)
    assert _bilan_page(police, world) == police_two
    assert _bilan_page(Client(), world, published=True) == public_two
    assert _bilan_page(coordinator, world) != coordinator_two


# --- Identities -------------------------------------------------------------------------------------------------

IDENTITIES = [("Zwischenberger", "Hortense", "17/09/1987"), ("Quennehen-Lavaud", "Ysoline", "03/02/1979")]


def _needles(last, first, born):
    day, month, year = born.split("/")
    return {last.lower(), first.lower(), f"{year}-{month}-{day}", born, f"{day}{month}{year}", f"{year}{month}{day}"}


def _whole_database_text() -> str:
    """Every row of every table, as text."""
    chunks = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            chunks.extend(repr(row) for row in cursor.fetchall())
    dump = io.StringIO()
    call_command("dumpdata", stdout=dump)
    chunks.append(dump.getvalue())
    return "\n".join(chunks).lower()


def test_identities_typed_by_a_care_partner_are_stored_and_logged_nowhere(world, caplog, settings):
    settings.DEBUG = False
    client = Client()
    client.force_login(world.users["care"])
    connection.force_debug_cursor = True  # SQL statements go to the log too
    try:
        with caplog.at_level(logging.DEBUG), caplog.at_level(logging.DEBUG, logger="django"):
            for n, (last, first, born) in enumerate(IDENTITIES):
                response = client.post(
                    "/enregistrements/care_referral/nouveau/",
                    {
                        "plan": world.plan.slug,
                        "partenaire": world.partners["care-1"].pk,
                        "identifiant": f"ORI-{n}",
                        "date": "2024-03-01",
                        "destination": "csapa",
                        "issue": "pending",
                        "identite_nom": last,
                        "identite_prenom": first,
                        "identite_naissance": born,
                    },
                )
                assert response.status_code == 302, response.content.decode()[:3000]
            # The same person typed differently is one pseudonym, so counts once.
            client.post(
                "/enregistrements/care_referral/nouveau/",
                {
                    "plan": world.plan.slug,
                    "partenaire": world.partners["care-1"].pk,
                    "identifiant": "ORI-again",
                    "date": "2024-04-01",
                    "destination": "caarud",
                    "issue": "admitted",
                    "identite_nom": "ZWISCHENBERGER",
                    "identite_prenom": "hortense",
                    "identite_naissance": "1987-09-17",
                },
            )
    finally:
        connection.force_debug_cursor = False
    referrals = CareReferral.objects.filter(external_id__startswith="ORI-")
    assert referrals.count() == 3
    assert referrals.values("pseudonym").distinct().count() == 2
    from copil.access.pseudonyms import plan_key

    expected = pseudonym(*IDENTITIES[0], key=plan_key(world.plan))
    assert referrals.get(external_id="ORI-0").pseudonym == expected
    database = _whole_database_text()
    logs = "\n".join(record.getMessage() for record in caplog.records).lower()
    assert "insert into" in logs, "the SQL log was captured"
    assert expected in database and expected in logs, "the search sees what was stored and logged"
    for identity in IDENTITIES:
        for needle in _needles(*identity):
            assert needle.lower() not in database, needle
            assert needle.lower() not in logs, needle


def test_error_reports_never_show_the_identity(world):
    request = RequestFactory().post(
        "/enregistrements/care_referral/nouveau/",
        {
            "plan": world.plan.slug,
            "identite_nom": "Zwischenberger",
            "identite_prenom": "Hortense",
            "identite_naissance": "17/09/1987",
            "destination": "x",
        },
    )
    request.user = world.users["care"]
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    record_create(request, "care_referral")  # invalid referral: the form is shown again
    cleaned = SafeExceptionReporterFilter().get_post_parameters(request)
    for field in ("identite_nom", "identite_prenom", "identite_naissance"):
        assert cleaned[field] != request.POST[field] and set(cleaned[field]) == {"*"}
    assert cleaned["destination"] == "x"


@pytest.mark.parametrize("role", ["police", "coordinator", "public"])
def test_only_care_partners_reach_the_referral_page(world, role):
    client = Client()
    client.force_login(world.users[role])
    assert client.get(f"/enregistrements/care_referral/nouveau/?plan={world.plan.slug}").status_code == 403


def test_visitors_are_sent_to_the_login_page(world):
    response = Client().get(f"/enregistrements/care_referral/nouveau/?plan={world.plan.slug}")
    assert response.status_code == 302 and "/compte/connexion/" in response.url
    assert get_user_model().objects.count() == len(world.users)


def _conviction(world, n):
    partner = world.partners["justice-1"]
    data = {**sample("conviction", partner, f"C-{n}"), "pseudonym": f"{100 + n:064x}"}
    data["convicted_on"] = dt.date(2023, 4, 1 + n)
    return create_record(world.users["justice"], "conviction", plan=world.plan, partner=partner, data=data)


def _headline(csv_bytes: bytes, code: str) -> str:
    rows = [line.split(";") for line in csv_bytes.decode("utf-8-sig").splitlines()]
    return next(row[7] for row in rows if row[0] == code and row[5] == "valeur")


def test_each_partner_reads_the_bilan_with_only_what_it_may_not_see_suppressed(world):
    """Not all-or-nothing: the parquet reads its own small conviction count exactly but referrals as "< 5";
    the police sees both suppressed; the coordinator neither; the public variant hides both."""
    for n in (1, 2):
        _referral(world, n)
    for n in (1, 2, 3):
        _conviction(world, n)
    definitions = [get_catalogue()[code] for code in INDICATORS]
    referrals = {d.code for d in definitions if d.source == "care_referral"}
    # the parquet's person-level kinds: convictions and the penal chain (issue 14)
    convictions = {d.code for d in definitions if d.source in {"conviction", "penal_step"} and d.disclosure_threshold}
    # the persons counted by harm-reduction and care activity (issue 14): the care and health partners' figures
    care_persons = {d.code for d in definitions if d.source == "care_activity" and d.person_count}
    assert referrals and convictions and care_persons
    suppressed = {
        role: policy.suppressed_indicators(world.users[role], world.plan, definitions) for role in world.users
    }
    assert suppressed["justice"] == referrals | care_persons
    assert suppressed["police"] == referrals | convictions | care_persons == sensitive_indicators()
    assert suppressed["coordinator"] == frozenset() == suppressed[policy.SUPERUSER]
    period = Period(dt.date(2023, 1, 1), dt.date(2023, 12, 31))
    referral_code, conviction_code = sorted(referrals)[0], "convicted_persons"
    for role, referral_shown, conviction_shown in [
        ("justice", "< 5", "3"),
        ("police", "< 5", "< 5"),
        ("coordinator", "2", "3"),
    ]:
        bilan = build_bilan(world.plan, period, suppressed=suppressed[role], charts=False)
        assert bilan.public is (role == "police") and bilan.published is (role != "coordinator")
        figures = bilan_csv(bilan)
        assert (_headline(figures, referral_code), _headline(figures, conviction_code)) == (
            referral_shown,
            conviction_shown,
        ), role
    client = Client()
    client.force_login(world.users["justice"])
    page = client.get(f"/plans/{world.plan.slug}/bilan/", {"periode": "2023"}).content.decode()
    assert "Votre rôle ne donne pas accès à certains effectifs de personnes" in page
    assert "3 personnes" in page


def test_an_association_cannot_probe_whether_a_named_person_is_another_associations_client(world):
    """The review's oracle: an association enters a referral of a named person and watches the count of persons
    referred. Within the plan that count is only shown to it above the threshold; across plans the same person
    has unrelated pseudonyms (keys derived per plan)."""
    from copil.access.pseudonyms import plan_key
    from copil.api.models import ApiToken

    identity = ("Diallo", "Aïssata", "07/03/1990")
    for n, person in enumerate([identity, ("Martin", "Paul", "01/01/1980")]):
        data = {**sample("care_referral", world.partners["care-2"], f"AUTRE-{n}")}
        data["pseudonym"] = pseudonym(*person, key=plan_key(world.plan))
        create_record(None, "care_referral", plan=world.plan, partner=world.partners["care-2"], data=data)
    _token, secret = ApiToken.issue(partner=world.partners["care-1"], name="sonde", created_by=world.users["care"])
    api = Client(headers={"Authorization": f"Bearer {secret}"})
    url = "/api/plans/plan-a/indicators?period=2024&codes=persons_referred_to_care"

    def seen_by_the_association():
        return api.get(url).json()["indicators"][0]["value"]

    before = seen_by_the_association()
    client = Client()
    client.force_login(world.users["care"])
    response = client.post(
        "/enregistrements/care_referral/nouveau/",
        {
            "plan": world.plan.slug,
            "partenaire": world.partners["care-1"].pk,
            "identifiant": "SONDE",
            "date": "2024-03-01",
            "destination": "csapa",
            "issue": "pending",
            "identite_nom": identity[0],
            "identite_prenom": identity[1],
            "identite_naissance": identity[2],
        },
    )
    assert response.status_code == 302
    assert before == seen_by_the_association() == "< 5"
    coordinator = Client(headers={"Authorization": f"Bearer {_coordinator_secret(world)}"})
    assert coordinator.get(url).json()["indicators"][0]["value"] == 2  # the probe's answer, had it been exact

    stored = CareReferral.objects.get(external_id="SONDE").pseudonym
    assert stored == pseudonym(*identity, key=plan_key(world.plan))
    assert stored != pseudonym(*identity, key=plan_key(world.foreign_plan))
    assert stored != pseudonym(*identity, key=django_settings.COPIL_PSEUDONYM_KEY)


def _coordinator_secret(world):
    from copil.api.models import ApiToken

    partner = world.partners["coordinator-1"]
    return ApiToken.issue(partner=partner, name="coordination", created_by=world.users["coordinator"])[1]


def test_care_activity_counts_persons_exactly_for_care_health_and_coordinator_only(world):
    """Issue 14, family 6: the active file, overdoses and people housed are health data on few people; the
    passages and the equipment handed out are aggregates like any other, exact for everyone."""
    catalogue = get_catalogue()
    persons = [d for d in catalogue.values() if d.source == "care_activity" and d.person_count]
    others = [d for d in catalogue.values() if d.source == "care_activity" and not d.person_count]
    assert {d.code for d in persons} == {"care_active_file", "care_overdoses", "care_people_housed"}
    assert others
    for definition in persons:
        for role in ("care", "health", "coordinator"):
            assert policy.aggregate_rule(world.users[role], definition, plan=world.plan).exact, role
        for role in ("police", "justice", "city", "housing"):
            rule = policy.aggregate_rule(world.users[role], definition, plan=world.plan)
            assert rule.visible and rule.suppress, role
        assert policy.aggregate_rule(None, definition).suppress
    for definition in others:
        assert policy.aggregate_rule(None, definition).exact
        assert policy.aggregate_rule(world.users["police"], definition, plan=world.plan).exact
