"""`kechuang qualify --year Y --input DIR --output FILE`: no database needed."""

from __future__ import annotations

import datetime as dt

import polars as pl
from typer.testing import CliRunner

from kechuang.cli.qualify import app
from kechuang.engine.credit_code import check_char
from kechuang.engine.rules import qualify
from kechuang.engine.vocabulary import FACT_COLUMNS, REGISTRY_COLUMNS
from tests.engine.rules_kit import YEAR, enterprise, frames, rulesets

runner = CliRunner()


def code(body: str) -> str:
    first17 = ("91441900MA0000" + body)[:17]
    return first17 + check_char(first17)


A, B, C = code("AAA"), code("BBB"), code("CCC")


def _write(folder, chinese_headers: bool = False):
    reg, facts = frames(
        enterprise(A),
        enterprise(B, hightech_cert_until=dt.date(2026, 1, 1)),
        enterprise(C, employees={2024: None}),
    )
    if chinese_headers:
        reg = reg.rename({c.name: c.header_zh for c in REGISTRY_COLUMNS})
        facts = facts.rename({c.name: c.header_zh for c in FACT_COLUMNS})
    folder.mkdir(exist_ok=True)
    reg.write_csv(folder / "registry.csv")
    facts.write_csv(folder / "facts.csv")


def test_qualifies_a_folder_and_writes_csv(tmp_path):
    _write(tmp_path / "in")
    out = tmp_path / "out" / "result.csv"
    result = runner.invoke(app, ["--year", str(YEAR), "--input", str(tmp_path / "in"), "--output", str(out)])
    assert result.exit_code == 0, result.output
    assert "科技型中小企业评价" in result.output and "规上高新技术企业" in result.output
    assert "示例规则" in result.output
    written = pl.read_csv(out)
    reg, facts = frames(enterprise(A), enterprise(B, hightech_cert_until=dt.date(2026, 1, 1)))
    assert written["credit_code"].to_list() == [A, B, C]
    assert written["tier"].to_list() == ["none", "guishang_gaoqi", "none"]
    assert written["kexiao_eligible"].to_list() == ["yes", "yes", "unknown"]
    expected = qualify(reg, facts, YEAR, rulesets())
    assert written.head(2)["gaoqi_failed"].fill_null("").to_list() == expected["gaoqi_failed"].to_list()


def test_chinese_headers_and_parquet_output(tmp_path):
    _write(tmp_path / "in", chinese_headers=True)
    out = tmp_path / "result.parquet"
    result = runner.invoke(app, ["--year", str(YEAR), "--input", str(tmp_path / "in"), "--output", str(out)])
    assert result.exit_code == 0, result.output
    assert pl.read_parquet(out)["kexiao_eligible"].to_list() == ["yes", "yes", "unknown"]


def test_an_unreadable_value_is_named_by_row_in_chinese(tmp_path):
    folder = tmp_path / "in"
    _write(folder)
    text = (folder / "registry.csv").read_text(encoding="utf-8").replace("2015-03-01", "去年春天", 1)
    (folder / "registry.csv").write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["--year", str(YEAR), "--input", str(folder)])
    assert result.exit_code == 1
    assert "第 2 行「成立日期」= 去年春天 不是有效日期" in result.output


def test_an_output_suffix_other_than_csv_or_parquet_is_refused(tmp_path):
    _write(tmp_path / "in")
    result = runner.invoke(app, ["--year", str(YEAR), "--input", str(tmp_path / "in"), "--output", "x.xlsx"])
    assert result.exit_code == 2 and ".csv 或 .parquet" in result.output
