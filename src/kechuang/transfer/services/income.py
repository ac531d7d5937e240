"""Income distribution (收益分配) for 作价投资 and 自行实施 (licences: services.licences.distribution).

The rules are the engine's (kechuang.engine.transfer.income): the institution's policy applies when
it is at or above the statutory minimum of 第四十五条, else the minimum does and the policy is flagged.
Each inventor's part is by the achievement's shares (stored, else equal).
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl
from django.utils.translation import gettext as _

from kechuang.engine.transfer import income as rules
from kechuang.transfer.models import IncomePolicy, Investment, OwnUse


def policy_for(institution_id: int) -> IncomePolicy | None:
    return IncomePolicy.objects.filter(institution_id=institution_id).first()


def investment_problem(share: float) -> str:
    if rules.below(share, rules.INVESTMENT_MINIMUM):
        return _(
            "作价投资科研团队股权比例 %(share)s 低于法定最低 %(min)s（《促进科技成果转化法》第四十五条），不予采用"
        ) % {"share": f"{share:.0%}", "min": f"{rules.INVESTMENT_MINIMUM:.0%}"}
    return ""


def own_use_rate_problem(rate: float) -> str:
    if rules.below(rate, rules.OWN_USE_MINIMUM_RATE):
        return _(
            "自行实施营业利润提取比例 %(rate)s 低于法定最低 %(min)s（《促进科技成果转化法》第四十五条），不予采用"
        ) % {"rate": f"{rate:.1%}", "min": f"{rules.OWN_USE_MINIMUM_RATE:.0%}"}
    return ""


def own_use_years_problem(years: int) -> str:
    if years < rules.OWN_USE_MINIMUM_YEARS:
        return _("自行实施提取年限 %(n)s 年少于法定的连续三年（第四十五条：三至五年），不予采用") % {
            "n": years
        }
    return ""


@dataclass
class InvestmentDistribution:
    investment: Investment
    team_share: float
    team_equity: float  # the team's share of the company
    team_value: float  # 万元 at the valuation
    institution_equity: float
    per_inventor: list[tuple[str, float, float, float]]  # (name, share, equity, value)
    policy: IncomePolicy | None
    problem: str = ""

    @property
    def share_label(self) -> str:
        return f"{self.team_share:.0%}"


def investment_distribution(inv: Investment, policy: IncomePolicy | None = None) -> InvestmentDistribution:
    policy = policy if policy is not None else policy_for(inv.institution_id)
    share, refused = rules.effective(policy.investment_share if policy else None, rules.INVESTMENT_MINIMUM)
    r = rules.investment_reward(inv.valuation, inv.equity, share)
    per = rules.per_inventor(inv.achievement.shares(), r.team_equity, r.team_value)
    problem = investment_problem(policy.investment_share) if refused else ""
    return InvestmentDistribution(
        inv, share, r.team_equity, r.team_value, r.institution_equity, per, policy, problem
    )


@dataclass
class OwnUseDistribution:
    own_use: OwnUse
    rate: float
    years: int
    rows: list[dict]  # year, profit, term_year, in_term, reward
    total: float  # the team's reward over the reported years
    per_inventor: list[tuple[str, float, float]]
    policy: IncomePolicy | None
    problems: list[str]

    @property
    def rate_label(self) -> str:
        return f"{self.rate:.1%}".replace(".0%", "%")


def own_use_distribution(ou: OwnUse, policy: IncomePolicy | None = None) -> OwnUseDistribution:
    policy = policy if policy is not None else policy_for(ou.institution_id)
    rate, rate_refused = rules.effective(policy.own_use_rate if policy else None, rules.OWN_USE_MINIMUM_RATE)
    years_value = policy.own_use_years if policy else None
    years, years_refused = rules.effective(years_value, rules.OWN_USE_MINIMUM_YEARS)
    years = int(years)
    profits = pl.DataFrame(
        list(ou.profits.values_list("year", "profit")), schema=rules.PROFIT_SCHEMA, orient="row"
    )
    table = rules.own_use_rewards(profits, ou.started_on.year, rate, years)
    total = float(table["reward"].sum()) if table.height else 0.0
    problems = []
    if rate_refused:
        problems.append(own_use_rate_problem(policy.own_use_rate))
    if years_refused:
        problems.append(own_use_years_problem(policy.own_use_years))
    per = rules.per_inventor(ou.achievement.shares(), total)
    return OwnUseDistribution(ou, rate, years, table.to_dicts(), total, per, policy, problems)
