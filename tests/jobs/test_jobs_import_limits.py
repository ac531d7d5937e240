"""Import speed and safety (issue 8 §2, §4): the check before an import (the web's preview) looks up
only the credit codes the upload names; every import has a size, row and time limit and stops with a
Chinese message and nothing written; the CSV outputs of `kechuang qualify` / `points score` neutralise
formula-like text and leave numbers and credit codes alone."""

from __future__ import annotations

import polars as pl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kechuang.enterprises import importing
from kechuang.enterprises.importing import EnterpriseImportError, ImportLimitError, check_files, import_files
from kechuang.enterprises.models import Enterprise, Fact, FactRevision, Upload


@pytest.fixture
def population(tmp_path, db):
    from kechuang.engine.synth import synthesize, write_population
    from kechuang.regions import town_rows

    registry, facts = synthesize(40, [2023, 2024], 9, towns=pl.DataFrame(list(town_rows())))
    paths = [p for p in write_population(registry, facts, tmp_path / "all") if p.suffix == ".csv"]
    import_files(paths, department="kjj", recompute_tiers=False)
    return registry, facts, paths


def counts() -> tuple[int, ...]:
    return (
        Enterprise.objects.count(),
        Fact.objects.count(),
        FactRevision.objects.count(),
        Upload.objects.count(),
    )


def two_rows(facts: pl.DataFrame, path) -> None:
    facts.filter(pl.col("year") == 2024, pl.col("revenue").is_not_null()).head(2).with_columns(
        pl.col("revenue") + 1
    ).write_csv(path)


def test_the_preview_check_looks_up_only_the_codes_the_upload_names(population, tmp_path):
    _registry, facts, _ = population
    path = tmp_path / "two.csv"
    two_rows(facts, path)
    with CaptureQueriesContext(connection) as captured:
        checked = check_files([path])
    assert checked[0].clean.height == 2
    reads = [q["sql"] for q in captured.captured_queries if "enterprises_enterprise" in q["sql"]]
    assert reads and all(" IN (" in sql for sql in reads), reads  # never the whole registry
    # a code not in the registry is still reported, naming the row
    bad = pl.read_csv(path, infer_schema=False).with_columns(
        pl.when(pl.int_range(pl.len()) == 1).then(pl.lit("91441900MA4UUUUU1P")).otherwise(pl.col("credit_code"))
        .alias("credit_code")
    )  # fmt: skip
    bad.write_csv(path)
    with pytest.raises(EnterpriseImportError) as found:
        check_files([path])
    assert any("不在企业名录中" in e.message and e.row == 3 for e in found.value.errors["two.csv"])


def test_an_upload_over_the_byte_limit_is_refused_unread(population, tmp_path, settings):
    _registry, facts, paths = population
    settings.IMPORT_MAX_MB = 0.001  # about 1 KB
    before = counts()
    with pytest.raises(ImportLimitError) as found:
        import_files(paths, department="kjj", recompute_tiers=False)
    assert "超过导入上限" in str(found.value) and "KECHUANG_IMPORT_MAX_MB" in str(found.value)
    assert counts() == before


def test_an_upload_over_the_row_limit_is_refused(population, tmp_path, settings):
    _registry, facts, paths = population
    settings.IMPORT_MAX_ROWS = 50
    before = counts()
    with pytest.raises(ImportLimitError) as found:
        import_files(paths, department="kjj", recompute_tiers=False)
    assert "超过导入上限 50 行" in str(found.value)
    assert counts() == before


def test_an_import_past_its_time_limit_stops_inside_its_transaction(
    population, tmp_path, settings, monkeypatch
):
    _registry, facts, _ = population
    path = tmp_path / "more.csv"
    facts.with_columns(pl.col("revenue") + 7).write_csv(path)
    settings.IMPORT_MAX_SECONDS = 60
    before = counts()
    # the limit passes while writing: once this import's Upload row exists (inside its transaction)
    monkeypatch.setattr(importing, "_clock", lambda: 1000.0 if Upload.objects.count() > before[3] else 0.0)
    values = sorted(Fact.objects.values_list("revenue", flat=True).exclude(revenue=None))
    with pytest.raises(ImportLimitError) as found:
        import_files([path], department="kjj", recompute_tiers=False)
    assert "导入超过时间上限 60 秒" in str(found.value) and "没有写入任何数据" in str(found.value)
    assert counts() == before
    assert sorted(Fact.objects.values_list("revenue", flat=True).exclude(revenue=None)) == values


def test_csv_outputs_neutralise_formulas_but_not_numbers_or_codes(tmp_path):
    from kechuang.cli.common import write_frame

    frame = pl.DataFrame(
        {
            "credit_code": ["=91441900403184027Y", "91441900403184027Y"],
            "excluded": ['=HYPERLINK("http://evil.example","x")', "abnormal"],
            "note": ["-1+1", "@SUM(A1)"],
            "points": [-3.5, 2.0],
            "rank": [-1, 2],
        }
    )
    path = tmp_path / "out.csv"
    write_frame(frame, path)
    back = pl.read_csv(path)
    assert back["excluded"].to_list() == ['\'=HYPERLINK("http://evil.example","x")', "abnormal"]
    assert back["note"].to_list() == ["'-1+1", "'@SUM(A1)"]
    assert back["credit_code"].to_list() == frame["credit_code"].to_list()
    assert back["points"].to_list() == [-3.5, 2.0] and back["rank"].to_list() == [-1, 2]
    parquet = tmp_path / "out.parquet"
    write_frame(frame, parquet)
    assert pl.read_parquet(parquet).equals(frame)  # not a spreadsheet: kept exactly
