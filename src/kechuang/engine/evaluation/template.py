"""Periodic evaluation templates as data (YAML, versioned): the pydantic schema and the loader.

A template names its indicators (each read from one input column), the points each can earn by class
(综合 / 专业 …), how a value becomes points (``thresholds``: the first row whose ``min`` the value
reaches; ``linear``: a straight line between ``low`` and ``high``; ``rank``: the place in the cohort of
the same class), bonus items, the grades with their cut-offs, the period and the consequence of
repeated failure (two consecutive 不合格 withdraw a national title). Errors are Chinese and name the
entry and the field.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from kechuang.engine.rules.ruleset import SAFE_LOADER

_ID = r"^[a-z][a-z0-9_]*$"


class TemplateError(ValueError):
    """A template that cannot be accepted; the message is Chinese and names what is wrong."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Step(_Model):
    """One row of a threshold table: a value ≥ ``min`` earns ``share`` of the indicator's points."""

    min: float | None = None  # absent: the last row (everything below)
    share: float = Field(ge=0, le=1)
    label: str = ""


class Indicator(_Model):
    id: str = Field(pattern=_ID)
    label: str
    label_en: str = ""
    group: str = ""
    group_en: str = ""
    column: str = Field(pattern=_ID, description="the input column holding the value")
    unit: str = ""
    unit_en: str = ""
    weights: dict[str, float] = Field(description="class → full points of this indicator")
    method: Literal["thresholds", "linear", "rank"]
    steps: list[Step] = []  # thresholds
    low: float | None = None  # linear: value earning 0 points
    high: float | None = None  # linear: value earning all points
    lower_is_better: bool = False  # rank only (linear: give low > high)
    # over the years of a multi-year period (period.py): a flow is summed, a stock is the latest
    # year's, a ratio the mean of the years'; absent: the period's last year only
    aggregate: Literal["sum", "latest", "mean"] | None = None
    note: str = ""

    @model_validator(mode="after")
    def _method_fields(self) -> Indicator:
        if any(w < 0 for w in self.weights.values()):
            raise ValueError("权重（weights）不能为负数")
        if self.method == "thresholds":
            if not self.steps:
                raise ValueError("thresholds 方法须写 steps（门槛与得分比例）")
            mins = [s.min for s in self.steps[:-1]]
            if any(m is None for m in mins):
                raise ValueError("只有最后一个门槛可以不写 min")
            if mins != sorted(mins, reverse=True):  # type: ignore[type-var]
                raise ValueError("门槛 min 必须从高到低排列")
        elif self.method == "linear":
            if self.low is None or self.high is None:
                raise ValueError("linear 方法须写 low（0 分）与 high（满分）")
            if self.low == self.high:
                raise ValueError("linear 方法的 low 与 high 不能相等")
        return self


class Bonus(_Model):
    id: str = Field(pattern=_ID)
    label: str
    column: str = Field(pattern=_ID)
    min: float = 1  # the value must reach this (a flag counts as 1)
    points: float = Field(gt=0)


class Grade(_Model):
    code: str  # A / B / C / D, or 优秀 …
    label: str
    label_en: str = ""  # the *_en fields: what the English interface shows (decision 0023)
    min: float | None = None  # total ≥ min; absent for the last grade
    failing: bool = False


class Reward(_Model):
    """Money (万元) that follows a grade: a fixed amount and/or so much per unit of a result column."""

    id: str = Field(pattern=_ID)
    label: str
    label_en: str = ""
    grades: list[str] = Field(description="the grades that earn it")
    levels: list[str] = Field([], description="the carrier levels it is for (empty: every level)")
    amount: float = 0
    column: str | None = Field(None, pattern=_ID)
    per_unit: float = 0
    cap: float | None = None
    note: str = ""
    note_en: str = ""


class Consequence(_Model):
    consecutive_failures: int = Field(2, ge=1)
    text: str = "连续两次评价不合格，取消国家级资格"
    text_en: str = ""
    applies_to: list[str] = []  # levels it applies to (empty: every carrier)


class Template(_Model):
    code: str = Field(pattern=_ID)
    name: str
    name_en: str = ""
    version: str
    version_en: str = ""
    subject: str = Field(description="incubator / institution / instrument / talent …")
    sample: bool = False
    sample_note: str = ""
    sample_note_en: str = ""
    period_years: Literal[1, 2, 3] = 1
    classes: dict[str, str] = Field(description="class code → Chinese name, e.g. comprehensive: 综合")
    classes_en: dict[str, str] = {}  # class code → English name
    indicators: list[Indicator]
    bonus: list[Bonus] = []
    bonus_cap: float | None = None
    grades: list[Grade]
    consequence: Consequence | None = None
    rewards: list[Reward] = []
    note: str = ""

    @model_validator(mode="after")
    def _consistent(self) -> Template:
        if self.sample and not self.sample_note.strip():
            raise ValueError("示例模板（sample: true）必须写 sample_note 说明须由主管部门确认")
        ids = [i.id for i in self.indicators] + [b.id for b in self.bonus]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"指标编号重复：{', '.join(dupes)}")
        for ind in self.indicators:
            missing = sorted(set(self.classes) - set(ind.weights))
            extra = sorted(set(ind.weights) - set(self.classes))
            if missing or extra:
                raise ValueError(
                    f"指标 {ind.id} 的 weights 须为每个类别写分值"
                    + (f"，缺少 {', '.join(missing)}" if missing else "")
                    + (f"，未知类别 {', '.join(extra)}" if extra else "")
                )
        by_column: dict[str, set] = {}
        for ind in self.indicators:
            by_column.setdefault(ind.column, set()).add(ind.aggregate)
        clash = sorted(c for c, ways in by_column.items() if len(ways) > 1)
        if clash:
            raise ValueError(f"同一输入列的指标须声明相同的跨年汇总方式（aggregate）：{', '.join(clash)}")
        unknown_classes = sorted(set(self.classes_en) - set(self.classes))
        if unknown_classes:
            raise ValueError(f"classes_en 有未定义的类别：{', '.join(unknown_classes)}")
        if not self.grades or self.grades[-1].min is not None:
            raise ValueError("等级（grades）的最后一级不写 min（其余分数都落在这一级）")
        mins = [g.min for g in self.grades[:-1]]
        if any(m is None for m in mins) or mins != sorted(mins, reverse=True):  # type: ignore[type-var]
            raise ValueError("等级分数线 min 必须从高到低排列，且只有最后一级不写")
        codes = {g.code for g in self.grades}
        for r in self.rewards:
            unknown = sorted(set(r.grades) - codes)
            if unknown:
                raise ValueError(f"奖励 {r.id} 的 grades 有未定义的等级：{', '.join(unknown)}")
        if self.consequence and not any(g.failing for g in self.grades):
            raise ValueError("写了 consequence（连续不合格的后果）须有一级 failing: true")
        return self

    def full_points(self, cls: str) -> float:
        return sum(i.weights[cls] for i in self.indicators)

    def input_columns(self) -> list[str]:
        reward_columns = [r.column for r in self.rewards if r.column]
        columns = [i.column for i in self.indicators] + [b.column for b in self.bonus] + reward_columns
        return list(dict.fromkeys(columns))

    def grade_label(self, code: str | None) -> str:
        return next((g.label for g in self.grades if g.code == code), code or "")

    def labels(self, english: bool) -> tuple[dict[str, str], dict[str, str]]:
        """(class code → name, grade code → label) in English where the template has it, else Chinese."""
        classes = {c: (english and self.classes_en.get(c)) or name for c, name in self.classes.items()}
        grades = {g.code: (english and g.label_en) or g.label for g in self.grades}
        return classes, grades


def load_template(source: str | Path) -> Template:
    """Load and check one template from a path or from YAML text; TemplateError in Chinese."""
    if isinstance(source, Path) or ("\n" not in source and source.endswith((".yaml", ".yml"))):
        path = Path(source)
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise TemplateError(f"无法读取评价模板文件 {path}：{exc}") from exc
    else:
        text = source
    try:
        data = yaml.load(text, Loader=SAFE_LOADER)
    except yaml.YAMLError as exc:
        raise TemplateError(f"评价模板不是合法的 YAML：{exc}") from exc
    if not isinstance(data, dict):
        raise TemplateError("评价模板的顶层必须是映射（code、name、indicators、grades …）")
    try:
        return Template.model_validate(data)
    except ValidationError as exc:
        problems = "；".join(
            (f"{_where(data, e['loc'])}：" if e["loc"] else "") + _msg(e) for e in exc.errors()
        )
        raise TemplateError(f"评价模板 {data.get('code', '?')} 格式错误：{problems}") from exc


def _where(data: dict, loc: tuple) -> str:
    """'indicators.2.weights' → '指标 graduated 的 weights' when the entry has an id."""
    parts: list[str] = []
    node: object = data
    names = {"indicators": "指标", "bonus": "加分项", "grades": "等级", "steps": "门槛", "rewards": "奖励"}
    for i, key in enumerate(loc):
        if isinstance(key, int) and isinstance(node, list) and key < len(node):
            node = node[key]
            prev = loc[i - 1] if i else ""
            ident = node.get("id") or node.get("code") if isinstance(node, dict) else None
            parts[-1] = f"{names.get(str(prev), prev)} {ident or f'第 {key + 1} 项'}"
        else:
            node = node.get(key) if isinstance(node, dict) else None
            parts.append(str(key))
    return " 的 ".join(parts) or "（顶层）"


_MESSAGES = {
    "missing": "缺少此项",
    "extra_forbidden": "不认识的字段",
    "string_pattern_mismatch": "只能用小写英文字母、数字和下划线，且以字母开头",
    "float_parsing": "须为数字",
    "int_parsing": "须为整数",
    "literal_error": "取值不在允许范围内",
    "less_than_equal": "不能大于上限",
    "greater_than_equal": "不能小于下限",
    "greater_than": "须大于 0",
}


def _msg(error: dict) -> str:
    if error["type"] in _MESSAGES:
        return _MESSAGES[error["type"]]
    return str(error["msg"]).removeprefix("Value error, ")
