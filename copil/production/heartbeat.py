"""Heartbeats of the background workers: each `copil db_worker` updates its row every few seconds from a thread,
so a worker busy with a long import still shows alive, and a dead or stuck process stops beating."""

import logging
import os
import socket
import threading
from datetime import datetime, timedelta

from django.conf import settings
from django.db import DatabaseError, close_old_connections, connection
from django.utils import timezone

from .models import WorkerHeartbeat

logger = logging.getLogger("copil.production")


def record_heartbeat(worker_id: str, started_at: datetime, now: datetime | None = None) -> None:
    """Write the worker's sign of life (one row per worker, updated in place)."""
    WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={
            "hostname": socket.gethostname()[:255],
            "pid": os.getpid(),
            "started_at": started_at,
            "beat_at": now or timezone.now(),
        },
    )


def forget_old_heartbeats(now: datetime | None = None) -> int:
    """Drop the rows of workers gone for a day (restarts leave one row each)."""
    deleted, _ = WorkerHeartbeat.objects.filter(beat_at__lt=(now or timezone.now()) - timedelta(days=1)).delete()
    return deleted


def last_heartbeat() -> datetime | None:
    """When any worker last showed life."""
    return WorkerHeartbeat.objects.order_by("-beat_at").values_list("beat_at", flat=True).first()


class HeartbeatThread(threading.Thread):
    """Beats every COPIL_WORKER_HEARTBEAT_SECONDS until stopped (the owner beats once itself before starting it);
    a failed beat is logged and retried."""

    def __init__(self, worker_id: str, interval: float | None = None):
        super().__init__(name="copil-heartbeat", daemon=True)
        self.worker_id = worker_id
        self.interval = settings.COPIL_WORKER_HEARTBEAT_SECONDS if interval is None else interval
        self.started_at = timezone.now()
        self.stopped = threading.Event()

    def beat(self) -> None:
        try:
            record_heartbeat(self.worker_id, self.started_at)
            forget_old_heartbeats()
        except DatabaseError:
            logger.exception("worker heartbeat not recorded")

    def run(self) -> None:
        try:
            while not self.stopped.wait(self.interval):
                close_old_connections()  # the thread's own connection: a database restart must not stop the beats
                self.beat()
        finally:
            connection.close()

    def stop(self) -> None:
        self.stopped.set()
