"""补改投: a grant turned into a stake held by the fund for a holding period, then sold. Pure (no
Django); tables are Polars frames, money in 万元, shares as fractions of the enterprise (0.05 = 5 %).

- ``positions(stakes, valuations, exits, as_of)`` → one row per stake as of a date: the share still
  held, the money returned to the fund by exits, the latest valuation of the enterprise on or before
  the date and the value of what is held at it, the end of the holding period, the reference
  repurchase price of what is held (the converted amount for that part plus simple interest at the
  agreed rate for the years held), the multiple ((returned + value) / converted) and the status:
  ``locked`` (within the holding period), ``due`` (the period is over and nothing sold yet),
  ``partly_exited`` and ``exited``.
- ``exit_problem(...)`` → why an exit cannot be recorded, or None: a Chinese message with named
  placeholders (marked ``N_`` for the catalogue) and its values, for the caller to translate.

Inputs: stakes ``stake, amount, share, converted_on, holding_years, repurchase_rate``; valuations
``stake, valued_on, company_value``; exits ``stake, exited_on, share_sold, proceeds``.
"""

from __future__ import annotations

import datetime as dt

import polars as pl


def N_(message: str) -> str:  # noqa: N802 (the catalogue's keyword for a message translated later)
    """Marks a message for the English catalogue; the engine stays free of Django."""
    return message


LOCKED, DUE, PARTLY_EXITED, EXITED = "locked", "due", "partly_exited", "exited"
REPURCHASE, TRANSFER, LISTING, WRITE_OFF = "repurchase", "transfer", "listing", "write_off"
EXIT_KINDS = (REPURCHASE, TRANSFER, LISTING, WRITE_OFF)
TOLERANCE = 1e-9

STAKES_SCHEMA = {
    "stake": pl.Int64,
    "amount": pl.Float64,
    "share": pl.Float64,
    "converted_on": pl.Date,
    "holding_years": pl.Int64,
    "repurchase_rate": pl.Float64,
}
VALUATIONS_SCHEMA = {"stake": pl.Int64, "valued_on": pl.Date, "company_value": pl.Float64}
EXITS_SCHEMA = {"stake": pl.Int64, "exited_on": pl.Date, "share_sold": pl.Float64, "proceeds": pl.Float64}


def positions(
    stakes: pl.DataFrame, valuations: pl.DataFrame, exits: pl.DataFrame, as_of: dt.date
) -> pl.DataFrame:
    """Every stake's position as of ``as_of`` (exits and valuations after it are not counted)."""
    stakes = stakes.cast(STAKES_SCHEMA).select(list(STAKES_SCHEMA))  # type: ignore[arg-type]
    exits = exits.cast(EXITS_SCHEMA).filter(pl.col("exited_on") <= as_of)  # type: ignore[arg-type]
    sold = exits.group_by("stake").agg(
        pl.col("share_sold").sum().alias("sold_share"), pl.col("proceeds").sum().alias("returned")
    )
    latest = (
        valuations.cast(VALUATIONS_SCHEMA)  # type: ignore[arg-type]
        .filter(pl.col("valued_on") <= as_of)
        .sort("stake", "valued_on")
        .group_by("stake")
        .agg(pl.col("valued_on").last(), pl.col("company_value").last())
    )
    years_held = (pl.lit(as_of) - pl.col("converted_on")).dt.total_days().clip(lower_bound=0) / 365.0
    out = (
        stakes.join(sold, on="stake", how="left")
        .join(latest, on="stake", how="left")
        .with_columns(pl.col("sold_share", "returned").fill_null(0.0))
        .with_columns(
            held_share=(pl.col("share") - pl.col("sold_share")).clip(lower_bound=0.0),
            holding_ends=pl.col("converted_on").dt.offset_by(pl.format("{}y", pl.col("holding_years"))),
        )
        .with_columns(
            held_fraction=pl.when(pl.col("share") > 0)
            .then(pl.col("held_share") / pl.col("share"))
            .otherwise(0.0),
            value=pl.col("company_value") * pl.col("held_share"),
        )
        .with_columns(
            repurchase_price=pl.col("amount") * pl.col("held_fraction") * (1 + pl.col("repurchase_rate") * years_held),
            status=pl.when(pl.col("held_share") <= TOLERANCE)
            .then(pl.lit(EXITED))
            .when(pl.col("sold_share") > TOLERANCE)
            .then(pl.lit(PARTLY_EXITED))
            .when(pl.lit(as_of) < pl.col("holding_ends"))
            .then(pl.lit(LOCKED))
            .otherwise(pl.lit(DUE)),
        )
        .with_columns(
            # unknown while something is held that was never valued
            multiple=pl.when((pl.col("amount") <= 0) | (pl.col("value").is_null() & (pl.col("status") != EXITED)))
            .then(None)
            .otherwise((pl.col("returned") + pl.col("value").fill_null(0.0)) / pl.col("amount"))
        )
    )  # fmt: skip
    return out.select(
        "stake", "amount", "share", "held_share", "sold_share", "returned", "valued_on", "company_value",
        "value", "holding_ends", "repurchase_price", "multiple", "status",
    ).sort("stake")  # fmt: skip


def exit_problem(
    *,
    kind: str,
    exited_on: dt.date,
    share_sold: float,
    proceeds: float,
    held_share: float,
    converted_on: dt.date,
    holding_ends: dt.date,
) -> tuple[str, dict[str, str]] | None:
    """Why an exit cannot be recorded — (message, values), the message Chinese with named placeholders
    for gettext — or None. A sale to a third party or on a listing
    waits for the end of the holding period; the enterprise may buy back at any time."""
    if kind not in EXIT_KINDS:
        return N_("不认识的退出方式「%(kind)s」"), {"kind": kind}
    if exited_on < converted_on:
        return N_("退出日期 %(date)s 早于转股日期 %(converted)s"), {
            "date": f"{exited_on:%Y-%m-%d}",
            "converted": f"{converted_on:%Y-%m-%d}",
        }
    if share_sold <= 0:
        return N_("退出的持股比例须大于 0"), {}
    if share_sold > held_share + TOLERANCE:
        return N_("退出的持股比例 %(sold)s 超过尚持有的 %(held)s"), {
            "sold": f"{share_sold:.4%}",
            "held": f"{held_share:.4%}",
        }
    if proceeds < 0:
        return N_("退出所得不能为负数"), {}
    if kind == WRITE_OFF and proceeds > 0:
        return N_("核销没有退出所得，金额应为 0"), {}
    if kind in (TRANSFER, LISTING) and exited_on < holding_ends:
        return N_("持有期至 %(date)s，期满前只能由企业回购，不能对外转让或上市减持"), {
            "date": f"{holding_ends:%Y-%m-%d}"
        }
    return None
