"""Bilan versions: the public reads the bilan of published periods only, and no two published periods of a
plan let a reader derive a count of persons under 5 by subtraction."""

import csv
import datetime as dt
import io
import itertools
import re
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from copil.access.models import AuditEvent
from copil.indicators.periods import Period
from copil.plans.models import Partner
from copil.records.actions import create_record
from copil.reports.actions import publish_bilan
from copil.reports.bilan import build_bilan, sensitive_indicators
from copil.reports.export import bilan_csv
from copil.reports.models import BilanVersion
from tests.reports.seeds import ALENCON, plain

SHORTER = Period(ALENCON.start, ALENCON.end - dt.timedelta(days=1))


def test_the_former_live_addresses_lead_the_public_to_the_published_versions(alencon):
    client = Client()
    probe = "?periode=personnalisee&du=2023-01-01&au=2024-06-29"  # the review's one-day-shorter period
    for path in ("/plans/alencon/bilan/publie/", "/plans/alencon/bilan/publie/" + probe):
        response = client.get(path)
        assert response.status_code == 301 and response["Location"] == "/plans/alencon/bilans/"
    for output_format in ("pdf", "csv"):
        response = client.get(f"/plans/alencon/bilan/{output_format}/{probe}&publie=1")
        assert response.status_code == 301 and response["Location"] == "/plans/alencon/bilans/"
    listing = client.get("/plans/alencon/bilans/").content.decode()
    assert "Aucun bilan de ce plan n'a encore été publié" in listing

    version = publish_bilan(None, plan=alencon, period=ALENCON)
    listing = client.get("/plans/alencon/bilan/publie/", follow=True).content.decode()
    assert "Bilan n° 1, du 01/01/2023 au 30/06/2024" in listing and "/plans/alencon/bilans/1/" in listing
    page = client.get("/plans/alencon/bilans/1/")
    assert page.status_code == 200 and "34 personnes ont été condamnées" in page.content.decode()
    assert AuditEvent.objects.filter(action="create", object_id=str(version.pk), details__published=True).exists()


PUBLIC_ADDRESSES = (
    "/",
    "/plans/alencon/bilans/",
    "/plans/alencon/bilans/1/",
    "/plans/alencon/bilans/1/pdf/",
    "/plans/alencon/bilan/publie/",
    "/plans/alencon/bilan/?periode=2023-01-01..2024-06-30",
    "/plans/alencon/bilan/pdf/?periode=personnalisee&du=2023-01-01&au=2024-06-30&publie=1",
    "/plans/alencon/bilan/csv/?periode=personnalisee&du=2023-01-01&au=2024-06-30&publie=1",
    "/plans/alencon/bilan/csv/?periode=2023-01-01..2024-06-30",
    "/plans/alencon/",
    "/plans/alencon/carte/couches.geojson?couche=points-de-deal",
    "/api/plans/alencon/bilan?period=2023-01-01..2024-06-30&format=csv",
    "/api/plans/alencon/indicators?period=2023-01-01..2024-06-30&codes=seizure_mass",
)


def _public_view(client: Client) -> dict[str, tuple[int, bytes]]:
    """What an anonymous visitor gets at every public or formerly public address, redirects followed."""
    seen = {}
    for address in PUBLIC_ADDRESSES:
        response = client.get(address, follow=True)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        body = re.sub(rb'name="csrfmiddlewaretoken" value="\w+"', b"", body)
        seen[address] = (response.status_code, re.sub(rb"-[a-z]{16}\b", b"-id", body))
    return seen


def test_a_seizure_entered_after_publication_never_shows_on_any_public_address(alencon):
    """As a citizen would try it: publish, read every address, enter a seizure in the published period, read
    again: nothing the public gets changed, while the coordinator's live bilan does show the seizure."""
    publish_bilan(None, plan=alencon, period=ALENCON)
    citizen = Client()
    before = _public_view(citizen)
    assert before["/plans/alencon/bilans/1/"][0] == 200 and before["/plans/alencon/bilans/1/pdf/"][0] == 200
    assert "35 kg de cannabis" in plain(before["/plans/alencon/bilans/1/"][1].decode())
    coordinator = get_user_model().objects.create_user("coordo", "coordo@example.fr", None)
    partners = alencon.partners.all()
    partners.get(role=Partner.Role.COORDINATOR).membership_set.create(user=coordinator)
    member = Client()
    member.force_login(coordinator)
    live = "/plans/alencon/bilan/?periode=personnalisee&du=2023-01-01&au=2024-06-30"
    assert "1,04 t de cannabis" not in member.get(live).content.decode()

    create_record(
        None,
        "seizure",
        plan=alencon,
        partner=partners.filter(role=Partner.Role.POLICE).first(),
        data={"seized_on": dt.date(2024, 6, 1), "substance": "cannabis", "quantity": Decimal(1000), "unit": "kg"},
    )
    assert "1,04 t de cannabis" in plain(member.get(live).content.decode()), "the live bilan moved"
    after = _public_view(citizen)
    for address in PUBLIC_ADDRESSES:
        assert after[address] == before[address], f"{address} changed for the public"
        assert "1,04 t" not in plain(after[address][1].decode(errors="replace"))


def test_only_coordinators_publish_and_a_differencing_period_is_refused(alencon, django_user_model):
    police = django_user_model.objects.create_user("agent", "agent@example.fr", None)
    alencon.partners.filter(role="police").first().membership_set.create(user=police)
    with pytest.raises(PermissionDenied):
        publish_bilan(police, plan=alencon, period=ALENCON)
    publish_bilan(None, plan=alencon, period=ALENCON)
    with pytest.raises(ValidationError, match="bilan n° 1"):
        publish_bilan(None, plan=alencon, period=SHORTER)  # one conviction of a repeat offender on 30/06/2024
    with pytest.raises(ValidationError, match="déjà publié"):
        publish_bilan(None, plan=alencon, period=ALENCON)
    assert list(BilanVersion.objects.values_list("number", flat=True)) == [1]


def _public_counts(plan, period) -> dict[tuple[str, str, str], int]:
    """Every exact count a reader gets from the public CSV of sensitive indicators: values and record counts."""
    rows = list(
        csv.reader(
            io.StringIO(bilan_csv(build_bilan(plan, period, published=True, charts=False)).decode("utf-8-sig")),
            delimiter=";",
        )
    )[1:]
    counts = {}
    for row in rows:
        if row[0] not in sensitive_indicators() or row[5] != "valeur":
            continue
        for column, name in ((7, "valeur"), (11, "enregistrements")):
            if row[column].isdigit():
                counts[(row[0], row[6], name)] = int(row[column])
    return counts


def test_no_two_published_periods_reveal_a_count_under_five_by_subtraction(alencon):
    """Publish every year, half-year and quarter of the plan, the seed period and the review's probe (those
    publish_bilan accepts); then, for every pair of published periods one inside the other, subtract what the
    public CSVs print: no difference lies between 1 and 4."""
    candidates = [ALENCON, SHORTER, Period(dt.date(2023, 1, 1), dt.date(2023, 12, 31))]
    for year, (first, last) in itertools.product((2023, 2024), ((1, 6), (7, 12), (1, 3), (4, 6), (7, 9), (10, 12))):
        end = (dt.date(year + (last == 12), last % 12 + 1, 1)) - dt.timedelta(days=1)
        candidates.append(Period(dt.date(year, first, 1), end))
    refused = 0
    for period in candidates:
        try:
            publish_bilan(None, plan=alencon, period=period)
        except ValidationError:
            refused += 1
    versions = list(BilanVersion.objects.published().filter(plan=alencon))
    assert len(versions) >= 2 and refused >= 1  # the probe at least is refused
    counts = {v.number: _public_counts(alencon, v.period) for v in versions}
    pairs = 0
    for a, b in itertools.permutations(versions, 2):
        if not (b.period_start <= a.period_start and a.period_end <= b.period_end):
            continue
        pairs += 1
        for key, inner in counts[a.number].items():
            outer = counts[b.number].get(key)
            assert outer is None or not 0 < outer - inner < 5, (a, b, key, inner, outer)
    assert pairs >= 1


def test_the_publish_command_acts_as_the_system(alencon):
    from io import StringIO

    from django.core.management import CommandError, call_command

    out = StringIO()
    call_command("publish", "--plan", "alencon", "--period", "2023-01-01..2024-06-30", stdout=out)
    assert "bilan n° 1 publié" in out.getvalue()
    version = BilanVersion.objects.get()
    assert (version.period, version.published_by, version.state) == (ALENCON, None, "published")
    event = AuditEvent.objects.get(action="create", details__published=True)
    assert event.actor_label == "système"
    with pytest.raises(CommandError, match="bilan n° 1"):
        call_command("publish", "--plan", "alencon", "--period", "2023-01-01..2024-06-29")
