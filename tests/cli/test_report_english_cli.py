"""`kechuang report annual --language en|zh-hans|zh`: the annual report in English from the command line."""

from __future__ import annotations

from pathlib import Path

import docx


def _written(result) -> Path:
    path = Path(result.stdout.strip().splitlines()[-1])
    assert path.exists() and path.stat().st_size > 0, result
    return path


def test_language_en_writes_the_english_report_under_an_english_name(kc, demo_copy):
    result = kc(
        demo_copy, "report", "annual", "--year", 2026, "--format", "docx", "--language", "en", timeout=180
    )
    assert result.returncode == 0, result
    path = _written(result)
    assert path == (demo_copy / "reports" / "Annual-monitoring-report-2026.docx").resolve()
    paragraphs = [p.text for p in docx.Document(path).paragraphs]
    assert "1. Overview" in paragraphs and "Appendix: data sources" in paragraphs
    assert any(p.startswith("Annual Monitoring and Evaluation Report on Dongguan's") for p in paragraphs)
    assert "未找到中文字体" not in result.stderr  # English charts need no Chinese font
    assert "Data up to 2026" in result.stderr and "数据截至" not in result.stderr  # the report's as-of line


def test_a_bad_language_is_refused_in_chinese_and_nothing_is_written(kc, demo_copy, tmp_path):
    out = tmp_path / "report.html"
    bad = kc(demo_copy, "report", "annual", "--format", "html", "--language", "xx", "--out", out)
    assert bad.returncode == 2, bad
    assert "未知报告语言「xx」" in bad.stderr and "Traceback" not in bad.output
    assert not out.exists() and not (demo_copy / "reports").exists()

    chinese = kc(demo_copy, "report", "annual", "--year", 2026, "--format", "html", "--language", "zh")
    assert chinese.returncode == 0, chinese
    path = _written(chinese)
    assert path.name == "规划实施年度监测评估报告-2026.html" and "数据截至2026年" in chinese.stderr
    assert '<html lang="zh-hans">' in path.read_text(encoding="utf-8")
