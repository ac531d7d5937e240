"""`kechuang report annual`: the annual monitoring and evaluation report as .docx, .xlsx or .html."""

from __future__ import annotations

from pathlib import Path

import typer

from kechuang.cli.common import console, err_console, fail, make_parent, plan_or_exit, setup_django
from kechuang.engine.years import parse_year

NAME = "report"
app = typer.Typer(help="规划实施监测评估报告", no_args_is_help=True)


@app.callback()
def _group() -> None:
    """规划实施监测评估报告。"""


@app.command()
def annual(
    year: int = typer.Option(None, "--year", help="报告年度（默认：最近有正式数据的年份，与网页相同）"),
    fmt: str = typer.Option("docx", "--format", help="docx、xlsx 或 html"),
    out: Path = typer.Option(
        None,
        "--out",
        help="输出文件（默认：var/reports/规划实施年度监测评估报告-年度.格式；英文为 Annual-monitoring-report-年度.格式）",
    ),
    plan_code: str = typer.Option(None, "--plan", help="规划代码（默认：东莞规划）"),
    language: str = typer.Option(
        "zh-hans", "--language", help="报告语言：zh-hans（中文，默认，也可写 zh）或 en（英文）"
    ),
) -> None:
    """生成规划实施年度监测评估报告，打印文件路径。"""
    from kechuang.plans.report.model import LANGUAGE_ALIASES  # no Django, no renderer

    if fmt not in ("docx", "xlsx", "html"):
        err_console.print(f"[red]未知格式「{fmt}」：请用 docx、xlsx 或 html[/]")
        raise typer.Exit(2)
    if language not in LANGUAGE_ALIASES:
        fail(f"未知报告语言「{language}」：请用 zh-hans（中文）、zh 或 en（英文）", 2)
    if year is not None and parse_year(year) is None:  # the same bound as the download page
        fail(f"报告年度应在 2000–2100 之间，收到 {year}", 2)
    if out is not None:
        make_parent(out)  # before anything is built: an impossible place fails at once
    setup_django()
    from django.conf import settings
    from django.utils import translation

    plan = plan_or_exit(plan_code)
    # The report's modules (SciPy, matplotlib, python-docx) load only once there is a report to make.
    from kechuang.plans.asof import default_year
    from kechuang.plans.report.build import build_report
    from kechuang.plans.report.render import render
    from kechuang.plans.report.text import as_of_line

    report = build_report(plan, year or default_year(plan), language=LANGUAGE_ALIASES[language])
    path = out or Path(settings.VAR_DIR) / "reports" / report.filename(fmt)
    make_parent(path)
    try:
        path.write_bytes(render(report, fmt))
    except OSError as exc:
        fail(f"无法写入 {path}：{exc.strerror or exc}")
    with translation.override(report.language):  # the report's own line, in the report's language
        err_console.print(as_of_line(report))  # what the report is as of (the same default as the web)
    if report.chart_font is None and report.language != "en":  # English charts need no Chinese font
        err_console.print("[yellow]未找到中文字体：图表以指标代码和英文标注（可安装 fonts-wqy-microhei）[/]")
    console.print(str(path.resolve()), soft_wrap=True)
