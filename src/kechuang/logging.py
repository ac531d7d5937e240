"""Structured logs: one line per request, JSON in production (KECHUANG_LOG_FORMAT=json|text).

Every line carries the request id that the audit trail records too (``request.id``, see
kechuang.audit.context): the id of a request in the log finds its changes in the audit list and the
other way round. Behind nginx the id is nginx's ``$request_id`` (header X-Request-ID, set by the
proxy — deploy/nginx/kechuang.conf), so nginx's access log, this log and the audit trail share it;
the response carries it back in X-Request-ID.

A request line (logger ``kechuang.request``; level INFO below status 500, ERROR from 500 on)::

    {"time": "2026-12-01T03:04:05.678Z", "level": "INFO", "logger": "kechuang.request",
     "message": "GET /plans/ 200", "request_id": "…", "user": "kjj", "method": "GET",
     "path": "/plans/", "status": 200, "duration_ms": 12.3}

Only the path is logged, never the query string, the body or headers (they may hold personal data or
tokens).
"""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from datetime import UTC, datetime

REQUEST_FIELDS = ("request_id", "user", "method", "path", "status", "duration_ms")
_INCOMING_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")

request_logger = logging.getLogger("kechuang.request")


def _request_id(request) -> str:
    """The proxy's X-Request-ID when it looks like one, else a new UUID."""
    incoming = request.META.get("HTTP_X_REQUEST_ID", "")
    return incoming if _INCOMING_ID.match(incoming) else str(uuid.uuid4())


class RequestLogMiddleware:
    """First in MIDDLEWARE: gives the request its id (before the audit context keeps it), times the
    whole answer — redirects and refusals of the other middleware included — and logs one line."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not getattr(request, "id", None):
            request.id = _request_id(request)
        started = time.perf_counter()
        status = 500
        try:
            response = self.get_response(request)
            status = response.status_code
            response.headers.setdefault("X-Request-ID", request.id)
            return response
        finally:
            self._log(request, status, (time.perf_counter() - started) * 1000)

    @staticmethod
    def _log(request, status: int, duration_ms: float) -> None:
        from kechuang.audit.context import request_user

        user = request_user(request)
        level = logging.ERROR if status >= 500 else logging.INFO
        if not request_logger.isEnabledFor(level):
            return
        request_logger.log(
            level,
            "%s %s %s",
            request.method,
            request.path,
            status,
            extra={
                "request_id": request.id,
                "user": user.get_username() if user is not None else None,
                "method": request.method,
                "path": request.path,
                "status": status,
                "duration_ms": round(duration_ms, 1),
            },
        )


class RequestIdFilter(logging.Filter):
    """Gives every record made while a request is handled (a warning in a view, a query error) the
    id of that request, so that all its lines can be found together."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "request_id", None) is None:
            from kechuang.audit.context import current_request

            request = current_request()
            record.request_id = getattr(request, "id", None) if request is not None else None
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC, ISO 8601), level, logger, message, request_id, the
    request fields when there are any, and the exception's traceback as `exception`."""

    def format(self, record: logging.LogRecord) -> str:
        data = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds")[:-6] + "Z",
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None),
        }
        for field in REQUEST_FIELDS[1:]:
            if hasattr(record, field):
                data[field] = getattr(record, field)
        if record.exc_info:
            data["exception"] = self.formatException(record.exc_info)
        return json.dumps(data, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    """For a person at a terminal (the demo): time, level, logger, message, then the request id."""

    def __init__(self):
        super().__init__("%(asctime)s %(levelname)s %(name)s %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        extra = []
        if getattr(record, "duration_ms", None) is not None:
            extra.append(f"{record.duration_ms}ms")
        if getattr(record, "user", None):
            extra.append(f"user={record.user}")
        if getattr(record, "request_id", None):
            extra.append(f"id={record.request_id}")
        return f"{text} {' '.join(extra)}" if extra else text
