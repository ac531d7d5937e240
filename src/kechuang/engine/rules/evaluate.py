"""The qualification logic, written once for every backend (Polars, Spark).

Statuses are small integers so that "all conditions" is a minimum and "any route" a maximum:

    0 no        — some condition definitely fails
    1 unknown   — an input is missing
    2 possible  — only expert-judged score items decide
    3 yes

Each function returns stages: lists of (column name, expression) that a backend adds one stage after
another (Polars ``with_columns``, Spark ``withColumns``). Column names of intermediate results are
``<rule>__<kind>__<id>`` so that explain() can read them back for one enterprise.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from kechuang.engine.rules.ruleset import (
    Bracket,
    Condition,
    Requirement,
    Ruleset,
    ScoreItem,
    bracket_condition,
    parameter_cases,
)

NO, UNKNOWN, POSSIBLE, YES = 0, 1, 2, 3
ELIGIBILITY = {NO: "no", UNKNOWN: "unknown", POSSIBLE: "possible", YES: "yes"}
TIERS = ("lingjun", "guishang_gaoqi", "gaoqi", "kexiao", "none")

# Facts needed for more than the evaluation year (sums, averages and growth over Y−2..Y).
MULTI_YEAR_FACTS = (
    "revenue",
    "rd_expense",
    "rd_expense_domestic",
    "net_assets",
    "conversions",
    "standards_led",
)
REGISTRY_FLAGS = (
    "national_award_5y",
    "led_standard_5y",
    "abnormal_listed",
    "serious_incident_1y",
    "restricted_industry",
)
INDUSTRIAL_SECTIONS = ("B", "C", "D")
STAGE = list[tuple[str, Any]]
MONEY_DIGITS = 6
RATIO_DIGITS = 10


def prior(column: str, back: int) -> str:
    """Name of a fact from year Y−back after the wide join (back = 1 or 2)."""
    return f"{column}__y{back}"


# ----------------------------------------------------------------------------------------------
# Derived columns (contract: "Derived columns rules may use")
# ----------------------------------------------------------------------------------------------


def derive_stages(b: Any, year: int) -> list[STAGE]:
    """Expressions turning (registry ⋈ facts of Y, Y−1, Y−2) into the derived columns."""
    c, lit = b.col, b.lit
    reg_year = b.year_of(c("registered_on"))
    first: STAGE = [(f, b.coalesce(c(f), False)) for f in REGISTRY_FLAGS]
    first += [
        ("rd_institution_level", b.coalesce(c("rd_institution_level"), "none")),
        ("years_since_registration", b.to_int(lit(year) - reg_year)),
        # 实际经营期: the calendar years from the registration year, at most three, at least one.
        (
            "years_used",
            b.to_int(
                b.when(
                    [
                        (b.is_null(reg_year), lit(3)),
                        (reg_year >= year, lit(1)),
                        (reg_year == year - 1, lit(2)),
                    ],
                    lit(3),
                )
            ),
        ),
        ("is_industrial", b.initial_in(c("industry_code"), INDUSTRIAL_SECTIONS)),
        ("hightech_cert_valid", b.coalesce(c("hightech_cert_until") >= b.date(dt.date(year, 12, 31)), False)),
    ]

    n = c("years_used")

    # Rounding removes binary floating-point noise, so that a value exactly at a threshold (a
    # 20% growth, 0.1 + 0.2 万元) compares as it does on paper: amounts to 6 decimals (万元 data has 2),
    # ratios to 10. Polars and Spark both round half away from zero.
    def money(e: Any) -> Any:
        return b.round(b.to_float(e), MONEY_DIGITS)

    def fraction(e: Any) -> Any:
        return b.round(b.to_float(e), RATIO_DIGITS)

    def over_years(col: str) -> Any:
        # Sum over the years used; a missing year makes the sum missing (never zero).
        return b.when(
            [(n == 1, c(col)), (n == 2, c(col) + c(prior(col, 1)))],
            c(col) + c(prior(col, 1)) + c(prior(col, 2)),
        )

    def ratio(num: Any, den: Any) -> Any:
        # A ratio whose denominator is 0 is 0, so that every "≥ threshold" on it fails.
        return b.when([(den == 0, lit(0.0))], fraction(b.div(num, den)))

    def growth(col: str) -> Any:
        # 高企 成长性: ½·(x₂/x₁ + x₃/x₂) − 1; x₁ = 0 → x₃/x₂ − 1; x₂ = 0 → 0; two years → x₃/x₂ − 1;
        # one year → 0 (scores 0).
        x1, x2, x3 = c(prior(col, 2)), c(prior(col, 1)), c(col)
        three = b.when(
            [(x2 == 0, lit(0.0)), (x1 == 0, b.div(x3, x2) - 1)],
            (b.div(x2, x1) + b.div(x3, x2)) * 0.5 - 1,
        )
        two = b.when([(x2 == 0, lit(0.0))], b.div(x3, x2) - 1)
        return fraction(b.when([(n == 1, lit(0.0)), (n == 2, two)], three))

    second: STAGE = [
        ("revenue_3y", money(over_years("revenue"))),
        ("rd_expense_3y", money(over_years("rd_expense"))),
        ("rd_expense_domestic_3y", money(over_years("rd_expense_domestic"))),
        ("standards_led_3y", over_years("standards_led")),
        ("conversions_avg_3y", fraction(b.div(over_years("conversions"), n))),
        ("net_asset_growth", growth("net_assets")),
        ("revenue_growth", growth("revenue")),
        ("hightech_revenue_share", ratio(c("hightech_revenue"), c("revenue"))),
        ("tech_staff_share", ratio(c("tech_staff"), c("employees"))),
        ("rd_to_revenue", ratio(c("rd_expense"), c("revenue"))),
        ("rd_to_cost", ratio(c("rd_expense"), c("total_cost"))),
        ("revenue_base", b.to_float(c(prior("revenue", 2)))),
        (
            "revenue_yoy",
            b.when(
                [(c(prior("revenue", 1)) == 0, lit(0.0))],
                fraction(b.to_float(b.div(c("revenue"), c(prior("revenue", 1)))) - 1),
            ),
        ),
        (
            "revenue_cagr_2y",
            b.when(
                [(c(prior("revenue", 2)) == 0, lit(0.0))],
                fraction(b.sqrt(b.to_float(b.div(c("revenue"), c(prior("revenue", 2))))) - 1),
            ),
        ),
    ]
    third: STAGE = [
        ("rd_ratio_3y", ratio(c("rd_expense_3y"), c("revenue_3y"))),
        ("domestic_rd_share_3y", ratio(c("rd_expense_domestic_3y"), c("rd_expense_3y"))),
    ]
    return [first, second, third]


# ----------------------------------------------------------------------------------------------
# Rule sets
# ----------------------------------------------------------------------------------------------


def cond_col(rs: Ruleset, cid: str) -> str:
    return f"{rs.code}__c__{cid}"


def route_col(rs: Ruleset, cid: str) -> str:
    return f"{rs.code}__r__{cid}"


def item_col(rs: Ruleset, item_id: str, part: str) -> str:
    return f"{rs.code}__i__{item_id}__{part}"  # part: lo, hi, miss


def score_col(rs: Ruleset, part: str) -> str:
    return f"{rs.code}__s__{part}"  # part: lo, hi, miss


def group_col(rs: Ruleset, group_id: str, part: str) -> str:
    return f"{rs.code}__g__{group_id}__{part}"


def overall_col(rs: Ruleset) -> str:
    return f"{rs.code}__overall"


def status_of(b: Any, expr: Any) -> Any:
    """True → yes (3), False → no (0), null (a missing input) → unknown (1)."""
    return b.coalesce(b.to_int(expr) * YES, UNKNOWN)


def _table_range(b: Any, measure: str | None, brackets: list[Bracket]) -> tuple[Any, Any, Any]:
    """(lo, hi, missing) of one score table, honest about missing inputs.

    Rows are tried top to bottom and the first true row wins. A row whose test is null (missing
    input) might have been the winner, so every row from the first null one down to the first true
    one is kept, and the range covers them all.
    """
    rows = list(brackets)
    if not rows[-1].is_default:
        rows.append(Bracket(points=(0, 0)))
    if measure and all(r.when is None for r in rows):
        return _measure_range(b, measure, rows)
    still_open: Any = b.lit(True)
    los, his, nulls = [], [], []
    for row in rows:
        text = bracket_condition(measure, row)
        if text is None:
            kept = still_open
        else:
            test = b.sql(text)
            kept = still_open & b.coalesce(test, True)
            nulls.append(kept & b.is_null(test))
            still_open = still_open & ~b.coalesce(test, False)
        los.append(b.when([(kept, b.lit(float(row.points[0])))], b.lit(None, "float")))
        his.append(b.when([(kept, b.lit(float(row.points[1])))], b.lit(None, "float")))
        if text is None:
            break
    missing = b.any_true(nulls) if nulls else b.lit(False)
    return b.least(los), b.greatest(his), missing


def _measure_range(b: Any, measure: str, rows: list[Bracket]) -> tuple[Any, Any, Any]:
    """The same as _table_range for a table on one measure: its tests are all null or none is."""
    m = b.sql(measure)
    default = next(r for r in rows if r.is_default)
    tested = [r for r in rows[: rows.index(default)]]
    missing = b.is_null(m)
    ends = []
    for end in (0, 1):
        points = [r.points[end] for r in rows[: rows.index(default) + 1]]
        cases = [(missing, b.lit(float(min(points) if end == 0 else max(points))))]
        cases += [(b.sql(bracket_condition(measure, r)), b.lit(float(r.points[end]))) for r in tested]
        ends.append(b.when(cases, b.lit(float(default.points[end]))))
    return ends[0], ends[1], missing


def _item_stage(b: Any, rs: Ruleset, item: ScoreItem) -> STAGE:
    ranges = [_table_range(b, measure, brackets) for measure, brackets in item.tables()]
    lo = b.greatest([r[0] for r in ranges])
    hi = b.greatest([r[1] for r in ranges])
    missing = b.any_true([r[2] for r in ranges]) & (lo < hi)
    return [
        (item_col(rs, item.id, "lo"), lo),
        (item_col(rs, item.id, "hi"), hi),
        (item_col(rs, item.id, "miss"), missing),
    ]


def _passes(rs: Ruleset, x: Any) -> Any:
    assert rs.score is not None
    mark = rs.score.passing.mark
    return x >= mark if rs.score.passing.op == ">=" else x > mark


def ruleset_stages(b: Any, rs: Ruleset) -> list[STAGE]:
    """Six stages: parameters; statuses and item ranges; group subtotals; score totals; the score
    conditions (pass mark, items that must not be 0); the overall status."""
    params: STAGE = []
    for p in rs.parameters:
        cases = [(b.is_null(b.sql(p.by)), b.lit(None, "float"))]
        cases += [(b.sql(text), b.lit(float(v))) for text, v in parameter_cases(p)]
        params.append((p.id, b.when(cases, b.lit(float(p.bands[-1].value)))))

    statuses: STAGE = [(cond_col(rs, c.id), status_of(b, b.sql(c.expr))) for c in rs.conditions]
    statuses += [(route_col(rs, r.id), status_of(b, b.sql(r.expr))) for r in rs.routes]
    groups: STAGE = []
    totals: STAGE = []
    if rs.score:
        for _, item in rs.score.items():
            statuses += _item_stage(b, rs, item)
        for g in rs.score.groups:
            for part in ("lo", "hi"):
                subtotal = b.total([b.col(item_col(rs, i.id, part)) for i in g.items])
                if g.cap is not None:
                    subtotal = b.least([subtotal, b.lit(float(g.cap))])
                groups.append((group_col(rs, g.id, part), subtotal))
        missing = b.any_true([b.col(item_col(rs, i.id, "miss")) for _, i in rs.score.items()])
        totals.append((score_col(rs, "miss"), missing))
        for part in ("lo", "hi"):
            totals.append(
                (score_col(rs, part), b.total([b.col(group_col(rs, g.id, part)) for g in rs.score.groups]))
            )

    block_stage: STAGE = []
    if rs.score:
        lo, hi, miss = (b.col(score_col(rs, p)) for p in ("lo", "hi", "miss"))
        block = [
            (
                cond_col(rs, rs.score.id),
                b.when(
                    [(_passes(rs, lo), b.lit(YES)), (~_passes(rs, hi), b.lit(NO)), (miss, b.lit(UNKNOWN))],
                    b.lit(POSSIBLE),
                ),
            )
        ]
        for _, item in rs.score.items():
            if item.require_nonzero:
                ilo, ihi, imiss = (b.col(item_col(rs, item.id, p)) for p in ("lo", "hi", "miss"))
                block.append(
                    (
                        cond_col(rs, item.require_nonzero.id),
                        b.when(
                            [(ilo > 0, b.lit(YES)), (ihi <= 0, b.lit(NO)), (imiss, b.lit(UNKNOWN))],
                            b.lit(POSSIBLE),
                        ),
                    )
                )
        block_stage += block
    return [params, statuses, groups, totals, block_stage, [(overall_col(rs), _overall(b, rs))]]


def score_block_ids(rs: Ruleset) -> list[str]:
    if not rs.score:
        return []
    return [rs.score.id] + [i.require_nonzero.id for _, i in rs.score.items() if i.require_nonzero]


def _overall(b: Any, rs: Ruleset) -> Any:
    parts = [b.col(cond_col(rs, c.id)) for c in rs.conditions]
    block = [b.col(cond_col(rs, cid)) for cid in score_block_ids(rs)]
    if block:
        path = b.least(block)
        if rs.routes:
            path = b.greatest([b.greatest([b.col(route_col(rs, r.id)) for r in rs.routes]), path])
        parts.append(path)
    return b.least(parts) if parts else b.lit(YES)


def _failed(b: Any, rs: Ruleset) -> Any:
    """Semicolon-separated failed condition ids, `<id>:missing` for a missing input."""
    # The score counts only when no direct-qualification route holds.
    no_route = b.greatest([b.col(route_col(rs, r.id)) for r in rs.routes]) != YES if rs.routes else None
    entries = [(c.id, b.col(cond_col(rs, c.id)), None) for c in rs.conditions]
    entries += [(cid, b.col(cond_col(rs, cid)), no_route) for cid in score_block_ids(rs)]
    return b.failed_list(entries)


def output_columns(b: Any, rulesets: list[Ruleset], year: int) -> STAGE:
    """The issue's output columns: credit_code; per rule set eligible, score_min/max, failed; tier."""
    out: STAGE = [("credit_code", b.col("credit_code"))]
    by_code = {rs.code: rs for rs in rulesets}
    for rs in rulesets:
        s = b.col(overall_col(rs))
        out.append(
            (
                f"{rs.code}_eligible",
                b.when([(s == k, b.lit(v)) for k, v in ELIGIBILITY.items()], b.lit(None, "str")),
            )
        )
        for part, name in (("lo", "score_min"), ("hi", "score_max")):
            value = b.to_float(b.col(score_col(rs, part))) if rs.score else b.lit(None, "float")
            out.append((f"{rs.code}_{name}", value))
        out.append((f"{rs.code}_failed", _failed(b, rs)))
    out.append(("tier", tier_expr(b, by_code, year)))
    return out


def tier_expr(b: Any, by_code: dict[str, Ruleset], year: int) -> Any:
    """What the enterprise holds now (not a prediction), top of the ladder first."""
    c = b.col
    cert = c("hightech_cert_valid")
    if "guishang" in by_code:
        guishang = c(overall_col(by_code["guishang"])) == YES
    else:
        guishang = b.coalesce(c("is_industrial") & (c("main_business_revenue") >= 2000), False)
    cases = []
    if "lingjun" in by_code:
        cases.append((c(overall_col(by_code["lingjun"])) == YES, b.lit("lingjun")))
    cases += [
        (cert & guishang, b.lit("guishang_gaoqi")),
        (cert, b.lit("gaoqi")),
        (b.coalesce(c("kexiao_registered_year") == year, False), b.lit("kexiao")),
    ]
    return b.when(cases, b.lit("none"))


def check_compatible(rulesets: list[Ruleset]) -> None:
    """Rule sets run side by side: codes and parameter names must not collide."""
    from kechuang.engine.rules.ruleset import RulesetError

    codes = [r.code for r in rulesets]
    if len(set(codes)) != len(codes):
        raise RulesetError(
            f"同一规则集出现多次：{', '.join(sorted({c for c in codes if codes.count(c) > 1}))}"
        )
    seen: dict[str, str] = {}
    for rs in rulesets:
        for p in rs.parameters:
            if p.id in seen:
                raise RulesetError(f"规则集 {rs.code} 与 {seen[p.id]} 的参数重名：{p.id}")
            seen[p.id] = rs.code


__all__ = [
    "ELIGIBILITY",
    "NO",
    "POSSIBLE",
    "TIERS",
    "UNKNOWN",
    "YES",
    "Condition",
    "Requirement",
    "derive_stages",
    "output_columns",
    "ruleset_stages",
]
