"""The annual report in English (issue 9 §5): the same report, words and names from data in English.

Read back as a reader would (python-docx, openpyxl, the HTML text): the headings and sentences are
English, the figures are the Chinese report's, and no Chinese character is left outside names from
data that have no English field (an observation's source, a task without ``title_en`` …). An English
user of the web page downloads the English report, directly or as a job.
"""

from __future__ import annotations

import io
import re
import warnings
from datetime import date
from html.parser import HTMLParser

import pytest

TODAY = date(2028, 1, 15)
TITLE_EN = (
    "Annual Monitoring and Evaluation Report on Dongguan's 15th Five-Year Plan for Science and "
    "Technology Innovation (2027)"
)
# CJK ideographs, CJK punctuation (、。「」（）…) and full-width forms (，：；！？ …)
CJK_RUN = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]+")


@pytest.fixture(autouse=True)
def _no_english_left_active():
    """A request of an English user leaves English active in this thread (LocaleMiddleware does not
    deactivate it); the tests after these must not inherit it."""
    yield
    from django.utils import translation

    translation.deactivate()


@pytest.fixture
def quick_charts(monkeypatch):
    """A tiny PNG instead of the matplotlib charts where a test is not about the charts."""
    from matplotlib.figure import Figure

    from kechuang.plans.report import docx, html

    buf = io.BytesIO()
    Figure(figsize=(1, 0.6), dpi=20).savefig(buf, format="png")
    png = buf.getvalue()

    def charts(report):
        return {"summary": png, **{x.code: png for x in report.indicators}}

    monkeypatch.setattr(docx, "report_charts", charts)
    monkeypatch.setattr(html, "report_charts", charts)


def build(plan, language):
    from kechuang.plans.report.build import build_report

    return build_report(plan, 2027, today=TODAY, language=language)


def proper_names(plan) -> set[str]:
    """The Chinese texts from data that have no English field, and may stay Chinese in English."""
    from kechuang.accounts.departments import department_names
    from kechuang.plans.models import Indicator, Milestone, Observation, Task
    from kechuang.plans.observations import SIMULATED_SOURCE

    texts = set(Observation.objects.filter(indicator__plan=plan).values_list("source", flat=True))
    texts |= set(Observation.objects.filter(indicator__plan=plan).values_list("note", flat=True))
    texts -= {SIMULATED_SOURCE, "模拟"}  # written by the platform itself: translated
    texts |= set(Task.objects.filter(plan=plan, title_en="").values_list("title", flat=True))
    texts |= set(Milestone.objects.filter(task__plan=plan, title_en="").values_list("title", flat=True))
    texts |= set(Indicator.objects.filter(plan=plan, name_en="").values_list("name", flat=True))
    from django.utils.translation import override

    with override("en"):
        english = department_names()
    chinese = department_names()
    texts |= {chinese[code] for code, name in english.items() if CJK_RUN.search(name)}
    return {t for t in texts if t}


def stray_chinese(text: str, names: set[str]) -> list[str]:
    """Each run of Chinese characters in ``text`` that is not part of a known proper name."""
    return sorted({run for run in CJK_RUN.findall(text) if not any(run in name for name in names)})


def docx_parts(data: bytes) -> tuple[list[str], list[list[list[str]]]]:
    """(paragraphs, tables as rows of cell texts) of a Word file."""
    from docx import Document

    doc = Document(io.BytesIO(data))
    tables = [[[cell.text for cell in row.cells] for row in t.rows] for t in doc.tables]
    return [p.text for p in doc.paragraphs], tables


class _Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        self.skip += tag in ("style", "script")
        self.parts += [v for k, v in attrs if k in ("alt", "title") and v]

    def handle_endtag(self, tag):
        self.skip -= tag in ("style", "script")

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)


def html_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return "\n".join(parser.parts)


def same(a: dict, b: dict) -> bool:
    """Equal, floats to within rounding (the plan index's sum may add up in another order)."""
    return a.keys() == b.keys() and all(
        b[k] == pytest.approx(v) if isinstance(v, float) else b[k] == v for k, v in a.items()
    )


# ---------------------------------------------------------------- the model


def test_the_english_report_carries_the_english_names_from_data(simulated_plan):
    from kechuang.plans.models import Indicator, Task

    en, zh = build(simulated_plan, "en"), build(simulated_plan, "zh-hans")
    names = dict(Indicator.objects.filter(plan=simulated_plan).values_list("code", "name_en"))
    assert {x.code: x.name for x in en.indicators} == names
    titles = dict(Task.objects.filter(plan=simulated_plan, active=True).values_list("code", "title_en"))
    assert all(t.title == (titles[t.code] or t.title) for t in en.tasks)
    assert en.plan_name == simulated_plan.name_en and en.region_name == "Dongguan"
    assert not any(CJK_RUN.search(x.owner_name + x.unit_shown) for x in en.indicators)
    assert not any(CJK_RUN.search(t.lead_name + "".join(t.co_names)) for t in en.tasks)
    # the same evaluation: the figures do not depend on the language
    assert same(vars(en.summary), vars(zh.summary))
    assert all(same(a.values, b.values) for a, b in zip(en.indicators, zh.indicators, strict=True))
    assert en.filename("docx") == "Annual-monitoring-report-2027.docx"
    assert zh.filename("docx") == "规划实施年度监测评估报告-2027.docx"


# ---------------------------------------------------------------- Word


def test_the_english_docx_is_english_with_the_figures_of_the_chinese_one(simulated_plan, quick_charts):
    from kechuang.plans.report.render import render

    en, zh = build(simulated_plan, "en"), build(simulated_plan, "zh-hans")
    paragraphs, tables = docx_parts(render(en, "docx"))
    _zh_paragraphs, zh_tables = docx_parts(render(zh, "docx"))
    text = "\n".join(paragraphs)
    assert TITLE_EN in text
    for heading in (
        "1. Overview",
        "2. Monitoring of the main indicators",
        "3. Lagging indicators and responsible departments",
        "4. Progress of the key tasks",
        "5. Next steps",
        "Appendix: data sources",
        "Table 1. Plan implementation in 2027: overview",
    ):
        assert heading in paragraphs
    assert "As of 2027, " in text and "31 December 2027" in text
    assert "Responsible department: " in text and "percentage points" in text
    assert re.search(r"^1\. For the red indicator", text, re.M)  # numbered 1., 2. … not （一）
    # the same tables, with the same figures: the summary row is identical, and every cell that is a
    # number in the Chinese report is the same number in the English one
    assert tables[1][1] == zh_tables[1][1]
    assert len(tables) == len(zh_tables)
    number = re.compile(r"^[+\-]?[\d,]+(\.\d+)?%?$")
    for en_table, zh_table in zip(tables, zh_tables, strict=True):
        for en_row, zh_row in zip(en_table, zh_table, strict=True):
            for en_cell, zh_cell in zip(en_row, zh_row, strict=True):
                if number.match(zh_cell):
                    assert en_cell == zh_cell
    everything = text + "\n" + "\n".join(c for t in tables for row in t for c in row)
    assert stray_chinese(everything, proper_names(simulated_plan)) == []


def test_a_chinese_report_has_no_english_sentences(simulated_plan, quick_charts):
    from kechuang.plans.report.render import render

    paragraphs, _tables = docx_parts(render(build(simulated_plan, "zh-hans"), "docx"))
    assert "一、总体情况" in paragraphs and "1. Overview" not in paragraphs
    assert not any("Responsible department" in p for p in paragraphs)


# ---------------------------------------------------------------- Excel


def test_the_english_xlsx_has_english_sheets_headers_and_the_same_numbers(simulated_plan):
    import openpyxl

    from kechuang.plans.report.render import render

    en = openpyxl.load_workbook(io.BytesIO(render(build(simulated_plan, "en"), "xlsx")))
    zh = openpyxl.load_workbook(io.BytesIO(render(build(simulated_plan, "zh-hans"), "xlsx")))
    assert en.sheetnames == ["Overview", "Indicators", "Key task", "Data source"]
    header = [c.value for c in en["Indicators"][1]]
    assert header[:4] == ["No.", "Indicator code", "Indicator", "Unit"]
    strings = []
    for en_ws, zh_ws in zip(en.worksheets, zh.worksheets, strict=True):
        assert en_ws.max_row == zh_ws.max_row
        for en_row, zh_row in zip(en_ws.iter_rows(), zh_ws.iter_rows(), strict=True):
            for a, b in zip(en_row, zh_row, strict=True):
                if isinstance(b.value, int | float) and not isinstance(b.value, bool):
                    assert a.value == pytest.approx(b.value), a.coordinate  # the same figures
                elif isinstance(a.value, str):
                    strings.append(a.value)
    assert stray_chinese("\n".join(strings), proper_names(simulated_plan)) == []
    rows = {r[1]: r for r in en["Indicators"].iter_rows(min_row=2, values_only=True)}
    assert rows["rd_intensity"][2] == "R&D expenditure as a share of GDP"
    assert any(r[7] == "Overdue" for r in en["Key task"].iter_rows(min_row=2, values_only=True))
    units = {en["Indicators"].cell(row=i, column=10).number_format for i in range(2, 11)}
    assert '#,##0.00" CNY 100m"' in units and '0.00"%"' in units  # numbers keep their unit, in English


# ---------------------------------------------------------------- HTML


def test_the_english_html_is_english(simulated_plan, quick_charts):
    from kechuang.plans.report.render import render

    html = render(build(simulated_plan, "en"), "html").decode()
    assert '<html lang="en">' in html and f"<title>{TITLE_EN}</title>" in html.replace("&#x27;", "'")
    text = html_text(html)
    assert "Figure 1. Progress of the main indicators against the time elapsed" in text
    assert "Table A1. R&D expenditure as a share of GDP (%)" in text
    assert stray_chinese(text, proper_names(simulated_plan)) == []
    assert html.count('src="data:image/png;base64,') == 10


# ---------------------------------------------------------------- charts


def test_english_charts_need_no_chinese_font(simulated_plan, monkeypatch):
    from kechuang.plans.report import charts, fonts
    from kechuang.plans.report.render import render

    monkeypatch.setattr(fonts, "find_cjk_font", lambda: None)
    report = build(simulated_plan, "en")
    assert not any(n.startswith("Charts:") for n in report.notes)  # nothing to excuse in English
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a missing glyph (a tofu box) would warn
        pngs = charts.report_charts(report)
        render(report, "html")
    assert len(pngs) == 10 and all(p.startswith(b"\x89PNG") for p in pngs.values())


# ---------------------------------------------------------------- the web


def _english(personas, name):
    personas[name].language = "en"
    personas[name].save(update_fields=["language"])


def test_an_english_user_downloads_the_english_report(simulated_plan, client_for, personas, quick_charts):
    _english(personas, "bureau")
    response = client_for("bureau").get("/plans/report/", {"year": 2027, "format": "docx"})
    assert response.status_code == 200
    assert "Annual-monitoring-report-2027.docx" in response["Content-Disposition"]
    paragraphs, _tables = docx_parts(response.content)
    assert "1. Overview" in paragraphs and any("Annual Monitoring and Evaluation" in p for p in paragraphs)

    chinese = client_for("reporter").get("/plans/report/", {"year": 2027, "format": "docx"})
    paragraphs, _tables = docx_parts(chinese.content)
    assert "一、总体情况" in paragraphs  # a Chinese user gets what they always got


def test_an_english_users_report_job_makes_the_english_file(simulated_plan, client_for, personas):
    from kechuang.jobs.models import Job, Status

    _english(personas, "bureau")
    response = client_for("bureau").post("/plans/report/job/", {"year": "2027", "format": "html"})
    assert response.status_code == 302
    job = Job.objects.get(kind="plan_report")
    assert job.status == Status.SUCCEEDED, job.message
    assert job.result["file"] == "Annual-monitoring-report-2027.html" and job.params["language"] == "en"
    assert CJK_RUN.search(job.title) is None
    download = client_for("bureau").get(f"/jobs/{job.pk}/file/")
    html = b"".join(download.streaming_content).decode()
    assert '<html lang="en">' in html and "1. Overview" in html
    # its page shows the title in the reader's language, built from the job's parameters
    page = client_for("bureau").get(f"/jobs/{job.pk}/").content.decode()
    assert "Annual monitoring report: " in page and " 2027 (html)" in page
    personas["bureau"].language = "zh-hans"
    personas["bureau"].save(update_fields=["language"])
    page = client_for("bureau").get(f"/jobs/{job.pk}/").content.decode()
    assert "年度监测评估报告：" in page and " 2027 年（html）" in page


def test_days_overdue_read_one_day_and_two_days_in_english():
    """The overdue table counts days as English does (issue 9 §5); Chinese is as it was."""
    from django.utils.translation import override

    from kechuang.plans.report.model import TaskRow
    from kechuang.plans.report.text import overdue_table

    tasks = [
        TaskRow(code=f"T{d}", title="任务", chapter=1, section=1, lead_department="d", lead_name="部门",
                co_names=[], due=date(2027, 12, 31), status="overdue", warning="red", overdue_days=d,
                percent=None, sample=False)
        for d in (1, 2)
    ]  # fmt: skip
    with override("en"):
        assert [row[3] for row in overdue_table(tasks).rows] == ["1 day", "2 days"]
    with override("zh-hans"):
        assert [row[3] for row in overdue_table(tasks).rows] == ["1天", "2天"]
