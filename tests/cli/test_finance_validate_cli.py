"""`kechuang finance validate` run as a user runs it: the demo's simulated loans give a report (printed,
saved as the job the validation page shows, and as JSON); a year without loans, an unknown model
version and an impossible year are refused in Chinese with nothing saved."""

from __future__ import annotations

import json

from tests.cli.kit import db_rows


def _jobs(var) -> list[tuple]:
    return db_rows(
        var, "SELECT status, params, result FROM jobs_job WHERE kind = 'finance_validation' ORDER BY id"
    )


def test_the_demo_loans_give_a_report_that_the_page_then_shows(kc, demo_copy, tmp_path):
    out = tmp_path / "reports" / "validation.json"
    demo_report = _jobs(demo_copy)  # `kechuang demo` computed the report of its loans once
    assert [status for status, _, _ in demo_report] == ["succeeded"]
    result = kc(demo_copy, "finance", "validate", "--json", out, timeout=300)
    assert result.returncode == 0, result
    assert "区分度：AUC" in result.stdout and "分组" in result.stdout and "Traceback" not in result.output
    assert "［示例］" in result.stdout  # the shipped model is a sample
    ((status, params, stored),) = _jobs(demo_copy)[1:]
    assert status == "succeeded" and json.loads(params)["version"] is None
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report == json.loads(stored)  # the file is the report the page shows
    assert f"贷款 {report['loans']:,} 笔" in result.stdout and report["loans"] > 0
    assert sum(d["loans"] for d in report["deciles"]) == report["loans"]
    # a JSON path it cannot write (a folder): the report is saved as a job all the same, and it says so
    again = kc(demo_copy, "finance", "validate", "--json", tmp_path, timeout=300)
    assert again.returncode == 1 and "但无法写入" in again.stderr and "Traceback" not in again.output
    assert [status for status, _, _ in _jobs(demo_copy)] == ["succeeded"] * 3


def test_a_year_without_loans_an_unknown_version_and_a_bad_year_are_refused(kc, demo_copy):
    result = kc(demo_copy, "finance", "validate", "--year", 2019)
    assert (
        result.returncode == 2
        and "2019 年度没有贷款结果" in result.stderr
        and "有贷款结果的年度" in result.stderr
    )
    result = kc(demo_copy, "finance", "validate", "--version", 99999)
    assert result.returncode == 2 and "没有编号为 99999 的积分模型版本" in result.stderr
    result = kc(demo_copy, "finance", "validate", "--year", 1800)
    assert result.returncode == 2 and "--year 应在 2000–2100 之间" in result.stderr
    assert len(_jobs(demo_copy)) == 1  # only the demo's own report


def test_without_any_loans_it_says_so(kc, fresh_var):
    result = kc(fresh_var, "finance", "validate")
    assert result.returncode == 1 and "还没有贷款结果" in result.stderr and "Traceback" not in result.output
