"""Export to Excel and upload it back, in a real browser (issue 9 §1): the office round trip.

The bureau downloads the registry export by clicking its button, uploads the very file on the upload
page, sees the preview (computed columns named as ignored, no error), confirms, and the result says
nothing new was added and nothing changed."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.conftest import log_in
from tests.enterprises.conftest import population, snapshot  # noqa: F401  (fixtures)

pytestmark = pytest.mark.browser

SCREENSHOTS = Path("var/screenshots")


@pytest.fixture
def registry_site(transactional_db, live_server, population, settings, tmp_path):  # noqa: F811
    settings.VAR_DIR = tmp_path / "var"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.JOBS_AUTOSTART_WORKER = False
    return live_server


def test_the_registry_export_goes_back_through_the_upload_page(registry_site, page, snapshot):  # noqa: F811
    from kechuang.enterprises.models import Enterprise

    before, count = snapshot(), Enterprise.objects.count()
    log_in(page, registry_site.url, "bureau", "pw-bureau")
    page.goto(f"{registry_site.url}/enterprises/registry/")
    with page.expect_download() as download:
        page.click("[data-testid=export]")
    exported = Path(download.value.path())
    named = exported.with_name(download.value.suggested_filename)
    exported.rename(named)
    assert named.suffix == ".xlsx"

    page.goto(f"{registry_site.url}/enterprises/upload/")
    page.set_input_files("[data-testid=upload-form] input[type=file]", str(named))
    page.click("[data-testid=upload-form] button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert page.locator("[data-testid=upload-ok]").is_visible(), page.content()[:2000]
    assert "计算列" in page.locator("[data-testid=ignored-columns]").first.inner_text()
    preview = page.locator("[data-testid=file-preview]").first.inner_text()
    assert "成立日期" in preview and "00:00:00" not in preview  # dates stay dates
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "round-trip-preview.png"), full_page=True)
    page.click("[data-testid=confirm-import]")
    page.wait_for_load_state("networkidle")
    page.wait_for_selector("text=已完成", timeout=30_000)
    page.screenshot(path=str(SCREENSHOTS / "round-trip-result.png"), full_page=True)

    assert Enterprise.objects.count() == count
    after = snapshot()
    assert after["Enterprise"] == before["Enterprise"] and after["FactRevision"] == before["FactRevision"]
