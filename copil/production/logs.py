"""Operational logs: one line per request and per background task, as text or as JSON (COPIL_LOG_FORMAT=json).

A line carries the request (or task) id, the user's id (never a name or a pseudonym), the status and the duration;
every other line logged while the request or task runs carries the same id, so an error's stack can be found
from the request that raised it.
"""

import json
import logging
import re
import time
import uuid
from collections.abc import Callable
from contextvars import ContextVar, Token
from datetime import UTC, datetime
from typing import Any

from django.http import HttpRequest, HttpResponse

request_logger = logging.getLogger("copil.requests")
task_logger = logging.getLogger("copil.tasks")

current_request_id: ContextVar[str | None] = ContextVar("copil_request_id", default=None)
# A request id chosen by the reverse proxy (X-Request-ID) is kept when it looks like one; anything else is replaced.
_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{8,64}$")
# The fields of a line that a formatter writes besides the message (set through `extra=`).
LINE_FIELDS = ("event", "method", "path", "status", "duration_ms", "user_id", "task_id", "task")
# Running tasks: when each started, and the token that gives the log context back to what ran before it (a
# request, when the immediate backend runs the task inside it).
_running_tasks: dict[str, tuple[float, Token]] = {}


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC, ISO 8601), level, logger, message, the line's fields, the stack."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = getattr(record, "request_id", None) or current_request_id.get()
        if request_id:
            line["request_id"] = request_id
        for name in LINE_FIELDS:
            value = getattr(record, name, None)
            if value is not None:
                line[name] = value
        if record.exc_info:
            line["stack"] = self.formatException(record.exc_info)
        elif stack := getattr(record, "stack", None):
            line["stack"] = stack
        return json.dumps(line, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    """The human-readable line (`COPIL_LOG_FORMAT=text`, the default), with a failed task's stack below it."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        if not getattr(record, "request_id", None):
            record.request_id = current_request_id.get() or "-"
        text = super().format(record)
        stack = getattr(record, "stack", None)
        return f"{text}\n{stack.rstrip()}" if stack and not record.exc_info else text


def request_id_of(request: HttpRequest) -> str:
    proposed = request.headers.get("X-Request-ID", "")
    return proposed if _VALID_REQUEST_ID.match(proposed) else uuid.uuid4().hex


def _user_id(request: HttpRequest) -> int | None:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    return user.pk


class RequestLogMiddleware:
    """Logs one line per request (first middleware: the duration covers the whole stack) and echoes its id in
    the `X-Request-ID` response header."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = request_id_of(request)
        token = current_request_id.set(request_id)
        started = time.perf_counter()
        status = 500
        try:
            response = self.get_response(request)
            status = response.status_code
            response["X-Request-ID"] = request_id
            return response
        finally:
            duration_ms = round((time.perf_counter() - started) * 1000, 1)
            level = logging.ERROR if status >= 500 else logging.INFO
            request_logger.log(
                level,
                "%s %s %s %.1f ms",
                request.method,
                request.path,
                status,
                duration_ms,
                extra={
                    "event": "request",
                    "method": request.method,
                    "path": request.path,
                    "status": status,
                    "duration_ms": duration_ms,
                    "user_id": _user_id(request),
                    "request_id": request_id,
                },
            )
            current_request_id.reset(token)


def task_started(sender: Any, task_result: Any, **kwargs: Any) -> None:
    _running_tasks[task_result.id] = (time.perf_counter(), current_request_id.set(f"task-{task_result.id}"))


def task_finished(sender: Any, task_result: Any, **kwargs: Any) -> None:
    started, token = _running_tasks.pop(task_result.id, (None, None))
    duration_ms = round((time.perf_counter() - started) * 1000, 1) if started is not None else None
    status = str(task_result.status)
    failed = status == "FAILED"
    stack = task_result.errors[-1].traceback if failed and task_result.errors else None
    task_logger.log(
        logging.ERROR if failed else logging.INFO,
        "task %s %s %s",
        task_result.task.module_path,
        status,
        "-" if duration_ms is None else f"{duration_ms:.1f} ms",
        extra={
            "event": "task",
            "task": task_result.task.module_path,
            "task_id": str(task_result.id),
            "status": status,
            "duration_ms": duration_ms,
            "request_id": f"task-{task_result.id}",
            "stack": stack,
        },
    )
    if token is not None:
        current_request_id.reset(token)


def connect_task_signals() -> None:
    from django_tasks.signals import task_finished as finished_signal
    from django_tasks.signals import task_started as started_signal

    started_signal.connect(task_started, dispatch_uid="copil.production.logs.task_started")
    finished_signal.connect(task_finished, dispatch_uid="copil.production.logs.task_finished")
