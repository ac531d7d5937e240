"""我的成果收益 (issue 11 §2): an inventor linked to an account by the institution's transfer officer sees
their own part of each licence's income, per year, as the income distribution computes it; nobody
else sees it."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def inventors(transfer_world, personas):
    """Two accounts of 东莞理工学院 staff (王伟 and 李娜 are the inventors of DGUT-2025-001, 60/40),
    payments of 10 万元 in 2026 and 20 万元 in 2027 on its licence, a policy of 70% with 10% costs."""
    from kechuang.accounts.models import OrgUnit, User
    from kechuang.transfer.models import IncomePolicy, Payment

    dgut = transfer_world["dgut"]
    users = {}
    for username, name in (("wangwei", "王伟"), ("lina", "李娜")):
        users[username] = User.objects.create(
            username=username, display_name=name, role="individual", org=dgut
        )
    users["outside"] = User.objects.create(
        username="outside", role="individual", org=OrgUnit.objects.get(code="univ_gbu")
    )
    lic = transfer_world["licence"]
    Payment.objects.create(
        licence=lic, paid_on=date(2026, 3, 1), amount=10, recorded_by=personas["university"]
    )
    Payment.objects.create(
        licence=lic, paid_on=date(2027, 2, 1), amount=20, recorded_by=personas["university"]
    )
    IncomePolicy.objects.create(institution=dgut, team_share=0.7, cost_rate=0.1)
    return users


def _link(client_for, achievement, name, username):
    return client_for("university").post(
        reverse("transfer:inventor_link", kwargs={"pk": achievement.pk}),
        {"name": name, "username": username},
        follow=True,
    )


def test_the_officer_links_an_inventor_and_only_that_inventor_sees_the_reward(
    transfer_world, inventors, client_for
):
    from django.test import Client

    from kechuang.transfer.models import InventorLink
    from kechuang.transfer.services.licences import distribution

    own, lic = transfer_world["own"], transfer_world["licence"]
    page = _link(client_for, own, "王伟", "wangwei").content.decode()
    assert "完成人「王伟」已关联账户 wangwei" in page
    assert InventorLink.objects.get().user == inventors["wangwei"]

    wang = Client()
    wang.force_login(inventors["wangwei"])
    page = wang.get(reverse("transfer:my_rewards"), {"as_of": "2027-12-31"}).content.decode()
    # 30 received − 10% costs = 27 net; team 70% = 18.9; 王伟 60% = 11.34 (2026: 3.78, 2027: 7.56)
    assert 'data-testid="reward-L-T-001">11.34<' in page
    assert 'data-testid="reward-L-T-001-2026">3.78<' in page
    assert 'data-testid="reward-L-T-001-2027">7.56<' in page
    expected = dict((n, a) for n, _s, a in distribution(lic, date(2027, 12, 31)).per_inventor)["王伟"]
    assert expected == pytest.approx(11.34)
    # as of an earlier date, only what was received by then
    page = wang.get(reverse("transfer:my_rewards"), {"as_of": "2026-12-31"}).content.decode()
    assert 'data-testid="reward-L-T-001">3.78<' in page and "2027" not in page.split("my-reward")[1]

    # 李娜 is an inventor too, but not linked: she sees nothing, nor does the officer
    li = Client()
    li.force_login(inventors["lina"])
    page = li.get(reverse("transfer:my_rewards")).content.decode()
    assert 'data-testid="no-rewards"' in page and "L-T-001" not in page
    page = client_for("university").get(reverse("transfer:my_rewards")).content.decode()
    assert 'data-testid="no-rewards"' in page and "11.34" not in page
    # the licensee and the bureau have no such page
    assert client_for("enterprise").get(reverse("transfer:my_rewards")).status_code == 403
    assert client_for("bureau").get(reverse("transfer:my_rewards")).status_code == 403


def test_each_inventor_sees_their_own_rows_only(transfer_world, inventors, client_for):
    from django.test import Client

    _link(client_for, transfer_world["own"], "王伟", "wangwei")
    _link(client_for, transfer_world["own"], "李娜", "lina")
    li = Client()
    li.force_login(inventors["lina"])
    page = li.get(reverse("transfer:my_rewards"), {"as_of": "2027-12-31"}).content.decode()
    # 李娜 40% of 18.9 = 7.56; 王伟's 11.34 is not on her page
    assert page.count('data-testid="my-reward"') == 1
    assert 'data-testid="reward-L-T-001">7.56<' in page and "11.34" not in page and "王伟" not in page


def test_a_bad_link_is_refused_in_chinese_and_nothing_is_written(transfer_world, inventors, client_for):
    from kechuang.transfer.models import InventorLink

    own = transfer_world["own"]
    page = _link(client_for, own, "张三", "wangwei").content.decode()
    assert "「张三」不是成果 DGUT-2025-001 的完成人" in page
    page = _link(client_for, own, "王伟", "nobody").content.decode()
    assert "账户「nobody」不存在" in page
    page = _link(client_for, own, "王伟", "outside").content.decode()
    assert "账户「outside」不属于" in page and "只能关联本单位人员的账户" in page
    assert not InventorLink.objects.exists()
    # another institution's achievement cannot be linked by this officer; an enterprise links nothing
    other = transfer_world["other"]
    assert (
        client_for("university")
        .post(reverse("transfer:inventor_link", kwargs={"pk": other.pk}), {"name": "x", "username": "lina"})
        .status_code
        == 404
    )
    assert (
        client_for("enterprise")
        .post(
            reverse("transfer:inventor_link", kwargs={"pk": own.pk}), {"name": "王伟", "username": "wangwei"}
        )
        .status_code
        == 403
    )
    assert not InventorLink.objects.exists()


def test_the_inventor_also_sees_their_part_of_an_investment_and_of_own_use(
    transfer_world, inventors, client_for
):
    """作价投资 and 自行实施 of the same achievement: the inventor's part of the team's equity (and its value
    at the valuation) and of each year's reward on the operating profit, as the distributions compute."""
    from django.test import Client

    from kechuang.transfer.models import Investment, OwnUse, OwnUseProfit
    from kechuang.transfer.services.income import investment_distribution, own_use_distribution

    own = transfer_world["own"]
    inv = Investment.objects.create(achievement=own, institution=transfer_world["dgut"], company="甲公司",
                                    invested_on=date(2026, 5, 1), valuation=200, equity=0.3)  # fmt: skip
    ou = OwnUse.objects.create(achievement=own, institution=transfer_world["dgut"], mode="自行实施",
                               started_on=date(2026, 1, 1))  # fmt: skip
    for year, profit in ((2026, 100), (2027, -20), (2028, 300)):
        OwnUseProfit.objects.create(own_use=ou, year=year, profit=profit)
    _link(client_for, own, "王伟", "wangwei")
    wang = Client()
    wang.force_login(inventors["wangwei"])
    page = wang.get(reverse("transfer:my_rewards"), {"as_of": "2027-12-31"}).content.decode()
    (name, _s, equity, value) = next(p for p in investment_distribution(inv).per_inventor if p[0] == "王伟")
    assert f'data-testid="reward-investment-{inv.pk}">{equity * 100:.4f}'.rstrip("0").rstrip(".") in page
    assert f'data-testid="reward-investment-{inv.pk}-value">{value:.2f}<' in page
    rows = {r["year"]: r["reward"] for r in own_use_distribution(ou).rows}
    assert f'data-testid="reward-own-use-{ou.pk}-2026">{rows[2026] * 0.6:.2f}<' in page
    assert f'data-testid="reward-own-use-{ou.pk}-2028"' not in page  # after the date asked for
    assert f'data-testid="reward-own-use-{ou.pk}-2027"' not in page  # a loss: no reward that year
    assert f'data-testid="reward-own-use-{ou.pk}">{rows[2026] * 0.6:.2f}<' in page
    # before the investment was made and production started: neither is shown
    page = wang.get(reverse("transfer:my_rewards"), {"as_of": "2025-12-31"}).content.decode()
    assert "my-reward-investments" not in page and "my-reward-own-uses" not in page


def test_an_inventor_reads_the_reward_in_english_with_names_as_written(transfer_world, inventors, client_for):
    """The inventor's and the institution's names are proper names: kept as written, marked translate="no"."""
    from django.test import Client

    _link(client_for, transfer_world["own"], "王伟", "wangwei")
    wang = Client()
    wang.force_login(inventors["wangwei"])
    assert "完成人 王伟（" in wang.get(reverse("transfer:my_rewards")).content.decode()
    inventors["wangwei"].language = "en"
    inventors["wangwei"].save(update_fields=["language"])
    page = wang.get(reverse("transfer:my_rewards")).content.decode()
    institution = transfer_world["own"].institution.name
    assert f'Inventor <span translate="no">王伟</span> (<span translate="no">{institution}</span>)' in page
