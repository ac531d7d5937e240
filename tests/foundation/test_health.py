"""/health/live and /health/ready: JSON, no login, the right status for each check; the request log."""

from __future__ import annotations

import io
import json
import logging
import os
import time

import pytest
from django.db import OperationalError
from django.test import Client
from django.urls import reverse

from kechuang.access.routes import PUBLIC, page_rule

pytestmark = pytest.mark.django_db


@pytest.fixture
def heartbeat(settings, tmp_path):
    settings.WORKER_HEARTBEAT_FILE = tmp_path / "worker.heartbeat"
    settings.JOBS_AUTOSTART_WORKER = False  # as in production: the worker is a service
    return settings.WORKER_HEARTBEAT_FILE


def _ready(client=None):
    response = (client or Client()).get("/health/ready")
    return response, json.loads(response.content)


def test_the_health_urls_are_public_in_the_route_table():
    assert reverse("health_live") == "/health/live" and reverse("health_ready") == "/health/ready"
    assert page_rule("health_live") == PUBLIC and page_rule("health_ready") == PUBLIC


def test_live_answers_200_without_login_and_is_never_cached():
    response = Client().get("/health/live")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert json.loads(response.content) == {"status": "ok"}
    assert "no-store" in response["Cache-Control"]
    assert not response.cookies  # no session, no CSRF cookie


def test_live_refuses_other_methods():
    assert Client().post("/health/live").status_code == 405


def test_ready_is_200_with_each_check_and_no_worker_yet_is_unknown_not_a_failure(heartbeat):
    response, body = _ready()
    assert response.status_code == 200
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "disk", "worker"}
    assert body["checks"]["database"]["status"] == "ok"
    assert body["checks"]["disk"]["status"] == "ok"
    assert body["checks"]["worker"]["status"] == "unknown"


def test_ready_tells_nothing_sensitive(heartbeat, settings):
    from django.db import connection

    _, body = _ready()
    text = json.dumps(body)
    for secret in (str(settings.VAR_DIR), settings.SECRET_KEY, str(connection.settings_dict["NAME"])):
        assert secret not in text
    assert "user" not in text and "host" not in text


def test_ready_fails_503_when_the_database_does_not_answer(heartbeat, monkeypatch):
    from kechuang.web import health

    class Broken:
        def cursor(self):
            raise OperationalError("could not connect to server at 10.1.2.3 as user kechuang")

    monkeypatch.setattr(health, "connection", Broken())
    response, body = _ready()
    assert response.status_code == 503
    assert body["status"] == "fail" and body["checks"]["database"] == {"status": "fail"}
    assert "10.1.2.3" not in response.content.decode()  # the reason goes to the log only


def test_ready_fails_503_when_the_disk_is_nearly_full(heartbeat, settings):
    settings.HEALTH_MIN_FREE_MB = 10**12  # a petabyte: more than any test machine has free
    response, body = _ready()
    assert response.status_code == 503
    assert body["checks"]["disk"]["status"] == "fail"
    assert body["checks"]["database"]["status"] == "ok"


def test_ready_with_a_fresh_worker_heartbeat_is_ok(heartbeat):
    heartbeat.write_text("{}")
    response, body = _ready()
    assert response.status_code == 200
    assert body["checks"]["worker"]["status"] == "ok"


def test_ready_fails_503_once_the_worker_has_stopped_beating(heartbeat, settings):
    heartbeat.write_text("{}")
    old = time.time() - settings.WORKER_HEARTBEAT_MAX_AGE - 60
    os.utime(heartbeat, (old, old))
    response, body = _ready()
    assert response.status_code == 503
    assert body["status"] == "fail" and body["checks"]["worker"]["status"] == "fail"


def test_a_stale_heartbeat_is_idle_where_workers_are_started_on_demand(heartbeat, settings):
    """The demo starts `kechuang worker --batch` when a job is queued; it exits when done."""
    settings.JOBS_AUTOSTART_WORKER = True
    heartbeat.write_text("{}")
    old = time.time() - settings.WORKER_HEARTBEAT_MAX_AGE - 60
    os.utime(heartbeat, (old, old))
    response, body = _ready()
    assert response.status_code == 200 and body["checks"]["worker"]["status"] == "idle"


def test_behind_https_the_health_urls_are_not_redirected_but_pages_are(heartbeat, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_REDIRECT_EXEMPT = [r"^health/"]
    client = Client()
    assert client.get("/health/live").status_code == 200
    assert client.get("/health/ready").status_code == 200
    login = client.get("/login/")
    assert login.status_code == 301 and login["Location"].startswith("https://")


# ---------------------------------------------------------------- the request log


@pytest.fixture
def request_log():
    from kechuang.logging import JsonFormatter, RequestIdFilter

    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    logger = logging.getLogger("kechuang.request")
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


def test_a_request_makes_one_json_log_line_with_its_request_id(request_log, client_for):
    response = client_for("bureau").get("/health/live?token=secret-in-query")
    lines = request_log()
    assert len(lines) == 1
    line = lines[0]
    assert line["request_id"] == response["X-Request-ID"] and len(line["request_id"]) == 36
    assert line["logger"] == "kechuang.request" and line["level"] == "INFO"
    assert (line["method"], line["path"], line["status"]) == ("GET", "/health/live", 200)
    assert line["user"] == "bureau"
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
    assert line["time"].endswith("Z") and "T" in line["time"]
    assert "secret-in-query" not in json.dumps(line)  # the query string is never logged


def test_the_request_id_is_the_proxys_when_it_looks_like_one(request_log):
    client = Client()
    kept = client.get("/health/live", headers={"X-Request-ID": "0123456789abcdef0123"})
    replaced = client.get("/health/live", headers={"X-Request-ID": 'x" \n{"level": "forged"}'})
    assert kept["X-Request-ID"] == "0123456789abcdef0123"
    assert replaced["X-Request-ID"] != 'x" \n{"level": "forged"}' and len(replaced["X-Request-ID"]) == 36
    assert [line["request_id"] for line in request_log()] == [
        "0123456789abcdef0123",
        replaced["X-Request-ID"],
    ]


def test_an_error_is_logged_as_an_error_line(request_log, settings):
    from django.urls import path

    from kechuang import urls

    def boom(request):
        raise RuntimeError("boom")

    settings.ROOT_URLCONF = type("Urls", (), {"urlpatterns": [path("boom/", boom), *urls.urlpatterns]})
    client = Client(raise_request_exception=False)
    response = client.get("/boom/")
    assert response.status_code == 500
    lines = request_log()
    assert [(line["level"], line["status"], line["path"]) for line in lines] == [("ERROR", 500, "/boom/")]
