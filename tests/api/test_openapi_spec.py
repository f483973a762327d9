"""The published OpenAPI document is valid JSON without duplicated keys: Swagger UI refuses a document whose
object repeats a key (« duplicated mapping key »), as `/plans/{slug}/bilan` once did with two "200" responses."""

import json

import pytest
from django.test import Client


def _refuse_duplicates(pairs: list[tuple[str, object]]) -> dict[str, object]:
    keys = [key for key, _ in pairs]
    duplicated = sorted({key for key in keys if keys.count(key) > 1})
    assert not duplicated, f"duplicated keys {duplicated} in {keys}"
    return dict(pairs)


@pytest.mark.django_db
def test_openapi_document_has_no_duplicated_key():
    response = Client().get("/api/openapi.json")
    assert response.status_code == 200
    document = json.loads(response.content, object_pairs_hook=_refuse_duplicates)
    bilan = document["paths"]["/api/plans/{slug}/bilan"]["get"]["responses"]["200"]["content"]
    assert {"application/json", "text/html", "application/pdf", "text/csv"} <= set(bilan)
