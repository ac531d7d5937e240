"""What a programme officer runs on the database (重大科技项目), registered on ``kechuang projects``:

``kechuang projects calls [--format table|json]`` lists the calls with their organisation mode,
funding mode, budget, deadline and status, and how many applications were filed, submitted and
funded; ``kechuang projects ranking CALL_CODE [--format table|json]`` prints a call's ranking and
funding line computed from the experts' scores in the database (the call page's, and the JSON
columns of ``kechuang projects rank``); ``kechuang projects portfolio [--out FILE.xlsx|FILE.csv]``
gives the portfolio page's figures by class, organisation mode, field, town and holder. They read the
whole database, as any command on the server does, and write nothing to it.
"""

from __future__ import annotations

import enum
import json
import sys
from pathlib import Path

import typer
from rich.markup import escape
from rich.table import Table

from kechuang.cli.common import console, fail, make_parent, setup_django
from kechuang.cli.projects import _table
from kechuang.cli.projects import app as projects_app


class Format(enum.StrEnum):
    table = "table"
    json = "json"


FORMAT_HELP = "输出格式：table（默认，表格）或 json（每条一条记录）"


@projects_app.command("calls")
def calls(output_format: Format = typer.Option(Format.table, "--format", help=FORMAT_HELP)) -> None:
    """列出项目指南（榜单）：组织方式、资助方式、预算、截止日期、状态与申报、提交、立项数。"""
    setup_django()
    records = _call_records()
    if output_format is Format.json:
        sys.stdout.write(json.dumps(records, ensure_ascii=False, indent=2, default=str) + "\n")
        return
    if not records:
        console.print("尚无项目指南：可运行 kechuang demo --no-serve 载入示例，或在网页上发布指南")
        return
    table = Table(title="项目指南（榜单）")
    for name, justify in (("编号", "left"), ("名称", "left"), ("组织方式", "left"), ("资助方式", "left"),
                          ("预算（万元）", "right"), ("截止申报", "left"), ("状态", "left"), ("申报", "right"),
                          ("已提交", "right"), ("立项", "right")):  # fmt: skip
        table.add_column(name, justify=justify)
    for r in records:
        table.add_row(
            escape(r["code"]), escape(r["title"]), r["mode_label"], r["funding_mode_label"], f"{r['budget']:g}",
            r["closes_on"].isoformat(), r["status_label"], str(r["applications"]), str(r["submitted"]),
            str(r["funded"]),
        )  # fmt: skip
    console.print(table)
    console.print(f"共 {len(records)} 项指南", highlight=False)


def _call_records() -> list[dict]:
    from django.db.models import Count, Q

    from kechuang.projects.models import Call
    from kechuang.projects.services import REVIEWED
    from kechuang.projects.vocabulary import ApplicationStatus, CallStatus, FundingMode, Mode

    rows = Call.objects.annotate(
        n=Count("applications"),
        n_submitted=Count("applications", filter=Q(applications__status__in=REVIEWED)),
        n_funded=Count("applications", filter=Q(applications__status=ApplicationStatus.FUNDED)),
    ).order_by("code")
    modes, funding, states = dict(Mode.choices), dict(FundingMode.choices), dict(CallStatus.choices)
    return [
        {"code": c.code, "title": c.title, "mode": c.mode, "mode_label": str(modes.get(c.mode, c.mode)),
         "project_class": c.project_class, "field": c.field, "funding_mode": c.funding_mode,
         "funding_mode_label": str(funding.get(c.funding_mode, c.funding_mode)), "budget": float(c.budget),
         "race_keep": c.race_keep, "opens_on": c.opens_on, "closes_on": c.closes_on, "status": c.status,
         "status_label": str(states.get(c.status, c.status)), "applications": c.n, "submitted": c.n_submitted,
         "funded": c.n_funded}
        for c in rows
    ]  # fmt: skip


@projects_app.command("ranking")
def ranking(
    call_code: str = typer.Argument(..., help="指南编号，如 ZD2026-01（kechuang projects calls 列出）"),
    output_format: Format = typer.Option(Format.table, "--format", help=FORMAT_HELP),
) -> None:
    """按数据库中的专家评分计算指南的评审排序与资助线（与指南页面一致；JSON 列同 projects rank）。"""
    setup_django()
    from kechuang.engine.projects.ranking import as_records
    from kechuang.projects import services
    from kechuang.projects.models import Call

    call = Call.objects.filter(code=call_code.strip()).first()
    if call is None:
        known = "、".join(Call.objects.order_by("code").values_list("code", flat=True)) or "（无）"
        fail(f"找不到指南「{call_code}」：已有的指南有 {known}")
    result = services.ranking(call)
    if output_format is Format.json:
        sys.stdout.write(json.dumps(as_records(result), ensure_ascii=False, indent=2) + "\n")
        return
    budget, pass_mark = float(call.budget), float(call.pass_mark)
    console.print(escape(f"{call.code} {call.title}（{call.get_status_display()}）"), highlight=False)
    console.print(_table(result, budget, pass_mark))
    funded = result.filter(result["funded"])
    total = funded["amount"].sum()
    console.print(
        f"共 {result.height} 项申请，资助 {funded.height} 项，合计 {total:g} 万元，预算余额 {budget - total:g} 万元",
        highlight=False,
    )


@projects_app.command("portfolio")
def portfolio(
    out: Path = typer.Option(None, "--out", help="导出文件：.xlsx（Excel）或 .csv；省略则显示在屏幕上"),
) -> None:
    """项目组合：按类别、组织方式、领域、镇街、承担单位汇总资助、拨付、回收、成果与分类评价（同组合页面）。"""
    if out is not None and out.suffix.lower() not in (".xlsx", ".csv"):
        fail(f"--out 应为 .xlsx 或 .csv 文件，收到 {out.name}", 2)
    setup_django()
    headers, rows = _portfolio_rows()
    if out is None:
        table = Table(title="重大项目组合")
        for i, name in enumerate(headers):
            table.add_column(name, justify="left" if i < 2 or i == len(headers) - 1 else "right")
        for row in rows:
            table.add_row(
                *("—" if v is None else f"{v:g}" if isinstance(v, float) else escape(str(v)) for v in row)
            )
        console.print(table)
        return
    make_parent(out)
    if out.suffix.lower() == ".xlsx":
        from kechuang.web.generic import write_xlsx

        body = write_xlsx("项目组合", headers, rows, widths=(12, 28))
    else:
        import polars as pl

        from kechuang.web.xlsx import csv_safe_frame

        frame = pl.DataFrame([list(r) for r in rows], schema=headers, orient="row", strict=False)
        body = csv_safe_frame(frame).write_csv().encode("utf-8-sig")
    try:
        out.write_bytes(body)
    except OSError as exc:
        fail(f"无法写入 {out}：{exc.strerror or exc}")
    console.print(f"已导出项目组合（{len(rows)} 行）：{out}", highlight=False, soft_wrap=True)


DIMENSIONS = {
    "class": "按类别",
    "mode": "按组织方式",
    "field": "按领域",
    "town": "按镇街",
    "holder": "按承担单位",
}
PORTFOLIO_HEADERS = ("汇总维度", "分组", "项目数", "承诺资助（万元）", "已拨付（万元）", "补改投回收（万元）",
                     "技术合同（份）", "技术合同成交额（万元）", "许可合同（份）", "专利（项）", "论文（篇，已核验）",
                     "产品（项，已核验）", "验收不通过", "已分类评价", "平均得分", "等级分布")  # fmt: skip
SUMMED = ("n", "committed", "released", "returned", "contracts", "contract_amount", "licences", "patents", "papers",
          "products", "failed", "evaluated")  # fmt: skip


def _portfolio_rows() -> tuple[tuple[str, ...], list[tuple]]:
    """The portfolio page's tables as one: a total line, then one line per group of each dimension."""
    from kechuang.projects import stakes

    data = stakes.portfolio_all()["portfolio"]

    def grades(pairs) -> str:
        return "、".join(f"{g} {n}" for g, n in pairs if n)

    def line(dimension: str, label: str, r: dict, mean, grade_pairs) -> tuple:
        money = ("committed", "released", "returned", "contract_amount")
        figures = [round(float(r[k]), 2) if k in money else int(r[k]) for k in SUMMED]
        return (dimension, label, *figures, None if mean is None else round(mean, 1), grades(grade_pairs))

    classes = data["by"]["class"]
    total = {k: sum(r[k] for r in classes) for k in SUMMED}
    rows = [line("合计", "全部项目", total, data["mean_score"], data["grades"])]
    for key, groups in data["by"].items():
        rows += [line(DIMENSIONS[key], r["label"] or "—", r, r["mean_score"], r["grades"]) for r in groups]
    return PORTFOLIO_HEADERS, rows
