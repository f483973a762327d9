"""The record pages: create, correct and delete one record of every kind through the web forms, with the
importer's validation and messages, conflicts on concurrent edits, and the detail page's history."""

import pytest

from copil.access.audit import events_for
from copil.imports.importer import preview_import
from copil.records.models import RECORD_KINDS
from tests.access.conftest import sample

from .helpers import OWNER_ROLE, complete_sample, form_data, identity_pseudonym


def _partner(world, kind):
    return world.partners[f"{OWNER_ROLE[kind]}-1"]


@pytest.mark.parametrize("kind", list(RECORD_KINDS))
def test_create_correct_and_delete_each_kind_through_the_forms(world, client_for, kind):
    client = client_for(OWNER_ROLE[kind])
    partner = _partner(world, kind)
    model = RECORD_KINDS[kind]
    values = complete_sample(kind, partner, "web-1")
    if values.get("pseudonym"):
        values["pseudonym"] = identity_pseudonym(world.plan)

    page = client.get(f"/enregistrements/{kind}/nouveau/?plan={world.plan.slug}")
    assert page.status_code == 200
    data = {**form_data(kind, values), "plan": world.plan.slug, "partenaire": partner.pk}
    response = client.post(f"/enregistrements/{kind}/nouveau/", data)
    assert response.status_code == 302, response.context["form"].errors
    record = model.objects.get(partner=partner, external_id="web-1")
    assert response.url == f"/enregistrements/{kind}/{record.pk}/"
    for name, value in values.items():
        stored = getattr(record, name)
        if name == "parties":
            assert list(stored.all()) == value
        else:
            assert stored == value, name
    assert [e.action for e in events_for(record)] == ["create"]

    edit = client.get(f"/enregistrements/{kind}/{record.pk}/modifier/")
    assert edit.status_code == 200
    assert 'name="version" value="1"' in edit.content.decode()
    changed = {**form_data(kind, values), "identifiant": "web-1-corrige", "version": 1}
    response = client.post(f"/enregistrements/{kind}/{record.pk}/modifier/", changed)
    assert response.status_code == 302, response.context["form"].errors
    record.refresh_from_db()
    assert (record.external_id, record.version) == ("web-1-corrige", 2)

    detail = client.get(f"/enregistrements/{kind}/{record.pk}/")
    assert detail.status_code == 200
    text = detail.content.decode()
    assert "Identifiant : web-1 → web-1-corrige" in text  # the history, column by column

    response = client.post(f"/enregistrements/{kind}/{record.pk}/supprimer/", {"version": 2})
    assert response.status_code == 302
    assert not model.objects.filter(pk=record.pk).exists()
    assert [e.action for e in events_for(record)] == ["create", "update", "delete"]


def test_form_refuses_what_the_importer_refuses_with_the_same_messages(world, client_for, tmp_path):
    """The same bad values in a file and in the form: the same French reasons, column by column."""
    partner = world.partners["police-1"]
    bad = {"identifiant": "S-1", "date": "2999-01-01", "substance": "poudre", "quantite": "-2", "unite": ""}
    path = tmp_path / "saisies.csv"
    path.write_text(";".join(bad) + "\n" + ";".join(bad.values()) + "\n", encoding="utf-8")
    preview = preview_import(path, world.plan, partner)
    expected = {error.column: error.reason for error in preview.errors}
    assert set(expected) == {"date", "substance", "quantite", "unite"}

    client = client_for("police")
    response = client.post(
        "/enregistrements/seizure/nouveau/", {**bad, "plan": world.plan.slug, "partenaire": partner.pk}
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert {name: errors[0] for name, errors in form.errors.items()} == expected
    assert not RECORD_KINDS["seizure"].objects.exists()
    text = response.content.decode()
    assert "valeur inconnue « poudre »" in text  # French, next to its field


def test_paired_dates_references_and_duplicate_identifiers(world, client_for):
    client = client_for("police")
    partner = world.partners["police-1"]
    url = "/enregistrements/deal_point/nouveau/"
    base = {"plan": world.plan.slug, "partenaire": partner.pk, "identifiant": "P1", "nom": "Square"}
    response = client.post(url, {**base, "identifie_le": "2024-03-01", "neutralise_le": "2024-01-01", "reseau": "R9"})
    errors = response.context["form"].errors
    assert "précède" in errors["neutralise_le"][0]
    assert "référence inconnue « R9 »" in errors["reseau"][0]
    assert client.post(url, {**base, "identifie_le": "2024-03-01"}).status_code == 302
    again = client.post(url, {**base, "identifie_le": "2024-03-02"})
    assert again.status_code == 400
    assert "P1" in again.context["form"].errors["identifiant"][0]


def test_a_stale_edit_is_refused_with_the_conflict_message_and_nothing_is_lost(world, client_for):
    """Two people open the same record; the second to save gets the conflict, the first change stays."""
    partner = world.partners["police-1"]
    client = client_for("police")
    values = sample("seizure", partner, "S-1")
    assert (
        client.post(
            "/enregistrements/seizure/nouveau/",
            {**form_data("seizure", values), "plan": world.plan.slug, "partenaire": partner.pk},
        ).status_code
        == 302
    )
    record = RECORD_KINDS["seizure"].objects.get()
    url = f"/enregistrements/seizure/{record.pk}/modifier/"
    first = {**form_data("seizure", values), "quantite": "20", "version": 1}
    second = {**form_data("seizure", values), "quantite": "30", "version": 1}
    assert client.post(url, first).status_code == 302
    response = client.post(url, second)
    assert response.status_code == 409
    text = response.content.decode()
    assert "Conflit" in text and "version 2" in text
    record.refresh_from_db()
    assert (record.quantity, record.version) == (20, 2)
    stale_delete = client.post(f"/enregistrements/seizure/{record.pk}/supprimer/", {"version": 1})
    assert stale_delete.status_code == 409
    assert RECORD_KINDS["seizure"].objects.filter(pk=record.pk).exists()


def test_identity_becomes_the_pseudonym_and_is_not_kept(world, client_for):
    partner = world.partners["care-1"]
    client = client_for("care")
    data = {
        "plan": world.plan.slug,
        "partenaire": partner.pk,
        "identifiant": "O-1",
        "date": "2024-03-01",
        "destination": "csapa",
        "identite_nom": "Dupont",
        "identite_prenom": "Jean",
        "identite_naissance": "01/02/1980",
    }
    assert client.post("/enregistrements/care_referral/nouveau/", data).status_code == 302
    referral = RECORD_KINDS["care_referral"].objects.get()
    assert len(referral.pseudonym) == 64 and "Dupont" not in str(events_for(referral)[0].after)
    missing = client.post("/enregistrements/care_referral/nouveau/", {**data, "identifiant": "O-2", "identite_nom": ""})
    assert missing.status_code == 400 and "identite_nom" in missing.context["form"].errors


def test_someone_without_the_right_gets_403_and_other_plans_404(world, client_for):
    police = client_for("police")
    assert police.get("/enregistrements/camera/nouveau/").status_code == 403
    foreign = RECORD_KINDS["seizure"].objects.create(
        plan=world.foreign_plan,
        partner=world.partners["police-b"],
        **sample("seizure", world.partners["police-b"], "X"),
    )
    assert police.get(f"/enregistrements/seizure/{foreign.pk}/").status_code == 404
    assert police.post(f"/enregistrements/seizure/{foreign.pk}/modifier/", {}).status_code == 404
    coordinator = client_for("coordinator")
    own_plan = RECORD_KINDS["seizure"].objects.create(
        plan=world.plan, partner=world.partners["police-1"], **sample("seizure", world.partners["police-1"], "Y")
    )
    assert coordinator.get(f"/enregistrements/seizure/{own_plan.pk}/").status_code == 200
    assert coordinator.get(f"/enregistrements/seizure/{own_plan.pk}/modifier/").status_code == 403
    assert coordinator.post(f"/enregistrements/seizure/{own_plan.pk}/supprimer/", {"version": 1}).status_code == 403
