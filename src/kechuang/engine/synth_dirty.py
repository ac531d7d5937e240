"""Dirty copies of a synthetic population: the errors real department files have, for import tests.

``make_dirty(registry, facts, seed)`` returns text frames (every column Utf8, as a spreadsheet is
read) with, at a few percent of rows in all:

- errors the import must reject — bad check characters, wrong length, illegal characters, empty
  codes, duplicated rows and codes, (credit_code, year) twice, unknown towns, unparseable numbers
  ("12,3" "—" "N/A" "约500" "1.2万"), fractional head counts, impossible dates, unknown booleans,
  negative amounts, each consistency check broken, years outside 2000–2100, empty years, unknown
  technology fields, institution levels and industry codes, facts of enterprises not in the registry;
- noise the import must tolerate — trailing spaces, full-width digits, thousands separators, dates
  like 2019/3/5, 20190305 and 2019年3月5日, 是/否 and Y/N flags, Chinese institution levels.

Every error kind gets at least one row, on rows no other error touches, so each can be found.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from kechuang.engine import credit_code

_BAD_NUMBERS = ["12,3", "—", "N/A", "约500", "1.2万", "-", "#REF!"]


class _Dirt:
    """Row picking and cell replacement on one text frame."""

    def __init__(self, df: pl.DataFrame, typed: pl.DataFrame, rng: np.random.Generator) -> None:
        self.df = df
        self.typed = typed
        self.rng = rng
        self.used = np.zeros(df.height, dtype=bool)
        self.extra: list[pl.DataFrame] = []

    def rows(self, rate: float, where: np.ndarray | None = None, *, error: bool = True) -> np.ndarray:
        cand = np.ones(self.df.height, dtype=bool) if where is None else where.copy()
        if error:
            cand &= ~self.used
        pool = np.flatnonzero(cand)
        k = min(pool.size, max(1, round(rate * self.df.height)))
        idx = np.sort(self.rng.choice(pool, size=k, replace=False)) if k else pool[:0]
        if error:
            self.used[idx] = True
        return idx

    def set(self, col: str, idx: np.ndarray, values: pl.Expr | pl.Series | list) -> None:
        if idx.size == 0:
            return
        if isinstance(values, pl.Expr):
            values = self.df[idx].select(values.cast(pl.Utf8)).to_series()
        elif isinstance(values, list):
            values = pl.Series(
                np.array(values, dtype=object)[np.arange(idx.size) % len(values)], dtype=pl.Utf8
            )
        self.df = self.df.with_columns(self.df[col].scatter(idx, values.cast(pl.Utf8)))

    def typed_set(self, col: str, idx: np.ndarray, expr: pl.Expr) -> None:
        """Replace cells by an expression over the typed (original) frame."""
        if idx.size:
            self.set(col, idx, self.typed[idx].select(expr.cast(pl.Utf8)).to_series())

    def not_null(self, *cols: str) -> np.ndarray:
        return (
            self.typed.select(pl.all_horizontal([pl.col(c).is_not_null() for c in cols]))
            .to_series()
            .to_numpy()
        )

    def duplicate(self, idx: np.ndarray, change: dict[str, pl.Expr] | None = None) -> None:
        copies = self.df[idx]
        if change:
            changed = self.typed[idx].select(**{k: v.cast(pl.Utf8) for k, v in change.items()})
            copies = copies.with_columns(changed)
        self.extra.append(copies.with_columns(_pos=pl.Series(idx, dtype=pl.Int64) + 0.5))

    def result(self) -> pl.DataFrame:
        base = self.df.with_columns(_pos=pl.int_range(pl.len(), dtype=pl.Int64).cast(pl.Float64))
        parts = [base, *[e.with_columns(pl.col("_pos").cast(pl.Float64)) for e in self.extra]]
        return pl.concat(parts).sort("_pos", maintain_order=True).drop("_pos")


def _shifted_check(col: str) -> pl.Expr:
    cs = credit_code.CHARSET
    wrong = credit_code.expected_check_expr(col).replace_strict(
        {c: cs[(i + 7) % 31] for i, c in enumerate(cs)}
    )
    return pl.col(col).str.slice(0, 17) + wrong


def _with_thousands(col: str) -> pl.Expr:
    """1234567.5 → "1,234,567.5" (numbers below a billion)."""
    whole = pl.col(col).abs().floor().cast(pl.Int64).cast(pl.Utf8)
    frac = pl.col(col).cast(pl.Utf8).str.extract(r"(\.\d+)$").fill_null("")
    groups = [whole.str.head(-6), whole.str.head(-3).str.tail(3), whole.str.tail(3)]
    body = pl.concat_str([g for g in groups], separator=",").str.strip_chars_start(",")
    return pl.when(pl.col(col) < 0).then(pl.lit("-")).otherwise(pl.lit("")) + body + frac


def _dirty_codes(d: _Dirt, rate: float) -> None:
    d.set("credit_code", d.rows(rate), _shifted_check("credit_code"))
    d.set("credit_code", d.rows(rate / 4), pl.col("credit_code").str.slice(0, 17))
    d.set(
        "credit_code",
        d.rows(rate / 4),
        pl.col("credit_code").str.slice(0, 10) + "O" + pl.col("credit_code").str.slice(11),
    )
    d.set("credit_code", d.rows(rate / 8), [""])
    d.set(
        "credit_code",
        d.rows(0.01, error=False),
        pl.col("credit_code").str.replace_many(list("0123456789"), list("０１２３４５６７８９")),
    )
    d.set("credit_code", d.rows(0.01, error=False), pl.col("credit_code") + " ")


def _dirty_registry(registry: pl.DataFrame, rng: np.random.Generator) -> pl.DataFrame:
    d = _Dirt(registry.cast(pl.Utf8), registry, rng)
    n = registry.height
    _dirty_codes(d, 0.004)
    dup = d.rows(0.003)
    others = (dup + rng.integers(1, n, dup.size)) % n  # another row's code
    d.set("credit_code", dup, registry["credit_code"][others])
    d.set("region", d.rows(0.004), ["火星镇", "南城区", "东莞市区", "松山湖片区", "深圳市南山区"])
    d.set("region", d.rows(0.02, error=False), pl.col("region") + "  ")
    d.set("name", d.rows(0.03, error=False), pl.col("name") + " ")
    has_date = d.not_null("registered_on")
    for fmt, rate in (("%Y/%-m/%-d", 0.08), ("%Y%m%d", 0.04), ("%Y年%-m月%-d日", 0.02)):
        d.typed_set(
            "registered_on", d.rows(rate, has_date, error=False), pl.col("registered_on").dt.strftime(fmt)
        )
    d.set("registered_on", d.rows(0.002), ["2019-02-30", "不详", "2018-13-01", "19/3/5"])
    d.set("hightech_cert_until", d.rows(0.001, d.not_null("hightech_cert_until")), ["2025-02-29", "长期"])
    flags = [
        "national_award_5y",
        "led_standard_5y",
        "abnormal_listed",
        "serious_incident_1y",
        "restricted_industry",
    ]
    for col in flags:
        mapping = {"true": "是", "false": "否"} if col != "abnormal_listed" else {"true": "Y", "false": "N"}
        d.set(col, d.rows(0.1, d.not_null(col), error=False), pl.col(col).replace(mapping))
    d.set(flags[rng.integers(len(flags))], d.rows(0.002), ["待定", "不清楚", "未知"])
    zh = {"none": "无", "municipal": "市级", "provincial": "省级", "national": "国家级"}
    d.set("rd_institution_level", d.rows(0.1, error=False), pl.col("rd_institution_level").replace(zh))
    d.set("rd_institution_level", d.rows(0.002), ["院士工作站", "区级"])
    d.set("tech_field", d.rows(0.002), ["人工智能", "智能制造", "电子信息技术"])
    d.set("industry_code", d.rows(0.002), ["3971", "制造业", "C39710"])
    d.set("kexiao_registered_year", d.rows(0.002), ["N/A", "二〇二三", "2023.5"])
    d.duplicate(d.rows(0.004))
    return d.result()


def _dirty_facts(facts: pl.DataFrame, registry_codes: np.ndarray, rng: np.random.Generator) -> pl.DataFrame:
    d = _Dirt(facts.cast(pl.Utf8), facts, rng)
    for col in ("revenue", "rd_expense", "employees", "tax_paid", "total_assets"):
        d.set(
            col,
            d.rows(0.001, d.not_null(col) & (facts[col] > 0).fill_null(False).to_numpy()),
            pl.lit("-") + pl.col(col),
        )
    pairs = [
        ("tech_staff", "employees"), ("rd_staff", "employees"), ("rd_expense_domestic", "rd_expense"),
        ("hightech_revenue", "revenue"), ("invention_patents", "ip_class1"),
        ("high_value_invention_patents", "invention_patents"),
    ]  # fmt: skip
    for small, big in pairs:
        idx = d.rows(0.002, d.not_null(small, big))
        bump = (pl.col(big) * 1.2 + 1).round(2) if facts[big].dtype == pl.Float64 else pl.col(big) + 3
        d.typed_set(small, idx, bump)
    numeric = [c for c in facts.columns if c not in ("credit_code", "year")]
    for col in rng.choice(numeric, size=4, replace=False):
        d.set(col, d.rows(0.001), _BAD_NUMBERS)
    d.set("employees", d.rows(0.0005, d.not_null("employees")), ["12.5", "3.3"])
    big_rev = d.not_null("revenue") & (facts["revenue"] >= 1000).fill_null(False).to_numpy()
    d.typed_set(
        "revenue",
        d.rows(0.02, big_rev & (facts["revenue"] < 1e9).fill_null(False).to_numpy(), error=False),
        _with_thousands("revenue"),
    )
    d.set("rd_expense", d.rows(0.01, d.not_null("rd_expense"), error=False),
          pl.col("rd_expense").str.replace_many(list("0123456789."), list("０１２３４５６７８９．")))  # fmt: skip
    d.set("employees", d.rows(0.02, d.not_null("employees"), error=False), pl.col("employees") + " ")
    d.set("year", d.rows(0.001), ["1999", "2101", "20233", "23"])
    d.set("year", d.rows(0.0005), [""])
    fresh = credit_code.generate_array(
        max(1, round(0.002 * facts.height)), rng, ["441900"], exclude=registry_codes
    )
    idx = d.rows(0.002)
    d.set("credit_code", idx, pl.Series(fresh[: idx.size]))
    _dirty_codes(d, 0.002)
    d.duplicate(d.rows(0.003))
    d.duplicate(d.rows(0.002, d.not_null("revenue")), {"revenue": (pl.col("revenue") * 1.1).round(2)})
    return d.result()


def make_dirty(
    registry: pl.DataFrame, facts: pl.DataFrame, seed: int = 0
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Text copies of (registry, facts) with realistic errors and noise; the inputs are not changed."""
    rng = np.random.default_rng([seed, 0xD1E7])
    codes = registry["credit_code"].to_numpy().astype("U18")
    return _dirty_registry(registry, rng), _dirty_facts(facts, codes, rng)
