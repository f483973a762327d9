"""Issue 12 items 6 and 7: record forms speak the user's words (no file or column names, references picked by
name, date and place, identifiers given when left empty, required fields marked, French labels, dates as
12/03/2024, history « 13 kg → 15 kg »), and referrals start with the person, whose pseudonym is never typed
nor shown whole."""

import datetime as dt
import re
from decimal import Decimal

from django.db import IntegrityError

from copil.plans.models import Partner
from copil.records import actions
from copil.records.actions import create_record, next_external_id, update_record
from copil.records.models import RECORD_KINDS
from tests.access.conftest import sample
from tests.factories import make_partner

from .helpers import IDENTITY, identity_pseudonym


def _operation(world, external_id="OPE-1", **extra):
    partner = world.partners["police-1"]
    values = {**sample("operation", partner, external_id), "kind": "raid", **extra}
    return create_record(None, "operation", plan=world.plan, partner=partner, data=values)


def test_the_seizure_form_speaks_the_user_s_words(world, client_for):
    _operation(world, occurred_on=dt.date(2024, 3, 12))
    page = client_for("police").get(f"/enregistrements/seizure/nouveau/?plan={world.plan.slug}").content.decode()
    assert ".csv" not in page and "colonne" not in page and "cellule" not in page
    assert "Les champs marqués d'un astérisque (*) sont obligatoires." in page
    assert re.search(r'for="id_date">Date<span class="copil-required" aria-hidden="true">&nbsp;\*</span>', page)
    assert not re.search(r'for="id_identifiant">Identifiant<span class="copil-required"', page)  # generated
    # The operation is picked by what it is, when; with a search box over the list.
    assert re.search(r'<option value="police-1:OPE-1">12/03/2024 · descente · OPE-1</option>', page), page
    assert "Chercher dans la liste (nom, date, lieu)" in page and "searchable-select.js" in page


def test_one_french_label_per_value_in_forms_and_filters(world, client_for):
    client = client_for("police")
    form = client.get(f"/enregistrements/operation/nouveau/?plan={world.plan.slug}").content.decode()
    filters = client.get("/enregistrements/operation/").content.decode()
    for page in (form, filters):
        assert '<option value="raid">descente</option>' in page
        assert ">interpellation<" not in page


def test_identifiers_are_given_when_left_empty_and_follow_each_other(world, client_for):
    client = client_for("police")
    partner = world.partners["police-1"]
    post = {"plan": world.plan.slug, "partenaire": partner.pk, "identifiant": "", "date": "2024-03-12"}
    for expected in ("POLICE-1-2024-0001", "POLICE-1-2024-0002"):
        response = client.post("/enregistrements/operation/nouveau/", {**post, "type": "search"})
        assert response.status_code == 302, response.context["form"].errors
        assert RECORD_KINDS["operation"].objects.filter(partner=partner, external_id=expected).exists()


def test_a_generated_identifier_taken_meanwhile_gives_the_next_one(world, monkeypatch):
    """Two people saving at once compute the same next number: the insert refuses the second, which takes the
    following number instead of failing."""
    partner = world.partners["police-1"]
    _operation(world, "POLICE-1-2024-0001")
    calls = []

    def stale_then_fresh(kind, partner, year):
        calls.append(year)
        return "POLICE-1-2024-0001" if len(calls) == 1 else next_external_id(kind, partner, year)

    monkeypatch.setattr(actions, "next_external_id", stale_then_fresh)
    record = create_record(
        None, "operation", plan=world.plan, partner=partner, data={"occurred_on": dt.date(2024, 5, 1), "kind": "check"}
    )
    assert record.external_id == "POLICE-1-2024-0002" and len(calls) == 2

    monkeypatch.setattr(actions, "next_external_id", lambda kind, partner, year: "POLICE-1-2024-0001")
    try:
        create_record(
            None,
            "operation",
            plan=world.plan,
            partner=partner,
            data={"occurred_on": dt.date(2024, 5, 1), "kind": "check"},
        )
    except IntegrityError:
        pass
    else:
        raise AssertionError("an identifier always taken ends in an error, never in a duplicate")


def test_a_reference_to_another_plan_s_partner_says_so(world, client_for):
    Partner.objects.filter(code="dspap").delete()
    make_partner(world.foreign_plan, role="police", code="dspap")
    partner = world.partners["police-1"]
    response = client_for("police").post(
        "/enregistrements/seizure/nouveau/",
        {
            "plan": world.plan.slug,
            "partenaire": partner.pk,
            "date": "2024-03-12",
            "substance": "crack",
            "quantite": "2",
            "unite": "g",
            "operation": "dspap:OPE-1",
        },
    )
    assert response.status_code == 400
    assert response.context["form"].errors["operation"] == ["dspap n'est pas un partenaire de ce plan"]


def test_detail_dates_labels_and_history_in_the_user_s_words(world, client_for):
    partner = world.partners["police-1"]
    values = {**sample("seizure", partner, "S-1"), "seized_on": dt.date(2024, 3, 12), "quantity": Decimal(13)}
    seizure = create_record(None, "seizure", plan=world.plan, partner=partner, data={**values, "unit": "kg"})
    update_record(None, seizure, {"quantity": Decimal(15)}, expected_version=1)
    page = client_for("police").get(f"/enregistrements/seizure/{seizure.pk}/").content.decode()
    assert "<td>12/03/2024</td>" in page and "2024-03-12" not in page
    assert "Quantité : 13\u00a0kg → 15\u00a0kg" in page
    listing = client_for("police").get("/enregistrements/seizure/").content.decode()
    assert "12/03/2024" in listing and "kilogramme" in listing


def test_referral_form_starts_with_the_person_and_never_asks_for_the_pseudonym(world, client_for):
    client = client_for("care")
    page = client.get(f"/enregistrements/care_referral/nouveau/?plan={world.plan.slug}").content.decode()
    assert 'name="pseudonyme"' not in page
    assert page.index('name="identite_nom"') < page.index('name="date"')
    data = {"plan": world.plan.slug, "partenaire": world.partners["care-1"].pk, "date": "2024-03-01"}
    missing = client.post("/enregistrements/care_referral/nouveau/", {**data, "destination": "csapa"})
    assert missing.status_code == 400
    assert "Donnez le nom, le prénom et la date de naissance" in missing.context["form"].errors["identite_nom"][0]
    created = client.post("/enregistrements/care_referral/nouveau/", {**data, "destination": "csapa", **IDENTITY})
    assert created.status_code == 302
    referral = RECORD_KINDS["care_referral"].objects.get()
    assert referral.pseudonym == identity_pseudonym(world.plan)
    for url in ("/enregistrements/care_referral/", f"/enregistrements/care_referral/{referral.pk}/"):
        shown = client.get(url).content.decode()
        assert referral.pseudonym not in shown and not re.search(r"[0-9a-f]{64}", shown)
        assert referral.pseudonym[:6] in shown
    # A correction without the identity keeps the pseudonym.
    edit = client.post(
        f"/enregistrements/care_referral/{referral.pk}/modifier/",
        {"identifiant": referral.external_id, "date": "2024-03-02", "destination": "caarud", "version": 1},
    )
    assert edit.status_code == 302, edit.context["form"].errors
    referral.refresh_from_db()
    assert referral.pseudonym == identity_pseudonym(world.plan) and referral.destination == "caarud"


def test_the_second_referral_form_is_gone_and_its_address_leads_to_the_records_form(world, client_for):
    response = client_for("care").get(f"/compte/plans/{world.plan.slug}/orientation/")
    assert response.status_code == 301
    assert response.url == f"/enregistrements/care_referral/nouveau/?plan={world.plan.slug}"
