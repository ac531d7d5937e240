"""The upload flow in a real browser (issue 9 §1): choose a file → the preview lists every row error
(naming the invisible character) and writes nothing → a corrected file passes → confirm → the
background job's page shows the result and links to the values written."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser

SCREENSHOTS = Path("var/screenshots")
BAD = (
    "指标,地区,年份,数值,来源\n"
    "全社会研发投入强度,东莞市,2025,4.1\x07,统计快报\n"
    "全社会研发投入强度,火星镇,2025,3.9,统计快报\n"
    "高技术制造业增加值占规上工业增加值比重,东莞市,2025,4\u30005,统计快报\n"
)
GOOD = (
    "指标,地区,年份,数值,来源\n"
    "全社会研发投入强度,东莞市,2025,4.1,统计快报\n"
    "高技术制造业增加值占规上工业增加值比重,东莞市,2025,45.5,统计快报\n"
)


@pytest.fixture
def plan_site(demo_site, settings, tmp_path):
    from kechuang.plans import services
    from kechuang.plans.schema import default_plan_path

    settings.VAR_DIR = tmp_path / "var"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.JOBS_AUTOSTART_WORKER = False
    services.load_plan(services.parse_plan(default_plan_path()), source_file="plan.yaml")
    return demo_site


def test_choose_a_file_preview_every_error_then_confirm_and_see_the_result(plan_site, page, tmp_path):
    from kechuang.accounts.services import DEMO_PASSWORD
    from kechuang.plans.models import Observation

    page.set_default_timeout(120_000)  # a shared, busy machine: generous, not a timing assertion
    log_in(page, plan_site.url, "tjj", DEMO_PASSWORD)
    bad, good = tmp_path / "统计局数据.csv", tmp_path / "统计局数据（改正）.csv"
    bad.write_text(BAD, encoding="utf-8")
    good.write_text(GOOD, encoding="utf-8")

    page.goto(f"{plan_site.url}/plans/entry/upload/")
    page.set_input_files("input[type=file][name=file]", str(bad))
    page.click("[data-testid=upload-submit]")
    page.wait_for_load_state("networkidle")
    errors = page.locator("[data-testid=row-errors] tbody tr")
    assert errors.count() == 3, page.content()[:3000]
    text = page.locator("[data-testid=row-errors]").inner_text()
    assert "控制字符" in text and "全角空格" in text and "火星镇" in text
    assert "没有写入任何数据" in page.locator("[data-testid=upload-rejected]").inner_text()
    assert page.locator("[data-testid=confirm-import]").count() == 0
    assert not Observation.objects.exists()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "upload-flow-errors.png"), full_page=True)

    page.click("[data-testid=upload-again]")
    page.set_input_files("input[type=file][name=file]", str(good))
    page.click("[data-testid=upload-submit]")
    page.wait_for_load_state("networkidle")
    assert "2 行数据" in page.locator("[data-testid=upload-ok]").inner_text()
    assert page.locator("[data-testid=upload-sample] tbody tr").count() == 2
    assert not Observation.objects.exists()  # the preview writes nothing
    page.click("[data-testid=confirm-import]")
    page.wait_for_load_state("networkidle")
    assert page.locator("[data-testid=job-status]").inner_text() == "已完成"
    result = page.locator("[data-testid=import-result]").inner_text()
    assert "2" in result and "新增" in result
    page.screenshot(path=str(SCREENSHOTS / "upload-flow-result.png"), full_page=True)
    page.click("[data-testid=batch-link]")
    page.wait_for_load_state("networkidle")
    assert "45.5" in page.content()
    assert Observation.objects.count() == 2
