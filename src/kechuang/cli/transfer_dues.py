"""`kechuang transfer dues`: what is due under 先用后转 licences as of a date (应付款项).

``kechuang transfer dues --licences FILE.yaml [--reports FILE.csv] [--payments FILE.csv]
[--events FILE.csv] --as-of YYYY-MM-DD [--format json|table]`` computes, from the files alone and
without any database, the dues of contracts/transfer-data.md ("What is due"): the JSON
``{"as_of", "licences": [{"code", "due_to_date", "paid", "overdue", "credit", "items": [...]}]}``
on stdout (UTF-8), or with ``--format table`` a table per licence and the totals. A reports or
payments file not given means none. Money is rounded to 6 decimals, |x| < 1e-9 counts as 0 (see
kechuang.engine.transfer.dues).

Without --licences the licences, reports, payments and events of the database are used
(kechuang.transfer.services.dues_inputs).

Bad files: every problem in Chinese on stderr naming the file, the row (or the licence) and the
column, nothing on stdout, exit 1. Usage errors (a bad --as-of, a file that does not exist): exit 2.
"""

from __future__ import annotations

import enum
import json
import sys
from datetime import date
from pathlib import Path

import typer
from rich.markup import escape
from rich.table import Table

from kechuang.cli.common import console, err_console, fail, require_file

MAX_SHOWN = 200


class Format(enum.StrEnum):
    json = "json"
    table = "table"


def _problems(title: str, problems: list[str]) -> None:
    err_console.print(f"[red]{escape(title)}（{len(problems)} 处）：[/]", soft_wrap=True)
    for p in problems[:MAX_SHOWN]:
        err_console.print(f"  {escape(p)}", soft_wrap=True, highlight=False)
    if len(problems) > MAX_SHOWN:
        err_console.print(f"  ……另有 {len(problems) - MAX_SHOWN} 处未列出", soft_wrap=True)
    raise typer.Exit(1)


def _from_files(
    licences: Path, reports: Path | None, payments: Path | None, events: Path | None, as_of: date
):
    from kechuang.engine.transfer.dues import compute_dues
    from kechuang.engine.transfer.ledger_files import LedgerError, read_ledgers
    from kechuang.engine.transfer.licences import LicenceError, load_licences

    try:
        terms = load_licences(licences)
    except LicenceError as exc:
        _problems("许可合同文件有误", exc.problems)
    try:
        ledgers = read_ledgers(terms, reports, payments, events)
    except LedgerError as exc:
        _problems("收入报告、付款记录或阶段事件文件有误", exc.problems)
    return compute_dues(terms, ledgers.reports, ledgers.payments, ledgers.events, as_of)


def _from_database(as_of: date):
    from kechuang.cli.common import setup_django

    setup_django()
    try:
        from kechuang.transfer.services import dues_inputs
    except ImportError:
        fail("数据库中的许可合同尚不可用（成果转化模块未安装）：请用 --licences 指定许可合同文件")
    from kechuang.engine.transfer.dues import compute_dues
    from kechuang.engine.transfer.licences import LicenceError

    licences, reports, payments, events = dues_inputs()
    try:
        return compute_dues(licences, reports, payments, events, as_of)
    except LicenceError as exc:
        _problems("数据库中的许可合同条款有误", exc.problems)


def _money(x) -> str:
    return f"{x:,.6f}".rstrip("0").rstrip(".") if isinstance(x, float) else f"{x:,}"


def _print_table(result: dict) -> None:
    from kechuang.engine.transfer.dues import KIND_LABELS, STATUS_LABELS

    style = {"overdue": "red", "paid": "green", "open": ""}
    for lic in result["licences"]:
        table = Table(title=f"许可合同 {lic['code']}：截至 {result['as_of']} 的应付款项（万元）")
        for header in ("类型", "编号", "应付日期"):
            table.add_column(header)
        for header in ("金额", "已付", "未付"):
            table.add_column(header, justify="right")
        table.add_column("状态")
        table.add_column("收入已报告")
        for item in lic["items"]:
            reported = "" if "reported" not in item else ("是" if item["reported"] else "否（按保底）")
            status = STATUS_LABELS[item["status"]]
            table.add_row(
                KIND_LABELS[item["kind"]],
                escape(item["ref"]),
                item["due"],
                _money(item["amount"]),
                _money(item["paid"]),
                _money(item["outstanding"]),
                f"[{style[item['status']]}]{status}[/]" if style[item["status"]] else status,
                reported,
            )
        if not lic["items"]:
            table.add_row("（无应付款项）", "", "", "", "", "", "", "")
        console.print(table)
        console.print(
            f"截至日应付 {_money(lic['due_to_date'])}　已付 {_money(lic['paid'])}　"
            f"逾期 {_money(lic['overdue'])}　预付余额 {_money(lic['credit'])}\n",
            highlight=False,
        )
    totals = Table(title=f"合计：{len(result['licences'])} 份许可合同（万元）")
    totals.add_column("许可合同")
    for header in ("截至日应付", "已付", "逾期", "预付余额"):
        totals.add_column(header, justify="right")
    sums = dict.fromkeys(("due_to_date", "paid", "overdue", "credit"), 0.0)
    for lic in result["licences"]:
        totals.add_row(escape(lic["code"]), *(_money(lic[k]) for k in sums))
        for k in sums:
            sums[k] += lic[k]
    from kechuang.engine.transfer.dues import money

    totals.add_row("合计", *(_money(money(v)) for v in sums.values()), end_section=True)
    console.print(totals)


def dues(
    licences: Path | None = typer.Option(
        None, "--licences", help="许可合同条款 YAML 文件；不指定时使用数据库中的许可合同"
    ),
    reports: Path | None = typer.Option(None, "--reports", help="收入报告 CSV：licence, period, revenue"),
    payments: Path | None = typer.Option(None, "--payments", help="付款记录 CSV：licence, paid_on, amount"),
    events: Path | None = typer.Option(
        None, "--events", help="阶段事件 CSV：licence, milestone, occurred_on"
    ),
    as_of: str = typer.Option(..., "--as-of", help="计算日期 YYYY-MM-DD"),
    output_format: Format = typer.Option(Format.json, "--format", help="json（默认）或 table"),
) -> None:
    """先用后转：按许可合同条款、收入报告、付款与阶段事件，计算截至某日的应付款项、已付、逾期与预付余额。"""
    from kechuang.engine.transfer.licences import parse_date

    try:
        day = parse_date(as_of)
    except ValueError as exc:
        fail(f"--as-of {exc}", 2)
    if licences is None:
        given = [
            name for name, p in (("--reports", reports), ("--payments", payments), ("--events", events)) if p
        ]
        if given:
            fail(
                f"{'、'.join(given)} 须与 --licences 一起使用（不指定 --licences 时使用数据库中的全部数据）",
                2,
            )
        result = _from_database(day)
    else:
        for path, option in ((licences, "--licences"), (reports, "--reports"), (payments, "--payments")):
            if path is not None:
                require_file(path, option)
        if events is not None:
            require_file(events, "--events")
        result = _from_files(licences, reports, payments, events, day)
    data = result.to_json()
    if output_format is Format.table:
        _print_table(data)
        return
    text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    sys.stdout.flush()
    sys.stdout.buffer.write(text.encode("utf-8"))
    sys.stdout.buffer.flush()
