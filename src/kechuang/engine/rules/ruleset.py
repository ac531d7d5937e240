"""Qualification rule sets as versioned data: the pydantic schema and the loader.

A rule set is a YAML file (src/kechuang/enterprises/rulesets/<code>.yaml). Every expression in it is
SQL over the enterprise column vocabulary (kechuang.engine.vocabulary.rule_vocabulary()) plus the rule
set's own parameters (revenue bands and the like). Loading parses each expression with
``pl.sql_expr`` and checks its column names; a file that uses an unknown column is rejected with a
Chinese message naming the rule set, the item and the column.

Every text has an optional English twin (``name_en``, ``label_en``, ``text_en``, ``fail_text_en`` …)
for the English interface (issue 9 §5, decision 0023); a missing one falls back to the Chinese text.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Literal

import polars as pl
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from kechuang.engine.vocabulary import rule_vocabulary

Status = Literal["VERIFIED", "UNVERIFIED", "SAMPLE"]
Op = Literal[">=", ">", "<=", "<", "=", "!="]

# The order in which the shipped rule sets appear in outputs.
RULESET_ORDER: tuple[str, ...] = ("kexiao", "gaoqi", "guishang", "gazelle", "lingjun")

_ID_PATTERN = r"^[a-z][a-z0-9_]*$"

# LibYAML's safe loader when PyYAML has it (ten times faster; the same documents and errors).
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # LibYAML when present


class RulesetError(ValueError):
    """A rule file that cannot be accepted; the message is Chinese and names what is wrong."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Source(_Model):
    number: str = Field(description="文号, e.g. 国科发火〔2016〕32号")
    title: str
    url: str | None = None
    evidence: Literal["official", "secondary", "none"] = "secondary"
    note: str = ""


class Shortfall(_Model):
    """How far the enterprise is from the threshold, in the user's terms."""

    expr: str = Field(description="SQL: the shortfall in `unit` (e.g. 近三年研发费用还差多少万元)")
    text: str = Field(description="Chinese template with {value}, e.g. 近三年研发费用还差 {value} 万元")
    text_en: str = ""  # the English template, e.g. "R&D expenses of the last three years CNY {value}0k short"
    text_en_one: str = ""  # the English template when the value is 1: "{value} more year of operation needed"
    rounding: Literal["none", "ceil"] = "none"  # ceil for people and items


class Gap(_Model):
    """What the gap text of a condition needs: the measure, the threshold, the unit, the shortfall."""

    label: str = Field(description="Chinese name of the measure, e.g. 研发费用占比")
    label_en: str = ""
    measure: str | None = Field(None, description="SQL: the actual value; absent for yes/no flags")
    op: Op | None = None
    threshold: float | str | None = Field(None, description="a number or SQL (e.g. a band parameter)")
    unit: str = ""  # "%" shows a fraction as a percentage; 万元, 人, 年, 件, 项 …
    denominator: str | None = Field(None, description="SQL: when it is 0 the ratio fails")
    denominator_label: str = ""
    denominator_label_en: str = ""
    shortfall: Shortfall | None = None
    fail_text: str = ""  # for flags: the Chinese sentence shown when the condition fails
    fail_text_en: str = ""


class Condition(_Model):
    id: str = Field(pattern=_ID_PATTERN)
    label: str
    label_en: str = ""
    expr: str
    status: Status | None = None
    note: str = ""
    note_en: str = ""
    gap: Gap | None = None


class Band(_Model):
    max: float | None = Field(None, description="upper bound, included; absent for the last band")
    value: float
    label: str = ""
    label_en: str = ""


class Parameter(_Model):
    """A value that depends on a measure by bands, e.g. the 高企 R&D ratio by revenue."""

    id: str = Field(pattern=_ID_PATTERN)
    label: str
    label_en: str = ""
    by: str = Field(description="SQL: the measure that selects the band")
    unit: str = ""
    bands: list[Band]
    status: Status | None = None
    note: str = ""

    @field_validator("bands")
    @classmethod
    def _bands_ascend(cls, bands: list[Band]) -> list[Band]:
        if not bands:
            raise ValueError("至少需要一个档位")
        uppers = [b.max for b in bands[:-1]]
        if any(u is None for u in uppers):
            raise ValueError("只有最后一档可以不写上限 max")
        if uppers != sorted(uppers):  # type: ignore[type-var]
            raise ValueError("档位上限 max 必须从小到大排列")
        return bands


class Bracket(_Model):
    """One row of a score table. At most one of min (≥), above (>), when (SQL); none = the default."""

    min: float | None = None
    above: float | None = None
    when: str | None = None
    points: tuple[float, float]
    label: str = ""
    label_en: str = ""

    @field_validator("points", mode="before")
    @classmethod
    def _points_range(cls, v: object) -> object:
        if isinstance(v, int | float):
            return (v, v)
        return v

    @model_validator(mode="after")
    def _one_test(self) -> Bracket:
        if sum(x is not None for x in (self.min, self.above, self.when)) > 1:
            raise ValueError("一个档位只能写 min、above、when 之一")
        if self.points[0] > self.points[1]:
            raise ValueError("分值区间下限大于上限")
        return self

    @property
    def is_default(self) -> bool:
        return self.min is None and self.above is None and self.when is None


class Alternative(_Model):
    label: str
    label_en: str = ""
    measure: str | None = None
    unit: str = ""
    brackets: list[Bracket]


class Requirement(_Model):
    """An item whose score must not be 0 (科小: 科技人员指标得分不为 0)."""

    id: str = Field(pattern=_ID_PATTERN)
    label: str
    label_en: str = ""
    gap: Gap | None = None


class ScoreItem(_Model):
    id: str = Field(pattern=_ID_PATTERN)
    label: str
    label_en: str = ""
    max: float
    judged: bool = False  # the points are set by experts; the data only gate the range
    measure: str | None = None
    unit: str = ""
    brackets: list[Bracket] = []
    alternatives: list[Alternative] = []  # take the highest-scoring alternative
    require_nonzero: Requirement | None = None
    status: Status | None = None
    note: str = ""
    note_en: str = ""

    @model_validator(mode="after")
    def _brackets_or_alternatives(self) -> ScoreItem:
        if bool(self.brackets) == bool(self.alternatives):
            raise ValueError(f"评分项 {self.id}：brackets 与 alternatives 必须且只能写一个")
        return self

    def tables(self) -> list[tuple[str | None, list[Bracket]]]:
        """(measure, brackets) for each alternative; a plain item is one alternative."""
        if self.alternatives:
            return [(a.measure, a.brackets) for a in self.alternatives]
        return [(self.measure, self.brackets)]


class ScoreGroup(_Model):
    id: str = Field(pattern=_ID_PATTERN)
    label: str
    label_en: str = ""
    max: float
    cap: float | None = None  # the subtotal never exceeds this (高企 知识产权 ≤ 30)
    items: list[ScoreItem]


class PassMark(_Model):
    op: Literal[">=", ">"]
    mark: float


class Score(_Model):
    id: str = Field("score", pattern=_ID_PATTERN)
    label: str
    label_en: str = ""
    measure_label: str = "评价得分"  # what the gap text calls the total, e.g. 创新能力评价得分
    measure_label_en: str = "Evaluation score"
    passing: PassMark = Field(alias="pass")
    groups: list[ScoreGroup]
    status: Status | None = None
    note: str = ""
    note_en: str = ""

    def items(self) -> Iterator[tuple[ScoreGroup, ScoreItem]]:
        for g in self.groups:
            for i in g.items:
                yield g, i


class Declaration(_Model):
    """A requirement no data column covers; the enterprise confirms it itself."""

    id: str = Field(pattern=_ID_PATTERN)
    label: str
    label_en: str = ""
    status: Status | None = None
    note: str = ""
    note_en: str = ""


class Ruleset(_Model):
    code: str = Field(pattern=_ID_PATTERN)
    name: str
    name_en: str = ""
    version: str
    effective_from: dt.date
    effective_to: dt.date | None = None
    status: Status = "VERIFIED"  # the default for every item that does not say
    sample: bool = False
    sample_note: str = ""
    sample_note_en: str = ""
    note: str = ""
    note_en: str = ""
    sources: list[Source] = []
    parameters: list[Parameter] = []
    conditions: list[Condition] = []
    score: Score | None = None
    routes: list[Condition] = []  # direct qualification: any one replaces the score
    declarations: list[Declaration] = []

    @model_validator(mode="after")
    def _consistent(self) -> Ruleset:
        if self.sample and not self.sample_note.strip():
            raise ValueError("示例规则集（sample: true）必须写 sample_note 说明须由主管部门确认")
        if self.sample and self.status != "SAMPLE":
            raise ValueError("示例规则集的 status 必须为 SAMPLE")
        if self.effective_to and self.effective_to < self.effective_from:
            raise ValueError("effective_to 早于 effective_from")
        if self.routes and self.score is None:
            raise ValueError("直接认定途径（routes）只能与评分（score）一起使用")
        ids = [c.id for c in self.conditions] + [r.id for r in self.routes]
        if self.score:
            ids.append(self.score.id)
            ids += [i.require_nonzero.id for _, i in self.score.items() if i.require_nonzero]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"条件编号重复：{', '.join(dupes)}")
        return self

    def status_of(self, item: Condition | Parameter | ScoreItem | Declaration | Score) -> Status:
        return item.status or self.status

    def effective_in(self, year: int) -> bool:
        start = self.effective_from <= dt.date(year, 12, 31)
        end = self.effective_to is None or self.effective_to >= dt.date(year, 1, 1)
        return start and end

    def flagged_items(self) -> list[dict[str, str]]:
        """Items the UI must label: everything not VERIFIED (UNVERIFIED or SAMPLE)."""
        out: list[dict[str, str]] = []
        entries: list[tuple[str, Condition | Parameter | ScoreItem | Declaration]] = [
            *(("condition", c) for c in self.conditions),
            *(("route", r) for r in self.routes),
            *(("parameter", p) for p in self.parameters),
            *(("declaration", d) for d in self.declarations),
        ]
        if self.score:
            entries += [("score_item", i) for _, i in self.score.items()]
        for kind, item in entries:
            status = self.status_of(item)
            if status != "VERIFIED":
                out.append({"kind": kind, "id": item.id, "label": item.label, "status": status})
        return out

    def expressions(self) -> Iterator[tuple[str, str]]:
        """(where, sql) for every SQL expression in the file; `where` names the item in Chinese."""
        for p in self.parameters:
            yield f"参数 {p.id}", p.by
        for kind, conds in (("条件", self.conditions), ("直接认定途径", self.routes)):
            for c in conds:
                yield f"{kind} {c.id}", c.expr
                yield from _gap_expressions(f"{kind} {c.id}", c.gap)
        if self.score:
            for _, item in self.score.items():
                where = f"评分项 {item.id}"
                for measure, brackets in item.tables():
                    if measure:
                        yield where, measure
                    for b in brackets:
                        if b.when:
                            yield where, b.when
                if item.require_nonzero:
                    yield from _gap_expressions(f"条件 {item.require_nonzero.id}", item.require_nonzero.gap)


def _gap_expressions(where: str, gap: Gap | None) -> Iterator[tuple[str, str]]:
    if gap is None:
        return
    for text in (gap.measure, gap.denominator, gap.shortfall.expr if gap.shortfall else None):
        if text:
            yield f"{where} 的差距说明", text
    if isinstance(gap.threshold, str):
        yield f"{where} 的差距说明", gap.threshold


def bracket_condition(measure: str | None, bracket: Bracket) -> str | None:
    """The SQL test of one score-table row; None for the default row."""
    if bracket.when is not None:
        return bracket.when
    if bracket.min is not None:
        return f"({measure}) >= {bracket.min!r}"
    if bracket.above is not None:
        return f"({measure}) > {bracket.above!r}"
    return None


def parameter_cases(p: Parameter) -> list[tuple[str, float]]:
    """SQL conditions and values of a banded parameter, in order (after the IS NULL guard)."""
    return [(f"({p.by}) <= {b.max!r}", b.value) for b in p.bands if b.max is not None]


def check_ruleset(rs: Ruleset, vocabulary: frozenset[str] | None = None) -> Ruleset:
    """Parse every expression and check every column name; raise RulesetError in Chinese.

    ``vocabulary``: the column names an expression may use (default: the enterprise vocabulary;
    the innovation carriers pass theirs, kechuang.engine.evaluation.columns)."""
    vocab = rule_vocabulary() if vocabulary is None else vocabulary
    own = {p.id for p in rs.parameters}
    clash = sorted(own & vocab)
    if clash:
        raise RulesetError(f"规则集 {rs.code}（{rs.name}）的参数名与字段表重名：{', '.join(clash)}")
    allowed = vocab | own
    for where, sql in rs.expressions():
        try:
            expr = pl.sql_expr(sql)
            names = expr.meta.root_names()
        except Exception as exc:  # polars raises several kinds of SQL errors
            raise RulesetError(
                f"规则集 {rs.code}（{rs.name}）的{where}：表达式无法解析「{sql}」（{exc}）"
            ) from exc
        for name in names:
            if name not in allowed:
                raise RulesetError(
                    f"规则集 {rs.code}（{rs.name}）的{where}使用了未知的列 {name}"
                    f"（表达式「{sql}」）；可用的列见 contracts/enterprise-data.md，规则集未被接受"
                )
    if rs.score:
        for _, item in rs.score.items():
            for measure, brackets in item.tables():
                if any(b.min is not None or b.above is not None for b in brackets) and not measure:
                    raise RulesetError(
                        f"规则集 {rs.code} 的评分项 {item.id}：按 min/above 分档时须写 measure"
                    )
    return rs


def load_ruleset(source: str | Path, vocabulary: frozenset[str] | None = None) -> Ruleset:
    """Load and check one rule set from a path or from YAML text (columns of ``vocabulary``)."""
    if isinstance(source, Path) or ("\n" not in source and source.endswith((".yaml", ".yml"))):
        path = Path(source)
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise RulesetError(f"无法读取规则文件 {path}：{exc}") from exc
    else:
        text = source
    try:
        data = yaml.load(text, Loader=SAFE_LOADER)
    except yaml.YAMLError as exc:
        raise RulesetError(f"规则文件不是合法的 YAML：{exc}") from exc
    if not isinstance(data, dict):
        raise RulesetError("规则文件的顶层必须是映射（code、name、version、conditions …）")
    try:
        rs = Ruleset.model_validate(data)
    except ValidationError as exc:
        problems = "；".join(
            f"{'.'.join(str(x) for x in e['loc']) or '（顶层）'}：{e['msg']}" for e in exc.errors()
        )
        raise RulesetError(f"规则集 {data.get('code', '?')} 格式错误：{problems}") from exc
    return check_ruleset(rs, vocabulary)


def default_ruleset_dir() -> Path:
    """The rule files shipped with kechuang (found without importing the Django app)."""
    import kechuang

    return Path(kechuang.__file__).parent / "enterprises" / "rulesets"


def load_rulesets(
    directory: str | Path | None = None,
    codes: Iterable[str] | None = None,
    vocabulary: frozenset[str] | None = None,
) -> list[Ruleset]:
    """Every rule set in a directory (default: the shipped ones), in RULESET_ORDER then by code."""
    folder = Path(directory) if directory else default_ruleset_dir()
    sets = [load_ruleset(p, vocabulary) for p in sorted(folder.glob("*.yaml"))]
    if codes is not None:
        wanted = list(codes)
        sets = [r for r in sets if r.code in wanted]
    order = {c: i for i, c in enumerate(RULESET_ORDER)}
    return sorted(sets, key=lambda r: (order.get(r.code, len(order)), r.code))
