"""The navigation walk in a real browser (issue 9 §1): each kind of user clicks through the platform
from the home page, following the links the pages show, as Chromium renders them.

tests/foundation/test_navigation_walk.py proves, with Django's test client and every role, that every
page a role may see is reachable. This walk checks what only a browser sees on the pages reached:
no link leads to an error or a refusal, every page has its heading, and no script fails or is
blocked by the content security policy."""

from __future__ import annotations

from collections import deque
from urllib.parse import urlsplit

import pytest

from tests.browser.conftest import log_in
from tests.enterprises.conftest import population  # noqa: F401  (fixture)
from tests.plans.conftest import plan  # noqa: F401  (fixture)

pytestmark = pytest.mark.browser

PAGES_PER_ROLE = 30  # the menu, the tabs and a few object pages (the suite has to stay well inside CI time)
NOT_PAGES = ("/api/", "/admin/", "/logout", "/i18n/", "/static/", "/jsi18n/", "/healthz", "/health/")
FILES = (".csv", ".json", ".xlsx", ".docx", ".pdf", ".zip", "/export/", "/download/")


@pytest.fixture
def walk_site(transactional_db, live_server, population, plan, settings, tmp_path):  # noqa: F811
    settings.VAR_DIR = tmp_path / "var"
    return live_server


def _walk(page, base: str) -> list[tuple[str, int, str]]:
    """Breadth first from the home page; (path, status, problem) for every page that went wrong."""
    problems: list[tuple[str, int, str]] = []
    console: list[str] = []
    page.on("console", lambda m: console.append(m.text) if m.type == "error" else None)
    seen, queue, visited = {"/"}, deque(["/"]), 0
    while queue and visited < PAGES_PER_ROLE:
        path = queue.popleft()
        console.clear()
        response = page.goto(base + path)
        page.wait_for_load_state("networkidle")
        visited += 1
        status = response.status if response else 0
        if status >= 400 or "/login" in page.url:
            problems.append((path, status, "error or refused"))
            continue
        if page.locator("h1").count() == 0:
            problems.append((path, status, "no heading"))
        if console:
            problems.append((path, status, "; ".join(console)[:300]))
        hrefs = page.locator("a[href]").evaluate_all("els => els.map(e => e.getAttribute('href'))")
        for href in hrefs:
            parts = urlsplit(href)
            if parts.netloc or not parts.path.startswith("/") or parts.path.startswith(NOT_PAGES):
                continue
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            if any(parts.path.endswith(f) or f in parts.path for f in FILES) or target in seen:
                continue
            seen.add(target)
            queue.append(target)
    assert visited >= 10, f"the walk reached only {visited} pages"
    return problems


@pytest.mark.parametrize("persona", ["bureau", "humen", "enterprise", "university"])
def test_clicking_through_from_home_meets_no_error_and_no_script_failure(persona, walk_site, page):
    log_in(page, walk_site.url, persona, f"pw-{persona}")
    assert page.locator("nav.mainnav a").count() >= 1
    assert _walk(page, walk_site.url) == []
