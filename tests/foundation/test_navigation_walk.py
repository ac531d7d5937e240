"""Every page a role may open is reachable by clicking from the home page.

For each persona the walk starts at / and follows the links (<a href>) of every HTML page it
reaches, as a user clicking through the menu, tabs and tables would, and collects the URL names it
arrives at. A page that the policy lets the role see (kechuang/access/routes.py) but that no chain of
links leads to is a dead end only a typed URL opens: the test names it.

Pages that are not destinations are listed in NOT_DESTINATIONS with the reason (form targets,
htmx fragments, files, the machine endpoints).
"""

from __future__ import annotations

import re
from collections import deque
from urllib.parse import urlsplit

import pytest
from django.urls import Resolver404, resolve

from kechuang import access
from kechuang.access.routes import PAGES, PUBLIC, Needs
from tests.enterprises import conftest as enterprise_fixtures
from tests.personas import PERSONAS
from tests.plans import conftest as plan_fixtures

pytestmark = pytest.mark.django_db

population = enterprise_fixtures.population
plan = plan_fixtures.plan

# URL name → why it is not a page one navigates to (it is reached by a form, a script or a machine).
NOT_DESTINATIONS = {
    "healthz": "a monitoring endpoint",
    "health_live": "a monitoring endpoint",
    "health_ready": "a monitoring endpoint",
    "login": "where a logged-out user lands",
    "set_language": "the target of the language form",
    "javascript-catalog": "a script",
    "web:pending": "the placeholder of a module not built yet",
    "accounts:logout": "the target of the log-out form",
    "accounts:revoke_token": "the target of a form on the profile page",
    "plans:task_report": "the target of the report form on the task page",
    "plans:entry_previous": "an htmx fragment of the entry form",
    "plans:version_diff": "opened from the version list with two chosen versions",
    "jobs:progress": "the htmx fragment a job page polls",
    "jobs:cancel": "the target of the cancel button",
    "enterprises:upload_confirm": "the target of the confirm button after a preview",
    "portal:search": "the target of the portal's search form",
    "points:ranking_export": "linked from a ranking list once scores are stored (this test stores none)",
    "api:openapi-json": "the machine-readable schema",
    "api:openapi-view": "linked from the profile page only for API users",
    "api:api-root": "nothing there",
}
# Pages that send a role elsewhere instead of showing anything (the pool pages send an enterprise to
# its own page, so the pool export has no link to it for that role).
REDIRECTED = {"enterprise_user": {"enterprises:pool_export"}}
# Pages about one object (URL parameters) that this test's data has: they must be linked too. The
# other modules' object pages need their own data and are walked by their modules' tests.
OBJECT_PAGES = {
    "audit:detail",
    "plans:indicator",
    "plans:task",
    "plans:task_evidence",
    "plans:entry_batch",
    "enterprises:detail",
    "enterprises:pool",
    "enterprises:pool_export",
    "jobs:detail",
    "portal:indicator",
    "portal:indicator_csv",
    "portal:indicator_json",
}
MAX_PER_NAME = 3  # distinct URLs visited per URL name (one enterprise page stands for all of them)
SKIP_NAMESPACES = {"admin", "api"}  # Django's admin site has its own navigation; the API is not clicked
HREF = re.compile(r"""<a\b[^>]*\bhref\s*=\s*["']([^"'#]+)""", re.IGNORECASE)


def _name(path: str) -> str | None:
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.view_name


def reachable(client, forbidden: list[str] | None = None) -> set[str]:
    """The URL names reached by following links from / (HTML pages only; files are not parsed);
    links that answer 403 (a dead end the page should not have shown) are added to ``forbidden``."""
    seen_urls: set[str] = set()
    per_name: dict[str, int] = {}
    reached: set[str] = set()
    queue = deque(["/"])
    while queue:
        url = queue.popleft()
        if url in seen_urls:
            continue
        seen_urls.add(url)
        response = client.get(url, follow=True)
        if response.status_code == 403 and forbidden is not None:
            forbidden.append(url)
        if response.status_code != 200:
            continue
        for _redirect, _status in response.redirect_chain:
            if name := _name(urlsplit(_redirect).path):
                reached.add(name)
        if name := _name(urlsplit(url).path):
            reached.add(name)
        if "text/html" not in response.get("Content-Type", ""):
            continue
        for href in HREF.findall(response.content.decode("utf-8", "replace")):
            parts = urlsplit(href)
            if parts.scheme or parts.netloc or not parts.path.startswith("/"):
                continue
            name = _name(parts.path)
            if name is None or name.split(":", 1)[0] in SKIP_NAMESPACES or name in NOT_DESTINATIONS:
                continue
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            if target in seen_urls or per_name.get(name, 0) >= MAX_PER_NAME:
                reached.add(name)
                continue
            per_name[name] = per_name.get(name, 0) + 1
            queue.append(target)
    return reached


def destinations() -> set[str]:
    """The URL names that are pages one navigates to: without parameters and answering GET (a
    POST-only form target answers 405), or an object page of OBJECT_PAGES."""
    from django.test import Client
    from django.urls import NoReverseMatch, reverse

    from kechuang.accounts.models import User

    admin = User.objects.filter(role="city_admin").first()
    client = Client()
    client.force_login(admin)
    out = set()
    for name in PAGES:
        if name in NOT_DESTINATIONS or name.split(":", 1)[0] in SKIP_NAMESPACES:
            continue
        if name in OBJECT_PAGES:
            out.add(name)
            continue
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue  # needs parameters
        if client.get(url).status_code != 405:
            out.add(name)
    return out


def may_see(user, name: str) -> bool:
    rule = PAGES[name]
    if rule == PUBLIC:
        return True
    if isinstance(rule, Needs):
        return access.allows(user, rule)
    return True  # AUTHENTICATED


@pytest.fixture
def records_to_link_to(plan, personas, settings, tmp_path):
    """What detail pages are about: an upload batch and a background job of every persona, and a task
    report with evidence (without them the list pages rightly have nothing to link to)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from kechuang.audit.models import ObjectChange
    from kechuang.jobs.models import Job
    from kechuang.plans.models import ObservationBatch, Task, TaskReport
    from kechuang.portal.services import ensure_publications

    settings.MEDIA_ROOT = tmp_path / "media"
    ensure_publications(plan, publish=True)  # the portal's indicator pages are linked from its home
    for user in personas.values():
        ObservationBatch.objects.create(file_name=f"{user.username}.xlsx", uploaded_by=user)
        Job.objects.create(
            kind="enterprise_import", lock=f"walk-{user.pk}", status="succeeded", started_by=user
        )
    ObjectChange.objects.create(
        action="update", object_type="enterprises.enterprise", object_id="1", object_repr="walk"
    )
    first_task = Task.objects.filter(plan=plan).order_by("code").first()  # the first the board links to
    TaskReport.objects.create(
        task=first_task,
        department=first_task.lead_department,
        percent=30,
        text="已完成调研",
        evidence=SimpleUploadedFile("佐证.pdf", b"%PDF-1.4 walk"),
        submitted_by=personas["reporter"],
    )


@pytest.mark.parametrize("persona", sorted(PERSONAS))
def test_every_page_a_role_may_see_is_reachable_from_home(
    persona, plan, population, personas, records_to_link_to, client_for
):
    user = personas[persona]
    expected = {
        name
        for name in destinations()
        if may_see(user, name) and name not in REDIRECTED.get(user.role, set())
    }
    forbidden: list[str] = []
    missing = expected - reachable(client_for(persona), forbidden)
    assert not missing, f"{persona} may open these pages but no link leads there: {sorted(missing)}"
    assert not forbidden, f"{persona} is shown links to pages it may not open: {forbidden}"


def test_the_exemptions_name_real_pages():
    assert set(NOT_DESTINATIONS) - set(PAGES) == set()
