"""The JSON API's record endpoints: every kind created, read, listed, updated and deleted through the API,
bulk creation all or nothing, conflicts, and errors with field paths."""

import pytest

from copil.access.audit import events_for
from copil.records.models import RECORD_KINDS
from tests.records.helpers import OWNER_ROLE, api_body, complete_sample

from .conftest import ApiClient


@pytest.mark.parametrize("kind", list(RECORD_KINDS))
def test_each_kind_through_the_api(world, api_for, kind):
    api = api_for(OWNER_ROLE[kind])
    partner = world.partners[f"{OWNER_ROLE[kind]}-1"]
    body = api_body(kind, complete_sample(kind, partner, "api-1"))
    created = api.post(f"/api/records/{kind}", body)
    assert created.status_code == 201, created.json()
    out = created.json()
    record = RECORD_KINDS[kind].objects.get(pk=out["id"])
    assert (out["identifiant"], out["version"], out["partenaire"], out["plan"]) == ("api-1", 1, partner.code, "plan-a")
    event = events_for(record)[0]
    assert (event.action, event.channel) == ("create", "api")
    assert "jeton" in event.actor_label

    assert api.get(f"/api/records/{kind}/{record.pk}").json() == out
    listed = api.get(f"/api/records/{kind}").json()
    assert listed["count"] == 1 and listed["results"][0]["id"] == record.pk

    updated = api.put(f"/api/records/{kind}/{record.pk}", {**body, "identifiant": "api-1b", "version": 1})
    assert updated.status_code == 200, updated.json()
    assert (updated.json()["identifiant"], updated.json()["version"]) == ("api-1b", 2)

    assert api.delete(f"/api/records/{kind}/{record.pk}?version=2").status_code == 204
    assert not RECORD_KINDS[kind].objects.filter(pk=record.pk).exists()


def test_bulk_creation_is_all_or_nothing_with_item_index_and_field_path(world, api_for):
    api = api_for("police")
    partner = world.partners["police-1"]
    good = [api_body("seizure", complete_sample("seizure", partner, f"B-{i}")) for i in range(3)]
    bad = [*good[:1], {**good[1], "date": "2999-01-01"}, {**good[2], "quantite": -1}, {**good[0]}]
    response = api.post("/api/records/seizure/bulk", {"items": bad})
    assert response.status_code == 422
    locations = {tuple(error["loc"]): error["msg"] for error in response.json()["detail"]}
    assert set(locations) == {("body", "items", 2, "quantite")}  # types first (the schema), then the values
    response = api.post("/api/records/seizure/bulk", {"items": [good[0], {**good[1], "date": "2999-01-01"}, good[0]]})
    assert response.status_code == 422
    locations = {tuple(error["loc"]): error["msg"] for error in response.json()["detail"]}
    assert set(locations) == {("body", "items", 1, "date"), ("body", "items", 2, "identifiant")}
    assert "futur" in locations[("body", "items", 1, "date")]
    assert not RECORD_KINDS["seizure"].objects.exists()

    response = api.post("/api/records/seizure/bulk", {"items": good})
    assert response.status_code == 201
    assert [r["identifiant"] for r in response.json()["results"]] == ["B-0", "B-1", "B-2"]
    assert RECORD_KINDS["seizure"].objects.count() == 3


def test_a_stale_update_gets_409_and_no_update_is_lost(world, api_for):
    first, second = api_for("police"), api_for("police")
    partner = world.partners["police-1"]
    body = api_body("seizure", complete_sample("seizure", partner, "S-1"))
    record_id = first.post("/api/records/seizure", body).json()["id"]
    assert first.put(f"/api/records/seizure/{record_id}", {**body, "quantite": "20", "version": 1}).status_code == 200
    stale = second.put(f"/api/records/seizure/{record_id}", {**body, "quantite": "30", "version": 1})
    assert stale.status_code == 409
    assert "Conflit" in stale.json()["detail"]
    assert second.delete(f"/api/records/seizure/{record_id}?version=1").status_code == 409
    current = first.get(f"/api/records/seizure/{record_id}").json()
    assert (current["quantite"], current["version"]) == ("20.000", 2)


def test_errors_are_json_with_field_paths(world, api_for):
    api = api_for("police")
    response = api.post("/api/records/seizure", {"identifiant": "", "date": "hier", "substance": "sel", "x": 1})
    assert response.status_code == 422
    locations = {tuple(error["loc"]) for error in response.json()["detail"]}
    assert {("body", "date"), ("body", "substance"), ("body", "x"), ("body", "quantite")} <= locations
    body = api_body("seizure", complete_sample("seizure", world.partners["police-1"], "a\x00b"))
    nul = api.post("/api/records/seizure", {**body, "operation": "\x00", "partenaire": "p\x00"})
    assert nul.status_code == 422  # never stored, never a database error (PostgreSQL refuses NUL characters)
    assert {tuple(e["loc"]) for e in nul.json()["detail"]} == {("body", "partenaire")}
    nul = api.post("/api/records/seizure", {**body, "operation": "\x00"})
    assert {tuple(e["loc"]) for e in nul.json()["detail"]} == {("body", "identifiant"), ("body", "operation")}
    assert ApiClient(None).get("/api/records/seizure").status_code == 401
    assert ApiClient("copil_nope").get("/api/records/seizure").status_code == 401
    assert api.get("/api/records/seizure/999999").status_code == 404
    assert api.post("/api/records/camera", {}).status_code in {403, 422}
    assert api.get("/api/records/camera").status_code == 403


def test_a_token_cannot_do_more_than_its_partner_nor_outlive_its_creators_rights(world, api_for):
    """A superuser's token acts as the partner only; a token stops when its creator leaves the partner."""
    from copil.api.models import ApiToken
    from copil.plans.models import Membership

    _token, secret = ApiToken.issue(partner=world.partners["police-1"], name="x", created_by=world.users["superuser"])
    admin_token = ApiClient(secret)
    assert admin_token.get("/api/records/seizure").status_code == 200
    assert admin_token.get("/api/records/camera").status_code == 403  # the police partner's rights, no more

    api = api_for("police")
    assert api.get("/api/records/seizure").status_code == 200
    Membership.objects.filter(user=world.users["police"]).update(deactivated_at="2024-01-01T00:00:00Z")
    assert api.get("/api/records/seizure").status_code == 401


def test_openapi_schema_and_docs_are_served(client):
    schema = client.get("/api/openapi.json").json()
    assert schema["openapi"].startswith("3.")
    assert schema["components"]["securitySchemes"]["TokenAuth"] == {"type": "http", "scheme": "bearer"}
    operations = [op for path in schema["paths"].values() for op in path.values()]
    signalements = [op for path, ops in schema["paths"].items() if "/signalements" in path for op in ops.values()]
    assert len(signalements) == 3  # a plan's signalements: create (idempotent), list, detail
    assert len(operations) == 6 * len(RECORD_KINDS) + 3 + len(signalements)
    assert {"list_drug_fine", "list_weapon_seizure", "list_asset_seizure", "list_street_price"} <= {
        op["operationId"] for op in operations
    }
    assert all({"401", "422"} <= set(op["responses"]) for op in operations)
    seizure = schema["components"]["schemas"]["SeizureIn"]
    assert seizure["properties"]["substance"]["enum"] == ["cannabis", "héroïne", "cocaïne", "crack", "autre"]
    assert seizure["additionalProperties"] is False
    docs = client.get("/api/docs")
    assert docs.status_code == 200 and b"/static/ninja/swagger-ui-bundle.js" in docs.content


def test_a_budget_year_is_its_first_of_january_and_may_lie_ahead(world, api_for):
    """Issue 14, family 8: the API reads a budget line's year as the files do (its 1 January, a planned year ahead
    accepted), and refuses another day with the field's path and the parser's French reason."""
    import datetime as dt

    api = api_for("coordinator")
    body = api_body("budget_line", complete_sample("budget_line", world.partners["coordinator-1"], "BUD-1"))
    refused = api.post("/api/records/budget_line", {**body, "annee": "2023-06-30"})
    assert refused.status_code == 422
    errors = {tuple(error["loc"]): error["msg"] for error in refused.json()["detail"]}
    assert "1er janvier" in errors[("body", "annee")]
    ahead = f"{dt.date.today().year + 2}-01-01"
    created = api.post("/api/records/budget_line", {**body, "annee": ahead})
    assert created.status_code == 201, created.json()
    assert created.json()["annee"] == ahead
