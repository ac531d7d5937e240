"""Income distribution (收益分配): the team's share by the institution's policy, never below the statutory
50% for 转让/许可 (促进科技成果转化法 第四十五条); per inventor by shares, shown on the achievement page."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _pay(licence, amount):
    from kechuang.transfer.models import Payment

    Payment.objects.create(licence=licence, paid_on=date(2026, 3, 1), amount=amount)


def test_policy_at_the_statutory_minimum_is_accepted_and_split_by_inventor_shares(transfer_world, client_for):
    from kechuang.transfer.models import IncomePolicy
    from kechuang.transfer.services.licences import distribution

    c = client_for("university")
    c.post(reverse("transfer:income_policy"), {"team_share": "0.5", "cost_rate": "0.1", "document": "办法"})
    assert IncomePolicy.objects.get(institution__code="univ_dgut").team_share == 0.5
    _pay(transfer_world["licence"], 100)
    d = distribution(transfer_world["licence"], date(2026, 12, 31))
    assert (d.received, d.net, d.team) == (100, 90, 45)
    assert {name: round(amount, 6) for name, _s, amount in d.per_inventor} == {"王伟": 27.0, "李娜": 18.0}
    page = c.get(reverse("transfer:achievement", kwargs={"pk": transfer_world["own"].pk})).content.decode()
    assert "王伟" in page and "27.00" in page and "18.00" in page
    # the licensee enterprise sees the achievement, not what each inventor receives
    seen = client_for("enterprise").get(
        reverse("transfer:achievement", kwargs={"pk": transfer_world["own"].pk})
    )
    assert seen.status_code == 200 and 'data-testid="income-shares"' not in seen.content.decode()


def test_policy_below_the_minimum_is_refused_and_an_old_one_is_not_applied(transfer_world, client_for):
    from kechuang.transfer.models import IncomePolicy
    from kechuang.transfer.services.licences import distribution

    page = client_for("university").post(
        reverse("transfer:income_policy"), {"team_share": "0.49", "cost_rate": "0"}
    )
    assert "低于法定最低 50%" in page.content.decode()
    assert not IncomePolicy.objects.exists()
    # a policy stored below the minimum (e.g. before the rule) is flagged and the minimum applies
    IncomePolicy.objects.create(institution=transfer_world["dgut"], team_share=0.3)
    _pay(transfer_world["licence"], 100)
    d = distribution(transfer_world["licence"], date(2026, 12, 31))
    assert d.problem and d.team_share == 0.5 and d.team == 50


def test_without_a_policy_the_statutory_minimum_applies_with_equal_shares(transfer_world):
    from kechuang.transfer.services.licences import distribution

    a = transfer_world["own"]
    a.inventor_shares = {}
    a.save()
    _pay(transfer_world["licence"], 10)
    d = distribution(transfer_world["licence"], date(2026, 12, 31))
    assert d.policy is None and d.team == 5 and [round(x, 6) for _n, _s, x in d.per_inventor] == [2.5, 2.5]
