"""The baseline: a straightforward pandas, row-by-row implementation of the shipped rule sets.

This is how the qualification would be written without the engine: group the facts by enterprise,
walk the registry with ``iterrows``, compute each enterprise's figures in Python and test the rules
(科小, 高企, 规上, and the 瞪羚 / 科技领军 samples) one by one. The thresholds are written out by hand
from the same rule files. It follows the engine's semantics exactly (missing → unknown, a zero
denominator fails, the years used, the score ranges), so that bench_qualify.py can check that both
give the same results before comparing their speed.

    baseline_qualify(registry_pdf, facts_pdf, year) -> pandas.DataFrame   # same columns as qualify()
"""

from __future__ import annotations

import math

import pandas as pd

NO, UNKNOWN, POSSIBLE, YES = 0, 1, 2, 3
ELIGIBILITY = {NO: "no", UNKNOWN: "unknown", POSSIBLE: "possible", YES: "yes"}
TECH_FIELDS = {
    "电子信息",
    "生物与新医药",
    "航空航天",
    "新材料",
    "高技术服务",
    "新能源与节能",
    "资源与环境",
    "先进制造与自动化",
}
FLAGS = (
    "national_award_5y",
    "led_standard_5y",
    "abnormal_listed",
    "serious_incident_1y",
    "restricted_industry",
)


def clean(v):
    if v is None:
        return None
    try:
        if pd.isna(v):
            return None
    except (TypeError, ValueError):
        pass
    if hasattr(v, "item"):
        return v.item()
    return v


# Three-valued logic (None = unknown), as SQL.
def k_and(*xs):
    if any(x is False for x in xs):
        return False
    return None if any(x is None for x in xs) else True


def k_or(*xs):
    if any(x is True for x in xs):
        return True
    return None if any(x is None for x in xs) else False


def k_not(x):
    return None if x is None else not x


def cmp(a, op, b):
    if a is None or b is None:
        return None
    return {">=": a >= b, ">": a > b, "<=": a <= b, "=": a == b}[op]


def add(*xs):
    return None if any(x is None for x in xs) else sum(xs)


def status(x):
    return UNKNOWN if x is None else (YES if x else NO)


def ratio(num, den):
    if den is None:
        return None
    if den == 0:
        return 0.0
    return None if num is None else round(num / den, 10)


def table(tests):
    """(lo, hi, missing) of a score table: tests are (result, lo, hi); the default row is (True, 0, 0)
    unless the table ends with its own default (result True)."""
    if not tests or tests[-1][0] is not True:
        tests = [*tests, (True, 0, 0)]
    lows, highs, missing = [], [], False
    for result, lo, hi in tests:
        if result is False:
            continue
        lows.append(lo)
        highs.append(hi)
        if result is None:
            missing = True
            continue
        break  # the first true row ends the table
    return min(lows), max(highs), missing


def brackets(value, rows, op=">="):
    return [(cmp(value, ">" if strict else op, bound), lo, hi) for bound, lo, hi, strict in rows]


def item(lo, hi, missing):
    return lo, hi, missing and lo < hi


def enterprise_figures(ent: dict, by_year: dict, year: int) -> dict:
    """The derived figures of one enterprise (as kechuang.engine.rules.derive, written out)."""
    reg = ent["registered_on"]
    reg_year = reg.year if reg is not None else None
    n = 3 if reg_year is None else (1 if reg_year >= year else (2 if reg_year == year - 1 else 3))
    y0, y1, y2 = by_year.get(year, {}), by_year.get(year - 1, {}), by_year.get(year - 2, {})

    def over_years(col, digits=6):
        vals = [y0.get(col), y1.get(col), y2.get(col)][:n]
        total = add(*vals)
        return None if total is None else (round(float(total), digits) if digits is not None else total)

    def growth(col):
        x1, x2, x3 = y2.get(col), y1.get(col), y0.get(col)
        if n == 1:
            g = 0.0
        elif n == 2:
            g = None if x2 is None else (0.0 if x2 == 0 else (None if x3 is None else x3 / x2 - 1))
        elif x2 is None:
            g = None
        elif x2 == 0:
            g = 0.0
        elif x1 is None:
            g = None
        elif x1 == 0:
            g = None if x3 is None else x3 / x2 - 1
        else:
            g = None if x3 is None else (x2 / x1 + x3 / x2) * 0.5 - 1
        return None if g is None else round(g, 10)

    f = dict(y0)
    f["revenue_3y"] = over_years("revenue")
    f["rd_expense_3y"] = over_years("rd_expense")
    f["rd_expense_domestic_3y"] = over_years("rd_expense_domestic")
    f["standards_led_3y"] = over_years("standards_led", None)
    conv = over_years("conversions", None)
    f["conversions_avg_3y"] = None if conv is None else round(conv / n, 10)
    f["net_asset_growth"] = growth("net_assets")
    f["revenue_growth"] = growth("revenue")
    f["hightech_revenue_share"] = ratio(y0.get("hightech_revenue"), y0.get("revenue"))
    f["tech_staff_share"] = ratio(y0.get("tech_staff"), y0.get("employees"))
    f["rd_to_revenue"] = ratio(y0.get("rd_expense"), y0.get("revenue"))
    f["rd_to_cost"] = ratio(y0.get("rd_expense"), y0.get("total_cost"))
    f["rd_ratio_3y"] = ratio(f["rd_expense_3y"], f["revenue_3y"])
    f["domestic_rd_share_3y"] = ratio(f["rd_expense_domestic_3y"], f["rd_expense_3y"])
    base, prev, rev = y2.get("revenue"), y1.get("revenue"), y0.get("revenue")
    f["revenue_base"] = base
    f["revenue_yoy"] = (
        None if prev is None else (0.0 if prev == 0 else (None if rev is None else round(rev / prev - 1, 10)))
    )
    f["revenue_cagr_2y"] = (
        None
        if base is None
        else (0.0 if base == 0 else (None if rev is None else round(math.sqrt(rev / base) - 1, 10)))
    )
    f["years_since_registration"] = None if reg_year is None else year - reg_year
    code = ent["industry_code"]
    f["is_industrial"] = None if code is None else code[:1].upper() in ("B", "C", "D")
    until = ent["hightech_cert_until"]
    f["hightech_cert_valid"] = until is not None and until >= pd.Timestamp(year, 12, 31)
    for flag in FLAGS:
        f[flag] = bool(ent[flag]) if ent[flag] is not None else False
    f["rd_institution_level"] = ent["rd_institution_level"] or "none"
    f["tech_field"] = ent["tech_field"]
    f["kexiao_registered_year"] = ent["kexiao_registered_year"]
    return f


def outcome(conditions: list[tuple[str, int]], block: list[tuple[str, int]] | None = None, route=None):
    """(overall status, failed text) from condition statuses, the score block and the routes."""
    parts = [s for _, s in conditions]
    listed = list(conditions)
    if block is not None:
        path = min(s for _, s in block)
        if route is not None:
            path = max(route, path)
        parts.append(path)
        if route != YES:
            listed += block
    failed = [cid if s == NO else f"{cid}:missing" for cid, s in listed if s in (NO, UNKNOWN)]
    return (min(parts) if parts else YES), ";".join(failed)


def score_status(lo, hi, missing, passes):
    if passes(lo):
        return YES
    if not passes(hi):
        return NO
    return UNKNOWN if missing else POSSIBLE


def kexiao(f):
    conds = [
        ("size_employees", status(cmp(f.get("employees"), "<=", 500))),
        ("size_revenue", status(cmp(f.get("revenue"), "<=", 20000))),
        ("size_assets", status(cmp(f.get("total_assets"), "<=", 20000))),
        ("industry_allowed", status(k_not(f["restricted_industry"]))),
        ("not_abnormal_listed", status(k_not(f["abnormal_listed"]))),
        ("no_serious_incident", status(k_not(f["serious_incident_1y"]))),
    ]
    s = [(0.30, 20, 20, 0), (0.25, 16, 16, 0), (0.20, 12, 12, 0), (0.15, 8, 8, 0), (0.10, 4, 4, 0)]
    tech = item(*table(brackets(f["tech_staff_share"], s)))
    a = table(
        brackets(
            f["rd_to_revenue"],
            [(0.06, 50, 50, 0), (0.05, 40, 40, 0), (0.04, 30, 30, 0), (0.03, 20, 20, 0), (0.02, 10, 10, 0)],
        )
    )
    b = table(
        brackets(
            f["rd_to_cost"],
            [(0.30, 50, 50, 0), (0.25, 40, 40, 0), (0.20, 30, 30, 0), (0.15, 20, 20, 0), (0.10, 10, 10, 0)],
        )
    )
    rd = item(max(a[0], b[0]), max(a[1], b[1]), a[2] or b[2])
    ip1, ip2 = f.get("ip_class1"), f.get("ip_class2")
    ip = item(
        *table(
            [
                (cmp(ip1, ">=", 1), 30, 30),
                (cmp(ip2, ">=", 4), 24, 24),
                (cmp(ip2, "=", 3), 18, 18),
                (cmp(ip2, "=", 2), 12, 12),
                (cmp(ip2, "=", 1), 6, 6),
            ]
        )
    )
    lo, hi = tech[0] + rd[0] + ip[0], tech[1] + rd[1] + ip[1]
    missing = tech[2] or rd[2] or ip[2]
    block = [
        ("score_60", score_status(lo, hi, missing, lambda x: x >= 60)),
        (
            "tech_staff_nonzero",
            YES if tech[0] > 0 else (NO if tech[1] <= 0 else (UNKNOWN if tech[2] else POSSIBLE)),
        ),
    ]
    routes = [
        f["hightech_cert_valid"],
        f["national_award_5y"],
        f["rd_institution_level"] in ("provincial", "national"),
        f["led_standard_5y"],
    ]
    route = max(status(r) for r in routes)
    overall, failed = outcome(conds, block, route)
    return overall, float(lo), float(hi), failed


def gaoqi(f):
    rev = f.get("revenue")
    required = None if rev is None else (0.05 if rev <= 5000 else (0.04 if rev <= 20000 else 0.03))
    ip1, ip2 = f.get("ip_class1"), f.get("ip_class2")
    conds = [
        ("registered_1y", status(cmp(f["years_since_registration"], ">=", 1))),
        ("owns_ip", status(cmp(add(ip1, ip2), ">=", 1))),
        ("tech_field", status((f["tech_field"] or "") in TECH_FIELDS)),
        ("tech_staff_share", status(cmp(f["tech_staff_share"], ">=", 0.10))),
        ("rd_ratio", status(cmp(f["rd_ratio_3y"], ">=", required))),
        ("domestic_rd_share", status(cmp(f["domestic_rd_share_3y"], ">=", 0.60))),
        ("hightech_revenue_share", status(cmp(f["hightech_revenue_share"], ">=", 0.60))),
        ("no_serious_incident", status(k_not(f["serious_incident_1y"]))),
    ]
    has_ip = cmp(add(ip1, ip2), ">", 0)
    ip_items = [
        item(*table([(has_ip, 0, 8)])),
        item(*table([(has_ip, 0, 8)])),
        item(
            *table(
                [
                    (cmp(ip1, ">=", 1), 7, 8),
                    (cmp(ip2, ">=", 5), 5, 6),
                    (cmp(ip2, ">=", 3), 3, 4),
                    (cmp(ip2, ">=", 1), 1, 2),
                ]
            )
        ),
        item(*table([(has_ip, 1, 6)])),
        item(*table([(cmp(f["standards_led_3y"], ">", 0), 1, 2)])),
    ]
    conv = item(
        *table(
            brackets(
                f["conversions_avg_3y"],
                [(5, 25, 30, 0), (4, 19, 24, 0), (3, 13, 18, 0), (2, 7, 12, 0), (1, 1, 6, 0)],
            )
        )
    )
    management = [(0, 6, False), (0, 6, False), (0, 4, False), (0, 4, False)]
    g = [(0.35, 9, 10, 0), (0.25, 7, 8, 0), (0.15, 5, 6, 0), (0.05, 3, 4, 0), (0, 1, 2, 1)]
    growth = [
        item(*table(brackets(f["net_asset_growth"], g))),
        item(*table(brackets(f["revenue_growth"], g))),
    ]
    groups = [
        (min(30, sum(i[0] for i in ip_items)), min(30, sum(i[1] for i in ip_items))),
        (conv[0], conv[1]),
        (sum(i[0] for i in management), sum(i[1] for i in management)),
        (sum(i[0] for i in growth), sum(i[1] for i in growth)),
    ]
    lo, hi = sum(x[0] for x in groups), sum(x[1] for x in groups)
    missing = any(i[2] for i in [*ip_items, conv, *growth])
    block = [("innovation_score", score_status(lo, hi, missing, lambda x: x > 70))]
    overall, failed = outcome(conds, block)
    return overall, float(lo), float(hi), failed


def guishang(f):
    conds = [
        ("industrial", status(f["is_industrial"])),
        ("main_revenue_2000", status(cmp(f.get("main_business_revenue"), ">=", 2000))),
    ]
    overall, failed = outcome(conds)
    return overall, None, None, failed


def gazelle(f):
    yoy_up = cmp(f["revenue_yoy"], ">", 0)
    ysr, rev = f["years_since_registration"], f.get("revenue")
    route = k_or(
        k_and(cmp(f["revenue_base"], ">=", 1000), cmp(f["revenue_cagr_2y"], ">=", 0.20), yoy_up),
        k_and(cmp(ysr, "<=", 5), cmp(rev, ">", 50000), yoy_up),
        k_and(cmp(ysr, "<=", 10), cmp(rev, ">", 100000), yoy_up),
    )
    conds = [
        ("hightech_only", status(f["hightech_cert_valid"])),
        ("growth_route", status(route)),
        ("innovation_intensity", status(cmp(f["rd_ratio_3y"], ">", 0.025))),
    ]
    overall, failed = outcome(conds)
    return overall, None, None, failed


def lingjun(f):
    conds = [
        ("hightech_cert", status(f["hightech_cert_valid"])),
        ("revenue_1bn", status(cmp(f.get("revenue"), ">=", 100000))),
        ("rd_ratio", status(cmp(f["rd_ratio_3y"], ">=", 0.03))),
        ("invention_patents", status(cmp(f.get("invention_patents"), ">=", 30))),
        ("rd_institution", status(f["rd_institution_level"] in ("provincial", "national"))),
        ("clean_record", status(k_and(k_not(f["abnormal_listed"]), k_not(f["serious_incident_1y"])))),
    ]
    overall, failed = outcome(conds)
    return overall, None, None, failed


RULES = (
    ("kexiao", kexiao),
    ("gaoqi", gaoqi),
    ("guishang", guishang),
    ("gazelle", gazelle),
    ("lingjun", lingjun),
)


def baseline_qualify(registry: pd.DataFrame, facts: pd.DataFrame, year: int) -> pd.DataFrame:
    """One row per registry enterprise, same columns as kechuang.engine.rules.qualify()."""
    facts = facts[facts["year"].between(year - 2, year)]
    groups = {code: sub for code, sub in facts.groupby("credit_code")}
    out = []
    for _, ent_row in registry.iterrows():
        ent = {k: clean(v) for k, v in ent_row.items()}
        by_year = {}
        sub = groups.get(ent["credit_code"])
        if sub is not None:
            for _, fact in sub.iterrows():
                by_year[int(fact["year"])] = {k: clean(v) for k, v in fact.items()}
        f = enterprise_figures(ent, by_year, year)
        row = {"credit_code": ent["credit_code"]}
        overall = {}
        for code, rule in RULES:
            status_, lo, hi, failed = rule(f)
            overall[code] = status_
            row[f"{code}_eligible"] = ELIGIBILITY[status_]
            row[f"{code}_score_min"] = lo
            row[f"{code}_score_max"] = hi
            row[f"{code}_failed"] = failed
        cert = f["hightech_cert_valid"]
        if overall["lingjun"] == YES:
            tier = "lingjun"
        elif cert and overall["guishang"] == YES:
            tier = "guishang_gaoqi"
        elif cert:
            tier = "gaoqi"
        elif f["kexiao_registered_year"] == year:
            tier = "kexiao"
        else:
            tier = "none"
        row["tier"] = tier
        out.append(row)
    return pd.DataFrame(out)
