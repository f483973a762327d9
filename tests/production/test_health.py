"""`/sante/`: 200 with the database reachable and a fresh worker heartbeat, 503 otherwise, and nothing else said."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import DatabaseError
from django.test import Client
from django.utils import timezone

from copil.production.heartbeat import HeartbeatThread, forget_old_heartbeats, record_heartbeat
from copil.production.models import WorkerHeartbeat

pytestmark = pytest.mark.django_db


def _beat(seconds_ago: float) -> None:
    now = timezone.now()
    record_heartbeat("worker-1", started_at=now - timedelta(hours=1), now=now - timedelta(seconds=seconds_ago))


def _get():
    return Client().get("/sante/")


def test_healthy_with_a_fresh_heartbeat(settings):
    settings.COPIL_WORKER_HEARTBEAT_LIMIT = 60
    _beat(5)
    response = _get()
    assert response.status_code == 200
    assert response.content.decode() == "disponible\n"
    assert "no-store" in response["Cache-Control"]


def test_unavailable_without_any_worker():
    response = _get()
    assert response.status_code == 503
    assert response.content.decode() == "indisponible\n"


def test_unavailable_when_the_last_heartbeat_is_too_old(settings):
    settings.COPIL_WORKER_HEARTBEAT_LIMIT = 60
    _beat(61)
    assert _get().status_code == 503
    _beat(1)  # the worker is back
    assert _get().status_code == 200


def test_no_worker_expected_with_the_immediate_backend(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    assert _get().status_code == 200


def test_unavailable_when_the_database_fails(monkeypatch):
    _beat(0)

    def broken_cursor(*args, **kwargs):
        raise DatabaseError("connection refused")

    monkeypatch.setattr("copil.production.health.connection.cursor", broken_cursor)
    response = _get()
    assert response.status_code == 503
    assert response.content.decode() == "indisponible\n"  # the error itself is not revealed


def test_open_to_anonymous_visitors_and_get_only():
    _beat(0)
    assert Client().post("/sante/").status_code == 405


def test_heartbeat_thread_updates_its_row():
    thread = HeartbeatThread("worker-thread", interval=60)
    thread.beat()
    first = WorkerHeartbeat.objects.get(worker_id="worker-thread")
    thread.beat()
    second = WorkerHeartbeat.objects.get(worker_id="worker-thread")
    assert WorkerHeartbeat.objects.count() == 1
    assert second.beat_at >= first.beat_at and second.started_at == first.started_at


def test_rows_of_workers_gone_for_a_day_are_dropped():
    _beat(2 * 24 * 3600)
    record_heartbeat("worker-2", started_at=timezone.now())
    assert forget_old_heartbeats() == 1
    assert list(WorkerHeartbeat.objects.values_list("worker_id", flat=True)) == ["worker-2"]


@pytest.mark.django_db(transaction=True)  # the worker closes its connections between tasks
def test_copil_db_worker_records_a_heartbeat(settings):
    """`copil db_worker` is Copil's (with a heartbeat), not the library's bare command."""
    settings.COPIL_WORKER_HEARTBEAT_SECONDS = 3600  # only the first, synchronous beat during the test
    call_command("db_worker", "--batch", "--no-startup-delay", "--worker-id", "batch-worker", verbosity=0)
    assert WorkerHeartbeat.objects.filter(worker_id="batch-worker").exists()
