"""Indicators and bilan through the API, with the disclosure rules of the token's partner; what a police token
may not get (referrals to care); the token pages."""

import re

from copil.access.models import AuditEvent
from copil.api.models import ApiToken
from copil.records.models import RECORD_KINDS
from tests.access.conftest import sample
from tests.conftest import pass_second_factor
from tests.factories import make_plan, make_territory

from .conftest import ApiClient


def _referrals(world, destinations):
    care = world.partners["care-1"]
    for number, destination in enumerate(destinations):
        values = {**sample("care_referral", care, f"REF-{number}"), "destination": destination}
        values["pseudonym"] = f"{number:064x}"
        RECORD_KINDS["care_referral"].objects.create(plan=world.plan, partner=care, **values)


def test_indicators_respect_the_disclosure_rule_of_the_token(world, api_for):
    _referrals(world, ["csapa"] * 6 + ["hospital"] * 2)
    url = "/api/plans/plan-a/indicators"
    params = {"period": "2024", "codes": "care_referrals,persons_referred_to_care,seizures"}
    care = api_for("care").get(url, params).json()
    figures = {i["code"]: i for i in care["indicators"]}
    assert figures["care_referrals"]["value"] == 8 and not figures["care_referrals"]["suppressed"]
    assert figures["care_referrals"]["breakdown"] == {"csapa": 6, "hospital": 2}

    police = api_for("police").get(url, params).json()
    figures = {i["code"]: i for i in police["indicators"]}
    referrals = figures["care_referrals"]
    assert referrals["suppressed"] and referrals["value"] == 8
    # 2 hospital referrals: "< 5"; the 6 CSAPA ones would give them away by subtraction: secondary "s"
    assert referrals["breakdown"] == {"csapa": "s", "hospital": "< 5"}
    assert figures["seizures"]["value"] == 0 and not figures["seizures"]["suppressed"]
    assert police["period"] == {"start": "2024-01-01", "end": "2024-12-31", "label": "en 2024"}

    bad = api_for("police").get(url, {"period": "la semaine des quatre jeudis"})
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["query", "period"]
    unknown = api_for("police").get(url, {"codes": "nope"})
    assert unknown.status_code == 422 and unknown.json()["detail"][0]["loc"] == ["query", "codes"]
    territory = api_for("police").get(f"/api/territories/{world.plan.territory.insee_code}/indicators", params)
    assert territory.status_code == 200 and territory.json()["scope"]["plan"] is None
    assert api_for("police").get("/api/plans/no-such-plan/indicators").status_code == 404


def test_bilan_in_every_format(world, api_for):
    api = api_for("coordinator")
    body = api.get("/api/plans/plan-a/bilan", {"period": "2024"}).json()
    assert body["plan"] == "plan-a" and body["published"] is False and body["title"]
    csv_response = api.get("/api/plans/plan-a/bilan", {"period": "2024", "format": "csv"})
    assert csv_response["Content-Type"].startswith("text/csv")
    html = api.get("/api/plans/plan-a/bilan", {"period": "2024", "format": "html"})
    assert html["Content-Type"].startswith("text/html") and b"<html" in html.content
    pdf = api.get("/api/plans/plan-a/bilan", {"period": "2024", "format": "pdf"})
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert api_for("police").get("/api/plans/plan-a/bilan", {"period": "2024"}).json()["published"] is True
    events = AuditEvent.objects.filter(action__in=["bilan", "export"], channel="api")
    assert sorted(e.details["format"] for e in events) == ["csv", "html", "json", "json", "pdf"]


def test_a_police_token_gets_no_referral(world, api_for):
    _referrals(world, ["csapa"])
    referral = RECORD_KINDS["care_referral"].objects.get()
    police = api_for("police")
    for params in [{}, {"partenaire": "care-1"}, {"tri": "pseudonyme"}, {"destination": "csapa"}]:
        response = police.get("/api/records/care_referral", params)
        assert response.status_code == 403 and b"REF-0" not in response.content
    assert police.get(f"/api/records/care_referral/{referral.pk}").status_code == 403
    assert police.delete(f"/api/records/care_referral/{referral.pk}?version=1").status_code == 403
    put = police.put(f"/api/records/care_referral/{referral.pk}", {"version": 1, "identifiant": "x"})
    assert put.status_code in {403, 422} and b"REF-0" not in put.content
    other_care = ApiClient(_token(world, "care", "care-2"))
    assert other_care.get(f"/api/records/care_referral/{referral.pk}").status_code == 404
    assert other_care.get("/api/records/care_referral").json()["count"] == 0
    assert api_for("care").get(f"/api/records/care_referral/{referral.pk}").status_code == 200


def _token(world, role, partner_key):
    from copil.plans.models import Membership

    user = world.users[role]
    Membership.objects.get_or_create(partner=world.partners[partner_key], user=user)
    _t, secret = ApiToken.issue(partner=world.partners[partner_key], name="t", created_by=user)
    return secret


def test_token_pages_show_the_token_once_and_revoke_it(world, client):
    client.force_login(world.users["police"])
    pass_second_factor(client, world.users["police"])  # creating a token wants a recent second factor
    page = client.get("/api/jetons/")
    assert page.status_code == 200
    options = page.context["form"].fields["partner"].queryset
    assert list(options) == [world.partners["police-1"]]  # own partner only
    response = client.post("/api/jetons/", {"partner": world.partners["police-1"].pk, "name": "logiciel"})
    secret = re.search(rb'id="new-token">([^<]+)<', response.content).group(1).decode()
    token = ApiToken.objects.get()
    assert token.key_hash != secret and secret.startswith(token.prefix)
    assert secret.encode() not in client.get("/api/jetons/").content  # shown once
    api = ApiClient(secret)
    assert api.get("/api/records/seizure").status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=None)
    assert client.post(f"/api/jetons/{token.pk}/revoquer/").status_code == 302
    assert api.get("/api/records/seizure").status_code == 401
    assert AuditEvent.objects.filter(object_type="api.apitoken").count() == 2
    # a member of another partner cannot revoke it, nor the public see the pages
    other = client.__class__()
    other.force_login(world.users["city"])
    assert other.post(f"/api/jetons/{token.pk}/revoquer/").status_code == 404
    public = client.__class__()
    public.force_login(world.users["public"])
    assert public.get("/api/jetons/").status_code == 200  # its own partner's tokens (public rights only)
    coordinator = client.__class__()
    coordinator.force_login(world.users["coordinator"])
    listed = coordinator.get("/api/jetons/").context["tokens"]
    assert token in list(listed)


def test_a_police_token_gets_a_part_of_a_total_under_the_bilan_rule(world, api_for):
    """The review's probe: `/api/plans/<slug>/indicators` gave a police token both 35 convicted persons and 34
    of them referred to court, so one person not referred; the part is withheld as in the bilan, with its
    record counts, even when the total is not asked for in the same call."""
    justice = world.partners["justice-1"]
    for number in range(35):
        values = {**sample("conviction", justice, f"C-{number}"), "pseudonym": f"{number:064x}"}
        values["referral_to_court"] = number < 34
        RECORD_KINDS["conviction"].objects.create(plan=world.plan, partner=justice, **values)
    url = "/api/plans/plan-a/indicators"
    for codes in ("convicted_persons,convicted_persons_referred_to_court", "convicted_persons_referred_to_court"):
        body = api_for("police").get(url, {"period": "2024", "codes": codes}).json()
        part = {i["code"]: i for i in body["indicators"]}["convicted_persons_referred_to_court"]
        assert (part["value"], part["record_count"], part["sources"][0]["records"]) == ("s", "s", "s")
    exact = api_for("justice").get(url, {"period": "2024", "codes": "convicted_persons_referred_to_court"}).json()
    assert exact["indicators"][0]["value"] == 34


def test_a_territory_of_several_plans_never_adds_up_their_persons(world, api_for):
    """Each plan pseudonymises with its own key: summing two plans' distinct persons could count one person twice,
    so over several plans the person counts are withheld (listed as hidden), the record counts are not."""
    params = {"period": "2024", "codes": "convicted_persons,seizures"}
    territory = world.plan.territory
    alone = api_for("coordinator").get(f"/api/territories/{territory.insee_code}/indicators", params).json()
    assert [i["code"] for i in alone["indicators"]] == ["convicted_persons", "seizures"]
    assert alone["hidden"] == []

    make_plan(slug="plan-c", territory=make_territory(parent=territory, level="arrondissement"))
    both = api_for("coordinator").get(f"/api/territories/{territory.insee_code}/indicators", params).json()
    assert [i["code"] for i in both["indicators"]] == ["seizures"]
    assert both["hidden"] == ["convicted_persons"]
