"""Stored scores: what finance reads (scores_frame), versions kept, a rerun replaces its own rows."""

from __future__ import annotations

import polars as pl
import pytest

pytestmark = pytest.mark.django_db


def test_scores_frame_is_the_scoring_contract_of_the_stored_run(scored):
    from kechuang.engine.points import load_model, sample_model_path, score
    from kechuang.points.models import PointsModelVersion
    from kechuang.points.services import scores_frame

    model = load_model(sample_model_path())
    expected = score(scored.registry, scored.facts, 2024, model)
    got = scores_frame(2024)
    version = PointsModelVersion.objects.get()
    assert got.columns == [*model.output_columns(), "version_id"]
    assert (got["version_id"] == version.pk).all()
    joined = expected.join(got, on="credit_code", suffix="_stored")
    assert joined.height == expected.height == 40
    for column in ("stage", "excluded", "rank", "cohort_size", "tier"):
        assert joined[column].to_list() == joined[f"{column}_stored"].to_list(), column
    for column in ("points", "top_share", *[f"{i.code}_points" for i in model.indicators]):
        diff = (joined[column] - joined[f"{column}_stored"]).abs().max()
        assert diff is None or diff < 1e-9, column
    assert scores_frame(2019).is_empty()  # nothing stored for that year: empty, same columns
    assert scores_frame(2019).columns == got.columns


def test_old_scores_keep_their_version_and_a_rerun_replaces_only_its_own(scored, tmp_path):
    from kechuang.engine.points import sample_model_path
    from kechuang.points.models import PointsRun, PointsScore
    from kechuang.points.services import load_points_model, scores_frame, store_run

    v1_before = scores_frame(2024)
    changed = tmp_path / "v2.yaml"
    text = sample_model_path().read_text(encoding="utf-8")
    changed.write_text(text.replace("top: 0.20", "top: 0.30"), encoding="utf-8")
    v2 = load_points_model(changed).version
    assert v2.number == 2
    store_run(2024, started_by="test")  # the active model is now version 2
    v1 = v2.model.versions.get(number=1)
    assert scores_frame(2024, v1).equals(v1_before)  # version 1's scores untouched
    assert (scores_frame(2024)["version_id"] == v2.pk).all()
    assert PointsScore.objects.filter(year=2024, version=v1).count() == 40
    assert PointsScore.objects.filter(year=2024, version=v2).count() == 40
    # A rerun of version 2 for 2024 supersedes its earlier run; version 1 keeps its rows.
    store_run(2024, started_by="test")
    assert PointsScore.objects.filter(year=2024, version=v2).count() == 40
    assert PointsRun.objects.filter(version=v2, year=2024, superseded=True).count() == 1
    assert PointsScore.objects.filter(year=2024, version=v1).count() == 40
    tiers_v2 = scores_frame(2024)["tier"].drop_nulls().len()
    assert tiers_v2 > v1_before["tier"].drop_nulls().len()  # top 30 % instead of 20 %


def test_the_stored_suggestions_are_the_engines(scored):
    from kechuang.engine.points import load_model, sample_model_path
    from kechuang.engine.points.improve import improvements
    from kechuang.engine.points.score import score_detailed
    from kechuang.points.models import PointsScore
    from tests.personas import ENTERPRISE_CREDIT_CODE

    model = load_model(sample_model_path())
    detail = score_detailed(scored.registry, scored.facts, 2024, model)
    expected = (
        pl.concat([detail, improvements(detail, model)], how="horizontal")
        .filter(pl.col("credit_code") == ENTERPRISE_CREDIT_CODE)
        .row(0, named=True)
    )
    stored = PointsScore.objects.get(credit_code=ENTERPRISE_CREDIT_CODE, year=2024).improvements
    assert [s["indicator"] for s in stored] == [expected[f"improve{j}_indicator"] for j in (1, 2, 3)]
    assert stored[0]["gain"] == pytest.approx(expected["improve1_gain"])
    assert stored[0]["target"] == pytest.approx(expected["improve1_target"])
