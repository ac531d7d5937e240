"""The research team's reward for converting a 职务科技成果 (收益分配), by the way it is converted.

《促进科技成果转化法》第四十五条 (shared/rules/transfer.md §3, general knowledge of PRC law): when the
institution has no rule or agreement, the team gets at least

- 转让 / 许可: 50% of the net income;
- 作价投资: 50% of the equity (or capital-contribution proportion) the institution obtains;
- 自行实施 / 与他人合作实施: 5% of the operating profit from the achievement, each year, for 3 to 5
  consecutive years after it is put into production.

An institution's policy may give more, never less (docs/decisions/0014 §2, 0016). Pure functions,
no Django: the pages and the tests call them with the stored figures.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

LICENCE_MINIMUM = 0.5  # of net income (转让、许可)
INVESTMENT_MINIMUM = 0.5  # of the equity obtained (作价投资)
OWN_USE_MINIMUM_RATE = 0.05  # of each year's operating profit (自行实施、合作实施)
OWN_USE_MINIMUM_YEARS = 3  # the statute's "连续三至五年": at least three years

EPS = 1e-12


def below(value: float, minimum: float) -> bool:
    return value + EPS < minimum


def effective(policy_value: float | None, minimum: float) -> tuple[float, bool]:
    """(the value applied, whether the policy's value was refused): a policy below the statutory
    minimum is not applied (the minimum is); no policy → the minimum."""
    if policy_value is None:
        return minimum, False
    if below(policy_value, minimum):
        return minimum, True
    return policy_value, False


def per_inventor(shares: dict[str, float], *amounts: float) -> list[tuple]:
    """(name, share, amount × share for each amount) for each inventor."""
    return [(name, s, *(a * s for a in amounts)) for name, s in shares.items()]


@dataclass(frozen=True)
class InvestmentReward:
    """作价投资: the institution holds ``equity`` of the company for an achievement valued at
    ``valuation`` 万元; the team's part of it is ``team_equity`` (a share of the company)."""

    valuation: float
    equity: float  # the institution's share of the company from the achievement (0–1)
    team_share: float  # the share of that equity for the team (≥ 50%)
    team_equity: float  # equity × team_share: the team's share of the company
    team_value: float  # valuation × team_share, 万元 at the valuation
    institution_equity: float


def investment_reward(valuation: float, equity: float, team_share: float) -> InvestmentReward:
    return InvestmentReward(
        valuation=valuation,
        equity=equity,
        team_share=team_share,
        team_equity=equity * team_share,
        team_value=valuation * team_share,
        institution_equity=equity * (1 - team_share),
    )


PROFIT_SCHEMA = {"year": pl.Int64, "profit": pl.Float64}


def own_use_rewards(profits: pl.DataFrame, start_year: int, rate: float, years: int) -> pl.DataFrame:
    """自行实施: the team's reward for each reported year of operating profit.

    ``profits``: [year, profit] (万元). Year 1 is the calendar year production started; the reward is
    ``rate × profit`` for years 1…``years`` (a loss gives 0), and 0 after them (``in_term`` false).
    Returns [year, profit, term_year, in_term, reward] in year order."""
    return (
        profits.select(pl.col("year").cast(pl.Int64), pl.col("profit").cast(pl.Float64))
        .sort("year")
        .with_columns(term_year=pl.col("year") - start_year + 1)
        .with_columns(in_term=(pl.col("term_year") >= 1) & (pl.col("term_year") <= years))
        .with_columns(
            reward=pl.when(pl.col("in_term")).then(pl.col("profit").clip(lower_bound=0) * rate).otherwise(0.0)
        )
    )
