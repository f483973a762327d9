"""Every read of person-level records (list page, detail page, API list and detail, export) leaves one audit
entry naming the reader, the channel, the filter and the number of rows; a page of 500 rows costs one entry."""

import datetime as dt

from django.test import Client

from copil.access.models import AuditEvent
from copil.api.models import ApiToken
from copil.records.models import CareReferral, Conviction, Seizure

from .conftest import sample


def test_each_read_of_referrals_writes_one_entry_per_request(world):
    care = world.partners["care-1"]
    CareReferral.objects.bulk_create(
        CareReferral(
            plan=world.plan,
            partner=care,
            **{
                **sample("care_referral", care, f"R-{n:03d}"),
                "pseudonym": f"{n:064x}",
                "referred_on": dt.date(2024, 1, 1) + dt.timedelta(days=n % 300),
            },
        )
        for n in range(500)
    )
    referral = CareReferral.objects.order_by("pk").first()
    _token, secret = ApiToken.issue(partner=care, name="lecture", created_by=world.users["care"])
    api = Client(headers={"Authorization": f"Bearer {secret}"})
    web = Client()
    web.force_login(world.users["care"])

    listing = api.get("/api/records/care_referral?taille=500&du=2024-01-01")
    assert listing.status_code == 200 and len(listing.json()["results"]) == 500
    assert api.get(f"/api/records/care_referral/{referral.pk}").status_code == 200
    assert web.get("/enregistrements/care_referral/?destination=csapa").status_code == 200
    assert web.get(f"/enregistrements/care_referral/{referral.pk}/").status_code == 200
    export = web.get("/enregistrements/care_referral/?export=csv")
    b"".join(export.streaming_content)

    reads = list(AuditEvent.objects.filter(action="read").order_by("pk"))
    assert [(e.channel, e.actor_label.split(" ")[0], e.details["rows"]) for e in reads] == [
        ("api", "care-user", 500),
        ("api", "care-user", 1),
        ("web", "care-user", 50),
        ("web", "care-user", 1),
    ]
    assert reads[0].details["filters"]["du"] == "2024-01-01" and reads[2].details["filters"]["destination"] == "csapa"
    assert reads[1].object_id == reads[3].object_id == str(referral.pk)
    assert AuditEvent.objects.filter(action="export", details__rows=500).count() == 1

    police = Client()
    police.force_login(world.users["police"])
    Seizure.objects.create(
        plan=world.plan, partner=world.partners["police-1"], **sample("seizure", world.partners["police-1"], "S-1")
    )
    assert police.get("/enregistrements/seizure/").status_code == 200
    assert AuditEvent.objects.filter(action="read").count() == 4  # other kinds' reads are not person-level


def test_the_admin_pages_of_convictions_are_audited_as_reads(world):
    justice = world.partners["justice-1"]
    conviction = Conviction.objects.create(plan=world.plan, partner=justice, **sample("conviction", justice, "C-1"))
    client = Client()
    client.force_login(world.users["justice"])
    assert client.get("/admin/records/conviction/?repeat_offender__exact=1").status_code == 200
    assert client.get(f"/admin/records/conviction/{conviction.pk}/change/").status_code == 200
    reads = list(AuditEvent.objects.filter(action="read").order_by("pk"))
    assert [(e.channel, e.details["rows"]) for e in reads] == [("admin", 1), ("admin", 1)]
    assert reads[0].details["filters"] == {"repeat_offender__exact": "1"} and reads[1].object_id == str(conviction.pk)
