"""Running a major project: tranches by funding mode, negative-list flags, acceptance outcomes,
exemption gaps and security warning levels. Pure (no Django); tables are Polars frames.

- ``tranche_plan(funding_mode, amount, milestones)`` → the tranches a project's grant is paid in:
  事前 (before): 50 % at start, 30 % at mid-term, 20 % after acceptance; 事中 (during): equal parts, one
  per milestone, each released when its milestone is verified; 事后 (after, 事后奖补): all of it once the
  results are verified (acceptance passed).
- ``flag_spending(spending, negative_list)`` → each spending row with ``flagged`` and ``reason``: a row
  is flagged when its category is on the negative list or its description names one of the list's
  words (包干制: no detailed budget, only what may not be paid from the grant).
- ``acceptance_outcome(results)`` → 通过 when every target is reached, 有条件通过 when every key target
  is reached but some other is not, 不通过 when a key target is missed.
- ``exemption_gaps(evidence)`` → what a failed project's records lack for 责任豁免 (never hidden).
- ``stage_gate(milestones, keep)`` → 赛马制: the teams ranked by how much of their targets they reached
  by the gate (share of milestones reached, then the mean ratio of reported value to target), the
  first ``keep`` kept and the others dropped.
- ``warning_levels(readings, indicators)`` → green / yellow / red per reading from yellow and red
  thresholds, for indicators where higher is worse or lower is worse.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import polars as pl

BEFORE, DURING, AFTER = "before", "during", "after"
START, MIDTERM, ACCEPTANCE, MILESTONE, RESULTS = "start", "midterm", "acceptance", "milestone", "results"
BEFORE_SHARES = ((START, 0.5), (MIDTERM, 0.3), (ACCEPTANCE, 0.2))

PASSED, CONDITIONAL, FAILED, DROPPED = "passed", "conditional", "failed", "dropped"
GREEN, YELLOW, RED = "green", "yellow", "red"
ON_TIME_SHARE = 0.8  # due diligence: at least this share of milestones reported by their due date


@dataclass(frozen=True)
class Tranche:
    number: int
    amount: float
    trigger: str  # start | midterm | acceptance | milestone | results
    milestone: int | None = None  # the milestone's position (1-based) for trigger == milestone


def tranche_plan(funding_mode: str, amount: float, milestones: int = 0) -> list[Tranche]:
    """The tranches of a grant by funding mode (amounts add up to ``amount``, in 万元)."""
    if amount < 0:
        raise ValueError("资助金额不能为负数")
    if funding_mode == BEFORE:
        parts = [round(amount * share, 4) for _, share in BEFORE_SHARES]
        parts[-1] = round(amount - sum(parts[:-1]), 4)
        return [Tranche(i + 1, a, t) for i, ((t, _), a) in enumerate(zip(BEFORE_SHARES, parts, strict=True))]
    if funding_mode == DURING:
        n = max(milestones, 1)
        each = round(amount / n, 4)
        parts = [each] * (n - 1) + [round(amount - each * (n - 1), 4)]
        return [Tranche(i + 1, a, MILESTONE, i + 1) for i, a in enumerate(parts)]
    if funding_mode == AFTER:
        return [Tranche(1, amount, RESULTS)]
    raise ValueError(f"未知的资助方式 {funding_mode}")


def flag_spending(spending: pl.DataFrame, negative_list: Sequence[dict]) -> pl.DataFrame:
    """``spending``: category, description, amount (+ any columns) → with ``flagged``, ``reason``.

    ``negative_list``: [{"code", "label", "words": [...]}] — the category code and the words that,
    found in a description, mark a payment the grant may not make."""
    reason = pl.lit(None, dtype=pl.Utf8)
    for item in reversed(list(negative_list)):
        hit = pl.col("category") == item["code"]
        for word in item.get("words", ()):
            hit = hit | pl.col("description").fill_null("").str.contains(word, literal=True)
        reason = pl.when(hit).then(pl.lit(f"负面清单：{item['label']}")).otherwise(reason)
    return spending.with_columns(reason.alias("reason")).with_columns(
        pl.col("reason").is_not_null().alias("flagged")
    )


def reached(measured: pl.Expr, target: pl.Expr, higher_is_better: pl.Expr) -> pl.Expr:
    return (
        pl.when(measured.is_null())
        .then(False)
        .when(higher_is_better)
        .then(measured >= target)
        .otherwise(measured <= target)
    )


def acceptance_outcome(results: pl.DataFrame) -> tuple[str, pl.DataFrame]:
    """``results``: indicator, target, measured, higher_is_better, key → (outcome, rows with ``reached``)."""
    rows = results.with_columns(
        reached(pl.col("measured"), pl.col("target"), pl.col("higher_is_better")).alias("reached")
    )
    if rows.is_empty():
        return FAILED, rows
    key_missed = rows.filter(pl.col("key") & ~pl.col("reached")).height
    any_missed = rows.filter(~pl.col("reached")).height
    outcome = FAILED if key_missed else CONDITIONAL if any_missed else PASSED
    return outcome, rows


@dataclass(frozen=True)
class ExemptionEvidence:
    milestones: int
    reported_on_time: int
    procedures_followed: bool
    failure_reason: str  # technical_route | force_majeure | other | ""
    failure_explanation: str
    flagged_spending: int
    ethics_ok: bool


EXCUSING_REASONS = ("technical_route", "force_majeure")


def N_(message: str) -> str:  # noqa: N802 (the catalogue's keyword for a message translated later)
    """Marks a message for the English catalogue; the engine stays free of Django."""
    return message


def exemption_gap_messages(e: ExemptionEvidence) -> list[tuple[str, dict[str, str]]]:
    """What the records lack for a liability exemption, as (message, values): the message Chinese
    with named placeholders, for gettext on display; empty = due diligence shown."""
    gaps: list[tuple[str, dict[str, str]]] = []
    if e.milestones == 0:
        gaps.append((N_("没有任何里程碑记录，无法证明按期报告"), {}))
    elif e.reported_on_time < ON_TIME_SHARE * e.milestones:
        gaps.append(
            (
                N_("按期报告的里程碑 %(on_time)s/%(total)s 个，低于 %(share)s 的要求"),
                {
                    "on_time": str(e.reported_on_time),
                    "total": str(e.milestones),
                    "share": f"{ON_TIME_SHARE:.0%}",
                },
            )
        )
    if not e.procedures_followed:
        gaps.append((N_("未确认按规定程序履行立项、变更与报告手续"), {}))
    if e.failure_reason not in EXCUSING_REASONS:
        gaps.append((N_("失败原因未认定为技术路线或不可抗力"), {}))
    if not e.failure_explanation.strip():
        gaps.append((N_("缺少失败原因的书面说明"), {}))
    if e.flagged_spending:
        gaps.append((N_("有 %(n)s 笔支出触及负面清单"), {"n": str(e.flagged_spending)}))
    if not e.ethics_ok:
        gaps.append((N_("须伦理审查的项目缺少伦理委员会批准"), {}))
    return gaps


def exemption_gaps(e: ExemptionEvidence) -> list[str]:
    """What the records lack for a liability exemption (Chinese); empty = due diligence shown."""
    return [message % values if values else message for message, values in exemption_gap_messages(e)]


def warning_levels(readings: pl.DataFrame, indicators: pl.DataFrame) -> pl.DataFrame:
    """``readings``: indicator, value (+ any); ``indicators``: code, yellow, red, higher_is_worse →
    readings with ``level`` (green / yellow / red; null when the value is missing)."""
    joined = readings.join(
        indicators.select("code", "yellow", "red", "higher_is_worse"),
        left_on="indicator",
        right_on="code",
        how="left",
    )
    worse = pl.col("higher_is_worse")
    v = pl.col("value")
    at_red = pl.when(worse).then(v >= pl.col("red")).otherwise(v <= pl.col("red"))
    at_yellow = pl.when(worse).then(v >= pl.col("yellow")).otherwise(v <= pl.col("yellow"))
    level = (
        pl.when(v.is_null())
        .then(pl.lit(None, dtype=pl.Utf8))
        .when(at_red)
        .then(pl.lit(RED))
        .when(at_yellow)
        .then(pl.lit(YELLOW))
        .otherwise(pl.lit(GREEN))
    )
    return joined.with_columns(level.alias("level"))


def stage_gate(milestones: pl.DataFrame, keep: int) -> pl.DataFrame:
    """``milestones``: project, target, reported_value, higher_is_better (the milestones due by the
    gate) → one row per project: reached_share, ratio, position, kept (the first ``keep``)."""
    value, target = pl.col("reported_value"), pl.col("target")
    ratio = (
        pl.when(value.is_null() | target.is_null() | (target == 0))
        .then(0.0)
        .when(pl.col("higher_is_better"))
        .then(value / target)
        .otherwise(target / value)
    )
    per_project = (
        milestones.with_columns(
            reached(value, target, pl.col("higher_is_better")).cast(pl.Float64).alias("_reached"),
            ratio.alias("_ratio"),
        )
        .group_by("project")
        .agg(pl.col("_reached").mean().alias("reached_share"), pl.col("_ratio").mean().alias("ratio"))
        .sort(["reached_share", "ratio", "project"], descending=[True, True, False])
        .with_row_index("position", offset=1)
    )
    return per_project.with_columns((pl.col("position") <= keep).alias("kept"))
