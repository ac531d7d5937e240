"""`kechuang enterprises import FILE…` run as a user runs it: the installed script, a fresh database."""

from __future__ import annotations

import polars as pl
import pytest

from tests.cli.kit import db_rows, run_in, table_counts

TABLES = ("enterprises_enterprise", "enterprises_fact", "enterprises_upload")


@pytest.fixture(scope="module")
def population(tmp_path_factory, migrated_var):
    """50 synthetic enterprises × 2 years, written by `kechuang synth enterprises` (CSV files)."""
    out = tmp_path_factory.mktemp("synth")
    run = run_in(migrated_var, "synth", "enterprises", "--count", 50, "--years", "2023-2024", "--seed", 7,
                 "--out", out)  # fmt: skip
    assert run.returncode == 0, run
    return out


def counts(var) -> tuple[int, ...]:
    found = table_counts(var)
    return tuple(found[t] for t in TABLES)


def test_a_good_registry_and_facts_are_imported(kc, fresh_var, population):
    registry = pl.read_csv(population / "registry.csv", infer_schema=False)
    facts = pl.read_csv(population / "facts.csv", infer_schema=False)
    result = kc(fresh_var, "enterprises", "import", population / "registry.csv", population / "facts.csv",
                "--department", "scjgj")  # fmt: skip
    assert result.returncode == 0, result
    assert "Traceback" not in result.output
    assert f"企业名录新增 {registry.height}" in result.stdout
    assert f"年度数据新增 {facts.height}" in result.stdout
    assert counts(fresh_var) == (registry.height, facts.height, 2)
    first = registry.row(0, named=True)
    assert db_rows(fresh_var, "SELECT name FROM enterprises_enterprise WHERE credit_code = ?",
                   (first["credit_code"],)) == [(first["name"],)]  # fmt: skip
    assert {r[0] for r in db_rows(fresh_var, "SELECT department FROM enterprises_upload")} == {"scjgj"}


def test_a_registry_with_one_bad_credit_code_is_refused_and_nothing_is_written(kc, fresh_var, population):
    lines = (population / "registry.csv").read_text(encoding="utf-8").splitlines()
    good = lines[3].split(",", 1)[0]
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    lines[3] = bad + lines[3][len(good) :]  # spreadsheet row 4
    path = fresh_var.parent / "名录-有错.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = kc(fresh_var, "enterprises", "import", path, population / "facts.csv")
    assert result.returncode != 0, result
    assert "Traceback" not in result.output
    assert "第 4 行" in result.stderr and "统一社会信用代码" in result.stderr and bad in result.stderr
    assert "整批未导入" in result.stderr
    assert counts(fresh_var) == (0, 0, 0)


def test_check_only_reads_and_checks(kc, fresh_var, population):
    result = kc(fresh_var, "enterprises", "import", "--check", population / "registry.csv",
                population / "facts.csv")  # fmt: skip
    assert result.returncode == 0, result
    assert "registry.csv：50 行，检查通过" in result.stdout
    assert counts(fresh_var) == (0, 0, 0)
