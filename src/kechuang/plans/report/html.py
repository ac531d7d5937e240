"""The annual report as one standalone HTML page (template plans/report.html): styles inline, charts
embedded as PNG data URIs, so the file can be saved, mailed or printed without the platform. Its words
come from :mod:`.text` (the template has none of its own), in the active language."""

from __future__ import annotations

import base64

from django.template.loader import render_to_string

from kechuang.plans.report.charts import report_charts
from kechuang.plans.report.model import AnnualReport
from kechuang.plans.report.text import (
    appendix_caption,
    appendix_intro,
    as_of_line,
    captions,
    chart_note,
    department_heading,
    department_table,
    figure_caption,
    indicator_intro,
    indicator_sentence,
    indicator_table,
    indicator_table_note,
    lagging_table,
    late_milestone_tables,
    numbered,
    overdue_table,
    overview_paragraphs,
    punct,
    recommendations,
    report_title,
    source_tables,
    split_notes,
    summary_table,
    tasks_intro,
)
from kechuang.web.names import english


def _data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def report_context(report: AnnualReport) -> dict:
    charts = {code: _data_uri(png) for code, png in report_charts(report).items()}
    words = captions(report)
    notes, method = split_notes(report)
    return {
        "r": report,
        "lang": "en" if english() else "zh-hans",
        "title": report_title(report),
        "words": words,
        "as_of_line": as_of_line(report) + punct("", "."),
        "notes": notes,
        "method": method,
        "overview": overview_paragraphs(report),
        "summary_table": summary_table(report),
        "summary_caption": words["table1"],
        "indicator_caption": words["table2"],
        "summary_chart": charts["summary"],
        "indicator_table": indicator_table(report),
        "indicator_intro": indicator_intro(report),
        "indicator_table_note": indicator_table_note(report),
        "chart_note": chart_note(report),
        "appendix_intro": appendix_intro(report),
        "indicator_charts": [
            (figure_caption(n + 2, x.name), x, charts[x.code]) for n, x in enumerate(report.indicators)
        ],
        "lagging_table": lagging_table(report),
        "lagging": [indicator_sentence(x) for x in report.lagging],
        "tasks_intro": tasks_intro(report),
        "department_table": department_table(report),
        "overdue": [
            (department_heading(name, len(tasks)), overdue_table(tasks))
            for name, tasks in report.overdue_by_department()
        ],
        "late": [
            (department_heading(name, len(table.rows)), table)
            for name, table in late_milestone_tables(report)
        ],
        "recommendations": numbered(recommendations(report)),
        "sources": [
            (appendix_caption(n + 1, name), table) for n, (name, table) in enumerate(source_tables(report))
        ],
    }


def render_html(report: AnnualReport) -> str:
    return render_to_string("plans/report.html", report_context(report))
