"""The fair baseline: the shipped rule sets in vectorised pandas/NumPy, as a good analyst would write it.

No loop over enterprises: the facts of Y, Y−1 and Y−2 are aligned to the registry with one reindex
each, every figure is a whole-column NumPy expression (missing = NaN), three-valued conditions are
float arrays (1 true, 0 false, NaN unknown), score tables are walked top to bottom once per table row
(not per enterprise), and the failed-condition texts are built by whole-column string concatenation.
It follows the same semantics as the row-by-row baseline (baseline_pandas.py) and the engine, so that
bench_qualify.py can check that all three give identical results before comparing their speed.

    vectorised_qualify(registry_pdf, facts_pdf, year) -> pandas.DataFrame   # same columns as qualify()
"""

from __future__ import annotations

import numpy as np
import pandas as pd

NO, UNKNOWN, POSSIBLE, YES = 0, 1, 2, 3
ELIGIBILITY = np.array(["no", "unknown", "possible", "yes"], dtype=object)
TECH_FIELDS = ["电子信息", "生物与新医药", "航空航天", "新材料", "高技术服务", "新能源与节能", "资源与环境", "先进制造与自动化"]  # fmt: skip
FLAGS = (
    "national_award_5y",
    "led_standard_5y",
    "abnormal_listed",
    "serious_incident_1y",
    "restricted_industry",
)
MULTI_YEAR = ("revenue", "rd_expense", "rd_expense_domestic", "standards_led", "conversions", "net_assets")


def num(s) -> np.ndarray:
    """A column as float64 with NaN for missing."""
    return pd.to_numeric(pd.Series(s), errors="coerce").astype("float64").to_numpy()


# Three-valued logic on float arrays: 1.0 true, 0.0 false, NaN unknown.
def tri(mask: np.ndarray, known: np.ndarray) -> np.ndarray:
    return np.where(known, mask.astype("float64"), np.nan)


def cmp(a, op: str, b) -> np.ndarray:
    a, b = np.asarray(a, dtype="float64"), np.asarray(b, dtype="float64")
    with np.errstate(invalid="ignore"):
        result = {">=": a >= b, ">": a > b, "<=": a <= b, "=": a == b}[op]
    return tri(result, ~(np.isnan(a) | np.isnan(b)))


def k_and(*xs) -> np.ndarray:
    xs = np.vstack(xs)
    return np.where((xs == 0).any(axis=0), 0.0, np.where(np.isnan(xs).any(axis=0), np.nan, 1.0))


def k_or(*xs) -> np.ndarray:
    xs = np.vstack(xs)
    return np.where((xs == 1).any(axis=0), 1.0, np.where(np.isnan(xs).any(axis=0), np.nan, 0.0))


def status(x) -> np.ndarray:
    x = np.asarray(x, dtype="float64")
    return np.where(np.isnan(x), UNKNOWN, np.where(x == 1, YES, NO))


def ratio(num_, den) -> np.ndarray:
    with np.errstate(all="ignore"):
        out = np.where(den == 0, 0.0, np.round(num_ / den, 10))
    return np.where(np.isnan(den), np.nan, out)


def table(tests, n: int):
    """(lo, hi, missing) of a score table, walked top to bottom for all enterprises at once: a false
    row is skipped, an unknown row widens the range and marks it missing, the first true row ends it.
    Every table ends with the default row (true, 0, 0)."""
    done = np.zeros(n, dtype=bool)
    lo, hi, missing = np.full(n, np.inf), np.full(n, -np.inf), np.zeros(n, dtype=bool)
    for result, low, high in [*tests, (np.ones(n), 0, 0)]:
        active = ~done
        take = active & (result != 0)  # true or unknown (NaN != 0)
        lo = np.where(take, np.minimum(lo, low), lo)
        hi = np.where(take, np.maximum(hi, high), hi)
        missing |= active & np.isnan(result)
        done |= active & (result == 1)
    return lo, hi, missing


def brackets(value, rows, op: str = ">="):
    return [(cmp(value, ">" if strict else op, bound), lo, hi) for bound, lo, hi, strict in rows]


def item(lo, hi, missing):
    return lo, hi, missing & (lo < hi)


def score_status(lo, hi, missing, passes) -> np.ndarray:
    return np.where(passes(lo), YES, np.where(~passes(hi), NO, np.where(missing, UNKNOWN, POSSIBLE)))


def failed_text(listed) -> np.ndarray:
    """'id' for a failed and 'id:missing' for an unknown condition, joined by ';' (column at a time)."""
    out = None
    for cid, st, include in listed:
        piece = np.where(st == NO, cid, np.where(st == UNKNOWN, f"{cid}:missing", "")).astype(object)
        if include is not None:
            piece = np.where(include, piece, "")
        if out is None:
            out = piece
            continue
        joined = out + ";" + piece
        out = np.where(piece == "", out, np.where(out == "", piece, joined))
    return out


def outcome(conditions, n: int, block=None, route=None):
    parts = [s for _, s in conditions]
    listed = [(cid, s, None) for cid, s in conditions]
    if block is not None:
        path = np.minimum.reduce([s for _, s in block])
        if route is not None:
            path = np.maximum(route, path)
        parts.append(path)
        include = None if route is None else route != YES
        listed += [(cid, s, include) for cid, s in block]
    overall = np.minimum.reduce(parts) if parts else np.full(n, YES)
    return overall, failed_text(listed) if listed else np.full(n, "", dtype=object)


def figures(registry: pd.DataFrame, facts: pd.DataFrame, year: int) -> dict[str, np.ndarray]:
    codes = registry["credit_code"]
    by_year = {
        back: facts[facts["year"] == year - back].set_index("credit_code").reindex(codes)
        for back in (0, 1, 2)
    }
    y0, y1, y2 = (by_year[b] for b in (0, 1, 2))
    reg = pd.to_datetime(registry["registered_on"])
    reg_year = reg.dt.year.astype("float64").to_numpy()
    n_years = np.where(
        np.isnan(reg_year), 3, np.where(reg_year >= year, 1, np.where(reg_year == year - 1, 2, 3))
    )
    f = {c: num(y0[c]) for c in facts.columns if c not in ("credit_code", "year")}

    def over_years(col, digits=6):
        total = (
            num(y0[col])
            + np.where(n_years >= 2, num(y1[col]), 0.0)
            + np.where(n_years >= 3, num(y2[col]), 0.0)
        )
        return total if digits is None else np.round(total, digits)

    def growth(col):
        x1, x2, x3 = num(y2[col]), num(y1[col]), num(y0[col])
        with np.errstate(all="ignore"):
            two = np.where(np.isnan(x2), np.nan, np.where(x2 == 0, 0.0, x3 / x2 - 1))
            three = np.select(
                [np.isnan(x2), x2 == 0, np.isnan(x1), x1 == 0],
                [np.nan, 0.0, np.nan, x3 / x2 - 1],
                (x2 / x1 + x3 / x2) * 0.5 - 1,
            )
        return np.round(np.select([n_years == 1, n_years == 2], [0.0, two], three), 10)

    f["revenue_3y"] = over_years("revenue")
    f["rd_expense_3y"] = over_years("rd_expense")
    f["rd_expense_domestic_3y"] = over_years("rd_expense_domestic")
    f["standards_led_3y"] = over_years("standards_led", None)
    f["conversions_avg_3y"] = np.round(over_years("conversions", None) / n_years, 10)
    f["net_asset_growth"] = growth("net_assets")
    f["revenue_growth"] = growth("revenue")
    f["hightech_revenue_share"] = ratio(f["hightech_revenue"], f["revenue"])
    f["tech_staff_share"] = ratio(f["tech_staff"], f["employees"])
    f["rd_to_revenue"] = ratio(f["rd_expense"], f["revenue"])
    f["rd_to_cost"] = ratio(f["rd_expense"], f["total_cost"])
    f["rd_ratio_3y"] = ratio(f["rd_expense_3y"], f["revenue_3y"])
    f["domestic_rd_share_3y"] = ratio(f["rd_expense_domestic_3y"], f["rd_expense_3y"])
    base, prev, rev = num(y2["revenue"]), num(y1["revenue"]), f["revenue"]
    with np.errstate(all="ignore"):
        f["revenue_base"] = base
        f["revenue_yoy"] = np.where(
            np.isnan(prev), np.nan, np.where(prev == 0, 0.0, np.round(rev / prev - 1, 10))
        )
        f["revenue_cagr_2y"] = np.where(
            np.isnan(base), np.nan, np.where(base == 0, 0.0, np.round(np.sqrt(rev / base) - 1, 10))
        )
    f["years_since_registration"] = year - reg_year
    industry = registry["industry_code"]
    f["is_industrial"] = tri(
        industry.str[:1].str.upper().isin(["B", "C", "D"]).to_numpy(), industry.notna().to_numpy()
    )
    until = pd.to_datetime(registry["hightech_cert_until"])
    f["hightech_cert_valid"] = (until.notna() & (until >= pd.Timestamp(year, 12, 31))).to_numpy()
    for flag in FLAGS:
        f[flag] = registry[flag].fillna(False).astype(bool).to_numpy()
    level = registry["rd_institution_level"].fillna("").replace("", "none")
    f["high_level_institution"] = level.isin(["provincial", "national"]).to_numpy()
    f["tech_field_ok"] = registry["tech_field"].isin(TECH_FIELDS).to_numpy()
    f["kexiao_registered_year"] = num(registry["kexiao_registered_year"])
    return f


def kexiao(f, n):
    conds = [
        ("size_employees", status(cmp(f["employees"], "<=", 500))),
        ("size_revenue", status(cmp(f["revenue"], "<=", 20000))),
        ("size_assets", status(cmp(f["total_assets"], "<=", 20000))),
        ("industry_allowed", status(~f["restricted_industry"])),
        ("not_abnormal_listed", status(~f["abnormal_listed"])),
        ("no_serious_incident", status(~f["serious_incident_1y"])),
    ]
    s = [(0.30, 20, 20, 0), (0.25, 16, 16, 0), (0.20, 12, 12, 0), (0.15, 8, 8, 0), (0.10, 4, 4, 0)]
    tech = item(*table(brackets(f["tech_staff_share"], s), n))
    a = table(brackets(f["rd_to_revenue"], [(0.06, 50, 50, 0), (0.05, 40, 40, 0), (0.04, 30, 30, 0), (0.03, 20, 20, 0), (0.02, 10, 10, 0)]), n)  # fmt: skip
    b = table(brackets(f["rd_to_cost"], [(0.30, 50, 50, 0), (0.25, 40, 40, 0), (0.20, 30, 30, 0), (0.15, 20, 20, 0), (0.10, 10, 10, 0)]), n)  # fmt: skip
    rd = item(np.maximum(a[0], b[0]), np.maximum(a[1], b[1]), a[2] | b[2])
    ip1, ip2 = f["ip_class1"], f["ip_class2"]
    ip = item(*table([(cmp(ip1, ">=", 1), 30, 30), (cmp(ip2, ">=", 4), 24, 24), (cmp(ip2, "=", 3), 18, 18),
                      (cmp(ip2, "=", 2), 12, 12), (cmp(ip2, "=", 1), 6, 6)], n))  # fmt: skip
    lo, hi = tech[0] + rd[0] + ip[0], tech[1] + rd[1] + ip[1]
    missing = tech[2] | rd[2] | ip[2]
    nonzero = np.where(tech[0] > 0, YES, np.where(tech[1] <= 0, NO, np.where(tech[2], UNKNOWN, POSSIBLE)))
    block = [("score_60", score_status(lo, hi, missing, lambda x: x >= 60)), ("tech_staff_nonzero", nonzero)]
    routes = (
        f["hightech_cert_valid"] | f["national_award_5y"] | f["high_level_institution"] | f["led_standard_5y"]
    )
    overall, failed = outcome(conds, n, block, np.where(routes, YES, NO))
    return overall, lo, hi, failed


def gaoqi(f, n):
    rev, ip1, ip2 = f["revenue"], f["ip_class1"], f["ip_class2"]
    required = np.where(
        np.isnan(rev), np.nan, np.where(rev <= 5000, 0.05, np.where(rev <= 20000, 0.04, 0.03))
    )
    conds = [
        ("registered_1y", status(cmp(f["years_since_registration"], ">=", 1))),
        ("owns_ip", status(cmp(ip1 + ip2, ">=", 1))),
        ("tech_field", status(f["tech_field_ok"])),
        ("tech_staff_share", status(cmp(f["tech_staff_share"], ">=", 0.10))),
        ("rd_ratio", status(cmp(f["rd_ratio_3y"], ">=", required))),
        ("domestic_rd_share", status(cmp(f["domestic_rd_share_3y"], ">=", 0.60))),
        ("hightech_revenue_share", status(cmp(f["hightech_revenue_share"], ">=", 0.60))),
        ("no_serious_incident", status(~f["serious_incident_1y"])),
    ]
    has_ip = cmp(ip1 + ip2, ">", 0)
    ip_items = [
        item(*table([(has_ip, 0, 8)], n)),
        item(*table([(has_ip, 0, 8)], n)),
        item(
            *table(
                [
                    (cmp(ip1, ">=", 1), 7, 8),
                    (cmp(ip2, ">=", 5), 5, 6),
                    (cmp(ip2, ">=", 3), 3, 4),
                    (cmp(ip2, ">=", 1), 1, 2),
                ],
                n,
            )
        ),  # fmt: skip
        item(*table([(has_ip, 1, 6)], n)),
        item(*table([(cmp(f["standards_led_3y"], ">", 0), 1, 2)], n)),
    ]
    conv = item(*table(brackets(f["conversions_avg_3y"], [(5, 25, 30, 0), (4, 19, 24, 0), (3, 13, 18, 0), (2, 7, 12, 0), (1, 1, 6, 0)]), n))  # fmt: skip
    g = [(0.35, 9, 10, 0), (0.25, 7, 8, 0), (0.15, 5, 6, 0), (0.05, 3, 4, 0), (0, 1, 2, 1)]
    growth = [
        item(*table(brackets(f["net_asset_growth"], g), n)),
        item(*table(brackets(f["revenue_growth"], g), n)),
    ]
    lo = np.minimum(30, sum(i[0] for i in ip_items)) + conv[0] + 0 + sum(i[0] for i in growth)
    hi = np.minimum(30, sum(i[1] for i in ip_items)) + conv[1] + 20 + sum(i[1] for i in growth)
    missing = np.logical_or.reduce([i[2] for i in [*ip_items, conv, *growth]])
    block = [("innovation_score", score_status(lo, hi, missing, lambda x: x > 70))]
    overall, failed = outcome(conds, n, block)
    return overall, lo, hi, failed


def guishang(f, n):
    conds = [
        ("industrial", status(f["is_industrial"])),
        ("main_revenue_2000", status(cmp(f["main_business_revenue"], ">=", 2000))),
    ]
    overall, failed = outcome(conds, n)
    return overall, None, None, failed


def gazelle(f, n):
    yoy_up = cmp(f["revenue_yoy"], ">", 0)
    ysr, rev = f["years_since_registration"], f["revenue"]
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
    overall, failed = outcome(conds, n)
    return overall, None, None, failed


def lingjun(f, n):
    conds = [
        ("hightech_cert", status(f["hightech_cert_valid"])),
        ("revenue_1bn", status(cmp(f["revenue"], ">=", 100000))),
        ("rd_ratio", status(cmp(f["rd_ratio_3y"], ">=", 0.03))),
        ("invention_patents", status(cmp(f["invention_patents"], ">=", 30))),
        ("rd_institution", status(f["high_level_institution"])),
        ("clean_record", status(~f["abnormal_listed"] & ~f["serious_incident_1y"])),
    ]
    overall, failed = outcome(conds, n)
    return overall, None, None, failed


RULES = (
    ("kexiao", kexiao),
    ("gaoqi", gaoqi),
    ("guishang", guishang),
    ("gazelle", gazelle),
    ("lingjun", lingjun),
)


def vectorised_qualify(registry: pd.DataFrame, facts: pd.DataFrame, year: int) -> pd.DataFrame:
    """One row per registry enterprise, same columns as kechuang.engine.rules.qualify()."""
    facts = facts[facts["year"].between(year - 2, year)]
    n = len(registry)
    f = figures(registry.reset_index(drop=True), facts, year)
    out = {"credit_code": registry["credit_code"].to_numpy()}
    overall = {}
    for code, rule in RULES:
        st, lo, hi, failed = rule(f, n)
        overall[code] = st
        out[f"{code}_eligible"] = ELIGIBILITY[st]
        out[f"{code}_score_min"] = lo if lo is not None else np.full(n, np.nan)
        out[f"{code}_score_max"] = hi if hi is not None else np.full(n, np.nan)
        out[f"{code}_failed"] = failed
    cert = f["hightech_cert_valid"]
    out["tier"] = np.select(
        [
            overall["lingjun"] == YES,
            cert & (overall["guishang"] == YES),
            cert,
            f["kexiao_registered_year"] == year,
        ],
        ["lingjun", "guishang_gaoqi", "gaoqi", "kexiao"],
        "none",
    ).astype(object)
    return pd.DataFrame(out)
