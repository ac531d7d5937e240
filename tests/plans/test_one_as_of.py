"""One as-of everywhere (issue 9 §2): every page, report and API answer defaults to the latest year
with official data, simulated years stay selectable and are marked, and the overview, the task board
and the annual report count the same overdue tasks for the same year."""

from __future__ import annotations

import re
from datetime import date

import pytest

OFFICIAL = 2024  # the published history ends in 2024; simulate_to adds 2025–2027, marked 模拟


def html_of(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def selected_year(html: str, name: str = "as_of") -> str:
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S).group(1)
    return re.search(r'<option value="(\d+)"[^>]*selected', select).group(1)


# ---------------------------------------------------------------- one default


def test_the_default_is_the_latest_year_with_official_data(simulated_plan):
    from kechuang.plans import asof

    assert asof.official_year(simulated_plan) == OFFICIAL
    assert asof.default_year(simulated_plan) == OFFICIAL  # not 2027, the last simulated year
    when = asof.resolve(simulated_plan)
    assert when.year == OFFICIAL and not when.simulated
    marked = {y.year: y.simulated for y in when.years}
    assert marked[2027] and marked[2025] and not marked[OFFICIAL]


def test_every_page_and_the_api_default_to_the_same_year(simulated_plan, client_for):
    client = client_for("bureau")
    overview = html_of(client, "/plans/")
    assert selected_year(overview) == str(OFFICIAL)
    assert f"数据截至 {OFFICIAL} 年（正式数据）" in overview
    assert 'data-testid="simulated"' not in overview  # no simulated figure on the default page

    indicator = html_of(client, "/plans/indicators/rd_intensity/")
    assert selected_year(indicator) == str(OFFICIAL) and f"数据截至 {OFFICIAL} 年（正式数据）" in indicator

    report = html_of(client, "/plans/report/")
    assert selected_year(report, "year") == str(OFFICIAL)

    board = client.get("/plans/tasks/")
    assert board.context["when"].year == OFFICIAL
    assert board.context["board"].as_of == date(OFFICIAL, 12, 31)
    assert f"任务状态截至 {OFFICIAL}-12-31" in board.content.decode()

    scorecard = client.get("/plans/departments/")
    assert scorecard.context["as_of_year"] == OFFICIAL

    api = client.get(f"/api/plans/{simulated_plan.code}/evaluation").json()
    assert api["as_of"] == OFFICIAL and api["as_of_simulated"] is False


def test_simulated_years_are_selectable_and_marked(simulated_plan, client_for):
    client = client_for("bureau")
    overview = html_of(client, "/plans/?as_of=2027")
    assert re.search(r'<option value="2027" selected data-simulated="1">2027（模拟）</option>', overview)
    assert 'data-testid="as-of" data-simulated="1"' in overview
    assert "数据截至 2027 年（模拟数据，演示用，非官方统计）" in overview
    assert f'data-testid="as-of-default">回到有正式数据的最近年度（{OFFICIAL} 年）' in overview

    report_page = html_of(client, "/plans/report/")
    assert '<option value="2026">2026（模拟）</option>' in report_page
    report = html_of(client, "/plans/report/?year=2026&format=html")
    assert f"数据截至2026年（模拟，{OFFICIAL}年以后为演示用模拟数据，非官方统计）" in report
    official = html_of(client, f"/plans/report/?year={OFFICIAL}&format=html")
    assert f"数据截至{OFFICIAL}年（正式数据） 重点任务状态截至{OFFICIAL}年12月31日" in official

    api = client.get(f"/api/plans/{simulated_plan.code}/evaluation", {"as_of": 2027}).json()
    assert api["as_of"] == 2027 and api["as_of_simulated"] is True


# ---------------------------------------------------------------- one date for tasks


@pytest.fixture
def late_tasks(simulated_plan):
    """Two tasks moved into the past: one due in 2024, one in 2025 (whatever today is)."""
    from kechuang.plans.models import Task

    first, second = Task.objects.filter(plan=simulated_plan, active=True).order_by("code")[:2]
    Task.objects.filter(pk=first.pk).update(due=date(OFFICIAL, 6, 30))
    Task.objects.filter(pk=second.pk).update(due=date(OFFICIAL + 1, 3, 31))
    return first.code, second.code


@pytest.mark.parametrize(("year", "expected"), [(OFFICIAL, 1), (OFFICIAL + 1, 2)])
def test_overview_task_board_and_report_count_the_same_overdue_tasks(
    simulated_plan, late_tasks, client_for, year, expected
):
    client = client_for("bureau")
    overdue = set(late_tasks[:expected])

    overview = html_of(client, f"/plans/?as_of={year}")
    tag = re.search(r'data-testid="overdue-tasks" data-codes="([^"]*)">逾期未完成 <b>(\d+)</b>', overview)
    overview_codes, overview_count = set(tag.group(1).split()), int(tag.group(2))

    board = client.get("/plans/tasks/", {"as_of": year})
    board_codes = {r.task.code for r in board.context["board"].rows if r.status == "overdue"}
    board_count = int(re.search(r'data-testid="count-overdue">(\d+)<', board.content.decode()).group(1))

    report = html_of(client, f"/plans/report/?year={year}&format=html")
    report_count = int(re.search(r"中逾期未完成(\d+)项", report).group(1))
    section = report.split("四、重点任务推进")[1].split("五、下一步建议")[0]
    report_codes = {c for c in late_tasks if c in section}

    assert overview_codes == board_codes == report_codes == overdue
    assert overview_count == board_count == report_count == expected
    # and they say the same date
    day = date(year, 12, 31)
    assert f"重点任务（截至 {day.isoformat()}）" in overview
    assert f"任务状态截至 {day.isoformat()}" in board.content.decode()
    assert f"重点任务状态截至{day.year}年12月31日" in report


def test_the_task_date_of_a_year_is_its_last_day_or_today(simulated_plan):
    from kechuang.plans import asof

    today = date(2026, 11, 27)
    assert asof.task_date(2025, today) == date(2025, 12, 31)
    assert asof.task_date(2026, today) == today and asof.task_date(2027, today) == today
    when = asof.for_tasks(simulated_plan, on=date(2026, 6, 30))  # a date from a link or the API
    assert when.year == 2026 and when.task_date == date(2026, 6, 30)


def test_a_task_opened_from_the_board_keeps_the_boards_date(simulated_plan, late_tasks, client_for):
    client = client_for("bureau")
    html = html_of(client, f"/plans/tasks/?as_of={OFFICIAL}")
    link = re.search(rf'href="(/plans/tasks/{re.escape(late_tasks[1])}/\?as_of=[^"]+)"', html).group(1)
    assert link.endswith(f"?as_of={OFFICIAL}-12-31")
    on_board = client.get(link)
    assert on_board.context["page"].row.status == "on_time"  # due in 2025: not overdue at the end of 2024
    assert f"任务状态截至 {OFFICIAL}-12-31" in on_board.content.decode()
    later = client.get(f"/plans/tasks/{late_tasks[1]}/?as_of={OFFICIAL + 1}")
    assert later.context["page"].row.status == "overdue"
