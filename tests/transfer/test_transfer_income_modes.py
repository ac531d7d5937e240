"""Income distribution for 作价投资 and 自行实施 (促进科技成果转化法 第四十五条): the team's share of the
equity never below 50%, of each year's operating profit never below 5% for at least three years after
production starts; per inventor by shares; shown to the institution, not to an enterprise."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _page(client, a) -> str:
    return client.get(reverse("transfer:achievement", kwargs={"pk": a.pk})).content.decode()


def test_investment_at_the_minimum_gives_the_team_half_the_equity_split_by_shares(transfer_world, client_for):
    from kechuang.transfer.models import Investment

    a, c = transfer_world["own"], client_for("university")
    r = c.post(
        reverse("transfer:achievement_investment", kwargs={"pk": a.pk}),
        {
            "company": "东莞视觉科技有限公司",
            "company_code": "",
            "invested_on": "2026-04-01",
            "valuation": "800",
            "equity": "0.2",
        },
    )
    assert r.status_code == 302 and Investment.objects.get().institution == transfer_world["dgut"]
    page = _page(c, a)
    # no policy: the statutory 50% of 20% = 10% of the company, 400 万元 at the valuation; 王伟 60%, 李娜 40%
    assert 'data-testid="investment-shares"' in page
    assert "0.1000" in page and "400" in page
    assert "0.0600" in page and "240.00" in page and "0.0400" in page and "160.00" in page
    assert 'data-testid="investment-shares"' not in _page(client_for("enterprise"), a)


def test_investment_policy_below_half_is_refused_and_an_old_one_is_not_applied(transfer_world, client_for):
    from kechuang.transfer.models import IncomePolicy, Investment
    from kechuang.transfer.services.income import investment_distribution

    page = client_for("university").post(
        reverse("transfer:income_policy"),
        {
            "team_share": "0.7",
            "cost_rate": "0",
            "investment_share": "0.45",
            "own_use_rate": "0.05",
            "own_use_years": "3",
        },
    )
    assert "作价投资科研团队股权比例 45% 低于法定最低 50%" in page.content.decode()
    assert not IncomePolicy.objects.exists()
    IncomePolicy.objects.create(institution=transfer_world["dgut"], team_share=0.7, investment_share=0.3)
    inv = Investment.objects.create(
        achievement=transfer_world["own"],
        institution=transfer_world["dgut"],
        company="甲公司",
        invested_on=date(2026, 1, 1),
        valuation=100,
        equity=0.4,
    )
    d = investment_distribution(inv)
    assert d.problem and d.team_share == 0.5 and d.team_equity == pytest.approx(0.2)
    # a generous policy applies as it is
    IncomePolicy.objects.filter().update(investment_share=0.8)
    assert investment_distribution(inv).team_equity == pytest.approx(0.32)


def test_own_use_gives_five_percent_of_profit_for_the_policy_years_after_production(
    transfer_world, client_for
):
    from kechuang.transfer.models import OwnUse

    a, c = transfer_world["own"], client_for("university")
    c.post(
        reverse("transfer:achievement_own_use", kwargs={"pk": a.pk}),
        {"mode": "自行实施", "partner": "", "started_on": "2026-05-01"},
    )
    ou = OwnUse.objects.get()
    for year, profit in [(2026, 200), (2027, -50), (2028, 400), (2029, 1000)]:
        c.post(reverse("transfer:own_use_profit", kwargs={"pk": ou.pk}), {"year": year, "profit": profit})
    # no policy: 5% for three years (2026–2028): 10 + 0 (a loss) + 20 = 30; 2029 is after the term
    page = _page(c, a)
    assert 'data-testid="own-use-shares"' in page and "（提取期外）" in page
    from kechuang.transfer.services.income import own_use_distribution

    d = own_use_distribution(ou)
    assert d.total == pytest.approx(30) and [r["reward"] for r in d.rows] == pytest.approx([10, 0, 20, 0])
    assert {n: round(x, 6) for n, _s, x in d.per_inventor} == {"王伟": 18.0, "李娜": 12.0}
    # a policy of 8% for five years counts 2029 too
    c.post(
        reverse("transfer:income_policy"),
        {
            "team_share": "0.5",
            "cost_rate": "0",
            "investment_share": "0.5",
            "own_use_rate": "0.08",
            "own_use_years": "5",
        },
    )
    assert own_use_distribution(ou).total == pytest.approx(0.08 * 1600)


def test_own_use_policy_below_five_percent_or_under_three_years_is_refused(transfer_world, client_for):
    from kechuang.transfer.models import IncomePolicy, OwnUse, OwnUseProfit
    from kechuang.transfer.services.income import own_use_distribution

    c = client_for("university")
    body = c.post(
        reverse("transfer:income_policy"),
        {
            "team_share": "0.5",
            "cost_rate": "0",
            "investment_share": "0.5",
            "own_use_rate": "0.04",
            "own_use_years": "2",
        },
    ).content.decode()
    assert "低于法定最低 5%" in body and "少于法定的连续三年" in body
    assert not IncomePolicy.objects.exists()
    IncomePolicy.objects.create(
        institution=transfer_world["dgut"], team_share=0.5, own_use_rate=0.01, own_use_years=1
    )
    ou = OwnUse.objects.create(
        achievement=transfer_world["own"],
        institution=transfer_world["dgut"],
        mode="自行实施",
        started_on=date(2026, 1, 1),
    )
    OwnUseProfit.objects.create(own_use=ou, year=2028, profit=100)
    d = own_use_distribution(ou)
    assert len(d.problems) == 2 and d.rate == 0.05 and d.years == 3 and d.total == pytest.approx(5)


def test_bad_own_use_entries_are_refused_and_nothing_is_written(transfer_world, client_for):
    from kechuang.transfer.models import OwnUse, OwnUseProfit

    a, c = transfer_world["own"], client_for("university")
    c.post(
        reverse("transfer:achievement_own_use", kwargs={"pk": a.pk}),
        {"mode": "合作实施", "started_on": "2026-01-01"},
    )
    assert not OwnUse.objects.exists()  # joint use needs the partner
    ou = OwnUse.objects.create(
        achievement=a, institution=transfer_world["dgut"], mode="自行实施", started_on=date(2026, 1, 1)
    )
    url = reverse("transfer:own_use_profit", kwargs={"pk": ou.pk})
    r = c.post(url, {"year": 2025, "profit": 10}, follow=True)
    assert "早于投产年度 2026" in r.content.decode()
    c.post(url, {"year": 2026, "profit": 10})
    r = c.post(url, {"year": 2026, "profit": 99}, follow=True)
    assert "已填报的数字不被覆盖" in r.content.decode()
    assert list(OwnUseProfit.objects.values_list("profit", flat=True)) == [10]
    # another institution cannot record on this achievement
    assert client_for("enterprise").post(url, {"year": 2027, "profit": 1}).status_code in (403, 404)


def test_engine_own_use_rewards_count_the_production_year_as_year_one():
    from kechuang.engine.transfer.income import own_use_rewards

    t = own_use_rewards(
        pl.DataFrame({"year": [2024, 2025, 2030], "profit": [100.0, 100.0, 100.0]}), 2025, 0.05, 5
    )
    assert t["term_year"].to_list() == [0, 1, 6] and t["reward"].to_list() == [0.0, 5.0, 0.0]
