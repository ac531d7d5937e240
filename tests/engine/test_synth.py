"""The synthetic enterprise population: contract shape, realism, calibration to Dongguan, dirt."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from kechuang.engine import credit_code, synth
from kechuang.engine.enterprise_import import (
    ROW_ERROR_KINDS,
    check_facts,
    check_registry,
    region_lookup_from_towns,
)
from kechuang.engine.vocabulary import FACT_COLUMNS, REGISTRY_COLUMNS, TECH_FIELDS

YEARS = range(2021, 2025)


@pytest.fixture(scope="module")
def towns() -> pl.DataFrame:
    from importlib import resources

    data = resources.files("kechuang.data").joinpath("dongguan-towns.csv").read_bytes()
    return pl.read_csv(data, schema_overrides={"code": pl.Utf8})


@pytest.fixture(scope="module")
def population(towns):
    return synth.synthesize(20_000, YEARS, 42, towns)


def test_frames_have_the_contracts_columns_and_types(population):
    registry, facts = population
    assert registry.schema == pl.Schema({c.name: c.dtype for c in REGISTRY_COLUMNS})
    assert facts.schema == pl.Schema({c.name: c.dtype for c in FACT_COLUMNS})


@pytest.mark.parametrize("count", [20_000, 50_000])
def test_scaled_to_dongguan_the_hightech_counts_match_the_published_ones(towns, count):
    registry, facts = synth.synthesize(count, YEARS, 7, towns)
    est = synth.city_estimates(registry, facts)
    assert est["year"] == 2024
    assert synth.scale_factor(count) == synth.DONGGUAN_POPULATION / count
    assert est["gaoqi_city"] == pytest.approx(10_200, rel=0.05)
    assert est["guishang_gaoqi_city"] == pytest.approx(5_769, rel=0.05)
    # not forced, but plausible: 规上工业企业 about 13,500
    assert est["guishang_industrial_city"] == pytest.approx(13_500, rel=0.15)


def test_the_same_seed_gives_the_same_population_and_another_seed_another(towns):
    a = synth.synthesize(2_000, YEARS, 1, towns)
    b = synth.synthesize(2_000, YEARS, 1, towns)
    c = synth.synthesize(2_000, YEARS, 2, towns)
    assert a[0].equals(b[0]) and a[1].equals(b[1])
    assert not a[0].equals(c[0])
    dirty_a = synth.synthesize(2_000, YEARS, 1, towns, dirty=True)
    dirty_b = synth.synthesize(2_000, YEARS, 1, towns, dirty=True)
    assert dirty_a[0].equals(dirty_b[0]) and dirty_a[1].equals(dirty_b[1])


def test_codes_are_valid_and_unique_and_facts_are_one_row_per_enterprise_year(population):
    registry, facts = population
    assert credit_code.validate(registry["credit_code"], check_org=True).all()
    assert registry["credit_code"].n_unique() == registry.height
    assert facts.select("credit_code", "year").is_duplicated().sum() == 0
    assert set(facts["credit_code"].unique()) == set(registry["credit_code"])
    first_year = facts.join(registry, on="credit_code").filter(
        pl.col("year") < pl.col("registered_on").dt.year()
    )
    assert first_year.height == 0  # no facts before registration


def test_the_population_looks_like_dongguan(population, towns):
    registry, facts = population
    assert set(registry["region"]) <= set(towns["name"])
    top = registry["region"].value_counts(sort=True)["region"].to_list()
    assert top[0] == "松山湖高新技术产业开发区" and {"长安镇", "虎门镇", "塘厦镇", "常平镇"} <= set(top[:8])
    sections = registry["industry_code"].str.slice(0, 1).value_counts(normalize=True)
    share = dict(zip(sections["industry_code"], sections["proportion"], strict=True))
    assert share["C"] > 0.5 and {"I", "M", "F", "G"} <= set(share)
    assert registry["industry_code"].str.contains(r"^[A-T]\d{4}$").all()
    years = registry["registered_on"].dt.year()
    assert years.min() < 1995 and years.max() == 2024
    assert set(registry["tech_field"].drop_nulls()) <= set(TECH_FIELDS)
    revenue = facts.filter(pl.col("year") == 2024)["revenue"].drop_nulls()
    assert revenue.quantile(0.99) > 20 * revenue.median()  # log-normal: a long right tail
    for flag in ("national_award_5y", "abnormal_listed", "serious_incident_1y", "restricted_industry"):
        assert registry[flag].mean() < 0.05


def test_rd_rises_with_size_and_ip_with_rd(population):
    _, facts = population
    last = facts.filter(pl.col("year") == 2024).drop_nulls(["revenue", "rd_expense", "ip_class1"])
    corr = last.select(
        pl.corr(pl.col("revenue").log1p(), pl.col("rd_expense").log1p()).alias("size_rd"),
        pl.corr(pl.col("rd_expense").log1p(), pl.col("ip_class1").log1p()).alias("rd_ip"),
    ).row(0, named=True)
    assert corr["size_rd"] > 0.5 and corr["rd_ip"] > 0.3


def test_missing_values_occur_at_realistic_rates(population):
    _, facts = population
    nulls = facts.null_count().row(0, named=True)
    assert nulls["credit_code"] == nulls["year"] == 0
    for column, rate in synth.MISSING_RATES.items():
        share = nulls[column] / facts.height
        assert share <= rate * 1.5 + 0.002, column
    assert nulls["rd_expense"] > 0 and nulls["equity_financing"] > 0


def test_certificates_are_three_years_and_some_have_lapsed(population):
    registry, _ = population
    until = registry["hightech_cert_until"].drop_nulls()
    assert until.max() <= dt.date(2027, 12, 31)
    assert (until < dt.date(2024, 12, 31)).sum() > 0  # former 高企 whose certificate lapsed
    assert (registry["kexiao_registered_year"] == 2024).sum() > 0


def test_many_non_hightech_enterprises_are_close_to_the_thresholds(population):
    """A 高企后备库 needs enterprises just short of the conditions."""
    registry, facts = population
    three = facts.group_by("credit_code").agg(
        (pl.col("rd_expense").sum() / pl.col("revenue").sum()).alias("rd_ratio"), pl.len().alias("years")
    )
    last = facts.filter(pl.col("year") == 2024).select(
        "credit_code",
        (pl.col("tech_staff") / pl.col("employees")).alias("tech_share"),
        (pl.col("hightech_revenue") / pl.col("revenue")).alias("ht_share"),
    )
    t = registry.join(three, on="credit_code").join(last, on="credit_code", how="left")
    non = t.filter(~(pl.col("hightech_cert_until") >= dt.date(2024, 12, 31)).fill_null(False))
    near = non.filter(
        pl.col("rd_ratio").is_between(0.025, 0.05)
        | pl.col("tech_share").is_between(0.08, 0.12)
        | pl.col("ht_share").is_between(0.5, 0.7)
    )
    assert near.height > 0.2 * non.height
    assert (t["years"] < 3).sum() > 0.03 * t.height  # recently registered: too few years


def test_clean_population_passes_the_import_checks(population, towns):
    registry, facts = population
    clean_reg, errors = check_registry(registry, region_lookup_from_towns(towns))
    assert not errors.rejected, errors[:3]
    clean_facts, errors = check_facts(facts, set(registry["credit_code"]))
    assert not errors.rejected, errors[:3]
    assert clean_facts.equals(facts)
    assert clean_reg.drop("region").equals(registry.drop("region"))


def test_dirty_population_is_text_and_produces_every_kind_of_import_error(towns):
    registry, facts = synth.synthesize(3_000, YEARS, 5, towns, dirty=True)
    assert all(dtype == pl.Utf8 for dtype in registry.schema.values())
    assert all(dtype == pl.Utf8 for dtype in facts.schema.values())
    assert registry.height > 3_000  # duplicated rows were added
    _, reg_errors = check_registry(registry, region_lookup_from_towns(towns), max_errors=100_000)
    upload_codes = set(registry["credit_code"].drop_nulls().str.strip_chars())
    _, fact_errors = check_facts(facts, upload_codes, max_errors=100_000)
    kinds = {e.kind for e in reg_errors} | {e.kind for e in fact_errors}
    assert kinds == ROW_ERROR_KINDS
    # a few percent of rows, not most of them
    assert reg_errors.total < 0.1 * registry.height and fact_errors.total < 0.1 * facts.height


def test_write_population_writes_csv_and_parquet(population, tmp_path):
    registry, facts = population
    paths = synth.write_population(registry, facts, tmp_path / "out")
    assert sorted(p.name for p in paths) == ["facts.csv", "facts.parquet", "registry.csv", "registry.parquet"]
    assert pl.read_parquet(tmp_path / "out" / "facts.parquet").equals(facts)
    header = (tmp_path / "out" / "registry.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header.split(",") == [c.name for c in REGISTRY_COLUMNS]


@pytest.mark.slow
def test_a_million_enterprises_are_synthesized(towns):
    # its speed is measured by benchmarks/bench_synth.py (docs/benchmarks.md), not asserted here
    registry, facts = synth.synthesize(1_000_000, range(2022, 2025), 3, towns)
    assert registry.height == 1_000_000 and facts.height > 2_500_000


def test_the_command_writes_the_files_and_prints_the_city_estimates(tmp_path):
    from typer.testing import CliRunner

    from kechuang.cli.synth import app

    out = tmp_path / "pop"
    result = CliRunner().invoke(app, ["enterprises", "--count", "2000", "--years", "2021-2024", "--seed", "4",
                                      "--out", str(out)])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert {p.name for p in out.iterdir()} == {
        "registry.csv",
        "facts.csv",
        "registry.parquet",
        "facts.parquet",
    }
    assert "10,200" in result.output and "5,769" in result.output
    dirty = CliRunner().invoke(
        app, ["enterprises", "-n", "500", "--years", "2024", "--out", str(tmp_path / "d"), "--dirty"]
    )
    assert dirty.exit_code == 0, dirty.output
    assert pl.read_csv(tmp_path / "d" / "facts.csv", infer_schema=False).height > 0
    bad = CliRunner().invoke(app, ["enterprises", "--years", "20x1", "--out", str(tmp_path / "x")])
    assert bad.exit_code != 0
