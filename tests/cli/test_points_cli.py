"""`kechuang points score` and `kechuang points load` run as a user runs them."""

from __future__ import annotations

import polars as pl
import pytest

from kechuang.engine.points import load_model, sample_model_path, score
from tests.cli.kit import db_rows, run_in

SAMPLE = sample_model_path()
HEADER = "credit_code,stage,excluded,points,rank,cohort_size,top_share,tier"


@pytest.fixture(scope="module")
def population(tmp_path_factory, migrated_var):
    """80 synthetic enterprises × 3 years, written by `kechuang synth enterprises` (CSV + Parquet)."""
    out = tmp_path_factory.mktemp("points-synth")
    run = run_in(migrated_var, "synth", "enterprises", "--count", 80, "--years", "2022-2024", "--seed", 7,
                 "--out", out)  # fmt: skip
    assert run.returncode == 0, run
    return out


def _expected(population) -> pl.DataFrame:
    registry = pl.read_parquet(population / "registry.parquet")
    facts = pl.read_parquet(population / "facts.parquet")
    return score(registry, facts, 2024, load_model(SAMPLE))


def test_a_folder_is_scored_with_a_model_file_and_written_as_csv(kc, fresh_var, population):
    out = fresh_var.parent / "points.csv"
    result = kc(fresh_var, "points", "score", "--year", 2024, "--model", SAMPLE, "--input", population,
                "--output", out)  # fmt: skip
    assert result.returncode == 0, result
    assert "Traceback" not in result.output
    assert "80 家企业" in result.stdout and "示例" in result.stdout
    model = load_model(SAMPLE)
    header = out.read_text(encoding="utf-8").splitlines()[0]
    assert header == HEADER + "," + ",".join(f"{i.code}_points" for i in model.indicators)
    written = pl.read_csv(out)
    expected = _expected(population)
    registry = pl.read_csv(population / "registry.csv", infer_schema=False)
    assert written["credit_code"].to_list() == registry["credit_code"].to_list()  # registry order
    assert written["rank"].to_list() == expected["rank"].to_list()
    assert written["tier"].to_list() == expected["tier"].to_list()
    assert written["excluded"].to_list() == expected["excluded"].to_list()
    diff = (written["points"] - expected["points"]).abs().max()
    assert diff is not None and diff < 1e-9


def test_parquet_output_keeps_the_types(kc, fresh_var, population):
    out = fresh_var.parent / "points.parquet"
    result = kc(fresh_var, "points", "score", "--year", 2024, "--model", SAMPLE, "--input", population,
                "--output", out)  # fmt: skip
    assert result.returncode == 0, result
    written = pl.read_parquet(out)
    expected = _expected(population)
    assert written.columns == expected.columns
    assert written.schema["rank"] == pl.Int64 and written.schema["points"] == pl.Float64
    assert written.equals(expected)


def test_a_bad_model_file_is_refused_naming_entry_and_field_and_nothing_is_written(kc, fresh_var, population):
    text = SAMPLE.read_text(encoding="utf-8").replace(
        "weights: {startup: 60, growth: 60, mature: 60}}\n  - {code: high_value_patents",
        "weights: {startup: 60, mature: 60}}\n  - {code: high_value_patents",
    )
    bad = fresh_var.parent / "bad-model.yaml"
    bad.write_text(text, encoding="utf-8")
    out = fresh_var.parent / "never.csv"
    result = kc(fresh_var, "points", "score", "--year", 2024, "--model", bad, "--input", population,
                "--output", out)  # fmt: skip
    assert result.returncode != 0, result
    assert "Traceback" not in result.output
    assert "indicators[3].weights：缺少阶段 growth 的权重" in result.stderr
    assert not out.exists()
    checked = kc(fresh_var, "points", "load", "--check", bad)
    assert checked.returncode != 0 and "indicators[3].weights" in checked.stderr
    unknown = bad.with_name("unknown-column.yaml")
    unknown.write_text(
        SAMPLE.read_text(encoding="utf-8").replace('expr: "tax_paid"', 'expr: "taxes"'), "utf-8"
    )
    result = kc(fresh_var, "points", "score", "--year", 2024, "--model", unknown, "--input", population,
                "--output", out)  # fmt: skip
    assert result.returncode != 0 and "indicators[14].expr" in result.stderr and "taxes" in result.stderr
    assert not out.exists()


def test_a_facts_file_without_funded_projects_stays_valid(kc, fresh_var, population, tmp_path):
    folder = tmp_path / "old-files"
    folder.mkdir()
    (folder / "registry.csv").write_bytes((population / "registry.csv").read_bytes())
    pl.read_csv(population / "facts.csv", infer_schema=False).drop("funded_projects").write_csv(
        folder / "facts.csv"
    )
    out = tmp_path / "points.csv"
    result = kc(fresh_var, "points", "score", "--year", 2024, "--model", SAMPLE, "--input", folder,
                "--output", out)  # fmt: skip
    assert result.returncode == 0, result
    written = pl.read_csv(out)
    scored = written.filter(pl.col("excluded").is_null())
    assert scored.height > 0 and (scored["funded_projects_points"] == 0).all()


def test_load_stores_versions_and_score_uses_the_active_model_and_the_database(kc, fresh_var, population):
    # No model loaded: the shipped sample, and the command says so.
    first = kc(fresh_var, "points", "score", "--year", 2024, "--input", population)
    assert first.returncode == 0, first
    assert "内置示例模型" in first.stdout
    assert db_rows(fresh_var, "SELECT COUNT(*) FROM points_pointsmodelversion") == [(0,)]
    checked = kc(fresh_var, "points", "load", "--check", SAMPLE)
    assert checked.returncode == 0, checked
    assert db_rows(fresh_var, "SELECT COUNT(*) FROM points_pointsmodelversion") == [(0,)]
    loaded = kc(fresh_var, "points", "load", SAMPLE)
    assert loaded.returncode == 0 and "第 1 版" in loaded.stdout, loaded
    again = kc(fresh_var, "points", "load", SAMPLE)
    assert again.returncode == 0 and "内容未变化" in again.stdout, again
    changed = fresh_var.parent / "changed.yaml"
    changed.write_text(SAMPLE.read_text(encoding="utf-8").replace("top: 0.20", "top: 0.25"), "utf-8")
    second = kc(fresh_var, "points", "load", changed)
    assert second.returncode == 0 and "第 2 版" in second.stdout, second
    assert db_rows(fresh_var, "SELECT number FROM points_pointsmodelversion ORDER BY number") == [(1,), (2,)]
    audit = (
        "SELECT COUNT(*) FROM audit_objectchange WHERE user_name = 'cli:points load' AND action = 'import'"
    )
    assert db_rows(fresh_var, audit) == [(2,)]  # one per new version
    # The registry from the database, the active model (version 2) from the database.
    imported = kc(fresh_var, "enterprises", "import", population / "registry.csv", population / "facts.csv")
    assert imported.returncode == 0, imported
    out = fresh_var.parent / "from-db.csv"
    result = kc(fresh_var, "points", "score", "--year", 2024, "--output", out)
    assert result.returncode == 0, result
    assert "数据库中的当前模型 dongguan-sample-2026 第 2 版" in result.stdout
    written = pl.read_csv(out)
    expected = _expected(population)
    assert written.height == 80
    assert sorted(written["credit_code"].to_list()) == sorted(expected["credit_code"].to_list())
    by_code = dict(zip(expected["credit_code"], expected["points"], strict=True))
    for code, points in zip(written["credit_code"], written["points"], strict=True):
        assert (points is None and by_code[code] is None) or abs(points - by_code[code]) < 1e-9


def test_a_bad_output_suffix_and_a_missing_model_file(kc, fresh_var, population):
    result = kc(fresh_var, "points", "score", "--year", 2024, "--input", population, "--output", "x.txt")
    assert result.returncode == 2 and "csv" in result.stderr
    result = kc(fresh_var, "points", "score", "--year", 2024, "--input", population, "--model", "nope.yaml")
    assert result.returncode == 2 and "找不到文件" in result.stderr


@pytest.mark.spark
def test_the_spark_engine_writes_the_same_file(kc, fresh_var, population):
    from tests.engine.test_qualify_spark import _missing_spark

    reason = _missing_spark()
    if reason:
        pytest.skip(reason)
    polars_out, spark_out = fresh_var.parent / "polars.csv", fresh_var.parent / "spark.csv"
    for engine, out in (("polars", polars_out), ("spark", spark_out)):
        result = kc(fresh_var, "points", "score", "--year", 2024, "--model", SAMPLE, "--input", population,
                    "--output", out, "--engine", engine)  # fmt: skip
        assert result.returncode == 0, result
    a, b = pl.read_csv(polars_out), pl.read_csv(spark_out)
    assert a.columns == b.columns and a["credit_code"].to_list() == b["credit_code"].to_list()
    assert a.drop("points", "top_share").equals(b.drop("points", "top_share"))
    assert ((a["points"] - b["points"]).abs().fill_null(0) < 1e-9).all()


def test_run_stores_the_scores_of_the_database_registry(kc, fresh_var, population):
    # Nothing imported yet: refused, nothing written.
    empty = kc(fresh_var, "points", "run", "--year", 2024)
    assert empty.returncode == 1 and "没有 2024 年度的企业数据" in empty.stderr, empty
    assert db_rows(fresh_var, "SELECT COUNT(*) FROM points_pointsrun") == [(0,)]
    imported = kc(fresh_var, "enterprises", "import", population / "registry.csv", population / "facts.csv")
    assert imported.returncode == 0, imported
    bad = kc(fresh_var, "points", "run", "--year", 2024, "--version", 99)
    assert bad.returncode == 1 and "没有编号为 99 的积分模型版本" in bad.stderr, bad
    result = kc(fresh_var, "points", "run", "--year", 2024)
    assert result.returncode == 0, result
    assert (
        "已保存 2024 年度积分" in result.stdout and "80 家企业" in result.stdout and "示例" in result.stdout
    )
    # The sample was loaded as version 1; the stored rows are the scoring contract's.
    assert db_rows(fresh_var, "SELECT COUNT(*) FROM points_pointsmodelversion") == [(1,)]
    stored = dict(db_rows(fresh_var, "SELECT credit_code, points FROM points_pointsscore"))
    expected = _expected(population)
    assert len(stored) == 80
    for code, points in zip(expected["credit_code"], expected["points"], strict=True):
        assert (points is None and stored[code] is None) or abs(points - stored[code]) < 1e-9
    # It ran as a job, recorded like the web's.
    jobs = "SELECT status, started_by_name FROM jobs_job WHERE kind = 'points_run'"
    assert db_rows(fresh_var, jobs) == [("succeeded", "cli:points run")]
    # Again: the earlier run is superseded, its rows replaced (not doubled).
    again = kc(fresh_var, "points", "run", "--year", 2024)
    assert again.returncode == 0, again
    assert db_rows(fresh_var, "SELECT COUNT(*) FROM points_pointsscore") == [(80,)]
    assert db_rows(fresh_var, "SELECT superseded FROM points_pointsrun ORDER BY id") == [(1,), (0,)]
