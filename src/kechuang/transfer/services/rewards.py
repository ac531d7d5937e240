"""我的成果收益: each inventor's own reward from their achievements — licences, 作价投资 and 自行实施.

An inventor is a name in an achievement's 完成人; the institution's transfer officer links the name to
the account of that person (InventorLink, a member of the institution). The figures are the income
distribution's (services.licences.distribution, docs/decisions/0014 §2): the inventor's part of the
team's amount of each licence by their share; a year's part is the distribution at the end of that
year (or the date asked for) less the distribution at the end of the year before. For a 作价投资
(services.income.investment_distribution) the inventor's part of the team's equity and its value at
the valuation; for a 自行实施 (services.income.own_use_distribution) their part of each year's reward
on the operating profit, for the years up to the date.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from kechuang.transfer import vocabulary as v
from kechuang.transfer.models import Achievement, InventorLink, Licence
from kechuang.transfer.services.income import investment_distribution, own_use_distribution
from kechuang.transfer.services.licences import distribution


@dataclass
class LicenceReward:
    licence: Licence
    total: float  # up to the date
    years: list[tuple[int, float]] = field(default_factory=list)  # (year, the inventor's part that year)


@dataclass
class InvestmentReward:
    investment: object  # models.Investment
    equity: float  # the inventor's share of the company
    value: float  # 万元 at the valuation

    @property
    def equity_pct(self) -> float:
        return self.equity * 100


@dataclass
class OwnUseReward:
    own_use: object  # models.OwnUse
    total: float
    years: list[tuple[int, float]] = field(default_factory=list)  # (year, the inventor's part)


@dataclass
class InventorReward:
    link: InventorLink
    share: float
    licences: list[LicenceReward]
    investments: list[InvestmentReward] = field(default_factory=list)
    own_uses: list[OwnUseReward] = field(default_factory=list)

    @property
    def total(self) -> float:
        """Money: the licences' and own use's parts (an investment's is equity, shown apart)."""
        return sum(r.total for r in self.licences) + sum(r.total for r in self.own_uses)


def _part(licence: Licence, name: str, as_of: date) -> float:
    """The inventor's amount in the licence's distribution as of the date."""
    for who, _share, amount in distribution(licence, as_of).per_inventor:
        if who == name:
            return amount
    return 0.0


def licence_reward(licence: Licence, name: str, as_of: date) -> LicenceReward:
    total = _part(licence, name, as_of)
    paid_years = sorted({p.paid_on.year for p in licence.payments.all() if p.paid_on <= as_of})
    years = []
    before = _part(licence, name, date(paid_years[0] - 1, 12, 31)) if paid_years else 0.0
    for year in paid_years:  # each year's part: the distribution at its end less the one before
        upto = _part(licence, name, min(date(year, 12, 31), as_of))
        years.append((year, upto - before))
        before = upto
    return LicenceReward(licence, total, years)


def rewards(links: QuerySet, as_of: date) -> list[InventorReward]:
    """The reward of each inventor link (the links the caller may see), licence by licence (drafts
    have no income)."""
    out = []
    for link in links.select_related("achievement", "achievement__institution").order_by(
        "achievement__code", "name"
    ):
        lics = link.achievement.licences.exclude(state=v.LicenceState.DRAFT).order_by("signed_on", "code")
        per = [licence_reward(lic, link.name, as_of) for lic in lics]
        share = link.achievement.shares().get(link.name, 0.0)
        out.append(
            InventorReward(
                link, share, per, investment_rewards(link, as_of), own_use_rewards(link, share, as_of)
            )
        )
    return out


def investment_rewards(link: InventorLink, as_of: date) -> list[InvestmentReward]:
    out = []
    for inv in link.achievement.investments.filter(invested_on__lte=as_of).order_by("invested_on", "pk"):
        for name, _share, equity, value in investment_distribution(inv).per_inventor:
            if name == link.name:
                out.append(InvestmentReward(inv, equity, value))
    return out


def own_use_rewards(link: InventorLink, share: float, as_of: date) -> list[OwnUseReward]:
    out = []
    for ou in link.achievement.own_uses.filter(started_on__lte=as_of).order_by("started_on", "pk"):
        rows = [r for r in own_use_distribution(ou).rows if r["year"] <= as_of.year and r["reward"]]
        years = [(r["year"], r["reward"] * share) for r in rows]
        out.append(OwnUseReward(ou, sum(a for _y, a in years), years))
    return out


class LinkError(Exception):
    pass


def link_inventor(achievement: Achievement, name: str, username: str, by) -> InventorLink:
    """Link an inventor (a name of the achievement's 完成人) to the account of a member of its
    institution; an existing link of that name is replaced. Refused in Chinese otherwise."""
    name, username = name.strip(), username.strip()
    if name not in achievement.shares():
        raise LinkError(
            _("「%(n)s」不是成果 %(c)s 的完成人（完成人：%(all)s）")
            % {"n": name, "c": achievement.code, "all": "、".join(achievement.shares()) or "—"}
        )
    user = get_user_model().objects.filter(username=username, is_active=True).first()
    if user is None:
        raise LinkError(_("账户「%(u)s」不存在") % {"u": username})
    if user.org_id != achievement.institution_id:
        raise LinkError(
            _("账户「%(u)s」不属于%(i)s，只能关联本单位人员的账户")
            % {"u": username, "i": achievement.institution.name}
        )
    link, _created = InventorLink.objects.update_or_create(
        achievement=achievement, name=name, defaults={"user": user, "linked_by": by}
    )
    return link
