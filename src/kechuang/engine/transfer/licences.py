"""Licence terms (许可合同条款) of 先用后转 as data: the YAML file of contracts/transfer-data.md, validated.

A licences file is a YAML list of licences (a mapping ``{licences: [...]}`` is accepted too)::

    - code: L-2026-001
      achievement: DGUT-2025-017          # optional
      licensee: 91441900…                 # 统一社会信用代码, GB 32100 check character verified
      signed_on: 2026-02-10
      upfront: {amount: 0, due: 2026-02-28}
      milestones:
        - {code: proto, name: 样机验收, amount: 30, due: 2026-09-30}
        - {code: mass, name: 批量生产, amount: 50, event: mass_production, days_after: 60}
      royalty: {rate: 0.03, period: year, start: 2026-01-01, end: 2030-12-31,
                floor: 5, cap: 40, report_days: 30}
      deferred:
        - {amount: 10, due: 2027-06-30}

Rules checked, each reported in Chinese naming the licence (its code and its position in the list,
counted from 1) and the field: unknown keys are refused (a misspelt ``cap`` must not vanish); dates
are ``YYYY-MM-DD``; amounts are numbers ≥ 0; ``upfront.due`` is required when the amount is > 0; the
royalty period is ``year`` or ``quarter``, ``start`` is the first day of a calendar year/quarter and
``end`` the last day, ``start`` ≤ ``end``, ``rate`` is in [0, 1], ``floor`` ≤ ``cap``;
``report_days`` defaults to 30 and ``days_after`` (event milestones) to 30; licence codes are unique
in the file and milestone codes unique in a licence; a milestone has either ``due`` or ``event``.
"""

from __future__ import annotations

import calendar
import functools
import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from kechuang.engine.credit_code import invalid_reason
from kechuang.engine.rules.ruleset import SAFE_LOADER

DEFAULT_REPORT_DAYS = 30
DEFAULT_DAYS_AFTER = 30
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_PERIOD = re.compile(r"^(\d{4})(?:Q([1-4]))?$")


class LicenceError(ValueError):
    """A licences file that cannot be accepted; ``problems`` are Chinese, one per licence field."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("；".join(problems))


# ----------------------------------------------------------------------------------------------
# Scalars
# ----------------------------------------------------------------------------------------------


def parse_date(value: Any) -> date:
    """A date from a ``date`` or an ISO ``YYYY-MM-DD`` text; ValueError (Chinese) otherwise."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        text = value.strip()
        if _DATE.match(text):
            try:
                return date.fromisoformat(text)
            except ValueError:
                raise ValueError(f"不是有效的日期「{text}」") from None
        raise ValueError(f"须为日期 YYYY-MM-DD，收到「{text}」")
    raise ValueError(f"须为日期 YYYY-MM-DD，收到「{value}」")


def _date(value: Any) -> date:
    return parse_date(value)


def _number(value: Any) -> Any:
    if isinstance(value, bool) or value is None:
        raise ValueError(f"须为数字，收到「{value}」")
    return value


def _integer(value: Any) -> Any:
    if isinstance(value, bool) or value is None:
        raise ValueError(f"须为整数，收到「{value}」")
    return value


def _text(value: Any) -> Any:
    if isinstance(value, bool):
        return value  # refused by the str type
    if isinstance(value, int):
        return str(value)  # `code: 2026001` in YAML is a number
    if isinstance(value, str):
        return value.strip()
    return value


def _default(default: Any):
    """A null in YAML (``floor: ~``) means the default."""
    return lambda value: default if value is None else value


def _list(value: Any) -> Any:
    return [] if value is None else value


Day = Annotated[date, BeforeValidator(_date)]
Money = Annotated[float, BeforeValidator(_number), Field(ge=0, allow_inf_nan=False)]
Days = Annotated[int, BeforeValidator(_integer), Field(ge=0, le=3660)]
Code = Annotated[str, BeforeValidator(_text), Field(min_length=1, max_length=100)]


class _Entry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Upfront(_Entry):
    """入门费: one amount (0 = 零门槛, no item) on a date."""

    amount: Money
    due: Day | None = None


class Milestone(_Entry):
    """阶段性支付: on a date (``due``) or a number of days after an event (``event``)."""

    code: Code
    name: Annotated[str | None, BeforeValidator(_text)] = None
    amount: Money
    due: Day | None = None
    event: Code | None = None
    days_after: Days | None = None

    @property
    def wait(self) -> int:
        return DEFAULT_DAYS_AFTER if self.days_after is None else self.days_after


class Royalty(_Entry):
    """收入提成: rate × reported revenue per calendar year or quarter, between floor and cap."""

    rate: Annotated[float, BeforeValidator(_number), Field(ge=0, le=1, allow_inf_nan=False)]
    period: Literal["year", "quarter"]
    start: Day
    end: Day
    floor: Annotated[Money, BeforeValidator(_default(0.0))] = 0.0
    cap: Money | None = None
    report_days: Annotated[Days, BeforeValidator(_default(DEFAULT_REPORT_DAYS))] = DEFAULT_REPORT_DAYS

    def periods(self) -> list[Period]:
        """The periods of the royalty term, in order."""
        out = []
        step = 12 if self.period == "year" else 3
        year, month = self.start.year, self.start.month
        while True:
            p = Period.of(year, None if self.period == "year" else (month - 1) // 3 + 1)
            if p.first > self.end:
                return out
            out.append(p)
            month += step
            if month > 12:
                year, month = year + 1, month - 12

    def refuses(self, period: Period) -> str | None:
        """Why a revenue report for ``period`` would never be used: "kind" (a quarter for a yearly
        royalty or the reverse) or "term" (outside start–end); None when it counts. The ledger files
        and the revenue-report form both ask this, each phrasing the answer for its reader."""
        if period.kind != self.period:
            return "kind"
        if period.first < self.start or period.last > self.end:
            return "term"
        return None

    def amount(self, revenue: float | None) -> float:
        """What one period owes: min(max(rate × revenue, floor), cap); no report → the floor."""
        value = self.floor if revenue is None else max(self.rate * revenue, self.floor)
        return value if self.cap is None else min(value, self.cap)


class Deferred(_Entry):
    """延期支付: a fixed amount on a date."""

    amount: Money
    due: Day


class Licence(_Entry):
    """One licence's terms (许可合同条款)."""

    code: Code
    achievement: Annotated[str | None, BeforeValidator(_text)] = None
    licensee: Code
    signed_on: Day
    upfront: Upfront | None = None
    milestones: Annotated[list[Milestone], BeforeValidator(_list)] = []
    royalty: Royalty | None = None
    deferred: Annotated[list[Deferred], BeforeValidator(_list)] = []

    def event_milestones(self, name: str) -> list[Milestone]:
        """The event milestones an event record names: by milestone code, or by event name."""
        return [m for m in self.milestones if m.event is not None and name in (m.code, m.event)]


# ----------------------------------------------------------------------------------------------
# Royalty periods
# ----------------------------------------------------------------------------------------------


@dataclass(frozen=True, order=True)
class Period:
    """A calendar year (``2026``) or quarter (``2026Q1``)."""

    first: date
    last: date
    label: str
    kind: str  # "year" | "quarter"

    @classmethod
    def of(cls, year: int, quarter: int | None) -> Period:
        return _period(year, quarter)

    @classmethod
    def parse(cls, text: str) -> Period | None:
        """``2026`` or ``2026Q1`` → the period; anything else → None."""
        found = _PERIOD.match(text)
        if not found or not 1000 <= int(found.group(1)) <= 9999:
            return None
        return cls.of(int(found.group(1)), int(found.group(2)) if found.group(2) else None)


@functools.lru_cache(maxsize=4096)
def _period(year: int, quarter: int | None) -> Period:
    if quarter is None:
        return Period(date(year, 1, 1), date(year, 12, 31), str(year), "year")
    m = 3 * quarter
    last = date(year, m, calendar.monthrange(year, m)[1])
    return Period(date(year, m - 2, 1), last, f"{year}Q{quarter}", "quarter")


def _is_period_start(d: date, kind: str) -> bool:
    return d.day == 1 and (d.month == 1 if kind == "year" else d.month in (1, 4, 7, 10))


def _is_period_end(d: date, kind: str) -> bool:
    last_day = calendar.monthrange(d.year, d.month)[1]
    return d.day == last_day and (d.month == 12 if kind == "year" else d.month in (3, 6, 9, 12))


# ----------------------------------------------------------------------------------------------
# Validation
# ----------------------------------------------------------------------------------------------

_PYDANTIC_ZH = {
    "missing": "缺少必填项",
    "extra_forbidden": "不认识的键（许可合同条款的格式见 contracts/transfer-data.md）",
    "string_type": "须为文本",
    "float_type": "须为数字",
    "float_parsing": "须为数字",
    "finite_number": "须为有限的数字",
    "int_type": "须为整数",
    "int_parsing": "须为整数",
    "int_from_float": "须为整数",
    "list_type": "须为列表",
    "model_type": "须为映射（键: 值）",
    "model_attributes_type": "须为映射（键: 值）",
    "dict_type": "须为映射（键: 值）",
    "string_too_short": "不能为空",
    "string_too_long": "太长（最多 100 个字符）",
    "literal_error": "取值须为 year（按年）或 quarter（按季度）",
    "date_type": "须为日期 YYYY-MM-DD",
}


def _field(loc: tuple[Any, ...]) -> str:
    parts: list[str] = []
    for part in loc:
        if isinstance(part, int):
            parts.append(f"第 {part + 1} 项")
        else:
            parts.append(str(part))
    return " ".join(parts) if parts else "（整项）"


def _message(error: dict[str, Any]) -> str:
    kind = error["type"]
    if kind == "value_error":
        return str(error.get("ctx", {}).get("error", error["msg"]))
    if kind == "greater_than_equal":
        return f"不能小于 {error['ctx']['ge']}，收到 {error.get('input')}"
    if kind == "less_than_equal":
        return f"不能大于 {error['ctx']['le']}，收到 {error.get('input')}"
    text = _PYDANTIC_ZH.get(kind, error["msg"])
    shown = error.get("input")
    if (
        kind not in {"missing", "extra_forbidden"}
        and shown is not None
        and not isinstance(shown, dict | list)
    ):
        text += f"，收到「{shown}」"
    return text


def _where(position: int, code: Any) -> str:
    if isinstance(code, int | str) and not isinstance(code, bool) and str(code).strip():
        return f"许可合同 {str(code).strip()}（第 {position} 项）"
    return f"第 {position} 项许可合同（无编号）"


_KEYS = {
    None: set(Licence.model_fields),
    "upfront": set(Upfront.model_fields),
    "milestones": set(Milestone.model_fields),
    "royalty": set(Royalty.model_fields),
    "deferred": set(Deferred.model_fields),
}


def _known_keys(item: dict[str, Any]) -> dict[str, Any]:
    """The licence with only the keys of the format (for licences built by the platform)."""
    out = {k: v for k, v in item.items() if k in _KEYS[None]}
    for key in ("upfront", "royalty"):
        if isinstance(out.get(key), dict):
            out[key] = {k: v for k, v in out[key].items() if k in _KEYS[key]}
    for key in ("milestones", "deferred"):
        if isinstance(out.get(key), list):
            out[key] = [
                {k: v for k, v in e.items() if k in _KEYS[key]} if isinstance(e, dict) else e
                for e in out[key]
            ]
    return out


def _terms_problems(lic: Licence) -> list[tuple[str, str]]:
    """What the schema alone cannot see: (field, problem) pairs."""
    out: list[tuple[str, str]] = []
    reason = invalid_reason(lic.licensee)
    if reason:
        out.append(("licensee", f"统一社会信用代码「{lic.licensee}」{reason}"))
    if lic.upfront is not None and lic.upfront.amount > 0 and lic.upfront.due is None:
        out.append(("upfront due", "入门费金额大于 0 时须给出支付日期 due"))
    seen: dict[str, int] = {}
    for i, m in enumerate(lic.milestones, start=1):
        where = f"milestones 第 {i} 项"
        if m.code in seen:
            out.append((f"{where} code", f"阶段性支付编号「{m.code}」与第 {seen[m.code]} 项重复"))
        else:
            seen[m.code] = i
        if (m.due is None) == (m.event is None):
            out.append((where, "须给出 due（按日期支付）或 event（按事件支付）二者之一"))
        elif m.due is not None and m.days_after is not None:
            out.append((f"{where} days_after", "只用于按事件（event）支付的阶段性支付"))
    r = lic.royalty
    if r is not None:
        kind = "年" if r.period == "year" else "季度"
        if not _is_period_start(r.start, r.period):
            out.append(("royalty start", f"须为一个自然{kind}的第一天，收到 {r.start.isoformat()}"))
        if not _is_period_end(r.end, r.period):
            out.append(("royalty end", f"须为一个自然{kind}的最后一天，收到 {r.end.isoformat()}"))
        if r.start > r.end:
            out.append(("royalty end", f"不能早于 start（{r.start.isoformat()}），收到 {r.end.isoformat()}"))
        if r.cap is not None and r.floor > r.cap:
            out.append(("royalty cap", f"不能小于 floor（{r.floor:g}），收到 {r.cap:g}"))
    return out


def validate_licences(data: Any, source: str = "许可合同文件", *, strict_keys: bool = True) -> list[Licence]:
    """The licences of a parsed YAML document (or of the platform: ``strict_keys=False`` drops keys
    the format does not know instead of refusing them); LicenceError lists every problem."""
    if isinstance(data, dict) and set(data) == {"licences"}:
        data = data["licences"]
    if data is None:
        data = []
    if not isinstance(data, list):
        raise LicenceError([f"{source}：顶层须为许可合同的列表（- code: …）"])
    problems: list[str] = []
    licences: list[Licence] = []
    seen: dict[str, int] = {}
    for position, item in enumerate(data, start=1):
        code = item.get("code") if isinstance(item, dict) else None
        where = _where(position, code)
        if not isinstance(item, dict):
            problems.append(f"{source}：{where}：须为映射（code: …, licensee: …）")
            continue
        key = _text(code)
        if isinstance(key, str) and key:
            if key in seen:
                problems.append(f"{source}：{where}code：许可合同编号「{key}」与第 {seen[key]} 项重复")
            else:
                seen[key] = position
        try:
            lic = Licence.model_validate(item if strict_keys else _known_keys(item))
        except ValidationError as exc:
            problems.extend(
                f"{source}：{where}{_field(tuple(e['loc']))}：{_message(e)}" for e in exc.errors()
            )
            licensee = _text(item.get("licensee"))
            if isinstance(licensee, str) and licensee and invalid_reason(licensee):
                problems.append(
                    f"{source}：{where}licensee：统一社会信用代码「{licensee}」{invalid_reason(licensee)}"
                )
            continue
        problems.extend(f"{source}：{where}{f}：{m}" for f, m in _terms_problems(lic))
        licences.append(lic)
    if problems:
        raise LicenceError(problems)
    return licences


class _Loader(SAFE_LOADER):  # type: ignore[misc, valid-type]
    """The safe loader without YAML's implicit dates: a date is checked here, with the field named
    (PyYAML would raise without a location for 2026-02-30)."""


_Loader.yaml_implicit_resolvers = {
    first: [r for r in resolvers if r[0] != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in SAFE_LOADER.yaml_implicit_resolvers.items()
}


def parse_licences(text: str, source: str = "许可合同文件") -> list[Licence]:
    """Validate the YAML text of a licences file; LicenceError in Chinese."""
    try:
        data = yaml.load(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        raise LicenceError([f"{source} 不是合法的 YAML：{exc}"]) from exc
    return validate_licences(data, source)


def load_licences(path: str | Path) -> list[Licence]:
    """The licences of a YAML file (UTF-8, with or without BOM)."""
    p = Path(path)
    try:
        text = p.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise LicenceError([f"无法读取许可合同文件 {p}：{exc.strerror or exc}"]) from exc
    except UnicodeDecodeError:
        raise LicenceError([f"许可合同文件 {p} 不是 UTF-8 编码的文本"]) from None
    return parse_licences(text, str(p))
