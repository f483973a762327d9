"""One log line per request and per background task, JSON when COPIL_LOG_FORMAT=json: request id, user id (never
a name), status and duration; errors with their stack."""

import json
import logging

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import path
from django_tasks import task

from copil.production.logs import JsonFormatter, TextFormatter, current_request_id
from copil.urls import urlpatterns as copil_urlpatterns


def _explode(request):
    raise RuntimeError("boom in a view")


urlpatterns = [path("explose/", _explode), *copil_urlpatterns]


@task()
def add(a: int, b: int) -> int:
    return a + b


@task()
def fail() -> None:
    raise ValueError("boom in a task")


def _json_lines(caplog, logger: str) -> list[dict]:
    formatter = JsonFormatter()
    return [json.loads(formatter.format(r)) for r in caplog.records if r.name == logger]


@pytest.mark.django_db
def test_one_json_line_per_request_with_its_id_user_status_and_duration(caplog):
    user = get_user_model().objects.create_user("jeanne.dupont", "jeanne@example.fr", "x" * 16)
    client = Client()
    client.force_login(user)
    with caplog.at_level(logging.INFO, logger="copil.requests"):
        response = client.get("/sante/", HTTP_X_REQUEST_ID="proxy-id-12345678")
        anonymous = Client().get("/sante/")
    first, second = _json_lines(caplog, "copil.requests")
    assert response["X-Request-ID"] == "proxy-id-12345678"  # the proxy's id is kept, so both logs can be joined
    assert first["request_id"] == "proxy-id-12345678"
    assert (first["method"], first["path"], first["status"], first["user_id"]) == ("GET", "/sante/", 503, user.pk)
    assert first["duration_ms"] >= 0 and first["level"] == "ERROR"  # a 503 is an error line
    assert "jeanne" not in json.dumps(first)
    assert "user_id" not in second and len(second["request_id"]) == 32
    assert anonymous["X-Request-ID"] == second["request_id"]


@pytest.mark.django_db
def test_a_forged_request_id_is_replaced(caplog):
    with caplog.at_level(logging.INFO, logger="copil.requests"):
        response = Client().get("/sante/", HTTP_X_REQUEST_ID='"}\n{"forged": 1')
    assert response["X-Request-ID"] != '"}\n{"forged": 1'
    assert _json_lines(caplog, "copil.requests")[0]["request_id"] == response["X-Request-ID"]


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_an_error_logs_its_stack_under_the_request_id(caplog):
    client = Client(raise_request_exception=False)
    with caplog.at_level(logging.INFO):
        response = client.get("/explose/")
    assert response.status_code == 500
    request_id = response["X-Request-ID"]
    error = next(r for r in caplog.records if r.name == "django.request")
    line = json.loads(JsonFormatter().format(error))
    assert line["request_id"] == request_id  # found from the request line
    assert "RuntimeError: boom in a view" in line["stack"] and "_explode" in line["stack"]
    (request_line,) = _json_lines(caplog, "copil.requests")
    assert request_line["status"] == 500 and request_line["request_id"] == request_id


@pytest.mark.django_db
def test_one_line_per_background_task(caplog, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    with caplog.at_level(logging.INFO):
        ok = add.enqueue(2, 3)
        failed = fail.enqueue()
    lines = _json_lines(caplog, "copil.tasks")
    assert [line["status"] for line in lines] == ["SUCCESSFUL", "FAILED"]
    assert lines[0]["task_id"] == str(ok.id) and lines[0]["task"].endswith(".add")
    assert lines[0]["duration_ms"] >= 0 and lines[0]["request_id"] == f"task-{ok.id}"
    assert lines[1]["task_id"] == str(failed.id) and "ValueError: boom in a task" in lines[1]["stack"]
    assert not [r for r in caplog.records if r.name == "django_tasks" and r.levelno < logging.WARNING]
    assert current_request_id.get() is None  # the log context is given back


@pytest.mark.django_db
def test_a_task_run_inside_a_request_gives_the_request_its_id_back(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    token = current_request_id.set("request-abcdef12")
    try:
        add.enqueue(1, 1)
        assert current_request_id.get() == "request-abcdef12"
    finally:
        current_request_id.reset(token)


def test_text_format_names_the_request_and_shows_a_task_stack():
    record = logging.makeLogRecord(
        {"name": "copil.tasks", "levelno": logging.ERROR, "levelname": "ERROR", "msg": "task x FAILED"}
    )
    record.request_id, record.stack = "task-1", "Traceback...\nValueError: boom\n"
    assert (
        TextFormatter()
        .format(record)
        .endswith("ERROR copil.tasks [task-1] task x FAILED\nTraceback...\nValueError: boom")
    )


def test_the_log_format_follows_the_environment(monkeypatch):
    import importlib

    import copil.settings

    monkeypatch.setenv("COPIL_LOG_FORMAT", "json")
    try:
        assert importlib.reload(copil.settings).LOGGING["handlers"]["console"]["formatter"] == "json"
        monkeypatch.delenv("COPIL_LOG_FORMAT")
        assert importlib.reload(copil.settings).LOGGING["handlers"]["console"]["formatter"] == "text"
    finally:
        monkeypatch.delenv("COPIL_LOG_FORMAT", raising=False)
        importlib.reload(copil.settings)
