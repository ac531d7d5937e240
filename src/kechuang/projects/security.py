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
    "sample": "sample（示例阈值）",
    "source": "source（阈值依据）",
    "note": "note（说明）",
}
TEXT_LIMITS = {"name": 120, "name_en": 200, "unit": 20, "department": 40, "source": 200}
# what ``load`` writes of each indicator (the model's fields)
WRITTEN = ("name", "name_en", "unit", "higher_is_worse", "yellow", "red", "computed", "department",
           "source", "note", "sample", "version")  # fmt: skip


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
        if item.get("note") is not None and not isinstance(item["note"], str):
            bad("note", "应为文字")
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
            if department:
                bad("department", "平台计算的指标不填填报部门")
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
                    "source": (item.get("source") or "").strip(),
                    "note": (item.get("note") or "").strip(),
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
    if value is None:
        return ""
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
