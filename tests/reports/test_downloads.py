"""The bilan's PDF and CSV downloads, linked from its web page."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model

from copil.plans.models import Membership
from copil.records.models import Arrest
from tests.factories import make_partner, make_plan


@pytest.fixture
def ville(db, client):
    """A plan with two arrests, and the client logged in as its coordinator."""
    plan = make_plan(slug="ville")
    police = make_partner(plan, role="police", name="Police nationale")
    for n, day in enumerate([dt.date(2023, 2, 1), dt.date(2023, 5, 2)]):
        Arrest.objects.create(plan=plan, partner=police, external_id=f"A{n}", arrested_on=day, role="trafficker")
    user = get_user_model().objects.create_user("prefecture", "prefecture@example.fr", None)
    Membership.objects.create(partner=make_partner(plan, role="coordinator"), user=user)
    client.force_login(user)
    return plan


def test_bilan_page_links_to_its_pdf_and_csv_for_the_same_period(client, ville):
    page = client.get("/plans/ville/bilan/", {"periode": "2023-T2"}).content.decode()
    assert 'href="/plans/ville/bilan/pdf/?periode=2023-T2"' in page
    assert 'href="/plans/ville/bilan/csv/?periode=2023-T2"' in page
    assert "<figure" in page and 'role="img"' in page  # the arrests chart, inline


@pytest.mark.parametrize(
    ("kind", "content_type", "start"),
    [("pdf", "application/pdf", b"%PDF-"), ("csv", "text/csv; charset=utf-8", b"\xef\xbb\xbf")],
)
def test_downloads_are_attachments_named_after_plan_and_period(client, ville, kind, content_type, start):
    response = client.get(f"/plans/ville/bilan/{kind}/", {"periode": "2023"})
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"] == f'attachment; filename="bilan-ville-20230101-20231231.{kind}"'
    assert response.content.startswith(start)


def test_the_former_public_download_leads_to_the_published_versions(client, ville):
    import datetime as dt

    from copil.indicators.periods import Period
    from copil.reports.actions import publish_bilan

    client.logout()
    publish_bilan(None, plan=ville, period=Period(dt.date(2023, 1, 1), dt.date(2023, 12, 31)))
    for output_format in ("csv", "pdf"):
        response = client.get(f"/plans/ville/bilan/{output_format}/", {"periode": "2023", "publie": "1"})
        assert response.status_code == 301 and response["Location"] == "/plans/ville/bilans/"


def test_downloads_refuse_an_unreadable_period_and_an_unknown_plan(client, ville):
    response = client.get("/plans/ville/bilan/csv/", {"periode": "un jour peut-être"})
    assert response.status_code == 400 and "Période non reconnue" in response.content.decode()
    assert client.get("/plans/inconnu/bilan/pdf/").status_code == 404
