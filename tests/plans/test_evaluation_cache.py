"""The plan's evaluation is kept per process for unchanged inputs (the pages evaluate it on every
request), and a new value, a revision or an edited target shows at once: the key is the inputs' content."""

from __future__ import annotations

import pytest

from kechuang.plans import evaluation

pytestmark = pytest.mark.django_db


def _city(results, code: str) -> dict:
    return results.filter((results["code"] == code) & (results["region"] == "441900")).row(0, named=True)


def test_unchanged_inputs_reuse_the_evaluation_and_a_new_value_shows_at_once(plan, personas):
    from kechuang.plans import observations

    first, indicators, year = evaluation.evaluate_plan(plan, 2024)
    again, _, _ = evaluation.evaluate_plan(plan, 2024)
    assert again is first  # the same inputs: the kept frame, not a second engine pass
    code = indicators.row(0, named=True)["code"]
    before = _city(first, code)
    indicator = plan.indicators.get(code=code)
    new = (before["latest_value"] or 0) * 2 + 1
    observations.enter_value(plan, personas["admin"], indicator, "441900", 2024, new, "测试来源")
    after, _, _ = evaluation.evaluate_plan(plan, 2024)
    assert after is not first and _city(after, code)["latest_value"] == pytest.approx(new)
    other_year, _, _ = evaluation.evaluate_plan(plan, 2023)  # another as-of year is another entry
    assert other_year is not after and _city(other_year, code)["latest_year"] <= 2023


def test_an_edited_target_changes_the_evaluation(plan):
    first, indicators, _ = evaluation.evaluate_plan(plan, 2024)
    code = indicators.row(0, named=True)["code"]
    indicator = plan.indicators.get(code=code)
    indicator.target_value = indicator.target_value * 3
    indicator.save(update_fields=["target_value"])
    after, _, _ = evaluation.evaluate_plan(plan, 2024)
    assert _city(after, code)["target_value"] == pytest.approx(3 * _city(first, code)["target_value"])
    assert _city(after, code)["required_rate"] != _city(first, code)["required_rate"]
