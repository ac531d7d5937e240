"""Browser tests: Playwright driving Debian's Chromium (/usr/bin/chromium), headless.

Skipped with a visible reason when Chromium is absent; under CI=true that is a failure instead.
"""

from __future__ import annotations

import os
import shutil

import pytest

from tests.personas import ENTERPRISE_CREDIT_CODE

CHROMIUM = os.environ.get("KECHUANG_CHROMIUM", "/usr/bin/chromium")
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop


def pytest_collection_modifyitems(config, items):
    if os.path.exists(CHROMIUM) or shutil.which("chromium"):
        return
    if os.environ.get("CI") == "true":
        raise pytest.UsageError(f"CI=true but Chromium is missing at {CHROMIUM}: .ci/run must install it")
    skip = pytest.mark.skip(
        reason=f"Chromium not found at {CHROMIUM}: apt-get install chromium to run browser tests"
    )
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "headless": True,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "zh-CN", "viewport": {"width": 1366, "height": 900}}


@pytest.fixture
def demo_site(transactional_db, live_server, settings):
    """The live test server with the organisation tree and the demo accounts."""
    from kechuang.accounts.models import OrgKind, OrgUnit
    from kechuang.accounts.services import ensure_demo_accounts, load_org_tree

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    load_org_tree()
    ent, _ = OrgUnit.objects.get_or_create(
        code="ent_demo",
        defaults={
            "name": "东莞示例科技有限公司",
            "short_name": "示例科技",
            "kind": OrgKind.ENTERPRISE,
            "region_code": "441900401",
            "credit_code": ENTERPRISE_CREDIT_CODE,
        },
    )
    ensure_demo_accounts(enterprise_org=ent)
    return live_server


@pytest.fixture
def hosts_seen(page):
    """Every host the page sends a request to during the test."""
    from urllib.parse import urlparse

    seen: set[str] = set()
    page.on("request", lambda request: seen.add(urlparse(request.url).hostname or request.url.split(":")[0]))
    return seen


def log_in(page, base_url: str, username: str, password: str) -> None:
    page.goto(f"{base_url}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("[data-testid=login-submit]")
    page.wait_for_load_state("networkidle")
