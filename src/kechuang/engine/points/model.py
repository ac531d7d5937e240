"""The innovation-points model as data: the YAML schema, its validation and its content hash.

A points model (issue 10, section 1) is a YAML file::

    code, name, status (sample | official), scale (optional),
    groups (optional), stages, indicators, exclusions (optional), tiers (optional)

Every SQL expression (stage and exclusion conditions, indicator values) is parsed with
``pl.sql_expr`` and evaluated once on an empty frame of the derived columns, so that an unknown
column, a syntax error or a condition that is not yes/no is refused when the file is loaded. Every
problem is reported in Chinese with the entry and the field, e.g.
``indicators[3].weights：缺少阶段 growth 的权重``. List positions count from 0, as in the file's
path notation (``indicators[0]`` is the first indicator).
"""

from __future__ import annotations

import functools
import hashlib
import json
import math
from pathlib import Path
from typing import Annotated, Any, Literal

import polars as pl
import yaml
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from kechuang.engine.rules.derive import derive_lazy, derived_names
from kechuang.engine.rules.ruleset import SAFE_LOADER
from kechuang.engine.vocabulary import FACT_COLUMNS, REGISTRY_COLUMNS, rule_vocabulary

_CODE = r"^[A-Za-z_][A-Za-z0-9_]*$"

NO_FACTS = "no_facts"
DEFAULT_GROUPS: tuple[tuple[str, str], ...] = (
    ("tech_innovation", "技术创新"),
    ("growth_operation", "成长经营"),
    ("auxiliary", "辅助"),
    ("local", "地方"),
)
DEFAULT_GROUPS_EN: dict[str, str] = {
    "tech_innovation": "Technological innovation",
    "growth_operation": "Growth and operation",
    "auxiliary": "Auxiliary",
    "local": "Local",
}
FIXED_COLUMNS: tuple[str, ...] = (
    "credit_code",
    "stage",
    "excluded",
    "points",
    "rank",
    "cohort_size",
    "top_share",
    "tier",
)
SCALE_TOLERANCE = 1e-9


class PointsModelError(ValueError):
    """A points model that cannot be accepted; the message is Chinese and names entry and field."""


class _Entry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _sql_text(value: Any) -> Any:
    """YAML reads an unquoted TRUE / FALSE / 1 as a boolean or a number: take it as the SQL literal."""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        return repr(value)
    return value


SqlText = Annotated[str, BeforeValidator(_sql_text)]


class Group(_Entry):
    code: str = Field(pattern=_CODE)
    name: str
    name_en: str = ""  # the English interface's name (optional)


class Stage(_Entry):
    code: str = Field(pattern=_CODE)
    name: str
    name_en: str = ""  # the English interface's name (optional)
    when: SqlText


class Indicator(_Entry):
    code: str = Field(pattern=_CODE)
    name: str
    name_en: str = ""  # the English interface's name (optional)
    group: str
    expr: SqlText
    weights: dict[str, float]
    bonus: bool = False
    note: str = ""
    note_en: str = ""


class Exclusion(_Entry):
    code: str = Field(pattern=_CODE)
    name: str
    name_en: str = ""  # the English interface's name (optional)
    when: SqlText


class Tier(_Entry):
    code: str = Field(pattern=_CODE)
    name: str
    name_en: str = ""  # the English interface's name (optional)
    top: float


class PointsModel(_Entry):
    code: str = Field(min_length=1)
    name: str = Field(min_length=1)
    name_en: str = ""
    status: Literal["sample", "official"] = "sample"
    scale: float | None = None
    note: str = ""
    note_en: str = ""
    groups: list[Group] | None = None
    stages: list[Stage] = Field(min_length=1)
    indicators: list[Indicator] = Field(min_length=1)
    exclusions: list[Exclusion] = []
    tiers: list[Tier] = []

    @property
    def is_sample(self) -> bool:
        return self.status == "sample"

    def group_list(self) -> list[Group]:
        if self.groups is not None:
            return list(self.groups)
        return [Group(code=c, name=n, name_en=DEFAULT_GROUPS_EN.get(c, "")) for c, n in DEFAULT_GROUPS]

    def output_columns(self) -> list[str]:
        """The score output's columns, in order."""
        return [*FIXED_COLUMNS, *(f"{i.code}_points" for i in self.indicators)]

    def content_hash(self) -> str:
        """SHA-256 of the validated content (key order and YAML layout do not matter)."""
        text = json.dumps(self.model_dump(mode="json"), ensure_ascii=False, sort_keys=True)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()


# ----------------------------------------------------------------------------------------------
# Validation
# ----------------------------------------------------------------------------------------------

_PYDANTIC_ZH = {
    "missing": "缺少必填项",
    "extra_forbidden": "不认识的键（积分模型的格式见 docs/decisions/0007-points-scoring.md）",
    "string_type": "须为文本",
    "float_type": "须为数字",
    "float_parsing": "须为数字",
    "int_parsing": "须为整数",
    "bool_type": "须为 true 或 false",
    "bool_parsing": "须为 true 或 false",
    "dict_type": "须为映射（阶段编号: 权重）",
    "list_type": "须为列表",
    "model_type": "须为映射（键: 值）",
    "too_short": "不能为空",
    "string_too_short": "不能为空",
    "string_pattern_mismatch": "编号只能由英文字母、数字和下划线组成，且不以数字开头",
    "literal_error": "取值须为 sample 或 official",
}


def _path(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "（顶层）"


def _pydantic_problems(exc: ValidationError) -> list[str]:
    problems = []
    for e in exc.errors():
        loc = tuple(e["loc"])
        message = _PYDANTIC_ZH.get(e["type"], e["msg"])
        problems.append(f"{_path(loc)}：{message}")
    return problems


@functools.lru_cache(maxsize=1)
def derived_schema() -> pl.Schema:
    """The columns (and types) an expression may use: registry, facts of Y, derived columns."""
    registry = pl.DataFrame(schema={c.name: c.dtype for c in REGISTRY_COLUMNS})
    facts = pl.DataFrame(schema={c.name: c.dtype for c in FACT_COLUMNS})
    return derive_lazy(registry, facts, 2024).select(derived_names()).collect_schema()


def _check_expr(where: str, sql: str, kind: Literal["condition", "value"]) -> str | None:
    """None when the expression is good, else the Chinese problem."""
    vocab = rule_vocabulary()
    try:
        expr = pl.sql_expr(sql)
        names = expr.meta.root_names()
    except Exception as exc:  # polars raises several kinds of SQL errors
        return f"{where}：表达式无法解析「{sql}」（{exc}）"
    unknown = [n for n in names if n not in vocab]
    if unknown:
        return (
            f"{where}：使用了未知的列 {'、'.join(dict.fromkeys(unknown))}（表达式「{sql}」）；"
            "可用的列见 contracts/enterprise-data.md"
        )
    try:
        dtype = pl.LazyFrame(schema=derived_schema()).select(expr.alias("x")).collect_schema()["x"]
    except Exception as exc:
        return f"{where}：表达式无法计算「{sql}」（{exc}）"
    if kind == "condition" and dtype not in (pl.Boolean, pl.Null):
        return f"{where}：条件「{sql}」的结果须为是/否（布尔值），而不是 {dtype}"
    if kind == "value" and not (dtype.is_numeric() or dtype in (pl.Boolean, pl.Null)):
        return f"{where}：指标值「{sql}」须为数值，而不是 {dtype}"
    return None


def _duplicates(entries: list[Any], section: str) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for i, e in enumerate(entries):
        if e.code in seen:
            out.append(f"{section}[{i}].code：编号 {e.code} 重复（与 {section}[{seen[e.code]}] 相同）")
        else:
            seen[e.code] = i
    return out


def check_model(m: PointsModel) -> PointsModel:
    """Every check beyond the schema; raises PointsModelError listing every problem."""
    problems: list[str] = []
    for section, entries in (
        ("groups", m.groups or []),
        ("stages", m.stages),
        ("indicators", m.indicators),
        ("exclusions", m.exclusions),
        ("tiers", m.tiers),
    ):
        problems += _duplicates(list(entries), section)
    stage_codes = [s.code for s in m.stages]
    group_codes = [g.code for g in m.group_list()]
    for i, s in enumerate(m.stages):
        problem = _check_expr(f"stages[{i}].when（阶段 {s.code} {s.name}）", s.when, "condition")
        if problem:
            problems.append(problem)
    for i, e in enumerate(m.exclusions):
        if e.code == NO_FACTS:
            problems.append(f"exclusions[{i}].code：{NO_FACTS} 是保留编号（无当年数据），请换一个编号")
        problem = _check_expr(f"exclusions[{i}].when（排除项 {e.code} {e.name}）", e.when, "condition")
        if problem:
            problems.append(problem)
    for i, ind in enumerate(m.indicators):
        tag = f"（指标 {ind.code} {ind.name}）"
        if ind.group not in group_codes:
            problems.append(
                f"indicators[{i}].group：分组 {ind.group} 不在模型的分组中（可用：{'、'.join(group_codes)}）{tag}"
            )
        problem = _check_expr(f"indicators[{i}].expr{tag}", ind.expr, "value")
        if problem:
            problems.append(problem)
        for code in stage_codes:
            if code not in ind.weights:
                problems.append(f"indicators[{i}].weights：缺少阶段 {code} 的权重{tag}")
        for code, w in ind.weights.items():
            if code not in stage_codes:
                problems.append(
                    f"indicators[{i}].weights：阶段 {code} 不在 stages 中（可用：{'、'.join(stage_codes)}）{tag}"
                )
            elif not math.isfinite(w) or w < 0:
                problems.append(f"indicators[{i}].weights.{code}：权重须为不小于 0 的数，而不是 {w}{tag}")
    if m.scale is not None:
        if not math.isfinite(m.scale) or m.scale <= 0:
            problems.append(f"scale：满分须为正数，而不是 {m.scale}")
        else:
            for i, s in enumerate(m.stages):
                total = math.fsum(ind.weights.get(s.code, 0.0) for ind in m.indicators if not ind.bonus)
                if abs(total - m.scale) > SCALE_TOLERANCE * max(1.0, abs(m.scale)):
                    problems.append(
                        f"stages[{i}]（阶段 {s.code} {s.name}）：各指标的权重合计为 {total:g}，"
                        f"不等于 scale {m.scale:g}（加分指标 bonus 不计入）"
                    )
    previous = 0.0
    for i, t in enumerate(m.tiers):
        if not (0 < t.top <= 1):
            problems.append(f"tiers[{i}].top：须大于 0 且不大于 1（排名比例），而不是 {t.top}")
        elif t.top <= previous:
            problems.append(
                f"tiers[{i}].top：层级须按 top 从小到大排列（{t.top} 不大于前一层级的 {previous}）"
            )
        else:
            previous = t.top
    if problems:
        raise PointsModelError(f"积分模型 {m.code}（{m.name}）有误：" + "；".join(problems))
    return m


def read_model_text(source: str | Path) -> str:
    """The YAML text of a model file (a path), or the text itself."""
    if isinstance(source, Path) or ("\n" not in source and source.endswith((".yaml", ".yml"))):
        path = Path(source)
        try:
            return path.read_text(encoding="utf-8")
        except OSError as exc:
            raise PointsModelError(f"无法读取积分模型文件 {path}：{exc}") from exc
        except UnicodeDecodeError as exc:
            raise PointsModelError(f"积分模型文件 {path} 不是 UTF-8 文本：{exc}") from exc
    return source


def parse_model(text: str) -> PointsModel:
    """Validate the YAML text of a model; raise PointsModelError in Chinese."""
    try:
        data = yaml.load(text, Loader=SAFE_LOADER)
    except yaml.YAMLError as exc:
        raise PointsModelError(f"积分模型文件不是合法的 YAML：{exc}") from exc
    if not isinstance(data, dict):
        raise PointsModelError("积分模型文件的顶层须为映射（code、name、stages、indicators …）")
    try:
        model = PointsModel.model_validate(data)
    except ValidationError as exc:
        code = data.get("code", "?")
        raise PointsModelError(f"积分模型 {code} 格式错误：" + "；".join(_pydantic_problems(exc))) from exc
    return check_model(model)


def load_model(source: str | Path) -> PointsModel:
    """Load and check one points model from a path or from YAML text."""
    return parse_model(read_model_text(source))


def sample_model_path() -> Path:
    """The sample model shipped with kechuang (found without importing the Django app)."""
    import kechuang

    return Path(kechuang.__file__).parent / "points" / "models" / "dongguan-sample-2026.yaml"
