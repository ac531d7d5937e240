"""The annual report as one standalone HTML page (template plans/report.html): styles inline, charts
embedded as PNG data URIs, so the file can be saved, mailed or printed without the platform."""

from __future__ import annotations

import base64

from django.template.loader import render_to_string

from kechuang.plans.report.charts import report_charts
from kechuang.plans.report.model import AnnualReport
from kechuang.plans.report.text import (
    appendix_intro,
    as_of_line,
    chart_note,
    department_table,
    fmt_date,
    indicator_intro,
    indicator_sentence,
    indicator_table,
    indicator_table_note,
    lagging_table,
    late_milestone_tables,
    numbered,
    overdue_table,
    overview_paragraphs,
    recommendations,
    source_tables,
    summary_table,
    tasks_intro,
)


def _data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def report_context(report: AnnualReport) -> dict:
    charts = {code: _data_uri(png) for code, png in report_charts(report).items()}
    return {
        "r": report,
        "generated": fmt_date(report.generated_at.date()),
        "as_of_line": as_of_line(report),
        "notes": [n for n in report.notes if not n.startswith("评估方法")],
        "method": [n for n in report.notes if n.startswith("评估方法")],
        "overview": overview_paragraphs(report),
        "summary_table": summary_table(report),
        "summary_caption": f"表1 {report.year}年规划实施总体情况",
        "indicator_caption": f"表2 主要指标监测情况（{report.year}年）",
        "summary_chart": charts["summary"],
        "indicator_table": indicator_table(report),
        "indicator_intro": indicator_intro(report),
        "indicator_table_note": indicator_table_note(report),
        "chart_note": chart_note(report),
        "appendix_intro": appendix_intro(report),
        "indicator_charts": [(n + 2, x, charts[x.code]) for n, x in enumerate(report.indicators)],
        "lagging_table": lagging_table(report),
        "lagging": [indicator_sentence(x) for x in report.lagging],
        "tasks_intro": tasks_intro(report),
        "department_table": department_table(report),
        "overdue": [
            (name, len(tasks), overdue_table(tasks)) for name, tasks in report.overdue_by_department()
        ],
        "late": late_milestone_tables(report),
        "recommendations": numbered(recommendations(report)),
        "sources": [(f"附表{n + 1} {name}", table) for n, (name, table) in enumerate(source_tables(report))],
    }


def render_html(report: AnnualReport) -> str:
    return render_to_string("plans/report.html", report_context(report))
