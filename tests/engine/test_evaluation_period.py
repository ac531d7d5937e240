"""The three-yearly dynamic assessment reads the three annual reports of its period: flows summed,
stocks the latest year's, ratios the mean, as the template declares per indicator; the years used
and a missing year are named."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

import kechuang
from kechuang.engine.evaluation import TemplateError, load_template, score
from kechuang.engine.evaluation.period import over_period, period_years

TEMPLATE = Path(kechuang.__file__).parent / "carriers" / "data" / "templates" / "institution_dynamic.yaml"


@pytest.fixture(scope="module")
def tpl():
    return load_template(TEMPLATE)


def yearly(rows):
    base = {"class": "general", "reported": True}
    return pl.DataFrame([base | r for r in rows], infer_schema_length=None)


def test_the_template_declares_how_each_indicator_spans_the_period(tpl):
    assert tpl.period_years == 3
    assert {i.id: i.aggregate for i in tpl.indicators} == {
        "rd_input": "mean",
        "output": "sum",
        "transfer": "mean",
        "original": "sum",
        "contribution": "latest",
        "talent": "latest",
    }


def test_period_years(tpl):
    assert period_years("2023-2025", tpl) == [2023, 2024, 2025]
    assert period_years("2025", tpl) == [2023, 2024, 2025]


def test_sums_latest_and_means_over_the_three_reports(tpl):
    rows = [
        {"id": "I1", "year": y, "patents": p, "spinoffs": s, "resident_rd_staff": st, "rd_spending_share": r}
        for y, p, s, st, r in ((2023, 10, 2, 30, 10.0), (2024, 20, 4, 40, 20.0), (2025, 15, 5, 50, 30.0))
    ]
    out = over_period(tpl, yearly(rows), [2023, 2024, 2025]).row(0, named=True)
    assert out["patents"] == 45  # a flow: the sum
    assert (out["spinoffs"], out["resident_rd_staff"]) == (5, 50)  # stocks: the latest
    assert out["rd_spending_share"] == pytest.approx(20.0)  # a ratio: the mean
    assert (out["years_used"], out["years_missing"]) == ([2023, 2024, 2025], [])


def test_a_missing_year_is_named_and_the_rest_counted(tpl):
    rows = [
        {"id": "I1", "year": 2023, "patents": 30, "spinoffs": 8, "rd_spending_share": 40.0},
        {"id": "I1", "year": 2024, "reported": False},
        {"id": "I1", "year": 2025, "patents": 15, "spinoffs": None, "rd_spending_share": 20.0},
    ]
    out = over_period(tpl, yearly(rows), [2023, 2024, 2025]).row(0, named=True)
    assert (out["years_used"], out["years_missing"]) == ([2023, 2025], [2024])
    assert out["patents"] == 45 and out["rd_spending_share"] == pytest.approx(30.0)
    assert out["spinoffs"] == 8  # the latest year that states it


def test_the_points_at_the_three_year_thresholds(tpl):
    # 创新产出: ≥ 90 invention patents over the period earn all 20 points, 89 earn 70%
    def points(total):
        rows = [{"id": "I1", "year": 2023, "patents": total - 40}, {"id": "I1", "year": 2024, "patents": 20}]
        rows.append({"id": "I1", "year": 2025, "patents": 20})
        empty = dict.fromkeys(tpl.input_columns(), 1.0)
        frame = over_period(tpl, yearly([empty | r for r in rows]), [2023, 2024, 2025])
        return score(tpl, frame, "2023-2025").row(0, named=True)["output_points"]

    assert (points(90), points(89), points(45), points(44)) == (20, 14, 14, 8)


def test_indicators_of_one_column_must_span_it_alike(tpl):
    text = TEMPLATE.read_text(encoding="utf-8").replace(
        "aggregate: sum\n    weights: {general: 10}", "aggregate: mean\n    weights: {general: 10}"
    )
    with pytest.raises(TemplateError, match="同一输入列的指标须声明相同的跨年汇总方式（aggregate）：patents"):
        load_template(text)
