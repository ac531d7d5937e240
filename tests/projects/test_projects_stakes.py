"""补改投: a grant turned into a stake, its valuations and exits (repurchase within the holding period,
transfer after it), the money returned to the fund, and the bureau's portfolio with the licences the
transfer module records for the projects' holders."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import polars as pl
import pytest

from kechuang.engine.projects import stakes as engine
from kechuang.projects import services, stakes
from kechuang.projects.models import Stake, StakeExit
from tests.personas import ENTERPRISE_CREDIT_CODE
from tests.projects.conftest import apply

START = dt.date(2024, 6, 1)


def frames(rows, valuations=(), exits=()):
    s = pl.DataFrame(rows, schema=list(engine.STAKES_SCHEMA), orient="row")
    v = pl.DataFrame(list(valuations), schema=list(engine.VALUATIONS_SCHEMA), orient="row")
    e = pl.DataFrame(list(exits), schema=list(engine.EXITS_SCHEMA), orient="row")
    return s, v, e


def test_positions_count_only_what_happened_by_the_date():
    s, v, e = frames(
        [(1, 500.0, 0.05, dt.date(2023, 1, 1), 3, 0.03), (2, 200.0, 0.02, dt.date(2020, 1, 1), 3, 0.0)],
        [(1, dt.date(2024, 1, 1), 10000.0), (1, dt.date(2026, 1, 1), 20000.0)],
        [(2, dt.date(2024, 1, 1), 0.01, 150.0), (2, dt.date(2027, 1, 1), 0.01, 150.0)],
    )
    rows = {r["stake"]: r for r in engine.positions(s, v, e, dt.date(2025, 1, 1)).to_dicts()}
    one, two = rows[1], rows[2]
    assert one["status"] == "locked" and one["holding_ends"] == dt.date(2026, 1, 1)
    assert one["value"] == pytest.approx(500.0)  # the 2024 valuation; the 2026 one is not yet known
    assert one["repurchase_price"] == pytest.approx(500 * (1 + 0.03 * 731 / 365))
    assert one["multiple"] == pytest.approx(1.0)
    assert two["status"] == "partly_exited" and two["returned"] == 150.0
    assert two["held_share"] == pytest.approx(0.01) and two["multiple"] is None  # never valued
    later = {r["stake"]: r for r in engine.positions(s, v, e, dt.date(2027, 6, 1)).to_dicts()}
    assert later[1]["status"] == "due" and later[2]["status"] == "exited"
    assert later[2]["multiple"] == pytest.approx(1.5)


def test_an_exit_is_checked_against_the_holding_period_and_the_share_held():
    common = {"converted_on": dt.date(2024, 1, 1), "holding_ends": dt.date(2027, 1, 1), "held_share": 0.04}
    ok = {"exited_on": dt.date(2025, 1, 1), "share_sold": 0.04, "proceeds": 520.0}
    assert engine.exit_problem(kind="repurchase", **ok, **common) is None
    message, values = engine.exit_problem(kind="transfer", **ok, **common)
    assert message % values == "持有期至 2027-01-01，期满前只能由企业回购，不能对外转让或上市减持"
    assert engine.exit_problem(kind="transfer", **{**ok, "exited_on": dt.date(2027, 1, 1)}, **common) is None
    message, values = engine.exit_problem(kind="repurchase", **{**ok, "share_sold": 0.05}, **common)
    assert message % values == "退出的持股比例 5.0000% 超过尚持有的 4.0000%"
    message, values = engine.exit_problem(
        kind="repurchase", **{**ok, "exited_on": dt.date(2023, 1, 1)}, **common
    )
    assert message % values == "退出日期 2023-01-01 早于转股日期 2024-01-01"
    assert engine.exit_problem(kind="write_off", **ok, **common) == ("核销没有退出所得，金额应为 0", {})


@pytest.fixture
def project(world):
    application = apply(world.call, world.strong, 1, requested=400)
    application.granted = application.requested
    application.save()
    return services.open_project(application, START)


@pytest.mark.django_db
def test_a_grant_becomes_a_stake_that_is_bought_back_and_returns_money(project):
    with pytest.raises(services.ProjectError, match="超过资助金额"):
        stakes.convert(project, amount=500, share=0.04, converted_on=START, holding_years=3)
    with pytest.raises(services.ProjectError, match="持股比例"):
        stakes.convert(project, amount=400, share=1.5, converted_on=START, holding_years=3)
    assert not Stake.objects.exists()
    stake = stakes.convert(
        project, amount=400, share=0.04, converted_on=START, holding_years=3, repurchase_rate=0.03
    )
    with pytest.raises(services.ProjectError, match="不能重复转股"):
        stakes.convert(Stake.objects.get().project, amount=1, share=0.01, converted_on=START, holding_years=3)
    stakes.add_valuation(stake, dt.date(2025, 6, 30), 15000, "financing", "A 轮")
    with pytest.raises(services.ProjectError, match="期满前只能由企业回购"):
        stakes.record_exit(
            stake, exited_on=dt.date(2026, 1, 1), kind="transfer", share_sold=0.02, proceeds=300
        )
    assert not StakeExit.objects.exists()
    stakes.record_exit(stake, exited_on=dt.date(2026, 1, 1), kind="repurchase", share_sold=0.04, proceeds=436)
    with pytest.raises(services.ProjectError, match="超过尚持有"):
        stakes.record_exit(
            stake, exited_on=dt.date(2026, 2, 1), kind="repurchase", share_sold=0.01, proceeds=1
        )
    (row,) = stakes.stake_rows(Stake.objects.all())
    assert row["status"] == "exited" and row["returned"] == 436 and row["status_label"] == "已退出"
    assert stakes.totals([row])["multiple"] == pytest.approx(436 / 400)


@pytest.mark.django_db
def test_the_portfolio_shows_stakes_returns_and_the_holders_licences(client_for, project):
    from kechuang.accounts.models import OrgUnit
    from kechuang.transfer.models import Achievement, Licence

    stake = stakes.convert(project, amount=400, share=0.04, converted_on=START, holding_years=2)
    stakes.record_exit(stake, exited_on=dt.date(2026, 7, 1), kind="transfer", share_sold=0.02, proceeds=300)
    dgut = OrgUnit.objects.get(code="univ_dgut")
    achievement = Achievement.objects.create(
        institution=dgut, code="DGUT-P-1", title="高导热复合材料", field="新材料", trl=6, ownership="单位所有"
    )
    Licence.objects.create(
        code="L-P-001", achievement=achievement, institution=dgut, licensee_code=ENTERPRISE_CREDIT_CODE,
        licensee_name="东莞示例科技有限公司", signed_on=dt.date(2025, 1, 10), terms={},
    )  # fmt: skip
    page = client_for("bureau").get("/projects/portfolio/").content.decode()
    assert "部分退出" in page and project.code in page
    assert "按承担单位" in page and 'data-testid="portfolio-holder"' in page
    assert "回收基金 300 万元" in page
    assert 'href="/transfer/licences/L-P-001/"' in page and "高导热复合材料" in page
    assert client_for("enterprise").get("/projects/portfolio/").status_code == 403
    assert client_for("songshanhu").get("/projects/portfolio/").status_code == 403


@pytest.mark.django_db
def test_the_portfolio_counts_the_holders_contracts_registered_since_the_project_started(
    client_for, personas, project
):
    from kechuang.transfer.models import TechContract

    def contract(no, on, amount, seller_code=ENTERPRISE_CREDIT_CODE):
        return TechContract.objects.create(
            registration_no=no, registered_on=on, type="开发", seller="东莞示例科技有限公司",
            seller_code=seller_code, seller_region="441900401", buyer="某买方", amount=amount,
            tech_amount=amount,
        )  # fmt: skip

    during = [contract("C-1", START, 120.5), contract("C-2", dt.date(2025, 3, 1), 80)]
    contract("C-0", START - dt.timedelta(days=1), 999)  # before the project: not its outcome
    contract("C-9", dt.date(2025, 3, 1), 777, seller_code="91441900MA0000009X")  # another seller
    expected = sum(c.amount for c in during)
    found = stakes.outcomes(personas["bureau"], [project])[project.pk]
    assert [c.registration_no for c in found["contracts"]] == ["C-2", "C-1"]
    assert found["contract_amount"] == pytest.approx(expected) and expected > 0
    page = client_for("bureau").get("/projects/portfolio/").content.decode()
    assert f"{expected:.2f}（2 份）" in page  # 200.50
    assert f"技术合同（卖方）2 份、成交额 {expected:.2f} 万元" in page
    # the totals by class, mode, field, town and holder carry money released and returned, and contracts
    services.release(project.tranches.order_by("number").first(), on=START)
    stake = stakes.convert(project, amount=400, share=0.04, converted_on=START, holding_years=2)
    stakes.record_exit(stake, exited_on=dt.date(2025, 1, 1), kind="repurchase", share_sold=0.04, proceeds=412)
    page = client_for("bureau").get("/projects/portfolio/").content.decode()
    released = float(project.tranches.get(number=1).amount)
    table = page[page.index('data-testid="portfolio-holder"') :]
    table = table[: table.index("</table>")]
    cells = f'<td class="num">1</td><td class="num">{float(project.grant):g}</td><td class="num">{released:g}</td>'
    assert (
        cells + f'<td class="num">412</td><td class="num">2</td><td class="num">{expected:.2f}</td>' in table
    )


@pytest.mark.django_db
def test_the_bureau_converts_on_the_project_page_and_the_holder_only_reads(client_for, project):
    url = f"/projects/list/{project.pk}/"
    holder = client_for("enterprise")
    assert "转为股权投资" not in holder.get(url).content.decode()
    form = {"action": "convert", "stake-amount": "300", "stake-share_pct": "3", "stake-converted_on": "2024-12-01",
            "stake-holding_years": "5", "stake-repurchase_pct": "2", "stake-exit_plan": "repurchase"}  # fmt: skip
    assert holder.post(f"{url}stake/", form).status_code == 403
    assert not Stake.objects.exists()
    bureau = client_for("bureau")
    bad = bureau.post(f"{url}stake/", {**form, "stake-amount": "9000"}, follow=True).content.decode()
    assert "超过资助金额" in bad and not Stake.objects.exists()
    bureau.post(f"{url}stake/", form)
    stake = Stake.objects.get()
    assert stake.amount == Decimal("300") and stake.share == pytest.approx(0.03) and stake.holding_years == 5
    bureau.post(f"{url}stake/", {"action": "valuation", "val-valued_on": "2025-12-31", "val-company_value": "20000",
                                 "val-method": "appraisal", "val-by": "某评估所"})  # fmt: skip
    page = holder.get(url).content.decode()
    assert "持有期内" in page and "某评估所" in page and "登记退出" not in page
