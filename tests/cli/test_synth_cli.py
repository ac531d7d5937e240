"""`kechuang synth enterprises --count N --years … --seed S --out DIR [--dirty]` (no database)."""

from __future__ import annotations

import polars as pl

from kechuang.engine.credit_code import is_valid

FILES = {"registry.csv", "facts.csv", "registry.parquet", "facts.parquet"}


def test_writes_the_population_and_the_same_seed_gives_the_same_files(kc, empty_var, tmp_path):
    out = tmp_path / "合成"
    args = ["synth", "enterprises", "--count", 60, "--years", "2023-2024", "--seed", 5]
    result = kc(empty_var, *args, "--out", out)
    assert result.returncode == 0, result
    assert "名录 60 行" in result.stdout and "10,200" in result.stdout  # calibrated to the 高企 count
    assert {p.name for p in out.iterdir()} == FILES
    registry = pl.read_csv(out / "registry.csv", infer_schema=False)
    facts = pl.read_csv(out / "facts.csv", infer_schema=False)
    assert registry.height == 60 and registry["credit_code"].n_unique() == 60
    assert all(is_valid(code) for code in registry["credit_code"])
    assert set(facts["year"].cast(int)) == {2023, 2024}
    assert set(facts["credit_code"]) <= set(registry["credit_code"])
    assert pl.read_parquet(out / "registry.parquet").height == 60

    again = kc(empty_var, *args, "--out", tmp_path / "again")
    assert again.returncode == 0, again
    assert (tmp_path / "again" / "registry.csv").read_bytes() == (out / "registry.csv").read_bytes()
    assert (tmp_path / "again" / "facts.csv").read_bytes() == (out / "facts.csv").read_bytes()


def test_dirty_adds_errors(kc, empty_var, tmp_path):
    out = tmp_path / "dirty"
    result = kc(
        empty_var, "synth", "enterprises", "-n", 80, "--years", "2024", "--seed", 2, "--out", out, "--dirty"
    )
    assert result.returncode == 0, result
    assert "含人为加入的错误" in result.stdout
    registry = pl.read_csv(out / "registry.csv", infer_schema=False)
    codes = registry["credit_code"].fill_null("").to_list()
    assert not all(is_valid(code) for code in codes)  # every error kind appears at least once
    assert len(set(codes)) < len(codes)  # duplicated codes too


def test_bad_years_count_and_output(kc, empty_var, tmp_path):
    years = kc(empty_var, "synth", "enterprises", "--years", "20x3", "--out", tmp_path / "x")
    assert years.returncode == 2, years
    assert "--years" in years.stderr and "年份写法不对：20x3" in years.stderr
    far = kc(empty_var, "synth", "enterprises", "--years", "1990-1991", "--out", tmp_path / "x")
    assert far.returncode == 2 and "年份应在 2000–2100 之间" in far.stderr, far
    count = kc(empty_var, "synth", "enterprises", "--count", 0, "--out", tmp_path / "x")
    assert count.returncode == 2 and "--count" in count.stderr, count
    blocker = tmp_path / "a-file"
    blocker.write_text("", encoding="utf-8")
    out = kc(empty_var, "synth", "enterprises", "--count", 5, "--out", blocker / "x")
    assert out.returncode == 1 and "无法写入" in out.output, out
    assert not (tmp_path / "x").exists()
    assert "Traceback" not in years.output + far.output + count.output + out.output
