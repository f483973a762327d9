"""The API documentation renders in a browser: Swagger UI parses /api/openapi.json and lists the operations."""

from __future__ import annotations

import pytest

from .conftest import screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def test_api_docs_render_every_operation(page):
    page.goto("/api/docs")
    page.locator(".opblock").first.wait_for()
    assert page.locator(".opblock").count() > 10
    assert page.get_by_text("/api/plans/{slug}/bilan", exact=True).count() >= 1
    assert "Parser error" not in page.content()
    assert not page.locator(".errors-wrapper").count()
    screenshot(page, "api-docs")
    assert not page.js_errors
