"""Schemathesis against /api/openapi.json, in-process (WSGI): as the city administrator and as the
虎门 town officer, each with an API token, every operation gets positive and negative generated
requests. No answer is a 5xx, every answer (status, content type, body) is as the document says, and
the town officer never receives another town's rows.

Bounded: MAX_EXAMPLES cases per operation and generation mode (derandomized, so a run is repeatable);
the two tests together take about two minutes on two cores.
"""

from __future__ import annotations

import time

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from tests.enterprises.conftest import HUMEN

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

MAX_EXAMPLES = 25
CITY = "441900"
PLAN = "dongguan-2026-2030"
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
]
# Operations left out, with the reason (none at present).
EXCLUDED: dict[tuple[str, str], str] = {}


@pytest.fixture
def loaded_plan(personas):
    from kechuang.plans import observations, services
    from kechuang.plans.schema import default_plan_path

    result = services.load_plan(services.parse_plan(default_plan_path()), source_file="plan.yaml")
    observations.load_reference_history(result.plan)
    return result.plan


@pytest.fixture
def api_schema(population, loaded_plan):
    """The schema served by the WSGI application in this process. As Django's test client does, the
    requests must not close the database connection at their end: on PostgreSQL that would close the
    test's own transaction ("the connection is closed")."""
    from django.core import signals
    from django.core.wsgi import get_wsgi_application
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application())
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def strategy(op, mode, population):
    """Generated requests, and as many again with a real enterprise or plan in the path."""
    names = {p.name for p in op.path_parameters}
    fixed: list[dict] = []
    if "credit_code" in names:
        fixed = [{"credit_code": population.own}, {"credit_code": population.humen[0]}]
    elif "code" in names:
        fixed = [{"code": PLAN}]
    generated = op.as_strategy(generation_mode=mode)
    if not fixed:
        return generated
    pinned = st.one_of(*(op.as_strategy(generation_mode=mode, path_parameters=f) for f in fixed))
    return st.one_of(generated, pinned)


def run_operation(op, mode, population, headers, figures, scope_check) -> None:
    label = f"{op.method.upper()} {op.path} [{mode.value}]"

    @given(case=strategy(op, mode, population))
    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def one(case):
        figures["cases"] += 1
        try:
            response = case.call(headers=headers)
            case.validate_response(response, checks=CHECKS, headers=headers)
            if scope_check is not None and response.status_code == 200:
                scope_check(op.path, case, response.json())
        except (Exception, BaseExceptionGroup) as exc:  # collected, reported together at the end
            for failure in getattr(exc, "exceptions", [exc]):
                key = f"{label} {getattr(failure, 'title', type(failure).__name__)}"
                figures["failures"].setdefault(key, f"{key}\n{str(exc)[:1500]}")

    one()


def fuzz(schema, token: str, population, scope_check=None) -> dict:
    """Runs every operation; returns the number of cases and the distinct failures found."""
    headers = {"Authorization": f"Bearer {token}"}
    figures: dict = {"cases": 0, "failures": {}, "seconds": 0.0}
    start = time.monotonic()
    for result in schema.get_all_operations():
        op = result.ok()
        if (op.method.upper(), op.path) in EXCLUDED:
            continue
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            run_operation(op, mode, population, headers, figures, scope_check)
    figures["seconds"] = time.monotonic() - start
    return figures


def report(who: str, figures: dict) -> None:
    print(
        f"\nschemathesis as {who}: {figures['cases']} cases, {len(figures['failures'])} distinct failures, "
        f"{figures['seconds']:.0f} s"
    )
    assert not figures["failures"], "\n\n".join(figures["failures"].values())


def test_fuzz_as_the_city_administrator(api_schema, personas, population):
    from kechuang.accounts.models import ApiToken

    _, token = ApiToken.issue(personas["admin"], "schemathesis")
    report("admin", fuzz(api_schema, token, population))


def test_fuzz_as_the_humen_town_officer_sees_only_humen(api_schema, personas, population):
    from kechuang.accounts.models import ApiToken

    humen_codes = set(population.humen)
    seen = {"rows": 0}

    def only_humen(path: str, case, body) -> None:
        code = (case.path_parameters or {}).get("credit_code")
        if code is not None:
            assert code in humen_codes, f"{path}: 虎门 received enterprise {code}"
        if path == "/api/enterprises/":
            regions = {item["region_code"] for item in body["items"]}
            seen["rows"] += len(body["items"])
            assert regions <= {HUMEN}, f"{path}: 虎门 received rows of {regions - {HUMEN}}"
        elif path == "/api/enterprises/{credit_code}":
            assert body["region_code"] == HUMEN
        elif path == "/api/plans/{code}/observations":
            regions = {row["region"] for row in body}
            seen["rows"] += len(body)
            assert regions <= {HUMEN, CITY}, f"{path}: 虎门 received rows of {regions - {HUMEN, CITY}}"
        elif path == "/api/plans/{code}/evaluation":
            assert body["region"] in {HUMEN, CITY}
        elif path == "/api/plans/{code}":
            assert {r["code"] for r in body["regions"]} <= {HUMEN, CITY}
        elif path == "/api/me":
            assert body["org_code"] == HUMEN

    _, token = ApiToken.issue(personas["humen"], "schemathesis")
    report("humen", fuzz(api_schema, token, population, scope_check=only_humen))
    assert seen["rows"] > 0  # the scope check looked at real rows
