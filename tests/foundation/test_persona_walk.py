"""Every page and every API operation, opened by every persona, answers as the policy table says.

The walk reads Django's URL resolver and the OpenAPI schema (so pages and endpoints added later are
walked too) and looks each one up in kechuang/access/routes.py; one that the table does not
classify fails with its name. Then, for each persona:

- allowed (the role has a scope on the route's resource; for a page about one object, the object
  is within that scope) → 200, or 302 to somewhere other than the login page (the enterprise user's
  menu entry opens its own page; a POST form redirects);
- forbidden → 403, or 404 for an object outside the user's rows;
- not logged in → the login page (pages) or 401 (API); public routes open for everyone.

Path parameters are real objects of the enterprise and plan fixtures (PARAMS below); a POST-only
page is posted to empty. This subsumes the page matrix of test_scope_matrix.py, which keeps the
menu and API-token checks.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from kechuang import access
from kechuang.access.routes import NAMESPACES, PUBLIC, Needs, Unclassified, api_rule, page_rule
from tests.carriers.carriers_walk import carriers_walk_data
from tests.enterprises import conftest as enterprise_fixtures
from tests.personas import ENTERPRISE_CREDIT_CODE, PERSONAS
from tests.plans import conftest as plan_fixtures
from tests.projects import conftest as projects_fixtures
from tests.transfer import conftest as transfer_fixtures

pytestmark = pytest.mark.django_db

# The fixtures of the enterprise and plan tests, used here too.
population = enterprise_fixtures.population
plan = plan_fixtures.plan
transfer_world = transfer_fixtures.transfer_world  # 成果转化: its objects and API parameters
transfer_walk = transfer_fixtures.transfer_walk
projects_walk = projects_fixtures.projects_walk  # 重大项目: its objects and API parameters

OWN_TASK = "T3.1.2"  # led by 市科技局, co-led by 统计局 (the reporter's department)
WALKED_NAMESPACES_BY_INDEX = {"admin": "admin:index"}  # a namespace classified as a whole: its index
# Answers other than 200/302 that an allowed persona may get, with the reason.
ALLOWED_ALSO = {
    # The walk's row names an unknown indicator: the data check refuses it (nothing written).
    ("POST", "/api/plans/{code}/observations"): {400},
    # 科技金融: the walk's empty bodies name no bank, consent, product or application (nothing written);
    # staff asking for recommendations without ?credit_code= are told to name an enterprise.
    ("POST", "/api/finance/consents"): {400},
    ("POST", "/api/finance/consents/revoke"): {400},
    ("POST", "/api/finance/applications"): {400},
    ("POST", "/api/finance/decisions"): {400},
    ("GET", "/api/finance/recommendations"): {422},
    # 重大项目: the walk's empty bodies name no call, application or project (nothing written)
    ("POST", "/api/projects/applications"): {400},
    ("POST", "/api/projects/applications/submit"): {400},
    ("POST", "/api/projects/milestones/report"): {400},
    ("POST", "/api/projects/reviews/conflict"): {400},
    ("POST", "/api/projects/reviews/score"): {400},
    ("POST", "/api/projects/spending"): {400},
    ("POST", "/api/projects/tranches/release"): {400},
    ("POST", "/api/projects/acceptance"): {400},
    ("POST", "/api/projects/ethics"): {400},
    ("POST", "/api/projects/outputs"): {400},
    ("POST", "/api/projects/outputs/verify"): {400},
    ("POST", "/api/projects/outputs/withdraw"): {400},
    ("POST", "/api/projects/outputs/reject"): {400},
    ("POST", "/api/projects/milestones/verify"): {400},
    ("POST", "/api/projects/calls/gate"): {400},
    ("POST", "/api/projects/calls/assign"): {400},
    ("POST", "/api/projects/calls/decide"): {400},
    # … and the walk's project is running, not failed: no exemption dossier (400, the reason)
    ("GET", "/api/projects/{project_code}/exemption"): {400},
    # 创新载体: the empty bodies give no reason (withdrawal, restoring) and the walk's talent
    # application is not yet recommended (回避声明): refused, nothing written
    ("POST", "/api/carriers/{carrier_code}/withdrawal"): {400},
    ("POST", "/api/carriers/{carrier_code}/withdrawal/revoke"): {400},
    ("POST", "/api/carriers/talent/{talent_id}/declaration"): {400},
    # 创新载体: the empty bodies name no instrument (booking) and no applicant (talent application)
    ("POST", "/api/carriers/bookings"): {400},
    ("POST", "/api/carriers/talent"): {400},
    # 创新载体 writes: the empty bodies name no carrier (report), give no decision, hours, rating,
    # amount, note, enterprise or year; the walk's booking is not yet approved or done and its talent
    # application not recommended (the bureau's walk recommends it first): refused, nothing written
    ("POST", "/api/carriers/reports"): {400},
    ("POST", "/api/carriers/bookings/{booking_id}/decision"): {400},
    ("POST", "/api/carriers/bookings/{booking_id}/use"): {400},
    ("POST", "/api/carriers/bookings/{booking_id}/rating"): {400},
    ("POST", "/api/carriers/bookings/{booking_id}/voucher"): {400},
    ("POST", "/api/carriers/talent/{talent_id}/decision"): {400},
    ("POST", "/api/carriers/talent/{talent_id}/revocation"): {400},
    ("POST", "/api/carriers/{carrier_code}/incubated"): {400},
    ("POST", "/api/carriers/{carrier_code}/targets/values"): {400},
}
# Routes whose answer is the same for everyone, logged in or not: (status, Location prefix).
SAME_FOR_EVERYONE = {
    "accounts:logout": (302, "/login/"),  # logs out (if logged in) and goes to the login page
    "api:api-root": (404, ""),  # django-ninja's bare /api/: nothing there
}
API_BODIES = {
    ("POST", "/api/plans/{code}/observations"): {
        "rows": [{"indicator": "?", "region": "?", "year": 2025, "value": 1}]
    },
    ("POST", "/api/enterprises/{credit_code}/selfcheck"): {},
    ("POST", "/api/finance/consents"): {},
    ("POST", "/api/finance/consents/revoke"): {},
    ("POST", "/api/finance/applications"): {},
    ("POST", "/api/finance/decisions"): {},
    ("POST", "/api/projects/applications"): {},
    ("POST", "/api/projects/applications/submit"): {},
    ("POST", "/api/projects/milestones/report"): {},
    ("POST", "/api/projects/reviews/conflict"): {},
    ("POST", "/api/projects/reviews/score"): {},
    ("POST", "/api/projects/spending"): {},
    ("POST", "/api/projects/tranches/release"): {},
    ("POST", "/api/projects/acceptance"): {},
    ("POST", "/api/projects/ethics"): {},
    ("POST", "/api/projects/outputs"): {},
    ("POST", "/api/projects/outputs/verify"): {},
    ("POST", "/api/projects/outputs/withdraw"): {},
    ("POST", "/api/projects/outputs/reject"): {},
    ("POST", "/api/projects/milestones/verify"): {},
    ("POST", "/api/projects/calls/gate"): {},
    ("POST", "/api/projects/calls/assign"): {},
    ("POST", "/api/projects/calls/decide"): {},
    ("POST", "/api/carriers/{carrier_code}/withdrawal"): {},
    ("POST", "/api/carriers/{carrier_code}/withdrawal/revoke"): {},
    ("POST", "/api/carriers/talent/{talent_id}/declaration"): {},
    ("POST", "/api/carriers/bookings"): {},
    ("POST", "/api/carriers/talent"): {},
    ("POST", "/api/carriers/reports"): {},
    ("POST", "/api/carriers/bookings/{booking_id}/decision"): {},
    ("POST", "/api/carriers/bookings/{booking_id}/use"): {},
    ("POST", "/api/carriers/bookings/{booking_id}/rating"): {},
    ("POST", "/api/carriers/bookings/{booking_id}/voucher"): {},
    ("POST", "/api/carriers/talent/{talent_id}/recommendation"): {},
    ("POST", "/api/carriers/talent/{talent_id}/decision"): {},
    ("POST", "/api/carriers/talent/{talent_id}/revocation"): {},
    ("POST", "/api/carriers/{carrier_code}/incubated"): {},
    # the walk's incubated enterprise (the persona's): changed with nothing, removed, then back
    ("PATCH", "/api/carriers/{carrier_code}/incubated/{credit_code}"): {},
    ("DELETE", "/api/carriers/{carrier_code}/incubated/{credit_code}"): {},
    ("POST", "/api/carriers/{carrier_code}/incubated/{credit_code}/exit/revoke"): {},
    ("POST", "/api/carriers/{carrier_code}/targets/values"): {},
}


@dataclass
class Route:
    name: str  # namespace:name
    route: str  # the pattern as written, for messages and OpenAPI matching
    params: tuple[str, ...]
    callback: Any = None


def resolver_routes() -> list[Route]:
    """Every named URL pattern, with its namespace and parameters (nested includes flattened)."""
    out: list[Route] = []

    def walk(patterns, prefix: str, namespace: str | None, params: tuple[str, ...]):
        for p in patterns:
            names = tuple(p.pattern.regex.groupindex)
            if isinstance(p, URLResolver):
                ns = ":".join(filter(None, [namespace, p.namespace])) or None
                walk(p.url_patterns, prefix + str(p.pattern), ns, params + names)
            elif isinstance(p, URLPattern):
                name = f"{namespace}:{p.name}" if namespace else p.name
                if not p.name:  # only a namespace classified as a whole (the admin's redirects) may
                    name = f"{namespace}:<unnamed {prefix}{p.pattern}>"  # …, else page_rule fails on it
                out.append(Route(name, prefix + str(p.pattern), params + names, p.callback))

    walk(get_resolver().url_patterns, "/", None, ())
    return out


def openapi_operations() -> list[tuple[str, str]]:
    from kechuang.api import api

    schema = api.get_openapi_schema()
    return [(method.upper(), path) for path, ops in schema["paths"].items() for method in ops]


def as_openapi_path(route: str) -> str:
    return re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route)


# ------------------------------------------------------------------------------------------------
# The objects that fill path parameters: URL name → (kwargs, the object the page is about or None)
# ------------------------------------------------------------------------------------------------


@pytest.fixture
def walk_data(plan, population, personas, settings, tmp_path, projects_walk, transfer_walk):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from kechuang.accounts.models import ApiToken
    from kechuang.audit.models import ObjectChange
    from kechuang.enterprises.models import Enterprise
    from kechuang.jobs.models import Job
    from kechuang.plans.models import Indicator, ObservationBatch, Task, TaskReport

    settings.MEDIA_ROOT = tmp_path / "media"
    token, _raw = ApiToken.issue(personas["bureau"], "walk")
    change = ObjectChange.objects.order_by("pk").first() or ObjectChange.objects.create(
        action="update", object_type="enterprises.enterprise", object_id="1", object_repr="walk"
    )
    task = Task.objects.get(plan=plan, code=OWN_TASK)
    report = TaskReport.objects.create(
        task=task,
        department="tjj",
        percent=30,
        text="已完成调研",
        evidence=SimpleUploadedFile("佐证.pdf", b"%PDF-1.4 walk"),
        submitted_by=personas["reporter"],
    )
    batch = ObservationBatch.objects.create(file_name="walk.xlsx", uploaded_by=personas["reporter"])
    job = Job.objects.create(
        kind="enterprise_import", lock="walk", status="succeeded", started_by=personas["reporter"]
    )
    from kechuang.portal.services import ensure_publications

    ensure_publications(plan, publish=True)  # the public portal's indicator pages open for everyone
    versions = sorted(plan.versions.values_list("number", flat=True))
    enterprise = Enterprise.objects.get(credit_code=ENTERPRISE_CREDIT_CODE)
    indicator = Indicator.objects.filter(plan=plan).order_by("pk").first()
    from kechuang.points.services import ensure_active_version

    points_version = ensure_active_version("walk")
    return {
        "points:enterprise": ({"credit_code": enterprise.credit_code}, enterprise),
        "points:version": ({"pk": points_version.pk}, None),
        "accounts:revoke_token": ({"pk": token.pk}, token),
        "audit:detail": ({"pk": change.pk}, change),
        "plans:indicator": ({"code": indicator.code}, None),
        "portal:indicator": ({"code": indicator.code}, None),
        "portal:indicator_csv": ({"code": indicator.code}, None),
        "portal:indicator_json": ({"code": indicator.code}, None),
        "plans:version_diff": ({"a": versions[0], "b": versions[-1]}, None),
        "plans:entry_batch": ({"pk": batch.pk}, batch),
        "plans:task": ({"code": task.code}, task),
        "plans:task_report": ({"code": task.code}, task),
        "plans:task_evidence": ({"pk": report.pk}, report),
        "enterprises:detail": ({"credit_code": enterprise.credit_code}, enterprise),
        "enterprises:pool": ({"kind": "gaoqi_reserve"}, None),
        "jobs:detail": ({"pk": job.pk}, job),
        "jobs:progress": ({"pk": job.pk}, job),
        "jobs:cancel": ({"pk": job.pk}, job),
        "jobs:file": ({"pk": job.pk}, job),
        "enterprises:pool_export": ({"kind": "gaoqi_reserve"}, None),
        **projects_walk,
        **transfer_walk,
        # API operations: OpenAPI path parameter → value, and the object for row-level answers
        "api:code": plan.code,
        "api:credit_code": (enterprise.credit_code, enterprise),
        **carriers_walk_data(personas),
    }


# ------------------------------------------------------------------------------------------------
# The table covers everything
# ------------------------------------------------------------------------------------------------


def test_every_url_and_api_operation_is_classified():
    schema_paths = {path for _method, path in openapi_operations()}
    missing = []
    for r in resolver_routes():
        try:
            page_rule(r.name)
        except Unclassified as exc:
            # django-ninja's operation URLs are classified by method and path (the schema walk).
            if r.name.startswith("api:") and as_openapi_path(r.route) in schema_paths:
                continue
            missing.append(str(exc))
    for method, path in openapi_operations():
        try:
            api_rule(method, path)
        except Unclassified as exc:
            missing.append(str(exc))
    assert not missing, "\n".join(missing)


def test_the_table_names_only_existing_routes():
    """A renamed page must not leave a stale entry that silently classifies nothing."""
    from kechuang.access.routes import API, PAGES

    names = {r.name for r in resolver_routes() if r.name.split(":", 1)[0] not in NAMESPACES}
    assert set(PAGES) - names == set()
    assert set(API) - set(openapi_operations()) == set()


def test_generic_views_declare_the_resource_the_table_names():
    """A generic scoped view's own resource (its rows) and the table's rule (who may open it) agree."""
    from kechuang.web.generic import ObjectEditView, ScopedMixin

    checked, wrong = 0, []
    for r in resolver_routes():
        view = getattr(r.callback, "view_class", None)
        if view is None or not issubclass(view, ScopedMixin):
            continue
        rule = page_rule(r.name)
        action = "change" if issubclass(view, ObjectEditView) else "view"
        checked += 1
        if rule != Needs(view.resource, action):
            wrong.append(f"{r.name}: the view reads {view.resource!r} ({action}), the table says {rule}")
    assert checked >= 5 and not wrong, "\n".join(wrong)


# ------------------------------------------------------------------------------------------------
# The walk
# ------------------------------------------------------------------------------------------------


def _allowed(user, rule, obj) -> bool:
    if not access.allows(user, rule):
        return False
    if obj is None or not isinstance(rule, Needs):
        return True
    check = access.can_view if rule.action == "view" else access.can_change
    return check(user, rule.resource, obj)


def _request(client, url: str, method: str = "GET", body: Any = None):
    if method == "GET":
        response = client.get(url)
        if response.status_code != 405:
            return "GET", response
        method = "POST"  # a POST-only page (a form's target): post to it empty
    if body is None:
        return method, client.post(url, {})
    return method, client.generic(method, url, data=json.dumps(body), content_type="application/json")


def _judge(persona, allowed, label, rule, method, response, also=frozenset(), login="/login/") -> str | None:
    status = response.status_code
    location = response.get("Location", "")
    where = f"{persona}: {method} {label} → {status}{' ' + location if location else ''}"
    if persona == "outsider":
        if rule == PUBLIC:
            ok = status < 400 and not location.startswith(login)
        elif label.startswith("/api/"):
            ok = status == 401
        else:
            ok = status == 302 and location.startswith(login)
        return None if ok else f"{where} (expected {'open' if rule == PUBLIC else 'login'})"
    if allowed:
        ok = status in {200, 201} | set(also) or (status == 302 and not location.startswith(login))
        return None if ok else f"{where} (expected allowed by {rule})"
    ok = status in (403, 404) or (login == "/admin/login/" and status == 302 and location.startswith(login))
    return None if ok else f"{where} (expected 403/404 by {rule})"


@pytest.mark.parametrize("persona", [*sorted(PERSONAS), "outsider"])
def test_every_page_and_endpoint_answers_as_the_table_says(persona, walk_data, personas, client_for):
    user = personas.get(persona)
    problems: list[str] = []
    walked_namespaces = set()
    for r in resolver_routes():
        namespace = r.name.split(":", 1)[0] if ":" in r.name else None
        if namespace in WALKED_NAMESPACES_BY_INDEX:
            if namespace in walked_namespaces:
                continue
            walked_namespaces.add(namespace)
            r = Route(WALKED_NAMESPACES_BY_INDEX[namespace], "", ())
        try:
            rule = page_rule(r.name)
        except Unclassified:
            continue  # an API operation: walked below through the schema
        if r.params and r.name not in walk_data:
            problems.append(f"{r.name} ({r.route}) needs parameters: add them to walk_data")
            continue
        kwargs, obj = walk_data.get(r.name, ({}, None))
        url = reverse(r.name, kwargs=kwargs)
        allowed = _allowed(user, rule, obj)  # before the request (revoking deletes the token)
        method, response = _request(client_for(persona), url)
        if r.name in SAME_FOR_EVERYONE:
            status, location = SAME_FOR_EVERYONE[r.name]
            if response.status_code != status or not response.get("Location", "").startswith(location):
                problems.append(f"{persona}: {method} {r.name} → {response.status_code}, expected {status}")
            continue
        login = "/admin/login/" if namespace == "admin" else "/login/"
        problem = _judge(persona, allowed, r.name, rule, method, response, login=login)
        if problem:
            problems.append(problem)

    for method, path in openapi_operations():
        rule = api_rule(method, path)
        obj, url = None, path
        if "{code}" in path:
            url = url.replace("{code}", walk_data["api:code"])
        if "{credit_code}" in path:
            code, obj = walk_data["api:credit_code"]
            url = url.replace("{credit_code}", code)
        for key, entry in walk_data.items():  # other parameters: "api:{name}" → (value, object)
            if key.startswith("api:{") and key[4:] in path:
                url, obj = url.replace(key[4:], entry[0]), entry[1]
        client = client_for(persona)
        allowed = _allowed(user, rule, obj)
        if method == "GET":
            response = client.get(url)
        else:
            body = API_BODIES.get((method, path))
            if body is None:
                problems.append(f"{method} {path}: add a request body to API_BODIES")
                continue
            _m, response = _request(client, url, method, body)
        also = ALLOWED_ALSO.get((method, path), set())
        if problem := _judge(persona, allowed, url, rule, method, response, also=also):
            problems.append(problem)
    assert not problems, "\n".join(problems)
