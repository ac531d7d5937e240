"""`kechuang qualify --input DIR` run as a user runs it, on the files an upload accepts."""

from __future__ import annotations

import polars as pl
import pytest

from kechuang.engine.rules import qualify
from tests.cli.kit import run_in


@pytest.fixture(scope="module")
def population(tmp_path_factory, migrated_var):
    """60 synthetic enterprises × 3 years, written by `kechuang synth enterprises` (CSV + Parquet)."""
    out = tmp_path_factory.mktemp("synth")
    run = run_in(migrated_var, "synth", "enterprises", "--count", 60, "--years", "2022-2024", "--seed", 3,
                 "--out", out)  # fmt: skip
    assert run.returncode == 0, run
    return out


def test_a_folder_of_csv_files_is_qualified_and_written(kc, fresh_var, population):
    out = fresh_var.parent / "result.csv"
    result = kc(fresh_var, "qualify", "--year", 2024, "--input", population, "--output", out)
    assert result.returncode == 0, result
    assert "60 家企业" in result.stdout and "Traceback" not in result.output
    written = pl.read_csv(out, infer_schema=False)
    expected = qualify(
        pl.read_parquet(population / "registry.parquet"), pl.read_parquet(population / "facts.parquet"), 2024
    )
    assert written["credit_code"].to_list() == expected["credit_code"].to_list()
    assert written["tier"].to_list() == expected["tier"].to_list()
    assert written["gaoqi_eligible"].to_list() == expected["gaoqi_eligible"].to_list()


def test_a_bad_folder_is_refused_with_the_message_an_upload_gives(kc, fresh_var, population, tmp_path):
    folder = tmp_path / "bad"
    folder.mkdir()
    lines = (population / "registry.csv").read_text(encoding="utf-8").splitlines()
    good = lines[5].split(",", 1)[0]
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    lines[5] = bad + lines[5][len(good) :]
    (folder / "registry.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (folder / "facts.csv").write_bytes((population / "facts.csv").read_bytes())
    out = tmp_path / "result.csv"
    qualified = kc(fresh_var, "qualify", "--year", 2024, "--input", folder, "--output", out)
    imported = kc(
        fresh_var, "enterprises", "import", "--check", folder / "registry.csv", folder / "facts.csv"
    )
    assert qualified.returncode == 1 and imported.returncode == 1, (qualified, imported)
    line = next(x.strip() for x in imported.stderr.splitlines() if x.strip().startswith("第 6 行"))
    assert line.startswith(f"第 6 行「统一社会信用代码」= {bad} 校验码错误")
    assert line in qualified.stderr
    assert not out.exists()
