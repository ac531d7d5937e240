"""科技安全监测预警指标体系 as data (issue 12 §4): projects/data/security-indicators.yaml.

``read_file(path)`` checks the whole file and raises ``SecurityFileError`` listing every problem in
Chinese with its line, the indicator and the field (``第 12 行 指标「single_supplier」yellow（黄色阈值）：
应为数字``); ``load(spec)`` writes it — indicators created or updated one by one (each change audited),
the readings already recorded kept, an indicator absent from the file left as it was. ``board_records``
is the board as plain records (the CLI's JSON) and ``level_reason`` the one sentence that says why a
reading has its level, as plan monitoring says why a light has its colour.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from kechuang.plans.yamlcheck import locate, parse_yaml

DEFAULT_PATH = Path(__file__).parent / "data" / "security-indicators.yaml"
DIRECTIONS = {"higher_is_worse": True, "lower_is_worse": False}
CODE = re.compile(r"^[a-z][a-z0-9_]{1,39}$")
LABELS = {
    "code": "code（代码）",
    "name": "name（名称）",
    "name_en": "name_en（英文名称）",
    "unit": "unit（单位）",
    "direction": "direction（方向）",
    "yellow": "yellow（黄色阈值）",
    "red": "red（红色阈值）",
    "computed": "computed（平台计算）",
    "department": "department（填报部门）",
    "department_en": "department_en（填报部门英文）",
    "sample": "sample（示例阈值）",
    "source": "source（阈值依据）",
    "source_en": "source_en（阈值依据英文）",
    "note": "note（说明）",
    "note_en": "note_en（说明英文）",
}
TEXT_LIMITS = {"name": 120, "name_en": 200, "unit": 20, "department": 40, "department_en": 120, "source": 200,
               "source_en": 300}  # fmt: skip
# what ``load`` writes of each indicator (the model's fields)
WRITTEN = ("name", "name_en", "unit", "higher_is_worse", "yellow", "red", "computed", "department",
           "department_en", "source", "source_en", "note", "note_en", "sample", "version")  # fmt: skip


class SecurityFileError(ValueError):
    def __init__(self, problems: list[str], filename: str) -> None:
        self.problems = problems
        super().__init__(
            "\n".join([f"{filename}：科技安全指标文件有 {len(problems)} 处错误，未加载", *problems])
        )


@dataclass
class IndicatorSpec:
    code: str
    values: dict  # the model's fields (WRITTEN)


@dataclass
class SecurityFile:
    version: str
    indicators: list[IndicatorSpec]


@dataclass
class LoadResult:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)  # "code：yellow 30 → 35"
    unchanged: int = 0
    absent: list[str] = field(default_factory=list)  # in the database, not in the file: kept


def _number(value) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if math.isfinite(value) else None


def check_text(text: str, filename: str = "<文件>") -> SecurityFile:
    """The file's indicators, or SecurityFileError with every problem (line, indicator, field)."""
    from kechuang.projects.services import COMPUTED

    root, data, problems = parse_yaml(text)
    if problems:
        raise SecurityFileError(
            [f"第 {line} 行 {where}：{msg}" if line else f"{where}：{msg}" for line, where, msg in problems],
            filename,
        )
    errors: list[str] = []

    def at(*loc) -> str:
        return f"第 {locate(root, loc)} 行"

    unknown_top = sorted(set(data) - {"version", "indicators"})
    errors += [f"{at(k)} {k}：不认识的键（可用 version、indicators）" for k in unknown_top]
    version = data.get("version")
    if not isinstance(version, str | int | float) or isinstance(version, bool) or not str(version).strip():
        errors.append(f'{at("version")} version（版本）：请填写指标体系版本，如 "2026-12"')
        version = ""
    items = data.get("indicators")
    if not isinstance(items, list) or not items:
        errors.append(f"{at('indicators')} indicators：应为至少一项指标的列表")
        raise SecurityFileError(errors, filename)
    specs, seen = [], set()
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            errors.append(f"{at('indicators', i)} 第 {i + 1} 项指标：应为映射（键: 值）")
            continue
        code = item.get("code")
        who = f"指标「{code}」" if isinstance(code, str) and code else f"第 {i + 1} 项指标"
        before = len(errors)

        def bad(key: str, message: str, i=i, who=who) -> None:
            errors.append(f"{at('indicators', i, key)} {who} {LABELS.get(key, key)}：{message}")

        for key in sorted(set(item) - set(LABELS)):
            bad(key, "不认识的字段")
        if not isinstance(code, str) or not CODE.match(code):
            bad("code", "应为 2–40 位小写字母、数字或下划线，以字母开头")
        elif code in seen:
            bad("code", "代码重复")
        seen.add(code)
        for key in ("name", "name_en"):
            if not isinstance(item.get(key), str) or not item[key].strip():
                bad(key, "必填")
        for key, limit in TEXT_LIMITS.items():
            value = item.get(key)
            if value is not None and not isinstance(value, str):
                bad(key, "应为文字")
            elif isinstance(value, str) and len(value.strip()) > limit:
                bad(key, f"不超过 {limit} 个字")
        for key in ("note", "note_en"):
            if item.get(key) is not None and not isinstance(item[key], str):
                bad(key, "应为文字")
        direction = item.get("direction")
        if direction not in DIRECTIONS:
            bad("direction", "应为 higher_is_worse（越高越危险）或 lower_is_worse（越低越危险）")
        yellow, red = _number(item.get("yellow")), _number(item.get("red"))
        for key, value in (("yellow", yellow), ("red", red)):
            if value is None:
                bad(key, "应为数字" if key in item else "必填")
        if yellow is not None and red is not None and direction in DIRECTIONS:
            if DIRECTIONS[direction] and not yellow < red:
                bad("red", f"越高越危险的指标红色阈值应大于黄色阈值（黄 {yellow:g}，红 {red:g}）")
            if not DIRECTIONS[direction] and not yellow > red:
                bad("red", f"越低越危险的指标红色阈值应小于黄色阈值（黄 {yellow:g}，红 {red:g}）")
        computed = item.get("computed", False)
        department = item.get("department")
        for key in ("computed", "sample"):
            if key in item and not isinstance(item[key], bool):
                bad(key, "应为 true 或 false")
        if computed is True:
            for key in ("department", "department_en"):
                if item.get(key):
                    bad(key, "平台计算的指标不填填报部门")
            if isinstance(code, str) and code not in COMPUTED:
                bad("computed", f"平台只能计算这些指标：{'、'.join(COMPUTED)}")
        elif not (isinstance(department, str) and department.strip()):
            bad("department", "非平台计算的指标须填写填报部门（或写 computed: true）")
        if len(errors) > before:
            continue
        specs.append(
            IndicatorSpec(
                code,
                {
                    "name": item["name"].strip(),
                    "name_en": item["name_en"].strip(),
                    "unit": (item.get("unit") or "").strip(),
                    "higher_is_worse": DIRECTIONS[direction],
                    "yellow": yellow,
                    "red": red,
                    "computed": computed is True,
                    "department": (department or "").strip(),
                    "department_en": (item.get("department_en") or "").strip(),
                    "source": (item.get("source") or "").strip(),
                    "source_en": (item.get("source_en") or "").strip(),
                    "note": (item.get("note") or "").strip(),
                    "note_en": (item.get("note_en") or "").strip(),
                    "sample": item.get("sample", False),
                    "version": str(version).strip(),
                },
            )
        )
    if errors:
        raise SecurityFileError(errors, filename)
    return SecurityFile(str(version).strip(), specs)


def read_file(path: str | Path = DEFAULT_PATH) -> SecurityFile:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise SecurityFileError(["文件不是 UTF-8 编码的文本"], path.name) from exc
    return check_text(text, path.name)


def _show(value) -> str:
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        return f"{value:g}"
    return f"「{value}」" if value else "（空）"


@transaction.atomic
def load(spec: SecurityFile) -> LoadResult:
    """Create or update the indicators of a checked file; readings stay; an unchanged indicator is
    not saved (a second load of the same file writes nothing)."""
    from kechuang.projects.models import SecurityIndicator

    result = LoadResult()
    existing = {i.code: i for i in SecurityIndicator.objects.all()}
    for item in spec.indicators:
        ind = existing.get(item.code)
        if ind is None:
            SecurityIndicator.objects.create(code=item.code, **item.values)
            result.created.append(item.code)
            continue
        changes = [
            f"{name} {_show(getattr(ind, name))} → {_show(value)}"
            for name, value in item.values.items()
            if getattr(ind, name) != value
        ]
        if not changes:
            result.unchanged += 1
            continue
        for name, value in item.values.items():
            setattr(ind, name, value)
        ind.save()  # one audited change per indicator
        result.updated.append(f"{item.code}：{'；'.join(changes)}")
    codes = {i.code for i in spec.indicators}
    result.absent = sorted(set(existing) - codes)
    return result


def _fmt(value: float, unit: str) -> str:
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return f"{text}{unit}" if unit in ("%", "‰") else f"{text} {unit}".rstrip()


def level_reason(
    value: float | None, yellow: float, red: float, higher_is_worse: bool, unit: str = ""
) -> str:
    """Why a reading has its level, in one sentence with the numbers, e.g.
    "36.5% ≥ 黄色阈值 30%，< 红色阈值 50%"; "" without a value."""
    from kechuang.web.names import unit as localized_unit

    if value is None:
        return ""
    unit = localized_unit(unit)
    v, y, r = (_fmt(x, unit) for x in (value, yellow, red))
    ge, lt = ("≥", "<") if higher_is_worse else ("≤", ">")
    if (value >= red) if higher_is_worse else (value <= red):
        return _("%(v)s %(ge)s 红色阈值 %(r)s") % {"v": v, "ge": ge, "r": r}
    if (value >= yellow) if higher_is_worse else (value <= yellow):
        return _("%(v)s %(ge)s 黄色阈值 %(y)s，%(lt)s 红色阈值 %(r)s") % {
            "v": v,
            "ge": ge,
            "y": y,
            "lt": lt,
            "r": r,
        }
    return _("%(v)s %(lt)s 黄色阈值 %(y)s") % {"v": v, "lt": lt, "y": y}


def board_records(rows) -> list[dict]:
    """services.security_board rows as plain records (the CLI's JSON, in the board's order)."""
    return [
        {
            "indicator": r.indicator.code,
            "name": r.indicator.name,
            "unit": r.indicator.unit,
            "value": r.value,
            "period": r.period or None,
            "level": r.level,
            "yellow": r.indicator.yellow,
            "red": r.indicator.red,
            "higher_is_worse": r.indicator.higher_is_worse,
            "computed": r.indicator.computed,
            "department": r.indicator.department,
            "sample": r.indicator.sample,
            "detail": r.detail,
            "reason": level_reason(
                r.value, r.indicator.yellow, r.indicator.red, r.indicator.higher_is_worse, r.indicator.unit
            ),
        }
        for r in rows
    ]


def history(indicator, today=None) -> list[dict]:
    """The indicator's readings, oldest first, each with its level (the engine's warning rule, as the
    board) and the reason: {"period", "value", "source", "level", "level_label", "reason", "detail"}.
    A computed indicator has the platform's value now (no stored readings)."""
    import polars as pl

    from kechuang.engine.projects.running import warning_levels
    from kechuang.projects import services
    from kechuang.projects.vocabulary import Level

    if indicator.computed:
        now = services.computed_values(today).get(indicator.code)
        rows = [] if now is None else [(now.period, now.value, _("平台数据计算"), now.detail)]
    else:
        rows = [(r.period, r.value, r.source, "") for r in indicator.readings.order_by("period")]
    if not rows:
        return []
    frame = pl.DataFrame(
        [(indicator.code, *r) for r in rows],
        schema=["indicator", "period", "value", "source", "detail"],
        orient="row",
    )
    table = pl.DataFrame(
        [(indicator.code, indicator.yellow, indicator.red, indicator.higher_is_worse)],
        schema=["code", "yellow", "red", "higher_is_worse"],
        orient="row",
    )
    labels = dict(Level.choices)
    out = []
    for r in warning_levels(frame, table).iter_rows(named=True):
        reason = level_reason(
            r["value"], indicator.yellow, indicator.red, indicator.higher_is_worse, indicator.unit
        )
        out.append({**r, "level_label": str(labels.get(r["level"], "")), "reason": reason})
    return out


def history_chart(indicator, points: list[dict]) -> dict:
    """ECharts option (plan monitoring's setup, kechuang.plans.monitoring.charts): the readings by
    period, each point in its light's colour, and the yellow and red thresholds as lines."""
    from kechuang.plans.monitoring.charts import BLUE, WARNING_COLORS, _base, _round

    marks = [
        {
            "yAxis": _round(indicator.yellow),
            "name": _("黄色阈值"),
            "lineStyle": {"color": WARNING_COLORS["yellow"]},
        },
        {
            "yAxis": _round(indicator.red),
            "name": _("红色阈值"),
            "lineStyle": {"color": WARNING_COLORS["red"]},
        },
    ]
    series = {
        "name": _("监测值"),
        "type": "line",
        "data": [
            {
                "value": _round(p["value"]),
                "itemStyle": {"color": WARNING_COLORS.get(p["level"], WARNING_COLORS[None])},
            }
            for p in points
        ],
        "symbol": "circle",
        "symbolSize": 10,
        "lineStyle": {"color": BLUE, "width": 2},
        "itemStyle": {"color": BLUE},
        "markLine": {
            "symbol": "none",
            "lineStyle": {"type": "dashed", "width": 1.5},
            "label": {"formatter": "{b} {c}", "position": "insideEndTop"},
            "data": marks,
        },
    }
    values = [p["value"] for p in points if p["value"] is not None] + [indicator.yellow, indicator.red]
    option = _base()
    option.update(
        {
            "tooltip": {"trigger": "axis"},
            "xAxis": {"type": "category", "data": [p["period"] for p in points], "boundaryGap": True},
            "yAxis": {
                "type": "value",
                "name": indicator.unit,
                "min": 0,
                "max": _round(1.15 * max(values + [0])),
            },
            "series": [series],
        }
    )
    return option


# ---------------------------------------------------------------------------------------------------
# Departments' readings: the Excel template and the upload (all or nothing)

READING_HEADERS = {"指标代码": "indicator", "期间": "period", "数值": "value", "来源": "source"}
PERIOD = re.compile(r"^20\d{2}(Q[1-4])?$")


@dataclass
class ReadingsUpload:
    rows: list[dict]  # {"indicator": SecurityIndicator, "period", "value", "source"}
    errors: object  # engine.tables.RowErrors


def readings_template_xlsx() -> bytes:
    """The upload's sheet: its four columns, one example row per indicator a department reports."""
    from kechuang.projects.models import SecurityIndicator
    from kechuang.web.generic import write_xlsx

    rows = [
        (i.code, "", None, f"{i.department}填报") for i in SecurityIndicator.objects.filter(computed=False)
    ]
    return write_xlsx("监测值", list(READING_HEADERS), rows, widths=(30, 10, 12, 30))


def check_readings_upload(path: Path, default_source: str) -> ReadingsUpload:
    """Read a readings sheet; every row error (row, field, why) in Chinese; nothing written. A row for
    an indicator the platform computes, or for a period that already has a reading (in the database
    or earlier in the file), is refused as services.record_reading refuses it: never overwritten."""
    from kechuang.engine.tables import RowError, RowErrors, empty_file_message, read_table
    from kechuang.projects.models import SecurityIndicator, SecurityReading

    try:
        df = read_table(path)
    except ValueError as exc:
        return ReadingsUpload([], RowErrors([RowError(0, "", "", str(exc))]))
    errors: list = []
    headers = {h: READING_HEADERS.get(str(h).strip()) for h in df.columns}
    errors += [
        RowError(1, str(h), "", _("不认识的列，可用的列见模板")) for h, f in headers.items() if f is None
    ]
    for label, need in READING_HEADERS.items():
        if need != "source" and need not in headers.values():
            errors.append(RowError(1, label, "", _("缺少此列")))
    if errors:
        return ReadingsUpload([], RowErrors(errors))
    indicators = {i.code: i for i in SecurityIndicator.objects.all()}
    stored = {
        (code, period): value
        for code, period, value in SecurityReading.objects.values_list("indicator__code", "period", "value")
    }
    rows, seen = [], set()
    for n, raw in enumerate(df.iter_rows(named=True), start=2):  # a department's few rows
        cell = {headers[h]: (v.strip() if isinstance(v, str) else v) for h, v in raw.items() if headers[h]}
        code, period, text = cell.get("indicator") or "", cell.get("period") or "", cell.get("value") or ""
        if not (code or period or text or cell.get("source")):
            continue  # a blank row
        ind = indicators.get(code)
        if ind is None:
            errors.append(RowError(n, "指标代码", code, _("没有这个指标") if code else _("必填")))
            continue
        if ind.computed:
            errors.append(RowError(n, "指标代码", code, _("该指标由平台数据计算，无需填报")))
            continue
        if not PERIOD.match(period):
            errors.append(RowError(n, "期间", period, _("应为年度如 2026，或季度如 2026Q3")))
            continue
        try:
            value = float(text.replace(",", "").rstrip("%"))
            if not math.isfinite(value):
                raise ValueError
        except ValueError:
            errors.append(RowError(n, "数值", text, _("应为数字") if text else _("必填")))
            continue
        if (code, period) in stored:
            errors.append(
                RowError(
                    n,
                    "期间",
                    period,
                    _("该指标本期已有数值 %(v)s，未覆盖") % {"v": f"{stored[code, period]:g}"},
                )
            )
            continue
        if (code, period) in seen:
            errors.append(RowError(n, "期间", period, _("同一指标同一期间重复")))
            continue
        seen.add((code, period))
        source = (cell.get("source") or default_source)[:80]
        rows.append({"indicator": ind, "period": period, "value": value, "source": source})
    if not rows and not errors:
        errors.append(RowError(0, "", "", empty_file_message(path.name, header_only=True)))
    return ReadingsUpload(rows, RowErrors(errors))


@transaction.atomic
def import_readings(rows: list[dict]) -> int:
    """Write checked rows (one audited reading each) through services.record_reading; all or nothing."""
    from kechuang.projects.services import record_reading

    for r in rows:
        record_reading(r["indicator"], r["period"], r["value"], r["source"])
    return len(rows)
