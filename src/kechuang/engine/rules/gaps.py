"""Verdicts for ONE enterprise: each condition with its status, value, threshold and gap in Chinese.

``explain(row_or_frames, rulesets, year)`` runs the same vectorised engine as qualify() on a single
row, then reads back every intermediate column and turns it into sentences such as
「研发费用占比 3.2%，需 ≥ 4%：近三年研发费用还差 86.4 万元」, and the same sentence in English
(``text_en``, from the rule set's ``*_en`` texts; the Chinese ones where a rule file has none).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any, Literal

import polars as pl
from pydantic import BaseModel

from kechuang.engine.enterprise_labels import ELIGIBILITY_LABELS, OPERATOR_SYMBOLS, unit_en
from kechuang.engine.rules.backend import PolarsBackend
from kechuang.engine.rules.branches import blank_branches
from kechuang.engine.rules.derive import derive, derived_names
from kechuang.engine.rules.evaluate import (
    ELIGIBILITY,
    NO,
    POSSIBLE,
    UNKNOWN,
    YES,
    bracket_condition,
    cond_col,
    item_col,
    output_columns,
    overall_col,
    route_col,
    score_col,
)
from kechuang.engine.rules.qualify import resolve_rulesets, with_rule_columns
from kechuang.engine.rules.ruleset import Condition, Gap, Ruleset, ScoreItem, Shortfall
from kechuang.engine.vocabulary import DERIVED_COLUMNS, DERIVED_COLUMNS_EN, FACTS_BY_NAME, REGISTRY_BY_NAME

ConditionStatus = Literal["pass", "fail", "missing", "possible"]
_STATUS = {YES: "pass", NO: "fail", UNKNOWN: "missing", POSSIBLE: "possible"}
_OPS = OPERATOR_SYMBOLS

# Which facts (and which years) a derived column is made of, to name a missing input precisely.
# "used": the years used (Y−2..Y or fewer); "Y": the evaluation year; integers: years back from Y.
_SOURCES: dict[str, tuple[tuple[str, ...], str | tuple[int, ...]]] = {
    "revenue_3y": (("revenue",), "used"),
    "rd_expense_3y": (("rd_expense",), "used"),
    "rd_expense_domestic_3y": (("rd_expense_domestic",), "used"),
    "rd_ratio_3y": (("revenue", "rd_expense"), "used"),
    "domestic_rd_share_3y": (("rd_expense", "rd_expense_domestic"), "used"),
    "standards_led_3y": (("standards_led",), "used"),
    "conversions_avg_3y": (("conversions",), "used"),
    "net_asset_growth": (("net_assets",), "used"),
    "revenue_growth": (("revenue",), "used"),
    "hightech_revenue_share": (("hightech_revenue", "revenue"), "Y"),
    "tech_staff_share": (("tech_staff", "employees"), "Y"),
    "rd_to_revenue": (("rd_expense", "revenue"), "Y"),
    "rd_to_cost": (("rd_expense", "total_cost"), "Y"),
    "revenue_base": (("revenue",), (2,)),
    "revenue_yoy": (("revenue",), (0, 1)),
    "revenue_cagr_2y": (("revenue",), (0, 2)),
}


class ConditionVerdict(BaseModel):
    id: str
    label: str
    label_en: str = ""
    kind: Literal["condition", "route", "score"]
    status: ConditionStatus
    actual: float | None = None
    threshold: float | None = None
    op: str | None = None
    unit: str = ""
    shortfall: float | None = None
    text: str
    text_en: str = ""
    missing: list[str] = []
    missing_en: list[str] = []
    verification: str = "VERIFIED"
    note: str = ""
    note_en: str = ""


class ScoreItemVerdict(BaseModel):
    group_id: str
    group_label: str
    group_label_en: str = ""
    id: str
    label: str
    label_en: str = ""
    points_max: float
    min: float
    max: float
    judged: bool
    missing: bool
    actual: float | None = None
    unit: str = ""
    bracket: str = ""
    bracket_en: str = ""
    verification: str = "VERIFIED"
    note: str = ""
    note_en: str = ""


class Verdict(BaseModel):
    code: str
    name: str
    name_en: str = ""
    version: str
    sample: bool
    sample_note: str = ""
    sample_note_en: str = ""
    eligible: Literal["no", "unknown", "possible", "yes"]
    score_min: float | None = None
    score_max: float | None = None
    pass_mark: str | None = None
    failed: str
    conditions: list[ConditionVerdict]
    routes: list[ConditionVerdict] = []
    direct_route: bool = False
    score_items: list[ScoreItemVerdict] = []
    judged_items: list[str] = []
    declarations: list[dict[str, str]] = []
    flagged: list[dict[str, str]] = []
    summary: str = ""


# ----------------------------------------------------------------------------------------------
# Formatting
# ----------------------------------------------------------------------------------------------


def _num(v: float, decimals: int = 2) -> str:
    text = f"{v:.{decimals}f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def fmt(v: float | None, unit: str) -> str:
    if v is None:
        return "—"
    if unit == "%":
        return f"{_num(v * 100)}%"
    return f"{_num(v)} {unit}".strip()


def fmt_en(v: float | None, unit: str) -> str:
    """``fmt`` with the unit in English (万元 → CNY 10k …), singular for a value shown as 1 (1 year)."""
    if v is None or unit == "%":
        return fmt(v, unit)
    return fmt(v, unit_en(unit, float(_num(v))))


def _points(v: float) -> str:
    return _num(v)


def _points_en(v: float) -> str:
    """「3 分」 in English: "3 points", "1 point"."""
    return fmt_en(v, "分")


def shortfall_text_en(shortfall: Shortfall, value: float) -> str:
    """The English shortfall sentence for ``value``: the singular template for 1, else ``text_en``
    (the Chinese template for a rule file without English)."""
    shown = _num(value)
    template = (shortfall.text_en_one if shown == "1" else "") or _en(shortfall, "text")
    return template.format(value=shown)


def _en(obj: Any, field: str = "label") -> str:
    """The English twin of a rule-file text (``<field>_en``), else the Chinese text."""
    return getattr(obj, f"{field}_en", "") or getattr(obj, field, "")


def _compare(a: float, op: str, b: float) -> bool:
    return {
        ">=": a >= b,
        ">": a > b,
        "<=": a <= b,
        "<": a < b,
        "=": a == b,
        "!=": a != b,
    }[op]


# ----------------------------------------------------------------------------------------------
# Input
# ----------------------------------------------------------------------------------------------


def _derived_row(
    row_or_frames: Any, year: int, credit_code: str | None
) -> tuple[pl.DataFrame, pl.DataFrame | None]:
    """(one derived row, that enterprise's facts or None)."""
    facts: pl.DataFrame | None = None
    if isinstance(row_or_frames, tuple):
        registry, facts = row_or_frames
        registry, facts = registry.lazy().collect(), facts.lazy().collect()
        if credit_code is not None:
            registry = registry.filter(pl.col("credit_code") == credit_code)
        if registry.height != 1:
            raise ValueError(
                f"explain() 只评估一家企业，企业名录中有 {registry.height} 行；请指定 credit_code"
            )
        code = registry["credit_code"][0]
        facts = facts.filter(pl.col("credit_code") == code)
        return derive(registry, facts, year), facts
    if isinstance(row_or_frames, Mapping):
        empty = derive(
            pl.DataFrame({"credit_code": []}, schema={"credit_code": pl.Utf8}), pl.DataFrame(), year
        )
        values = {k: [row_or_frames.get(k)] for k in derived_names()}
        return pl.DataFrame(values, schema=empty.schema), None
    frame = row_or_frames.lazy().collect()
    if credit_code is not None:
        frame = frame.filter(pl.col("credit_code") == credit_code)
    if frame.height != 1:
        raise ValueError(f"explain() 只评估一家企业，收到 {frame.height} 行")
    return frame, None


def _column_label(name: str, english: bool = False) -> str:
    column = REGISTRY_BY_NAME.get(name) or FACTS_BY_NAME.get(name)
    if column is not None:
        return (english and column.header_en) or column.header_zh
    return (english and DERIVED_COLUMNS_EN.get(name)) or DERIVED_COLUMNS.get(name, name)


def _year_of(year: int, name: str, english: bool) -> str:
    return f"{year} {_column_label(name, True)}" if english else f"{year} 年{_column_label(name)}"


class _Row:
    """One enterprise's derived values and intermediate results, plus its facts by year."""

    def __init__(self, values: dict[str, Any], facts: pl.DataFrame | None, year: int) -> None:
        self.values, self.year = values, year
        self.facts = {r["year"]: r for r in facts.iter_rows(named=True)} if facts is not None else None

    def __getitem__(self, name: str) -> Any:
        return self.values.get(name)

    def missing_inputs(
        self, roots: Iterable[str], params: dict[str, str], english: bool = False
    ) -> list[str]:
        out: list[str] = []
        for name in dict.fromkeys(roots):
            if self.values.get(name) is not None:
                continue
            if name in params:
                out.append(params[name])
            elif self.facts is not None and name in _SOURCES:
                out += self._missing_facts(name, english) or [_column_label(name, english)]
            elif self.facts is not None and name in FACTS_BY_NAME:
                out.append(_year_of(self.year, name, english))
            else:
                out.append(_column_label(name, english))
        return list(dict.fromkeys(out))

    def _missing_facts(self, derived: str, english: bool = False) -> list[str]:
        columns, years = _SOURCES[derived]
        if years == "used":
            back = range(int(self.values.get("years_used") or 3))
        elif years == "Y":
            back = range(1)
        else:
            back = years  # type: ignore[assignment]
        found = []
        assert self.facts is not None
        for b in sorted(back, reverse=True):
            y = self.year - b
            for col in columns:
                if self.facts.get(y, {}).get(col) is None:
                    found.append(_year_of(y, col, english))
        return found


# ----------------------------------------------------------------------------------------------
# Verdicts
# ----------------------------------------------------------------------------------------------


def _gap_exprs(prefix: str, gap: Gap | None) -> list[pl.Expr]:
    if gap is None:
        return []
    out = []
    for part, text in (
        ("measure", gap.measure),
        ("threshold", gap.threshold if isinstance(gap.threshold, str) else None),
        ("denominator", gap.denominator),
        ("shortfall", gap.shortfall.expr if gap.shortfall else None),
    ):
        if text:
            out.append(pl.sql_expr(text).cast(pl.Float64).alias(f"{prefix}__{part}"))
    return out


def _condition_verdict(
    rs: Ruleset,
    cond: Condition,
    kind: str,
    status: int,
    row: _Row,
    prefix: str,
    params: dict[str, str],
    params_en: dict[str, str],
) -> ConditionVerdict:
    gap = cond.gap or Gap(label=cond.label, label_en=cond.label_en)
    actual = row[f"{prefix}__measure"] if gap.measure else None
    threshold = row[f"{prefix}__threshold"] if isinstance(gap.threshold, str) else gap.threshold
    shortfall = row[f"{prefix}__shortfall"] if gap.shortfall else None
    if shortfall is not None and gap.shortfall and gap.shortfall.rounding == "ceil":
        shortfall = float(math.ceil(shortfall - 1e-9))
    op = _OPS.get(gap.op or "", "")
    head = f"{gap.label} {fmt(actual, gap.unit)}，需 {op} {fmt(threshold, gap.unit)}"
    label_en, cond_en = _en(gap), _en(cond)
    head_en = f"{label_en} {fmt_en(actual, gap.unit)}, needs {op} {fmt_en(threshold, gap.unit)}"
    measurable = actual is not None and threshold is not None and gap.op is not None
    missing: list[str] = []
    missing_en: list[str] = []
    if status == YES:
        met = measurable and _compare(actual, gap.op, threshold)
        text = f"{head}：符合" if met else f"{cond.label}：符合"
        text_en = f"{head_en}: met" if met else f"{cond_en}: met"
    elif status == UNKNOWN:
        # only the blank inputs of the branches still undecided: those that would change the answer
        branches = blank_branches(cond.expr)
        roots = [n for k, (names, _) in enumerate(branches) if row[f"{prefix}__blank__{k}"] for n in names]
        roots = roots or pl.sql_expr(cond.expr).meta.root_names()
        for p in rs.parameters:
            if p.id in roots:
                roots += pl.sql_expr(p.by).meta.root_names()
        missing = row.missing_inputs(roots, params)
        missing_en = row.missing_inputs(roots, params_en, english=True)
        text = f"{gap.label}：缺少数据（{'、'.join(missing)}）"
        text_en = f"{label_en}: data missing ({', '.join(missing_en)})"
    elif gap.denominator and row[f"{prefix}__denominator"] == 0:
        text = f"{gap.label}：{gap.denominator_label or '分母'}为 0，比例按不符合处理"
        denominator_en = gap.denominator_label_en or gap.denominator_label or "the denominator"
        text_en = f"{label_en}: {denominator_en} is 0, so the ratio counts as not met"
    elif measurable and not _compare(actual, gap.op, threshold):
        text, text_en = head, head_en
        if shortfall is not None and shortfall > 0 and gap.shortfall:
            text += "：" + gap.shortfall.text.format(value=_num(shortfall))
            text_en += ": " + shortfall_text_en(gap.shortfall, shortfall)
    elif measurable:
        text = f"{cond.label}：不符合（{gap.label} {fmt(actual, gap.unit)}）"
        text_en = f"{cond_en}: not met ({label_en} {fmt_en(actual, gap.unit)})"
    else:
        text = gap.fail_text or f"{cond.label}：不符合"
        # without an English fail text, the English label says "not met" (else the Chinese sentence)
        text_en = gap.fail_text_en or (
            gap.fail_text if gap.fail_text and not cond.label_en else f"{cond_en}: not met"
        )
    return ConditionVerdict(
        id=cond.id,
        label=cond.label,
        label_en=cond.label_en,
        kind=kind,  # type: ignore[arg-type]
        status=_STATUS[status],  # type: ignore[arg-type]
        actual=actual,
        threshold=threshold,
        op=gap.op,
        unit=gap.unit,
        shortfall=shortfall if status == NO else None,
        text=text,
        text_en=text_en,
        missing=missing,
        missing_en=missing_en,
        verification=rs.status_of(cond),
        note=cond.note,
        note_en=cond.note_en,
    )


def _score_verdict(rs: Ruleset, row: _Row, items: list[ScoreItemVerdict]) -> ConditionVerdict:
    score = rs.score
    assert score is not None
    lo, hi = row[score_col(rs, "lo")], row[score_col(rs, "hi")]
    status = row[cond_col(rs, score.id)]
    op, mark = score.passing.op, score.passing.mark
    rng = f"{_points(lo)} 分" if lo == hi else f"{_points(lo)}–{_points(hi)} 分"
    need = f"需 {_OPS[op]} {_points(mark)} 分"
    short = score.measure_label
    missing = [i.label for i in items if i.missing]
    rng_en = _points_en(lo) if lo == hi else f"{_points(lo)}–{_points(hi)} points"
    head_en = f"{_en(score, 'measure_label')} {rng_en}, needs {_OPS[op]} {_points_en(mark)}"
    missing_en = [i.label_en or i.label for i in items if i.missing]
    if status == YES:
        text = f"{short} {rng}，{need}：符合"
        text_en = f"{head_en}: met"
    elif status == POSSIBLE:
        text = f"{short} {rng}，{need}：取决于专家评分"
        text_en = f"{head_en}: depends on the experts' scores"
    elif status == UNKNOWN:
        text = f"{short} {rng}，{need}：缺少数据（{'、'.join(missing)}）"
        text_en = f"{head_en}: data missing ({', '.join(missing_en)})"
    else:
        gap = mark - hi + (1 if op == ">" else 0)
        if lo == hi:
            text = f"{short} {rng}，{need}：还差 {_points(gap)} 分"
            text_en = f"{head_en}: {_points_en(gap)} short"
        else:
            text = f"{short}最高 {_points(hi)} 分，{need}：即使专家评分取最高仍差 {_points(gap)} 分"
            text_en = (
                f"{_en(score, 'measure_label')} at most {_points_en(hi)}, needs {_OPS[op]} "
                f"{_points_en(mark)}: {_points_en(gap)} short even with the experts' highest scores"
            )
    return ConditionVerdict(
        id=score.id,
        label=score.label,
        label_en=score.label_en,
        kind="score",
        status=_STATUS[status],  # type: ignore[arg-type]
        actual=hi if lo == hi else None,
        threshold=mark,
        op=op,
        unit="分",
        text=text,
        text_en=text_en,
        missing=missing,
        missing_en=missing_en,
        verification=rs.status_of(score),
        note=score.note,
        note_en=score.note_en,
    )


def _item_verdicts(rs: Ruleset, row: _Row) -> list[ScoreItemVerdict]:
    out = []
    assert rs.score is not None
    for group, item in rs.score.items():
        tables = item.tables()
        labels, labels_en = [], []
        for t, (_, brackets) in enumerate(tables):
            for k, b in enumerate(brackets):
                hit = row[f"{rs.code}__b__{item.id}__{t}__{k}"]
                if hit:
                    labels.append(b.label)
                    labels_en.append(_en(b))
                    break
        missing = bool(row[item_col(rs, item.id, "miss")])
        bracket = "缺少数据" if missing else "；".join(x for x in labels if x)
        bracket_en = "data missing" if missing else "; ".join(x for x in labels_en if x)
        out.append(
            ScoreItemVerdict(
                group_id=group.id,
                group_label=group.label,
                group_label_en=group.label_en,
                id=item.id,
                label=item.label,
                label_en=item.label_en,
                points_max=item.max,
                min=row[item_col(rs, item.id, "lo")],
                max=row[item_col(rs, item.id, "hi")],
                judged=item.judged,
                missing=missing,
                actual=row[f"{rs.code}__m__{item.id}"] if item.measure else None,
                unit=item.unit,
                bracket=bracket,
                bracket_en=bracket_en,
                verification=rs.status_of(item),
                note=item.note,
                note_en=item.note_en,
            )
        )
    return out


def _item_exprs(rs: Ruleset, item: ScoreItem) -> list[pl.Expr]:
    exprs = []
    if item.measure:
        exprs.append(pl.sql_expr(item.measure).cast(pl.Float64).alias(f"{rs.code}__m__{item.id}"))
    for t, (measure, brackets) in enumerate(item.tables()):
        for k, b in enumerate(brackets):
            text = bracket_condition(measure, b)
            hit = pl.sql_expr(text).fill_null(False) if text else pl.lit(True)
            exprs.append(hit.alias(f"{rs.code}__b__{item.id}__{t}__{k}"))
    return exprs


def explain(
    row_or_frames: tuple[pl.DataFrame, pl.DataFrame] | Mapping[str, Any] | pl.DataFrame,
    rulesets: Iterable[Ruleset] | None,
    year: int,
    credit_code: str | None = None,
) -> list[Verdict]:
    """Verdicts for one enterprise, one per rule set.

    `row_or_frames` is (registry, facts) — one enterprise, or pick it with `credit_code` —, a
    one-row frame as derive() returns, or a mapping of derived values (a "what if" form).
    """
    sets = resolve_rulesets(rulesets)
    derived, facts = _derived_row(row_or_frames, year, credit_code)
    lf = with_rule_columns(derived.lazy(), sets)
    extra: list[pl.Expr] = []
    for rs in sets:
        for c in [*rs.conditions, *rs.routes]:
            extra += _gap_exprs(f"{rs.code}__gap__{c.id}", c.gap)
            extra += [
                undecided.alias(f"{rs.code}__gap__{c.id}__blank__{k}")
                for k, (_, undecided) in enumerate(blank_branches(c.expr))
            ]
        if rs.score:
            for _, item in rs.score.items():
                extra += _item_exprs(rs, item)
                if item.require_nonzero:
                    extra += _gap_exprs(
                        f"{rs.code}__gap__{item.require_nonzero.id}", item.require_nonzero.gap
                    )
    outputs = [e.alias(n) for n, e in output_columns(PolarsBackend(), sets, year)]
    values = lf.with_columns(extra).with_columns(outputs).collect().row(0, named=True)
    row = _Row(values, facts, year)
    return [_verdict(rs, row) for rs in sets]


def _verdict(rs: Ruleset, row: _Row) -> Verdict:
    params = {p.id: p.label for p in rs.parameters}
    params_en = {p.id: _en(p) for p in rs.parameters}

    def one(c: Condition, kind: str, col: str) -> ConditionVerdict:
        prefix = f"{rs.code}__gap__{c.id}"
        return _condition_verdict(rs, c, kind, row[col], row, prefix, params, params_en)

    conditions = [one(c, "condition", cond_col(rs, c.id)) for c in rs.conditions]
    routes = [one(r, "route", route_col(rs, r.id)) for r in rs.routes]
    direct = any(r.status == "pass" for r in routes)
    items: list[ScoreItemVerdict] = []
    if rs.score:
        items = _item_verdicts(rs, row)
        conditions.append(_score_verdict(rs, row, items))
        for _, item in rs.score.items():
            req = item.require_nonzero
            if req:
                cond = Condition(
                    id=req.id,
                    label=req.label,
                    label_en=req.label_en,
                    expr=f"({item.measure or 'TRUE'}) IS NOT NULL",
                    gap=req.gap,
                )
                conditions.append(one(cond, "score", cond_col(rs, req.id)))
    eligible = ELIGIBILITY[row[overall_col(rs)]]
    failing = [
        c.text for c in conditions if c.status in ("fail", "missing") and not (direct and c.kind == "score")
    ]
    summary = ELIGIBILITY_LABELS[eligible]
    if direct:
        summary += "（满足直接认定条件）"
    if failing and eligible != "yes":
        summary += "：" + "；".join(failing)
    return Verdict(
        code=rs.code,
        name=rs.name,
        name_en=rs.name_en,
        version=rs.version,
        sample=rs.sample,
        sample_note=rs.sample_note,
        sample_note_en=rs.sample_note_en,
        eligible=eligible,  # type: ignore[arg-type]
        score_min=row[f"{rs.code}_score_min"],
        score_max=row[f"{rs.code}_score_max"],
        pass_mark=f"{_OPS[rs.score.passing.op]} {_points(rs.score.passing.mark)}" if rs.score else None,
        failed=row[f"{rs.code}_failed"],
        conditions=conditions,
        routes=routes,
        direct_route=direct,
        score_items=items,
        judged_items=[i.id for i in items if i.judged],
        declarations=[
            {
                "id": d.id,
                "label": d.label,
                "label_en": d.label_en,
                "status": rs.status_of(d),
                "note": d.note,
                "note_en": d.note_en,
            }
            for d in rs.declarations
        ],
        flagged=rs.flagged_items(),
        summary=summary,
    )
