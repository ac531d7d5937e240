"""`kechuang report annual --year Y --format docx|xlsx|html [--out FILE]`: open what it wrote."""

from __future__ import annotations

from pathlib import Path

import docx
import openpyxl

TITLE = "规划实施年度监测评估报告"


def _written(result) -> Path:
    path = Path(result.stdout.strip().splitlines()[-1])
    assert path.exists() and path.stat().st_size > 0, result
    return path


def test_docx_to_the_default_place(kc, demo_copy):
    result = kc(demo_copy, "report", "annual", "--year", 2026, "--format", "docx", timeout=180)
    assert result.returncode == 0, result
    path = _written(result)
    assert path == (demo_copy / "reports" / f"{TITLE}-2026.docx").resolve()
    text = "\n".join(p.text for p in docx.Document(path).paragraphs)
    assert "东莞市科技创新“十五五”规划" in text and "2026" in text
    assert "全社会研发投入强度" in "\n".join(
        cell.text for table in docx.Document(path).tables for row in table.rows for cell in row.cells
    )


def test_xlsx_to_a_chosen_file(kc, demo_copy, tmp_path):
    out = tmp_path / "年报" / "2027.xlsx"  # the folder does not exist yet
    result = kc(demo_copy, "report", "annual", "--year", 2027, "--format", "xlsx", "--out", out, timeout=180)
    assert result.returncode == 0, result
    assert _written(result) == out.resolve()
    book = openpyxl.load_workbook(out, read_only=True)
    cells = [str(v) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for v in row if v]
    assert any("全社会研发投入强度" in c for c in cells)
    assert any("模拟" in c for c in cells)  # the demo's simulated 2027 values say so


def test_bad_format_year_plan_and_output(kc, demo_copy, tmp_path):
    fmt = kc(demo_copy, "report", "annual", "--format", "pdf")
    assert fmt.returncode == 2 and "未知格式「pdf」" in fmt.stderr, fmt
    year = kc(demo_copy, "report", "annual", "--year", 1990)
    assert year.returncode == 2 and "报告年度应在 2000–2100 之间" in year.stderr, year
    plan = kc(demo_copy, "report", "annual", "--plan", "nope")
    assert plan.returncode == 1 and "找不到规划「nope」" in plan.stderr, plan
    blocker = tmp_path / "a-file"
    blocker.write_text("", encoding="utf-8")
    out = kc(demo_copy, "report", "annual", "--year", 2026, "--format", "html", "--out", blocker / "r.html")
    assert out.returncode == 1 and "无法写入" in out.stderr, out
    assert "Traceback" not in fmt.output + year.output + plan.output + out.output
    assert not (demo_copy / "reports").exists()
