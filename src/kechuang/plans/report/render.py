"""The annual report as a file: the one dispatch from a format to its renderer (docx, xlsx, html).

An entry point, like :mod:`.views` and ``kechuang report annual``: the only modules that import renderers.
The renderers run in the report's language (``translation.override(report.language)``), so the words
they take from :mod:`.text` match the names :mod:`.build` put in the report.
"""

from __future__ import annotations

from django.utils.translation import override

from kechuang.plans.report.docx import render_docx
from kechuang.plans.report.html import render_html
from kechuang.plans.report.model import FORMATS, AnnualReport
from kechuang.plans.report.xlsx import render_xlsx

__all__ = ["FORMATS", "render"]


def render(report: AnnualReport, fmt: str) -> bytes:
    """The report as a .docx, .xlsx or standalone .html file, in the report's language."""
    with override(report.language):
        return _render(report, fmt)


def _render(report: AnnualReport, fmt: str) -> bytes:
    if fmt == "docx":
        return render_docx(report)
    if fmt == "xlsx":
        return render_xlsx(report)
    if fmt == "html":
        return render_html(report).encode("utf-8")
    raise ValueError(f"未知格式「{fmt}」：请用 docx、xlsx 或 html")
