"""The licensee's revenue reports, the payments and the milestone events, read from CSV files.

Files (contracts/transfer-data.md), UTF-8 with or without a byte-order mark, comma-separated, a
header row naming the columns (any order, extra columns ignored, case and surrounding spaces of the
header ignored):

- reports: ``licence, period, revenue`` — period ``2026`` (year) or ``2026Q1`` (quarter), of the
  licence's royalty kind and inside its royalty term; one report per licence and period;
  revenue ≥ 0 (万元).
- payments: ``licence, paid_on, amount`` — ``YYYY-MM-DD``, amount ≥ 0 (万元).
- events: ``licence, milestone, occurred_on`` — milestone = the code of an event milestone of the
  licence, or its event name.

Every problem is collected (not only the first) and reported in Chinese as
``FILE 第 N 行 column：why`` with N the line of the file (the header is line 1); blank lines are
skipped. ``read_ledgers`` raises LedgerError with all of them; nothing is computed from a bad file.
"""

from __future__ import annotations

import csv
import io
import math
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import polars as pl

from kechuang.engine.transfer.licences import Licence, Period, parse_date

_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")

COLUMNS = {
    "reports": ("licence", "period", "revenue"),
    "payments": ("licence", "paid_on", "amount"),
    "events": ("licence", "milestone", "occurred_on"),
}
FILE_LABELS = {"reports": "收入报告", "payments": "付款记录", "events": "阶段事件"}
SCHEMAS = {
    "reports": {"licence": pl.Utf8, "period": pl.Utf8, "revenue": pl.Float64},
    "payments": {"licence": pl.Utf8, "paid_on": pl.Date, "amount": pl.Float64},
    "events": {"licence": pl.Utf8, "milestone": pl.Utf8, "occurred_on": pl.Date},
}


class LedgerError(ValueError):
    """Bad rows in the reports / payments / events files; ``problems`` lists every one, in Chinese."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("；".join(problems))


@dataclass
class Ledgers:
    reports: pl.DataFrame
    payments: pl.DataFrame
    events: pl.DataFrame


def empty(kind: str) -> pl.DataFrame:
    return pl.DataFrame(schema=SCHEMAS[kind])


def _csv_rows(path: Path, kind: str, problems: list[str]) -> list[tuple[int, dict[str, str]]]:
    """(line, {column: stripped text}) for each non-blank row; problems appended when unreadable."""
    label = f"{FILE_LABELS[kind]}文件 {path}"
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        problems.append(f"无法读取{label}：{exc.strerror or exc}")
        return []
    except UnicodeDecodeError:
        problems.append(f"{label} 不是 UTF-8 编码的文本（请以 UTF-8 保存）")
        return []
    reader = csv.reader(io.StringIO(text, newline=""))
    header: list[str] | None = None
    rows: list[tuple[int, dict[str, str]]] = []
    try:
        for cells in reader:
            if not any(c.strip() for c in cells):
                continue
            if header is None:
                header = [c.strip().lower() for c in cells]
                missing = [c for c in COLUMNS[kind] if c not in header]
                if missing:
                    problems.append(
                        f"{path} 第 {reader.line_num} 行（表头）：缺少列 {'、'.join(missing)}"
                        f"（{FILE_LABELS[kind]}文件须有列 {'、'.join(COLUMNS[kind])}）"
                    )
                    return []
                continue
            values = {
                name: (cells[header.index(name)].strip() if header.index(name) < len(cells) else "")
                for name in COLUMNS[kind]
            }
            rows.append((reader.line_num, values))
    except csv.Error as exc:
        problems.append(f"{path} 第 {reader.line_num} 行：无法按 CSV 读取（{exc}）")
        return []
    if header is None:
        problems.append(f"{label} 为空：须有表头 {','.join(COLUMNS[kind])}")
    return rows


def _amount(text: str) -> tuple[float | None, str | None]:
    """(value, None) for a number ≥ 0; (None, the Chinese problem) otherwise."""
    if text == "":
        return None, "缺少数值"
    if not _NUMBER.match(text):
        return None, f"须为数字，收到「{text}」"
    value = float(text)
    if not math.isfinite(value):
        return None, f"须为有限的数字，收到「{text}」"
    if value < 0:
        return None, f"不能为负数，收到 {text}"
    return value, None


def _day(text: str) -> tuple[date | None, str | None]:
    if text == "":
        return None, "缺少日期"
    try:
        return parse_date(text), None
    except ValueError as exc:
        return None, str(exc)


def read_ledgers(
    licences: list[Licence],
    reports: Path | None = None,
    payments: Path | None = None,
    events: Path | None = None,
) -> Ledgers:
    """The three files (a missing one = no rows), checked against the licences; LedgerError lists
    every bad row."""
    by_code = {lic.code: lic for lic in licences}
    problems: list[str] = []

    def licence_of(path: Path, line: int, text: str) -> Licence | None:
        if text == "":
            problems.append(f"{path} 第 {line} 行 licence：缺少许可合同编号")
            return None
        lic = by_code.get(text)
        if lic is None:
            problems.append(f"{path} 第 {line} 行 licence：许可合同文件中没有编号为「{text}」的许可合同")
        return lic

    report_rows: list[dict] = []
    if reports is not None:
        seen: dict[tuple[str, str], int] = {}
        for line, row in _csv_rows(reports, "reports", problems):
            where = f"{reports} 第 {line} 行"
            lic = licence_of(reports, line, row["licence"])
            period = Period.parse(row["period"])
            if period is None:
                problems.append(
                    f"{where} period：期间须为年份（如 2026）或季度（如 2026Q1），收到「{row['period']}」"
                )
            elif lic is not None:
                r = lic.royalty
                if r is None:
                    problems.append(f"{where} period：许可合同 {lic.code} 没有收入提成条款，无需报告收入")
                    period = None
                elif r.refuses(period) == "kind":
                    want = "年份（如 2026）" if r.period == "year" else "季度（如 2026Q1）"
                    problems.append(
                        f"{where} period：许可合同 {lic.code} 按{'年' if r.period == 'year' else '季度'}提成，"
                        f"期间须为{want}，收到「{row['period']}」"
                    )
                    period = None
                elif r.refuses(period) == "term":
                    problems.append(
                        f"{where} period：{period.label} 不在许可合同 {lic.code} 的提成期限内"
                        f"（{r.start.isoformat()} 至 {r.end.isoformat()}）"
                    )
                    period = None
            revenue, why = _amount(row["revenue"])
            if why:
                problems.append(f"{where} revenue：{why}")
            if lic is not None and period is not None:
                key = (lic.code, period.label)
                if key in seen:
                    problems.append(
                        f"{where} period：许可合同 {lic.code} 的 {period.label} 收入已在第 {seen[key]} 行报告过"
                    )
                else:
                    seen[key] = line
                    report_rows.append({"licence": lic.code, "period": period.label, "revenue": revenue})

    payment_rows: list[dict] = []
    if payments is not None:
        for line, row in _csv_rows(payments, "payments", problems):
            where = f"{payments} 第 {line} 行"
            lic = licence_of(payments, line, row["licence"])
            day, why = _day(row["paid_on"])
            if why:
                problems.append(f"{where} paid_on：{why}")
            amount, why = _amount(row["amount"])
            if why:
                problems.append(f"{where} amount：{why}")
            if lic is not None:
                payment_rows.append({"licence": lic.code, "paid_on": day, "amount": amount})

    event_rows: list[dict] = []
    if events is not None:
        for line, row in _csv_rows(events, "events", problems):
            where = f"{events} 第 {line} 行"
            lic = licence_of(events, line, row["licence"])
            name = row["milestone"]
            if lic is not None:
                if name == "":
                    problems.append(f"{where} milestone：缺少阶段性支付编号或事件名")
                elif not lic.event_milestones(name):
                    dated = any(m.code == name for m in lic.milestones)
                    why = (
                        f"阶段性支付「{name}」按日期支付，不按事件"
                        if dated
                        else f"许可合同 {lic.code} 没有编号或事件名为「{name}」的按事件支付的阶段性支付"
                    )
                    problems.append(f"{where} milestone：{why}")
            day, why = _day(row["occurred_on"])
            if why:
                problems.append(f"{where} occurred_on：{why}")
            if lic is not None:
                event_rows.append({"licence": lic.code, "milestone": name, "occurred_on": day})

    if problems:
        raise LedgerError(problems)
    return Ledgers(
        pl.DataFrame(report_rows, schema=SCHEMAS["reports"]),
        pl.DataFrame(payment_rows, schema=SCHEMAS["payments"]),
        pl.DataFrame(event_rows, schema=SCHEMAS["events"]),
    )
