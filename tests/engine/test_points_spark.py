"""The same points model on Spark gives exactly the Polars scores (pyspark local mode, Java 17).

Skipped with a visible reason when Java or pyspark is missing — except under CI=true, where a
missing Spark is a failure (as tests/engine/test_qualify_spark.py).
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from kechuang.engine.points import load_model, parse_model, sample_model_path, score
from tests.engine.test_points_score import MODEL, YEAR, _facts, _frames
from tests.engine.test_qualify_spark import _edge_cases, _missing_spark

pytestmark = pytest.mark.spark

PARITY_COUNT = 20_000


@pytest.fixture(scope="module")
def spark():
    import os

    reason = _missing_spark()
    if reason:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI 中必须运行 Spark 一致性测试：{reason}")
        pytest.skip(f"跳过 Spark 一致性测试：{reason}")
    from kechuang.engine.rules.spark import local_session

    session = local_session("kechuang-points-parity-test", cores=2, memory="2g")
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


def _both(spark, tmp_path, reg: pl.DataFrame, facts: pl.DataFrame, year: int, model) -> pl.DataFrame:
    from kechuang.engine.points.spark import score_spark
    from kechuang.engine.rules.spark import to_polars, to_spark

    expected = score(reg, facts, year, model)
    got = to_polars(
        score_spark(to_spark(spark, reg, tmp_path), to_spark(spark, facts, tmp_path), year, model)
    )
    assert got.columns == expected.columns
    assert got.height == expected.height
    assert_frame_equal(
        expected.sort("credit_code"),
        got.sort("credit_code"),
        check_dtypes=False,
        check_exact=False,
        rel_tol=1e-12,
        abs_tol=1e-12,
    )
    return expected


def test_the_contract_cases_agree(spark, tmp_path):
    rows = [
        {"code": "A", "facts": _facts(rd=10.0, tc=0.0)},
        {"code": "B", "facts": _facts(rd=10.0, tc=-5.0)},
        {"code": "C", "facts": _facts(rd=5.0, tc=2.0)},
        {"code": "D", "facts": _facts(rd=None, tc=None)},
        {"code": "E", "facts": _facts(revenue=None, rd=3.0, tc=1.0)},
        {"code": "F", "facts": _facts(revenue=5000.0, rd=3.0, tc=1.0)},
        {"code": "G", "abnormal": True, "restricted": True, "facts": _facts(rd=100.0)},
        {"code": "H", "restricted": True, "facts": _facts(rd=100.0)},
        {"code": "I", "facts": None},
        {"code": "J", "abnormal": None, "facts": _facts(rd=2.0)},
    ]
    reg, facts = _frames(rows)
    out = _both(spark, tmp_path, reg, facts, YEAR, parse_model(MODEL))
    assert set(out["excluded"].drop_nulls()) == {"abnormal", "restricted", "no_facts"}
    no_stage = MODEL.replace('when: "TRUE"', 'when: "revenue >= 1000"')
    _both(spark, tmp_path, reg, facts, YEAR, parse_model(no_stage))


def test_the_qualification_edge_cases_agree_with_the_sample_model(spark, tmp_path):
    reg, facts = _edge_cases()
    _both(spark, tmp_path, reg, facts, 2024, load_model(sample_model_path()))


def test_a_synthetic_population_agrees(spark, tmp_path):
    import kechuang
    from kechuang.engine.synth import synthesize

    towns = pl.read_csv(Path(kechuang.__file__).parent / "data" / "dongguan-towns.csv")
    reg, facts = synthesize(PARITY_COUNT, range(2022, 2025), 20260101, towns)
    out = _both(spark, tmp_path, reg, facts, 2024, load_model(sample_model_path()))
    # The comparison is not vacuous: every stage, tier and exclusion occurs, and ties share ranks.
    assert set(out["stage"].drop_nulls()) == {"startup", "growth", "mature"}
    assert set(out["tier"].drop_nulls()) == {"leading", "racing", "striving"}
    assert out["excluded"].n_unique() >= 3
    assert (out["rd_institution_points"].drop_nulls() > 0).any()
