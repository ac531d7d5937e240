"""Credit products as data (金融推荐): the YAML schema, its validation and its evaluation.

A product file (one per product, ``src/kechuang/finance/products/*.yaml``)::

    code: kelian_dai                     # letters, digits, _ (not starting with a digit)
    name: 科链贷
    bank: bank_icbc_dg                   # the lending (or guaranteeing) institution's org code
    status: sample                       # sample (示例, until the bank confirms) | confirmed
    kind: loan                           # loan (贷款) | guarantee (担保)
    summary: 一句话说明
    eligibility:                         # every condition must be true (NULL is false)
      - {code: scored, name: 已参评创新积分, when: "scored"}
    credit_line:                         # 万元; the result is clipped to [min, max]
      expr: "points_100 * 5 + invention_patents * 10"
      max: 1000
    term_months: {min: 6, max: 36}
    rate: {min: 3.0, max: 4.5}           # 年化利率 %
    fields: [name, revenue, invention_patents]   # what the bank sees (with the enterprise's consent)

``name_en``, ``summary_en``, the conditions' ``name_en`` and the credit line's ``note_en`` are optional
English texts for the English interface (decision 0023).

Conditions and the credit-line expression are SQL over the rule vocabulary (registry, facts of Y,
derived columns) and the points columns (``FINANCE_COLUMNS``), parsed with ``pl.sql_expr`` and tried
on an empty frame when the file is loaded, as the points model's expressions are. Errors are Chinese
and name the entry and the field. Pure: no Django import.
"""

from __future__ import annotations

import functools
import hashlib
import json
import math
from pathlib import Path
from typing import Any, Literal

import polars as pl
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from kechuang.engine.points.model import (
    SqlText,  # YAML's TRUE / 1 taken as SQL text, as in the points model
    derived_schema,
)
from kechuang.engine.rules.ruleset import SAFE_LOADER
from kechuang.engine.vocabulary import rule_vocabulary

_CODE = r"^[A-Za-z_][A-Za-z0-9_]*$"

# The points columns a product may use besides the rule vocabulary: name → (dtype, Chinese).
FINANCE_COLUMNS: dict[str, tuple[pl.DataType, str]] = {
    "scored": (pl.Boolean(), "已参评（有当年数据且未被排除）"),
    "excluded": (pl.Utf8(), "未参评原因代码"),
    "stage": (pl.Utf8(), "积分阶段代码（startup / growth / mature）"),
    "points": (pl.Float64(), "创新积分（模型原始分制，示例模型为千分制）"),
    "points_100": (pl.Float64(), "创新积分折算为百分制（points ÷ scale × 100）"),
    "rank": (pl.Int64(), "阶段内排名"),
    "cohort_size": (pl.Int64(), "阶段内参评企业数"),
    "top_share": (pl.Float64(), "排名比例（rank ÷ cohort_size）"),
    "tier": (pl.Utf8(), "积分层级代码（leading / competing / advancing）"),
}


class ProductError(ValueError):
    """A product file that cannot be accepted; the message is Chinese and names entry and field."""


class _Entry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Condition(_Entry):
    code: str = Field(pattern=_CODE)
    name: str = Field(min_length=1)
    name_en: str = ""  # the English interface's text (optional; decision 0023)
    when: SqlText


class CreditLine(_Entry):
    expr: SqlText
    max: float
    min: float = 0.0
    note: str = ""
    note_en: str = ""


class Band(_Entry):
    min: float
    max: float


class Product(_Entry):
    code: str = Field(pattern=_CODE)
    name: str = Field(min_length=1)
    name_en: str = ""
    bank: str = Field(min_length=1)
    status: Literal["sample", "confirmed"] = "sample"
    kind: Literal["loan", "guarantee"] = "loan"
    summary: str = ""
    summary_en: str = ""
    eligibility: list[Condition] = Field(min_length=1)
    credit_line: CreditLine
    term_months: Band
    rate: Band
    fields: list[str] = Field(min_length=1)
    note: str = ""

    @property
    def is_sample(self) -> bool:
        return self.status == "sample"

    def content_hash(self) -> str:
        text = json.dumps(self.model_dump(mode="json"), ensure_ascii=False, sort_keys=True)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()


_PYDANTIC_ZH = {
    "missing": "缺少必填项",
    "extra_forbidden": "不认识的键（产品文件的格式见 docs/decisions/0011-finance-app.md）",
    "string_type": "须为文本",
    "float_type": "须为数字",
    "float_parsing": "须为数字",
    "int_parsing": "须为整数",
    "list_type": "须为列表",
    "model_type": "须为映射（键: 值）",
    "too_short": "不能为空",
    "string_too_short": "不能为空",
    "string_pattern_mismatch": "编号只能由英文字母、数字和下划线组成，且不以数字开头",
    "literal_error": "取值不在允许范围内",
}


def _path(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else ("." if out else "") + str(part)
    return out or "（顶层）"


@functools.lru_cache(maxsize=1)
def finance_schema() -> pl.Schema:
    """The columns a product's SQL may use: the derived schema plus the points columns."""
    schema = dict(derived_schema())
    schema.update({name: dtype for name, (dtype, _zh) in FINANCE_COLUMNS.items()})
    return pl.Schema(schema)


def finance_vocabulary() -> frozenset[str]:
    return rule_vocabulary() | frozenset(FINANCE_COLUMNS)


def _check_expr(where: str, sql: str, kind: Literal["condition", "value"]) -> str | None:
    try:
        expr = pl.sql_expr(sql)
        names = expr.meta.root_names()
    except Exception as exc:  # polars raises several kinds of SQL errors
        return f"{where}：表达式无法解析「{sql}」（{exc}）"
    unknown = [n for n in names if n not in finance_vocabulary()]
    if unknown:
        return (
            f"{where}：使用了未知的列 {'、'.join(dict.fromkeys(unknown))}（表达式「{sql}」）；"
            "可用的列为企业数据字段、派生字段与积分字段（points、points_100、stage、tier …）"
        )
    try:
        dtype = pl.LazyFrame(schema=finance_schema()).select(expr.alias("x")).collect_schema()["x"]
    except Exception as exc:
        return f"{where}：表达式无法计算「{sql}」（{exc}）"
    if kind == "condition" and dtype not in (pl.Boolean, pl.Null):
        return f"{where}：条件「{sql}」的结果须为是/否（布尔值），而不是 {dtype}"
    if kind == "value" and not dtype.is_numeric():
        return f"{where}：额度公式「{sql}」的结果须为数值，而不是 {dtype}"
    return None


def check_product(p: Product, visible_fields: frozenset[str]) -> Product:
    """Every check beyond the schema; raises ProductError listing every problem."""
    problems: list[str] = []
    seen: dict[str, int] = {}
    for i, c in enumerate(p.eligibility):
        tag = f"（条件 {c.code} {c.name}）"
        if c.code in seen:
            problems.append(
                f"eligibility[{i}].code：编号 {c.code} 重复（与 eligibility[{seen[c.code]}] 相同）"
            )
        seen.setdefault(c.code, i)
        if problem := _check_expr(f"eligibility[{i}].when{tag}", c.when, "condition"):
            problems.append(problem)
    if problem := _check_expr("credit_line.expr", p.credit_line.expr, "value"):
        problems.append(problem)
    line = p.credit_line
    if not (math.isfinite(line.max) and line.max > 0):
        problems.append(f"credit_line.max：额度上限须为正数（万元），而不是 {line.max:g}")
    if not (math.isfinite(line.min) and 0 <= line.min <= line.max):
        problems.append(f"credit_line.min：额度下限须在 0 与上限之间，而不是 {line.min:g}")
    for key, band, low, high in (("term_months", p.term_months, 1, 600), ("rate", p.rate, 0, 100)):
        if not (low <= band.min <= band.max <= high):
            problems.append(f"{key}：须满足 {low} ≤ min ≤ max ≤ {high}，而不是 {band.min:g}–{band.max:g}")
    for i, name in enumerate(p.fields):
        if name not in visible_fields:
            problems.append(
                f"fields[{i}]：{name} 不是可向银行提供的字段（可用：{'、'.join(sorted(visible_fields))}）"
            )
    if len(set(p.fields)) != len(p.fields):
        problems.append("fields：字段重复")
    if problems:
        raise ProductError(f"金融产品 {p.code}（{p.name}）有误：" + "；".join(problems))
    return p


def parse_product(text: str, visible_fields: frozenset[str]) -> Product:
    """Validate the YAML text of one product; raise ProductError in Chinese."""
    try:
        data = yaml.load(text, Loader=SAFE_LOADER)
    except yaml.YAMLError as exc:
        raise ProductError(f"金融产品文件不是合法的 YAML：{exc}") from exc
    if not isinstance(data, dict):
        raise ProductError("金融产品文件的顶层须为映射（code、name、bank、eligibility …）")
    try:
        product = Product.model_validate(data)
    except ValidationError as exc:
        code = data.get("code", "?")
        problems = [
            f"{_path(tuple(e['loc']))}：{_PYDANTIC_ZH.get(e['type'], e['msg'])}" for e in exc.errors()
        ]
        raise ProductError(f"金融产品 {code} 格式错误：" + "；".join(problems)) from exc
    return check_product(product, visible_fields)


def load_product(path: Path, visible_fields: frozenset[str]) -> Product:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ProductError(f"无法读取金融产品文件 {path}：{exc}") from exc
    try:
        return parse_product(text, visible_fields)
    except ProductError as exc:
        raise ProductError(f"{Path(path).name}：{exc}") from exc


# ----------------------------------------------------------------------------------------------
# Evaluation
# ----------------------------------------------------------------------------------------------


def finance_frame(derived: pl.DataFrame, scores: pl.DataFrame, scale: float) -> pl.DataFrame:
    """The derived enterprise columns of year Y joined with that year's scores (one row per enterprise)."""
    wanted = [c for c in FINANCE_COLUMNS if c in scores.columns and c not in ("scored", "points_100")]
    joined = derived.join(scores.select("credit_code", *wanted), on="credit_code", how="left")
    return joined.with_columns(
        scored=pl.col("excluded").is_null() & pl.col("points").is_not_null(),
        points_100=pl.col("points") / float(scale) * 100.0,
    )


def evaluate(frame: pl.DataFrame, products: list[Product]) -> pl.DataFrame:
    """One row per enterprise × product: credit_code, product, eligible, line (万元), checks.

    ``checks`` lists each eligibility condition's result in file order (NULL counts as false);
    ``line`` is the credit-line formula clipped to [min, max], computed for every enterprise so that
    a failing one sees what it would get. In the formula a missing number counts as 0 (one missing
    IP count must not zero the whole line); a formula that is still NULL or NaN gives 0.
    """
    if not products:
        return pl.DataFrame(
            schema={
                "credit_code": pl.Utf8,
                "product": pl.Utf8,
                "eligible": pl.Boolean,
                "line": pl.Float64,
                "checks": pl.List(pl.Boolean),
            }
        )
    numeric = [c for c, dtype in frame.schema.items() if dtype.is_numeric()]
    zeroed = frame.with_columns(pl.col(numeric).fill_null(0))
    parts = []
    for p in products:
        checks = [pl.sql_expr(c.when).fill_null(False) for c in p.eligibility]
        line = pl.sql_expr(p.credit_line.expr).cast(pl.Float64).fill_nan(None).fill_null(0.0)
        verdict = frame.select(
            pl.col("credit_code"),
            pl.lit(p.code).alias("product"),
            pl.all_horizontal(checks).alias("eligible"),
            pl.concat_list(checks).alias("checks"),
        )
        amount = zeroed.select(line.clip(p.credit_line.min, p.credit_line.max).round(1).alias("line"))
        parts.append(
            pl.concat([verdict, amount], how="horizontal").select(
                "credit_code", "product", "eligible", "line", "checks"
            )
        )
    return pl.concat(parts)
