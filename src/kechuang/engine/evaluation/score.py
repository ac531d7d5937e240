"""Vectorised scoring of a whole cohort with one evaluation template (Polars, no loop over rows).

``score(template, frame, period, history=None)`` takes one row per evaluated subject with the
columns ``id``, ``class`` (a class code of the template), optionally ``level``, and the template's
input columns; ``history`` holds earlier results (``id, period, total, grade``). It returns one row
per subject with, for each indicator, ``<indicator>_value`` and ``<indicator>_points``, then
``base_points, bonus_points, total, grade, grade_label, rank, cohort_size, previous_period,
previous_total, previous_grade, change, failing, consecutive_failures, consequence, next_grade,
points_to_next, lift, lift_en`` (the same advice in English), ``missing`` and, when the template has
rewards, ``reward_<id>`` and ``reward_total`` (万元).
"""

from __future__ import annotations

import polars as pl

from kechuang.engine.evaluation.template import Indicator, Template

KEY = "id"
CLASS = "class"


class EvaluationInputError(ValueError):
    """Input rows that cannot be scored; the message is Chinese and names the row and the field."""


def _num(e: pl.Expr) -> pl.Expr:
    """A number as text without a useless '.0' (12.0 → 12, 0.35 → 0.35)."""
    return e.round(2).cast(pl.Utf8).str.replace(r"\.0$", "")


def _weight(ind: Indicator) -> pl.Expr:
    return pl.col(CLASS).replace_strict(ind.weights, return_dtype=pl.Float64, default=None)


def _share(ind: Indicator, v: pl.Expr) -> pl.Expr:
    """The fraction (0–1) of the indicator's points a value earns; a missing value earns 0."""
    if ind.method == "thresholds":
        expr: pl.Expr | pl.Then | None = None
        last = 0.0
        for s in ind.steps:
            if s.min is None:
                last = s.share
                continue
            expr = (pl.when(v >= s.min) if expr is None else expr.when(v >= s.min)).then(pl.lit(s.share))
        out = pl.lit(last) if expr is None else expr.otherwise(pl.lit(last))
        return pl.when(v.is_null()).then(0.0).otherwise(out)
    if ind.method == "linear":
        low, high = float(ind.low), float(ind.high)  # type: ignore[arg-type]
        return ((v - low) / (high - low)).clip(0.0, 1.0).fill_null(0.0)
    # rank in the cohort of the same class: the best earns all, the last none; ties share the better place
    r = v.rank("min", descending=not ind.lower_is_better).over(CLASS)
    n = v.count().over(CLASS)
    return (
        pl.when(v.is_null())
        .then(0.0)
        .when(n <= 1)
        .then(1.0)
        .otherwise(1.0 - (r - 1).cast(pl.Float64) / (n - 1).cast(pl.Float64))
    )


def _points_en(e: pl.Expr) -> pl.Expr:
    """「3 分」 in English, from an expression: "3 points", "1 point"."""
    shown = _num(e)
    return pl.concat_str(shown, pl.when(shown == "1").then(pl.lit(" point")).otherwise(pl.lit(" points")))


def _suggestion(
    ind: Indicator, v: pl.Expr, points: pl.Expr, w: pl.Expr, gap: pl.Expr
) -> tuple[pl.Expr, pl.Expr, pl.Expr]:
    """(gain, text, English text): the next step of this indicator and the points it would add (null if
    none). The English text uses the template's ``label_en`` / ``unit_en``, else the Chinese ones."""
    unit = ind.unit if ind.unit == "%" else f" {ind.unit}"
    label_en = ind.label_en or ind.label
    unit_en = ind.unit_en or ind.unit
    unit_en = unit_en if unit_en in ("%", "") else f" {unit_en}"
    headroom = w - points
    if ind.method == "thresholds":
        target: pl.Expr | pl.Then | None = None
        gain: pl.Expr | pl.Then | None = None
        for s in sorted((s for s in ind.steps if s.min is not None), key=lambda s: s.min):  # type: ignore[arg-type,return-value]
            hit = v.is_null() | (v < s.min)
            target = (pl.when(hit) if target is None else target.when(hit)).then(pl.lit(s.min))
            gain = (pl.when(hit) if gain is None else gain.when(hit)).then(pl.lit(s.share) * w - points)
        if target is None or gain is None:
            return pl.lit(None, dtype=pl.Float64), pl.lit(None, dtype=pl.Utf8)
        t, g = target.otherwise(None), gain.otherwise(None)
        text = pl.concat_str(
            pl.lit(f"{ind.label}达到 "), _num(t), pl.lit(f"{unit}（+"), _num(g), pl.lit(" 分）")
        )
        text_en = pl.concat_str(
            pl.lit(f"{label_en} reaches "), _num(t), pl.lit(f"{unit_en} (+"), _points_en(g), pl.lit(")")
        )
    elif ind.method == "linear":
        low, high = float(ind.low), float(ind.high)  # type: ignore[arg-type]
        g = pl.min_horizontal(gap, headroom)
        needed = low + ((points + g) / w) * (high - low)
        text = pl.concat_str(
            pl.lit(f"{ind.label}达到 "), _num(needed), pl.lit(f"{unit}（+"), _num(g), pl.lit(" 分）")
        )
        text_en = pl.concat_str(
            pl.lit(f"{label_en} reaches "), _num(needed), pl.lit(f"{unit_en} (+"), _points_en(g), pl.lit(")")
        )
    else:
        g = headroom
        text = pl.concat_str(pl.lit(f"{ind.label}在同类中排名靠前（最多 +"), _num(g), pl.lit(" 分）"))
        text_en = pl.concat_str(
            pl.lit(f"{label_en} ranks higher in its class (up to +"), _points_en(g), pl.lit(")")
        )
    useful = (g > 0.005) & (w > 0)
    return pl.when(useful).then(g), pl.when(useful).then(text), pl.when(useful).then(text_en)


def _column_name(template: Template, col: str) -> str:
    """A column as the user reads it: its code and the template's label for it, e.g.
    ``occupancy_rate（场地使用率）``."""
    labels = [(i.column, i.label) for i in template.indicators] + [
        (b.column, b.label) for b in template.bonus
    ]
    label = next((lab for c, lab in labels if c == col), "")
    return f"{col}（{label}）" if label else col


def _check_input(template: Template, frame: pl.DataFrame) -> None:
    """Refuse the input naming the first bad row as a file or a sheet counts it (the header is row 1,
    the first data row is row 2) and the field."""
    missing = [c for c in (KEY, CLASS, *template.input_columns()) if c not in frame.columns]
    if missing:
        raise EvaluationInputError(f"输入缺少列：{', '.join(missing)}（评价模板 {template.code}）")
    rows = frame.with_row_index("n", offset=2)
    if frame[KEY].null_count():
        row = rows.filter(pl.col(KEY).is_null())["n"][0]
        raise EvaluationInputError(f"第 {row} 行：id 为空")
    dupes = frame.filter(pl.col(KEY).is_duplicated())[KEY].unique().sort().to_list()
    if dupes:
        raise EvaluationInputError(f"id 重复：{', '.join(map(str, dupes[:5]))}")
    bad = rows.filter(~pl.col(CLASS).is_in(list(template.classes)) | pl.col(CLASS).is_null())
    if bad.height:
        n, value = bad["n"][0], bad[CLASS][0]
        allowed = "、".join(f"{k}（{v}）" for k, v in template.classes.items())
        raise EvaluationInputError(f"第 {n} 行 class：不认识的类别「{value}」，可用 {allowed}")
    for col in template.input_columns():
        try:
            cast = frame[col].cast(pl.Float64, strict=False)
        except pl.exceptions.InvalidOperationError:
            cast = frame[col].cast(pl.Utf8).str.strip_chars().cast(pl.Float64, strict=False)
        bad_rows = rows.filter(cast.is_null() & frame[col].is_not_null())
        if frame[col].dtype == pl.Utf8:
            bad_rows = rows.filter(
                frame[col].str.strip_chars().cast(pl.Float64, strict=False).is_null()
                & (frame[col].str.strip_chars().fill_null("") != "")
            )
        if bad_rows.height:
            raise EvaluationInputError(
                f"第 {bad_rows['n'][0]} 行 {_column_name(template, col)}："
                f"「{str(bad_rows[col][0])[:50]}」不是数字"
            )


def score(
    template: Template, frame: pl.DataFrame, period: str, history: pl.DataFrame | None = None
) -> pl.DataFrame:
    """Score every row of ``frame`` with ``template`` for ``period`` (see the module docstring)."""
    _check_input(template, frame)
    numeric = [
        (
            pl.col(c).cast(pl.Utf8).str.strip_chars().replace("", None)
            if frame[c].dtype == pl.Utf8
            else pl.col(c)
        )
        .cast(pl.Float64)
        .alias(c)
        for c in template.input_columns()
    ]
    lf = frame.lazy().with_columns(pl.col(KEY).cast(pl.Utf8), pl.col(CLASS).cast(pl.Utf8), *numeric)
    if "level" not in frame.columns:
        lf = lf.with_columns(level=pl.lit(None, dtype=pl.Utf8))

    # 1. points per indicator, the bonus and the total
    per: list[pl.Expr] = []
    for ind in template.indicators:
        v = pl.col(ind.column)
        per += [
            v.alias(f"{ind.id}_value"),
            (_share(ind, v) * _weight(ind)).round(2).alias(f"{ind.id}_points"),
        ]
    lf = lf.with_columns(per)
    base = pl.sum_horizontal([pl.col(f"{i.id}_points") for i in template.indicators]).round(2)
    bonus = pl.sum_horizontal(
        [pl.when(pl.col(b.column) >= b.min).then(pl.lit(b.points)).otherwise(0.0) for b in template.bonus]
        or [pl.lit(0.0)]
    )
    if template.bonus_cap is not None:
        bonus = bonus.clip(upper_bound=template.bonus_cap)
    lf = lf.with_columns(base_points=base, bonus_points=bonus.round(2)).with_columns(
        total=(pl.col("base_points") + pl.col("bonus_points")).round(2)
    )

    # 2. grade, rank in the class, the next grade and how far it is
    grade: pl.Expr | pl.Then | None = None
    nxt: pl.Expr | pl.Then | None = None
    to_next: pl.Expr | pl.Then | None = None
    total = pl.col("total")
    for g in template.grades:
        if g.min is None:
            continue
        grade = (pl.when(total >= g.min) if grade is None else grade.when(total >= g.min)).then(
            pl.lit(g.code)
        )
    last = template.grades[-1].code
    grade = pl.lit(last) if grade is None else grade.otherwise(pl.lit(last))
    for g in reversed([g for g in template.grades if g.min is not None]):
        nxt = (pl.when(total < g.min) if nxt is None else nxt.when(total < g.min)).then(pl.lit(g.code))
        to_next = (pl.when(total < g.min) if to_next is None else to_next.when(total < g.min)).then(
            pl.lit(g.min) - total
        )
    failing_codes = [g.code for g in template.grades if g.failing]
    lf = lf.with_columns(
        grade=grade,
        next_grade=nxt.otherwise(None) if nxt is not None else pl.lit(None, dtype=pl.Utf8),
        points_to_next=(to_next.otherwise(None) if to_next is not None else pl.lit(None, dtype=pl.Float64)),
        rank=total.rank("min", descending=True).over(CLASS).cast(pl.Int64),
        cohort_size=pl.len().over(CLASS).cast(pl.Int64),
        period=pl.lit(period),
    ).with_columns(
        grade_label=pl.col("grade").replace_strict(
            {g.code: g.label for g in template.grades}, return_dtype=pl.Utf8
        ),
        failing=pl.col("grade").is_in(failing_codes),
        points_to_next=pl.col("points_to_next").round(2),
    )

    # 3. what would lift the grade: the next step of each indicator, biggest gain first
    gap = pl.col("points_to_next")
    options = [
        _suggestion(ind, pl.col(f"{ind.id}_value"), pl.col(f"{ind.id}_points"), _weight(ind), gap)
        for ind in template.indicators
    ]
    missing = [pl.when(pl.col(f"{i.id}_value").is_null()).then(pl.lit(i.label)) for i in template.indicators]
    labels = {g.code: g.label for g in template.grades}
    labels_en = {g.code: g.label_en or g.label for g in template.grades}
    k = range(len(options))
    lf = (
        lf.with_columns(
            *[g.alias(f"_g{i}") for i, (g, _t, _e) in zip(k, options, strict=True)],
            *[t.alias(f"_t{i}") for i, (_g, t, _e) in zip(k, options, strict=True)],
            *[e.alias(f"_e{i}") for i, (_g, _t, e) in zip(k, options, strict=True)],
            missing=pl.concat_list(missing).list.drop_nulls().list.join("、"),
        )
        .with_columns(
            # the three biggest gains first: sort the numbers, then pick the texts (a missing gain sorts last)
            _order=pl.concat_list([pl.col(f"_g{i}").fill_null(-1.0) for i in k])
            .list.eval(pl.element().arg_sort(descending=True))
            .list.head(3)
        )
        .with_columns(
            _advice=pl.concat_list([pl.col(f"_t{i}") for i in k])
            .list.gather(pl.col("_order"))
            .list.drop_nulls()
            .list.join("；"),
            _advice_en=pl.concat_list([pl.col(f"_e{i}") for i in k])
            .list.gather(pl.col("_order"))
            .list.drop_nulls()
            .list.join("; "),
        )
    )
    lift = (
        pl.when(pl.col("next_grade").is_null())
        .then(pl.lit("已是最高等级"))
        .otherwise(
            pl.concat_str(
                pl.lit("距「"),
                pl.col("next_grade").replace_strict(labels, return_dtype=pl.Utf8, default=None),
                pl.lit("」还差 "),
                _num(gap),
                pl.lit(" 分"),
                pl.when(pl.col("_advice") != "")
                .then(pl.concat_str(pl.lit("：可"), pl.col("_advice")))
                .otherwise(pl.lit("")),
            )
        )
    )
    lift_en = (
        pl.when(pl.col("next_grade").is_null())
        .then(pl.lit("Already the top grade"))
        .otherwise(
            pl.concat_str(
                _points_en(gap),
                pl.lit(" short of '"),
                pl.col("next_grade").replace_strict(labels_en, return_dtype=pl.Utf8, default=None),
                pl.lit("'"),
                pl.when(pl.col("_advice_en") != "")
                .then(pl.concat_str(pl.lit(": "), pl.col("_advice_en")))
                .otherwise(pl.lit("")),
            )
        )
    )
    lf = lf.with_columns(lift=lift, lift_en=lift_en).drop(
        "_order", "_advice", "_advice_en", *[f"_{c}{i}" for c in "gte" for i in k]
    )

    # 4. the previous period, the change and consecutive failures
    result = lf.collect()
    result = _with_history(template, result, period, history, failing_codes)

    # 5. rewards (万元) from grades and results
    if template.rewards:
        exprs = []
        for r in template.rewards:
            amount = pl.lit(r.amount)
            if r.column:
                amount = amount + pl.col(r.column).fill_null(0) * r.per_unit
            if r.cap is not None:
                amount = amount.clip(upper_bound=r.cap)
            earns = pl.col("grade").is_in(r.grades)
            if r.levels:
                earns = earns & pl.col("level").is_in(r.levels).fill_null(False)
            exprs.append(pl.when(earns).then(amount).otherwise(0.0).round(2).alias(f"reward_{r.id}"))
        result = result.with_columns(exprs).with_columns(
            reward_total=pl.sum_horizontal([pl.col(f"reward_{r.id}") for r in template.rewards]).round(2)
        )
    return result.select(output_columns(template))


def _with_history(
    template: Template,
    result: pl.DataFrame,
    period: str,
    history: pl.DataFrame | None,
    failing_codes: list[str],
) -> pl.DataFrame:
    hist_schema = {KEY: pl.Utf8, "period": pl.Utf8, "total": pl.Float64, "grade": pl.Utf8}
    if history is None or history.height == 0:
        hist = pl.DataFrame(schema=hist_schema)
    else:
        missing = [c for c in ("id", "period", "grade") if c not in history.columns]
        if missing:
            raise EvaluationInputError(f"历史评价结果缺少列：{', '.join(missing)}")
        if "total" not in history.columns:
            history = history.with_columns(total=pl.lit(None, dtype=pl.Float64))
        hist = history.select(pl.col(c).cast(t) for c, t in hist_schema.items()).filter(
            pl.col("period") < period
        )
    prev = (
        hist.sort(KEY, "period")
        .group_by(KEY)
        .last()
        .rename({"period": "previous_period", "total": "previous_total", "grade": "previous_grade"})
    )
    result = result.join(prev, on=KEY, how="left").with_columns(
        change=(pl.col("total") - pl.col("previous_total")).round(2)
    )
    seq = pl.concat([hist.select(KEY, "period", "grade"), result.select(KEY, "period", "grade")]).sort(
        KEY, "period"
    )
    fail = pl.col("grade").is_in(failing_codes)
    runs = (
        seq.with_columns(_block=(~fail).cast(pl.Int64).cum_sum().over(KEY))
        .with_columns(consecutive_failures=fail.cast(pl.Int64).cum_sum().over(KEY, "_block"))
        .filter(pl.col("period") == period)
        .select(KEY, "consecutive_failures")
    )
    result = result.join(runs, on=KEY, how="left")
    c = template.consequence
    if c is None:
        consequence = pl.lit(False)
    else:
        consequence = pl.col("consecutive_failures") >= c.consecutive_failures
        if c.applies_to:
            consequence = consequence & pl.col("level").is_in(c.applies_to).fill_null(False)
    return result.with_columns(consequence=consequence)


def output_columns(template: Template) -> list[str]:
    cols = [KEY, CLASS, "level", "period"]
    for ind in template.indicators:
        cols += [f"{ind.id}_value", f"{ind.id}_points"]
    cols += [
        "base_points",
        "bonus_points",
        "total",
        "grade",
        "grade_label",
        "rank",
        "cohort_size",
        "previous_period",
        "previous_total",
        "previous_grade",
        "change",
        "failing",
        "consecutive_failures",
        "consequence",
        "next_grade",
        "points_to_next",
        "lift",
        "lift_en",
        "missing",
    ]
    if template.rewards:
        cols += [f"reward_{r.id}" for r in template.rewards] + ["reward_total"]
    return cols


def breakdown(template: Template, row: dict) -> list[dict]:
    """One result row as the page shows it: each indicator with its value, points and full points."""
    out = []
    for ind in template.indicators:
        out.append(
            {
                "id": ind.id,
                "label": ind.label,
                "group": ind.group,
                "unit": ind.unit,
                "method": ind.method,
                "value": row.get(f"{ind.id}_value"),
                "points": row.get(f"{ind.id}_points"),
                "full": ind.weights.get(row.get(CLASS) or "", 0.0),
            }
        )
    return out
