"""Cultivation pools (培育库): 高企后备库, 科小储备库, 规上高企后备 — computed from the engine's output.

One pass of the qualification engine over the whole registry for a year gives, per enterprise, every
condition's status and the engine's ``<rule>_failed``; the gap of each quantitative condition (actual
value, threshold, shortfall) comes from the rule set's own gap expressions over the same frame.
Membership is then a handful of Polars expressions — explode the failed ids, join their gaps,
aggregate per enterprise, filter — with no Python loop over enterprises. The definitions are data
(pools.yaml, validated by PoolConfig) and are shown on the pool pages.
"""

from __future__ import annotations

import time

import polars as pl
from django.db.models import Count, Max

from kechuang.engine.enterprise_labels import OPERATOR_SYMBOLS, unit_en
from kechuang.engine.rules.backend import PolarsBackend
from kechuang.engine.rules.derive import derive_lazy
from kechuang.engine.rules.evaluate import cond_col, output_columns, score_col
from kechuang.engine.rules.gaps import fmt_en
from kechuang.engine.rules.qualify import resolve_rulesets, with_rule_columns
from kechuang.engine.rules.ruleset import Ruleset
from kechuang.enterprises.models import Enterprise, Fact, TierRecord, Upload
from kechuang.enterprises.pools_config import (
    CONFIG_PATH,
    GUISHANG_REVENUE,
    INDUSTRY_SECTIONS,
    KINDS,
    RULE_OF,
    STATUS_LABELS,
    PoolConfig,
    ReserveConfig,
    Spec,
    load_config,
    specs,
)
from kechuang.enterprises.qualification import qualification_frames
from kechuang.regions import region_names

_OPS = OPERATOR_SYMBOLS
CACHE_SECONDS = 300
EN_PAIRS = ("failed_labels", "failed_full", "gap_text")  # text columns that have an English twin (<name>_en)


# ---------------------------------------------------------------- conditions of a rule set


def _num(e: pl.Expr, digits: int = 2) -> pl.Expr:
    """A number as short text: `digits` decimals, no trailing zeros."""
    return e.round(digits).cast(pl.Utf8).str.replace(r"\.?0+$", "").str.replace(r"^-0$", "0")


def _fmt(e: pl.Expr, unit: str) -> pl.Expr:
    if unit == "%":
        return pl.concat_str([_num(e * 100, 3), pl.lit("%")])
    return pl.concat_str([_num(e), pl.lit(f" {unit}" if unit else "")])


def _fmt_en(e: pl.Expr, unit: str) -> pl.Expr:
    """``_fmt`` with the English unit of a Chinese one, singular for a value shown as 1 (1 point)."""
    one, many = unit_en(unit, 1), unit_en(unit)
    if unit == "%" or one == many:
        return _fmt(e, many)
    shown = _num(e)
    return pl.concat_str([shown, pl.when(shown == "1").then(pl.lit(f" {one}")).otherwise(pl.lit(f" {many}"))])


def _template_en(short: pl.Expr, text: str, text_one: str) -> pl.Expr:
    """A shortfall template ("{value} more S&T staff needed") filled in, its singular one for 1."""
    shown = _num(short)

    def filled(template: str) -> pl.Expr:
        before, _, after = template.partition("{value}")
        return pl.concat_str([pl.lit(before), shown, pl.lit(after)])

    return pl.when(shown == "1").then(filled(text_one)).otherwise(filled(text)) if text_one else filled(text)


def _gap_columns(rs: Ruleset, spec: Spec) -> list[pl.Expr]:
    """actual, threshold, shortfall, relative gap and the gap text of one condition, in Chinese
    (``text``) and in English (``text_en``)."""
    p = f"{rs.code}__pool__{spec.id}__"
    if spec.score:
        assert rs.score is not None
        mark, op = rs.score.passing.mark, rs.score.passing.op
        hi, lo = pl.col(score_col(rs, "hi")), pl.col(score_col(rs, "lo"))
        short = mark - hi + (1 if op == ">" else 0)
        head = pl.when(lo == hi).then(pl.concat_str([pl.lit(f"{spec.short} "), _num(hi)]))
        head = head.otherwise(pl.concat_str([pl.lit(f"{spec.short}最高 "), _num(hi)]))
        text = pl.concat_str(
            [head, pl.lit(f" 分，需 {_OPS[op]} {mark:g} 分：还差 "), _num(short), pl.lit(" 分")]
        )
        head_en = pl.when(lo == hi).then(pl.concat_str([pl.lit(f"{spec.short_en} "), _fmt_en(hi, "分")]))
        head_en = head_en.otherwise(pl.concat_str([pl.lit(f"{spec.short_en} at most "), _fmt_en(hi, "分")]))
        text_en = pl.concat_str(
            [
                head_en,
                pl.lit(f", needs {_OPS[op]} {fmt_en(mark, '分')}: "),
                _fmt_en(short, "分"),
                pl.lit(" short"),
            ]
        )
        return [
            hi.alias(p + "actual"),
            pl.lit(float(mark)).alias(p + "threshold"),
            short.alias(p + "shortfall"),
            (short / mark).alias(p + "relative"),
            text.alias(p + "text"),
            text_en.alias(p + "text_en"),
        ]
    gap = spec.gap
    if not spec.quantitative or gap is None:
        text = (gap.fail_text if gap and gap.fail_text else "") or f"{spec.label}：不符合"
        text_en = (gap.fail_text_en if gap else "") or f"{spec.label_en}: not met"
        return [pl.lit(text).alias(p + "text"), pl.lit(text_en).alias(p + "text_en")]
    actual = pl.sql_expr(gap.measure).cast(pl.Float64)
    threshold = (
        pl.sql_expr(gap.threshold) if isinstance(gap.threshold, str) else pl.lit(gap.threshold)
    ).cast(pl.Float64)
    relative = (threshold - actual) if gap.op in (">=", ">") else (actual - threshold)
    relative = relative / threshold.abs()
    head = pl.concat_str(
        [
            pl.lit(f"{gap.label} "),
            _fmt(actual, gap.unit),
            pl.lit(f"，需 {_OPS[gap.op]} "),
            _fmt(threshold, gap.unit),
        ]
    )
    head_en = pl.concat_str(
        [
            pl.lit(f"{spec.short_en} "),
            _fmt_en(actual, gap.unit),
            pl.lit(f", needs {_OPS[gap.op]} "),
            _fmt_en(threshold, gap.unit),
        ]
    )
    cols = [actual.alias(p + "actual"), threshold.alias(p + "threshold")]
    text, text_en = head, head_en
    if gap.shortfall:
        short = pl.sql_expr(gap.shortfall.expr).cast(pl.Float64)
        if gap.shortfall.rounding == "ceil":
            short = (short - 1e-9).ceil()
        before, _, after = gap.shortfall.text.partition("{value}")
        text = pl.when(short > 0).then(
            pl.concat_str([head, pl.lit("：" + before), _num(short), pl.lit(after)])
        )
        text = text.otherwise(head)
        filled_en = _template_en(
            short, gap.shortfall.text_en or gap.shortfall.text, gap.shortfall.text_en_one
        )
        text_en = pl.when(short > 0).then(pl.concat_str([head_en, pl.lit(": "), filled_en]))
        text_en = text_en.otherwise(head_en)
        cols.append(short.alias(p + "shortfall"))
    else:
        cols.append(pl.lit(None, pl.Float64).alias(p + "shortfall"))
    if gap.denominator:
        zero = pl.sql_expr(gap.denominator).cast(pl.Float64) == 0
        text = (
            pl.when(zero).then(pl.lit(f"{gap.label}：{gap.denominator_label or '分母'}为 0")).otherwise(text)
        )
        denominator_en = gap.denominator_label_en or gap.denominator_label or "the denominator"
        text_en = pl.when(zero).then(pl.lit(f"{spec.short_en}: {denominator_en} is 0")).otherwise(text_en)
    return [*cols, relative.alias(p + "relative"), text.alias(p + "text"), text_en.alias(p + "text_en")]


# ---------------------------------------------------------------- the engine pass (cached)

_CACHE: dict[tuple, tuple[float, pl.DataFrame]] = {}


def data_version() -> tuple:
    """Changes whenever the registry, its facts or the stored tiers change."""
    e = Enterprise.objects.aggregate(n=Count("id"), m=Max("id"))
    f = Fact.objects.aggregate(n=Count("id"), m=Max("id"))
    return (
        e["n"],
        e["m"],
        f["n"],
        f["m"],
        Upload.objects.aggregate(m=Max("id"))["m"],
        TierRecord.objects.aggregate(m=Max("id"))["m"],
        CONFIG_PATH.stat().st_mtime,
    )


def clear_cache() -> None:
    _CACHE.clear()


def engine_frame(year: int) -> pl.DataFrame:
    """One row per enterprise: registry fields, the year's facts used here, the engine's outputs and
    the gap columns of every 高企 and 科小 condition."""
    key = (year, data_version())
    hit = _CACHE.get(key)
    if hit and time.monotonic() - hit[0] < CACHE_SECONDS:
        return hit[1]
    registry, facts = qualification_frames(year)
    sets = resolve_rulesets(None)
    by_code = {rs.code: rs for rs in sets}
    lf = with_rule_columns(derive_lazy(registry.drop("enterprise_id"), facts, year), sets)
    gaps = [
        e for code in RULE_OF.values() for s in specs(by_code[code]) for e in _gap_columns(by_code[code], s)
    ]
    statuses = [
        pl.col(cond_col(by_code[code], s.id)) for code in RULE_OF.values() for s in specs(by_code[code])
    ]
    outputs = [e.alias(n) for n, e in output_columns(PolarsBackend(), sets, year) if n != "credit_code"]
    keep = [
        "credit_code", "name", "region", "industry_code", "tech_field", "hightech_cert_until",
        "hightech_cert_valid", "kexiao_registered_year", "is_industrial", "revenue",
        "main_business_revenue", "employees",
    ]  # fmt: skip
    frame = (
        lf.with_columns(gaps)
        .with_columns(outputs)
        .select(*keep, *statuses, *outputs, pl.col(r"^.*__pool__.*$"))
        .collect()
        .join(registry.select("credit_code", "enterprise_id"), on="credit_code", how="left")
        .with_columns(
            pl.col("industry_code").fill_null("").str.slice(0, 1).str.to_uppercase().alias("section"),
            pl.col("tech_field").fill_null(""),
            pl.col("region").fill_null(""),
        )
    )
    _CACHE.clear()
    _CACHE[key] = (time.monotonic(), frame)
    return frame


# ---------------------------------------------------------------- membership


def open_conditions(base: pl.DataFrame, rs: Ruleset) -> pl.DataFrame:
    """Long frame: enterprise_id, cond, missing, relative, short, text — one row per failed or
    missing condition, from the engine's `<rule>_failed`."""
    sp = specs(rs)
    long = (
        base.select("enterprise_id", pl.col(f"{rs.code}_failed").str.split(";").alias("entry"))
        .explode("entry")
        .filter(pl.col("entry").is_not_null() & (pl.col("entry") != ""))
        .with_columns(
            pl.col("entry").str.replace(":missing$", "").alias("cond"),
            pl.col("entry").str.ends_with(":missing").alias("missing"),
        )
    )
    parts = []
    for s in sp:
        p = f"{rs.code}__pool__{s.id}__"
        rel = pl.col(p + "relative") if s.quantitative else pl.lit(None, pl.Float64)
        parts.append(
            base.select(
                "enterprise_id",
                pl.lit(s.id).alias("cond"),
                rel.alias("relative"),
                pl.lit(s.short).alias("short"),
                pl.lit(s.label).alias("label"),
                pl.col(p + "text").alias("text"),
                pl.lit(s.short_en).alias("short_en"),
                pl.lit(s.label_en).alias("label_en"),
                pl.col(p + "text_en").alias("text_en"),
            )
        )
    gaps = pl.concat(parts)
    long = long.join(gaps, on=["enterprise_id", "cond"], how="left")
    return long.with_columns(
        pl.when(pl.col("missing"))
        .then(pl.concat_str([pl.col("short"), pl.lit("：缺少数据")]))
        .otherwise(pl.col("text"))
        .alias("text"),
        pl.when(pl.col("missing"))
        .then(pl.concat_str([pl.col("short_en"), pl.lit(": data missing")]))
        .otherwise(pl.col("text_en"))
        .alias("text_en"),
    )


def _reserve(base: pl.DataFrame, rs: Ruleset, cfg: ReserveConfig) -> pl.DataFrame:
    """Enterprises (among base) whose open conditions fit the reserve definition, with their gaps."""
    long = open_conditions(base, rs)
    limit = pl.col("cond").replace_strict(
        cfg.relative_gap_overrides, default=cfg.max_relative_gap, return_dtype=pl.Float64
    )
    within = pl.col("relative").is_not_null() & (limit.is_null() | (pl.col("relative") <= limit + 1e-9))
    agg = long.group_by("enterprise_id").agg(
        n_failed=(~pl.col("missing")).sum(),
        n_missing=pl.col("missing").sum(),
        blocked=(~pl.col("missing") & ~pl.col("cond").is_in(cfg.may_fail)).any(),
        too_far=(~pl.col("missing") & ~within).any(),
        failed_labels=pl.col("short").filter(~pl.col("missing")).str.join("；"),
        failed_full=pl.col("label").str.join("；"),
        gap_text=pl.col("text").str.join("；"),
        failed_labels_en=pl.col("short_en").filter(~pl.col("missing")).str.join("; "),
        failed_full_en=pl.col("label_en").str.join("; "),
        gap_text_en=pl.col("text_en").str.join("; "),
        closeness=pl.col("relative").filter(~pl.col("missing")).max(),
    )
    counted = pl.col("n_failed") + (pl.col("n_missing") if cfg.count_missing else 0)
    eligible = pl.col(f"{rs.code}_eligible")
    return (
        base.join(agg, on="enterprise_id", how="left")
        .with_columns(
            pl.col("n_failed", "n_missing").fill_null(0),
            pl.col("blocked", "too_far").fill_null(False),
            pl.col(*EN_PAIRS, *(f"{c}_en" for c in EN_PAIRS)).fill_null(""),
        )
        .filter(~pl.col("blocked") & ~pl.col("too_far") & (counted <= cfg.max_failed))
        .with_columns(
            pl.when(eligible == "yes")
            .then(pl.lit("ready"))
            .when(eligible == "possible")
            .then(pl.lit("possible"))
            .when(pl.col("n_failed") > 0)
            .then(pl.lit("one_gap"))
            .otherwise(pl.lit("data_missing"))
            .alias("status"),
            pl.when((pl.col("n_failed") == 0) & (pl.col("n_missing") == 0))
            .then(pl.lit(0.0))
            .otherwise(pl.col("closeness"))
            .alias("closeness"),
            pl.col(f"{rs.code}_score_min").alias("score_min"),
            pl.col(f"{rs.code}_score_max").alias("score_max"),
        )
        .with_columns(*_score_note(rs))
    )


def _score_note(rs: Ruleset) -> list[pl.Expr]:
    """For an enterprise with nothing open, the gap column says where its score stands."""
    if rs.score is None:
        return []
    lo, hi = pl.col("score_min"), pl.col("score_max")
    points = pl.when(lo == hi).then(_num(lo)).otherwise(pl.concat_str([_num(lo), pl.lit("–"), _num(hi)]))
    op, mark = _OPS[rs.score.passing.op], rs.score.passing.mark
    possible = pl.col("status") == "possible"
    tail = pl.when(possible).then(pl.lit(f"（需 {op} {mark:g} 分，取决于专家评审项）"))
    note = pl.concat_str(
        [pl.lit(f"{rs.score.measure_label} "), points, pl.lit(" 分"), tail.otherwise(pl.lit(""))]
    )
    tail_en = pl.when(possible).then(
        pl.lit(f" (needs {op} {mark:g} points, depending on the items experts judge)")
    )
    note_en = pl.concat_str(
        [
            pl.lit(f"{rs.score.measure_label_en or rs.score.measure_label} "),
            points,
            pl.lit(" points"),
            tail_en.otherwise(pl.lit("")),
        ]
    )
    nothing_open = (pl.col("gap_text") == "") & lo.is_not_null()
    return [
        pl.when(nothing_open).then(note).otherwise(pl.col("gap_text")).alias("gap_text"),
        pl.when(nothing_open).then(note_en).otherwise(pl.col("gap_text_en")).alias("gap_text_en"),
    ]


def _guishang(base: pl.DataFrame, gaoqi: Ruleset, config: PoolConfig) -> pl.DataFrame:
    cfg = config.guishang_candidates
    mbr, cert, ind = pl.col("main_business_revenue"), pl.col("hightech_cert_valid"), pl.col("is_industrial")
    ind = ind.fill_null(False)
    short = GUISHANG_REVENUE - mbr
    upgrade = base.filter(cert & ind & (mbr >= cfg.revenue_floor) & (mbr < GUISHANG_REVENUE)).with_columns(
        pl.lit("upgrade").alias("status"),
        pl.lit("主营业务收入").alias("failed_labels"),
        pl.concat_str(
            [
                pl.lit("主营业务收入 "),
                _fmt(mbr, "万元"),
                pl.lit(f"，需 ≥ {GUISHANG_REVENUE:g} 万元：还差 "),
                _num(short),
                pl.lit(" 万元"),
            ]
        ).alias("gap_text"),  # fmt: skip
        pl.lit("Main business revenue").alias("failed_labels_en"),
        pl.concat_str(
            [
                pl.lit("Main business revenue "),
                _fmt(mbr, "CNY 10k"),
                pl.lit(f", needs ≥ {GUISHANG_REVENUE:g} CNY 10k: "),
                _num(short),
                pl.lit(" CNY 10k short"),
            ]
        ).alias("gap_text_en"),  # fmt: skip
        (short / GUISHANG_REVENUE).alias("closeness"),
    )
    frames = [upgrade]
    if cfg.include_certify:
        above = base.filter(~cert & ind & (mbr >= GUISHANG_REVENUE))
        certify = _reserve(above, gaoqi, config.gaoqi_reserve).with_columns(
            pl.concat_str([pl.lit("规上工业企业，未持高企证书；"), pl.col("gap_text")])
            .str.strip_chars_end("；")
            .alias("gap_text"),
            pl.concat_str(
                [
                    pl.lit("Above-scale industrial enterprise without a high-tech certificate; "),
                    pl.col("gap_text_en"),
                ]
            )
            .str.strip_chars_end("; ")
            .alias("gap_text_en"),
            pl.lit("certify").alias("status"),
        )
        frames.append(certify)
    if cfg.include_nonindustrial:
        sections = pl.col("section").is_in(cfg.nonindustrial_sections)
        other = base.filter(cert & ~ind & sections & (mbr >= GUISHANG_REVENUE)).with_columns(
            pl.lit("nonindustrial").alias("status"),
            pl.lit("行业门类").alias("failed_labels"),
            pl.concat_str(
                [
                    pl.lit("主营业务收入 "),
                    _fmt(mbr, "万元"),
                    pl.lit("，已达规模；行业代码 "),
                    pl.col("industry_code").fill_null("—"),
                    pl.lit(" 不属工业（B、C、D）：核实行业归类"),
                ]
            ).alias("gap_text"),  # fmt: skip
            pl.lit("Industry section").alias("failed_labels_en"),
            pl.concat_str(
                [
                    pl.lit("Main business revenue "),
                    _fmt(mbr, "CNY 10k"),
                    pl.lit(", above the scale threshold; industry code "),
                    pl.col("industry_code").fill_null("—"),
                    pl.lit(" is not industrial (B, C, D): check the industry classification"),
                ]
            ).alias("gap_text_en"),  # fmt: skip
            pl.lit(None, pl.Float64).alias("closeness"),
        )
        frames.append(other)
    cols = ["status", "failed_labels", "gap_text", "failed_labels_en", "gap_text_en", "closeness"]
    return pl.concat([f.select(*base.columns, *cols) for f in frames], how="vertical_relaxed")


def pool(kind: str, year: int, config: PoolConfig | None = None) -> pl.DataFrame:
    """Every member of a pool for evaluation year `year` (the whole registry; scope comes later)."""
    if kind not in KINDS:
        raise KeyError(kind)
    config = config or load_config()
    base = engine_frame(year)
    by_code = {rs.code: rs for rs in resolve_rulesets(None)}
    if kind == "gaoqi_reserve":
        out = _reserve(base.filter(~pl.col("hightech_cert_valid")), by_code["gaoqi"], config.gaoqi_reserve)
        until = pl.col("hightech_cert_until").cast(pl.Utf8)
        expired = pl.concat_str([pl.lit("高企证书 "), until, pl.lit(" 到期，需重新认定")])
        expired_en = pl.concat_str(
            [pl.lit("High-tech certificate expired on "), until, pl.lit(", to be recognised again")]
        )
        had = pl.col("hightech_cert_until").is_not_null()
        out = out.with_columns(
            pl.when(had)
            .then(pl.concat_str([expired, pl.lit("；"), pl.col("gap_text")]).str.strip_chars_end("；"))
            .otherwise(pl.col("gap_text"))
            .alias("gap_text"),
            pl.when(had)
            .then(pl.concat_str([expired_en, pl.lit("; "), pl.col("gap_text_en")]).str.strip_chars_end("; "))
            .otherwise(pl.col("gap_text_en"))
            .alias("gap_text_en"),
        )
    elif kind == "kexiao_reserve":
        cfg = config.kexiao_reserve
        keep = pl.col("kexiao_registered_year").fill_null(0) != year
        if cfg.exclude_hightech:
            keep = keep & ~pl.col("hightech_cert_valid")
        out = _reserve(base.filter(keep), by_code["kexiao"], cfg)
    else:
        out = _guishang(base, by_code["gaoqi"], config)
    names = region_names()
    return out.with_columns(
        pl.col("region").replace_strict(names, default=pl.col("region")).alias("region_name"),
        pl.col("section").replace_strict(INDUSTRY_SECTIONS, default="").alias("section_name"),
        pl.col("status").replace_strict(STATUS_LABELS, default="").alias("status_label"),
    ).sort(["closeness", "revenue"], descending=[False, True], nulls_last=True)


def restrict(frame: pl.DataFrame, enterprise_ids) -> pl.DataFrame:
    """Only the rows of enterprises the user may see (ids from access.visible on Enterprise)."""
    ids = pl.DataFrame({"enterprise_id": list(enterprise_ids)}, schema={"enterprise_id": pl.Int64})
    return frame.join(ids, on="enterprise_id", how="semi")
