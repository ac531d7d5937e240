"""A warning light says why it has its colour (issue 9 §2), and the overview counts both tests."""

from __future__ import annotations

import re

import pytest

from kechuang.plans.monitoring.reasons import light_reason

BASE = {
    "unit": "%",
    "growth_model": "linear",
    "achieved": False,
    "stale": False,
    "trend": "on_track",
    "progress": 0.2,
    "time_elapsed": 0.5,
    "observed_rate": 0.9,
    "required_rate": 0.8,
    "on_schedule": False,
}


def test_green_by_trend_although_behind_the_time_says_both_numbers():
    text = light_reason({**BASE, "warning": "green"})
    assert text.startswith("绿灯：近年趋势")
    assert "+0.90 个百分点" in text and "+0.80 个百分点" in text and "20%" in text and "50%" in text


def test_green_on_schedule_and_red_and_yellow_name_their_test():
    assert light_reason({**BASE, "warning": "green", "on_schedule": True, "progress": 0.6}).startswith(
        "绿灯：完成进度 60% 不低于时间进度 50%"
    )
    red = light_reason({**BASE, "warning": "red", "trend": "stagnating", "observed_rate": 0.1})
    assert red.startswith("红灯：完成进度 20% 落后于时间进度 50%") and "+0.10 个百分点" in red
    yellow = light_reason({**BASE, "warning": "yellow", "trend": "decreasing", "on_schedule": True})
    assert yellow.startswith("黄灯：") and "相反" in yellow
    compound = light_reason(
        {
            **BASE,
            "warning": "yellow",
            "trend": "moderately_improving",
            "growth_model": "compound",
            "observed_rate": 0.05,
            "required_rate": 0.08,
        }
    )
    assert "+5.0%" in compound and "+8.0%" in compound


@pytest.mark.parametrize(
    "item, expected",
    [
        ({"warning": None, "trend": "no_data"}, "无数据或无目标，不评估预警"),
        ({**BASE, "warning": "green", "achieved": True}, "已达到目标值"),
        ({**BASE, "warning": "yellow", "stale": True}, "最新数据已两年以上未更新，不亮绿灯"),
    ],
)
def test_no_data_achieved_and_stale(item, expected):
    assert light_reason(item) == expected


@pytest.mark.django_db
def test_every_card_of_the_overview_explains_its_light_and_the_counts_add_up(simulated_plan, client_for):
    html = client_for("bureau").get("/plans/?as_of=2026").content.decode()
    cards = html.split('data-testid="indicator-card"')[1:]
    lit = [c for c in cards if 'data-testid="warning"' in c.split("</a>")[0]]
    assert lit and all('data-testid="light-reason"' in c.split("</a>")[0] for c in lit)
    counts = re.search(r"其中按进度达到时间进度 (\d+) 项，按近年趋势可按期达标 (\d+) 项", html)
    green = int(re.search(r'badge green">绿灯 <b>(\d+)</b>', html).group(1))
    assert counts and green <= int(counts.group(1)) + int(counts.group(2))


@pytest.mark.django_db
@pytest.mark.parametrize("year", [2024, 2027])
def test_the_overview_says_why_passing_indicators_are_not_green(simulated_plan, client_for, year):
    """Green = passing one test (on schedule, on track by trend) less those held back (stale data, or on
    schedule while the trend runs the other way); the overview says how many were held back."""
    response = client_for("bureau").get(f"/plans/?as_of={year}")
    cards, by_test = response.context["cards"], response.context["by_test"]
    passing = [c for c in cards if c.get("on_schedule") or c.get("achieved") or c.get("trend") == "on_track"]
    green = sum(1 for c in cards if c["warning"] == "green")
    assert green == len(passing) - by_test["held"]
    html = response.content.decode()
    if by_test["held"]:
        assert f"满足其一的指标中有 {by_test['held']} 项因数据陈旧" in html
    held = [c for c in passing if c["warning"] != "green"]
    assert all(c["reason"] and not c["reason"].startswith("绿灯") for c in held)
