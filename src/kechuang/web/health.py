"""Liveness and readiness for the monitoring a city's IT department runs (Zabbix, Prometheus'
blackbox exporter, a load balancer): JSON, no login, nothing about users or data.

- ``GET /health/live``: the process answers. Always 200 ``{"status": "ok"}``; touches nothing.
- ``GET /health/ready``: 200 when the site can serve, 503 when it cannot, with one entry per check:

  - ``database``: a query on the database of DATABASE_URL (its time in ms);
  - ``disk``: free space on the file system of KECHUANG_VAR (uploads, SQLite, static files) is at
    least KECHUANG_HEALTH_MIN_FREE_MB;
  - ``worker``: the background worker's heartbeat file ($KECHUANG_VAR/worker.heartbeat, rewritten
    every few seconds by `kechuang worker`) is younger than KECHUANG_WORKER_HEARTBEAT_MAX_AGE
    seconds. Before any worker has ever run there is no file: the check says ``unknown`` and does not
    fail the readiness (a site without background work yet). Once a worker has run, a stale
    heartbeat fails it — unless workers are started on demand (settings.JOBS_AUTOSTART_WORKER, the
    demo and development), where no fresh heartbeat just means ``idle``.

Both are exempt from the HTTPS redirect (settings.SECURE_REDIRECT_EXEMPT) so that a probe on the local
port works, and are never cached.
"""

from __future__ import annotations

import shutil
import time

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

OK, FAIL, UNKNOWN, IDLE = "ok", "fail", "unknown", "idle"


@never_cache
@require_GET
def live(request):
    return JsonResponse({"status": OK})


@never_cache
@require_GET
def ready(request):
    checks = {"database": _database(), "disk": _disk(), "worker": _worker()}
    healthy = all(check["status"] != FAIL for check in checks.values())
    return JsonResponse({"status": OK if healthy else FAIL, "checks": checks}, status=200 if healthy else 503)


def _database() -> dict:
    started = time.perf_counter()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        # The reason (host names, user names) goes to the log, not to an unauthenticated page.
        import logging

        logging.getLogger("kechuang.health").exception("readiness: the database query failed")
        return {"status": FAIL}
    return {"status": OK, "ms": round((time.perf_counter() - started) * 1000, 1)}


def _disk() -> dict:
    threshold = settings.HEALTH_MIN_FREE_MB
    try:
        free_mb = shutil.disk_usage(settings.VAR_DIR).free // (1024 * 1024)
    except OSError:
        return {"status": FAIL, "min_free_mb": threshold}
    return {"status": OK if free_mb >= threshold else FAIL, "free_mb": free_mb, "min_free_mb": threshold}


def _worker() -> dict:
    max_age = settings.WORKER_HEARTBEAT_MAX_AGE
    try:
        beat = settings.WORKER_HEARTBEAT_FILE.stat().st_mtime
    except FileNotFoundError:
        return {"status": UNKNOWN, "detail": "no worker has run yet"}
    except OSError:
        return {"status": FAIL, "max_age_s": max_age}
    age = max(0.0, time.time() - beat)
    if age <= max_age:
        status = OK
    else:
        status = IDLE if getattr(settings, "JOBS_AUTOSTART_WORKER", False) else FAIL
    return {"status": status, "age_s": round(age, 1), "max_age_s": max_age}
