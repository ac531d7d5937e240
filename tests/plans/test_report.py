"""The annual monitoring and evaluation report (规划实施年度监测评估报告) in Word, Excel and HTML.

Told from the reader's side: what the bureau finds in the documents, that they match what
`kechuang monitor` says, that simulated data and the sample division of work are marked, and who may
download them.
"""

from __future__ import annotations

import io
import warnings
from datetime import date

import pytest

from kechuang.audit.models import Action, ObjectChange
from tests.personas import PERSONAS

PLAN_READERS = {"admin", "bureau", "reporter", "songshanhu", "humen", "leader"}
REAL_SOURCE = "东莞市科技创新“十五五”规划（公开征求意见稿）表1"
TITLE_2027 = "东莞市科技创新“十五五”规划实施年度监测评估报告（2027年度）"
TODAY = date(2028, 1, 15)  # reports are judged as if generated on this day, whatever the clock says
CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "html": "text/html; charset=utf-8",
}


@pytest.fixture(scope="module")
def tiny_png():
    from matplotlib.figure import Figure

    buf = io.BytesIO()
    Figure(figsize=(1, 0.6), dpi=20).savefig(buf, format="png")
    return buf.getvalue()


@pytest.fixture
def quick_charts(monkeypatch, tiny_png):
    """Replace the matplotlib charts by a tiny image where a test is not about the charts."""
    from kechuang.plans.report import docx, html

    def charts(report):
        return {"summary": tiny_png, **{x.code: tiny_png for x in report.indicators}}

    monkeypatch.setattr(docx, "report_charts", charts)
    monkeypatch.setattr(html, "report_charts", charts)


def build(plan, year=2027):
    from kechuang.plans.report.build import build_report

    return build_report(plan, year, today=TODAY)


def docx_text(data: bytes) -> str:
    """Every paragraph of the body and of every table cell (python-docx opens the file)."""
    from docx import Document

    doc = Document(io.BytesIO(data))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def overdue_titles(plan, on: date) -> list[str]:
    from kechuang.plans.models import Task

    return list(
        Task.objects.filter(plan=plan, active=True, completed=False, due__lt=on).values_list(
            "title", flat=True
        )
    )


# ---------------------------------------------------------------- the day tasks are judged


@pytest.mark.parametrize(
    ("year", "today", "judged"),
    [
        (2027, date(2026, 11, 27), date(2026, 11, 27)),  # a year not yet begun: today
        (2026, date(2026, 11, 27), date(2026, 11, 27)),  # the running year: today
        (2026, date(2027, 3, 1), date(2026, 12, 31)),  # a past year: its last day
    ],
)
def test_tasks_are_judged_at_the_end_of_the_year_or_today_if_earlier(year, today, judged):
    from kechuang.plans.asof import task_date

    assert task_date(year, today) == judged


def test_a_report_on_a_year_not_yet_over_calls_no_task_overdue_early(simulated_plan):
    """A 2027 report made in November 2026: the tasks due in 2027 are not overdue yet."""
    from kechuang.plans.report.build import build_report

    today = date(2026, 11, 27)
    early = build_report(simulated_plan, 2027, today=today)
    assert early.task_date == today
    assert early.summary.tasks_overdue == 0 and not early.overdue_tasks
    assert all(d < today for t in early.tasks for _title, d in t.late_milestones)
    assert any("尚未结束" in n for n in early.notes)

    later = build_report(simulated_plan, 2027, today=date(2028, 1, 15))
    assert later.task_date == date(2027, 12, 31)
    overdue = set(overdue_titles(simulated_plan, date(2027, 12, 31)))
    assert overdue and {t.title for t in later.overdue_tasks} == overdue
    assert not any("尚未结束" in n for n in later.notes)


# ---------------------------------------------------------------- the Word report


def test_the_docx_has_title_indicators_warnings_overdue_tasks_and_sources(simulated_plan):
    from kechuang.engine.plan_labels import WARNING_LABELS
    from kechuang.plans.models import Indicator
    from kechuang.plans.report.render import render

    report = build(simulated_plan)
    text = docx_text(render(report, "docx"))
    assert TITLE_2027 in text.replace("\n", "")
    for section in (
        "一、总体情况",
        "二、主要指标监测",
        "三、滞后指标与责任部门",
        "四、重点任务推进",
        "五、下一步建议",
    ):
        assert section in text
    assert "附录：数据来源" in text
    for name in Indicator.objects.filter(plan=simulated_plan).values_list("name", flat=True):
        assert name in text
    for warning in {x.warning for x in report.indicators}:
        assert WARNING_LABELS[warning] in text
    titles = overdue_titles(simulated_plan, date(2027, 12, 31))
    assert titles, "the sample plan has tasks due before the end of 2027"
    for title in titles:
        assert title in text
    assert REAL_SOURCE in text
    assert "模拟数据" in text and "示例分工" in text


def test_the_docx_names_the_departments_of_lagging_indicators(simulated_plan, quick_charts):
    from kechuang.accounts.departments import department_names
    from kechuang.plans.report.render import render

    report = build(simulated_plan)
    assert report.lagging, "the simulated plan has red or yellow indicators"
    text = docx_text(render(report, "docx"))
    names = department_names()
    for row in report.lagging:
        assert f"责任部门：{names[row.owner_department]}" in text


def test_a_report_on_published_data_only_does_not_mention_simulation(plan, quick_charts):
    from kechuang.plans.report.render import render

    report = build(plan, 2024)
    assert not report.uses_simulated
    text = docx_text(render(report, "docx"))
    assert "模拟" not in text
    assert REAL_SOURCE in text
    assert "示例分工" in text  # the division of work is still a sample


def test_the_docx_uses_chinese_fonts_and_has_page_numbers(simulated_plan, quick_charts):
    from docx import Document
    from docx.oxml.ns import qn

    from kechuang.plans.report.render import render

    doc = Document(io.BytesIO(render(build(simulated_plan), "docx")))
    fonts = doc.styles["Normal"].element.rPr.rFonts
    assert fonts.get(qn("w:eastAsia")) == "宋体"
    assert doc.styles["Heading 1"].element.rPr.rFonts.get(qn("w:eastAsia")) == "黑体"
    assert fonts.get(qn("w:asciiTheme")) is None  # a theme font would override the East Asian one
    footer = doc.sections[0].footer._element.xml
    assert "PAGE" in footer and "fldChar" in footer


# ---------------------------------------------------------------- the Excel workbook


def test_the_xlsx_has_four_sheets_with_the_values_of_monitor(simulated_plan):
    import openpyxl

    from kechuang.engine.plan_labels import OPENSDG_LABELS, WARNING_LABELS
    from kechuang.plans.evaluation import monitor
    from kechuang.plans.models import Task
    from kechuang.plans.report.render import render

    data = monitor(simulated_plan, 2027)
    wb = openpyxl.load_workbook(io.BytesIO(render(build(simulated_plan), "xlsx")))
    assert wb.sheetnames == ["总体情况", "指标监测", "重点任务", "数据来源"]

    summary = {row[0]: row[1] for row in wb["总体情况"].iter_rows(min_row=5, values_only=True) if row[0]}
    assert summary["规划实施指数"] == pytest.approx(data["index"])

    sheet = wb["指标监测"]
    assert sheet.freeze_panes == "D2"
    header = [c.value for c in sheet[1]]
    rows = {
        r[header.index("指标代码")]: dict(zip(header, r, strict=True))
        for r in sheet.iter_rows(min_row=2, values_only=True)
    }
    assert len(rows) == len(data["indicators"]) == 9
    for item in data["indicators"]:
        row = rows[item["code"]]
        assert row["指标名称"] == item["name"] and row["单位"] == item["unit"]
        assert row["最新值"] == pytest.approx(item["latest_value"])
        assert row["目标值"] == pytest.approx(item["target_value"])
        assert row["完成进度"] == pytest.approx(item["progress"])
        assert row["序时进度"] == pytest.approx(item["time_elapsed"])
        assert row["达标概率"] == (
            None if item["probability"] is None else pytest.approx(item["probability"])
        )
        assert row["预警"].startswith(WARNING_LABELS[item["warning"]])
        assert row["Open SDG 状态"] == OPENSDG_LABELS[item["opensdg"]["status"]]
    percent_cell = sheet.cell(row=2, column=header.index("最新值") + 1)
    assert '"%"' in percent_cell.number_format  # 4.01 shown as 4.01%, in the indicator's own unit

    tasks = list(wb["重点任务"].iter_rows(min_row=2, values_only=True))
    assert len(tasks) == Task.objects.filter(plan=simulated_plan, active=True).count()
    overdue = {r[3] for r in tasks if r[7] == "逾期未完成"}
    assert overdue == set(overdue_titles(simulated_plan, date(2027, 12, 31)))

    sources = list(wb["数据来源"].iter_rows(min_row=2, values_only=True))
    assert any(r[6] == REAL_SOURCE and r[8] == "否" for r in sources)
    assert any(r[8] == "是" and "模拟" in r[6] for r in sources)


# ---------------------------------------------------------------- the HTML page


def test_the_html_report_shows_the_same_as_the_docx(simulated_plan, quick_charts):
    from kechuang.plans.models import Indicator
    from kechuang.plans.report.render import render

    report = build(simulated_plan)
    html = render(report, "html").decode()
    assert html.startswith("<!DOCTYPE html>") and TITLE_2027 in html
    for name in Indicator.objects.filter(plan=simulated_plan).values_list("name", flat=True):
        assert name in html
    for title in overdue_titles(simulated_plan, date(2027, 12, 31)):
        assert title in html
    assert REAL_SOURCE in html and "模拟数据" in html and "示例分工" in html
    assert html.count('src="data:image/png;base64,') == 10  # the summary and one chart per indicator
    assert "<link" not in html and "<script" not in html  # standalone


# ---------------------------------------------------------------- charts without a Chinese font


def test_without_a_cjk_font_the_charts_use_codes_and_the_report_says_so(simulated_plan, monkeypatch):
    from kechuang.plans.report import charts as report_charts
    from kechuang.plans.report import fonts

    monkeypatch.setattr(fonts, "find_cjk_font", lambda: None)
    report = build(simulated_plan)
    assert report.chart_font is None
    assert any(n.startswith("图表说明") for n in report.notes)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a missing glyph (a tofu box) would warn
        png = report_charts.indicator_chart(report.indicators[0], None)
        report_charts.summary_chart(report, None)
    assert png.startswith(b"\x89PNG")


# ---------------------------------------------------------------- the command


def test_the_command_writes_the_report_and_prints_its_path(simulated_plan, settings, tmp_path, quick_charts):
    from typer.testing import CliRunner

    from kechuang.cli.main import app

    settings.VAR_DIR = tmp_path
    result = CliRunner().invoke(app, ["report", "annual", "--year", "2027", "--format", "xlsx"])
    assert result.exit_code == 0, result.output
    path = tmp_path / "reports" / "规划实施年度监测评估报告-2027.xlsx"
    assert path.exists() and path.stat().st_size > 0
    assert str(path) in result.output.replace("\n", "")

    out = tmp_path / "年报.html"
    result = CliRunner().invoke(
        app, ["report", "annual", "--year", "2027", "--format", "html", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert TITLE_2027 in out.read_text(encoding="utf-8")


def test_the_command_refuses_an_unknown_format(simulated_plan):
    from typer.testing import CliRunner

    from kechuang.cli.main import app

    result = CliRunner().invoke(app, ["report", "annual", "--format", "pdf"])
    assert result.exit_code == 2


# ---------------------------------------------------------------- the download


@pytest.mark.parametrize("persona", sorted(PERSONAS) + ["outsider"])
def test_who_may_download_the_report(simulated_plan, client_for, quick_charts, persona):
    response = client_for(persona).get("/plans/report/", {"year": 2027, "format": "docx"})
    exports = ObjectChange.objects.filter(action=Action.EXPORT)
    if persona in PLAN_READERS:
        assert response.status_code == 200
        assert response["Content-Type"] == CONTENT_TYPES["docx"]
        assert "attachment" in response["Content-Disposition"]
        [change] = exports  # the download is in the audit trail
        assert change.user.username == persona and change.after["file"].endswith(".docx")
        assert TITLE_2027 in docx_text(response.content).replace("\n", "")
    elif persona == "outsider":
        assert response.status_code == 302 and "/login" in response["Location"]
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("fmt", ["xlsx", "html"])
def test_each_format_downloads_with_its_content_type(simulated_plan, client_for, quick_charts, fmt):
    from django.urls import reverse

    response = client_for("reporter").get(reverse("plans:report"), {"year": 2027, "format": fmt})
    assert response.status_code == 200
    assert response["Content-Type"] == CONTENT_TYPES[fmt]
    assert (
        "规划实施年度监测评估报告-2027" in response["Content-Disposition"]
        or "%E8%A7%84" in response["Content-Disposition"]
    )


@pytest.mark.parametrize(
    "query", [{"format": "pdf"}, {"format": "docx", "year": "二〇二七"}, {"format": "docx", "year": 1900}]
)
def test_a_bad_request_is_refused(simulated_plan, client_for, query):
    assert client_for("bureau").get("/plans/report/", query).status_code == 400


@pytest.mark.parametrize("persona", ["bureau", "humen", "bank", "university", "enterprise"])
def test_the_report_page_offers_the_three_formats_and_the_years(simulated_plan, client_for, persona):
    response = client_for(persona).get("/plans/report/")
    if persona not in PLAN_READERS:
        assert response.status_code == 403
        return
    html = response.content.decode()
    assert response.status_code == 200
    for fmt in ("docx", "xlsx", "html"):
        assert f'name="format" value="{fmt}"' in html
    # the latest year with official data is the default; the simulated years are offered, marked
    assert '<option value="2024" selected>' in html
    assert '<option value="2027"' in html and "2027（模拟）" in html
