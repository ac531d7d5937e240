"""The indicator 技术合同成交额 (亿元) from the registry: per year, for the city and every town, by the
seller's town; written as observations whose source names the registry; an official figure stays."""

from __future__ import annotations

from datetime import date

import pytest

pytestmark = pytest.mark.django_db


def _contract(no, day, region, amount, simulated=False):
    from kechuang.transfer.models import TechContract

    return TechContract.objects.create(
        registration_no=no,
        registered_on=day,
        type="技术开发",
        seller="卖方",
        seller_region=region,
        buyer="买方",
        amount=amount,
        tech_amount=amount,
        simulated=simulated,
    )


def test_turnover_by_town_and_city():
    from kechuang.transfer.services import contracts

    _contract("A", date(2025, 1, 5), "441900121", 30_000)  # 虎门
    _contract("B", date(2025, 12, 31), "441900121", 20_000)
    _contract("C", date(2025, 6, 1), "441900401", 100_000)  # 松山湖
    _contract("D", date(2026, 1, 1), "441900401", 7_000)  # next year
    t = contracts.turnover(contracts.contract_frame())
    get = {(r["year"], r["region_code"]): r["value"] for r in t.to_dicts()}
    assert get[(2025, "441900121")] == 5.0
    assert get[(2025, "441900401")] == 10.0
    assert get[(2025, "441900")] == 15.0
    assert get[(2026, "441900")] == 0.7
    assert get[(2025, "441900003")] == 0.0  # 东城: a town without contracts that year
    from kechuang.regions import town_rows

    assert t.filter(t["year"] == 2025).height == len(town_rows())  # the city and every town


def test_feed_writes_observations_and_keeps_the_official_figure(plan):
    from kechuang.plans.models import Observation
    from kechuang.transfer.services import contracts

    _contract("A", date(2024, 3, 1), "441900121", 500_000)
    _contract("B", date(2025, 3, 1), "441900121", 800_000, simulated=True)
    from kechuang.plans.models import Indicator

    ind = Indicator.objects.get(plan=plan, code="tech_contract_turnover")  # 2024: 95.35 from the plan's 表1
    result = contracts.feed_turnover(plan, today=date(2026, 12, 1))
    latest = {(o.region_code, o.year): o for o in Observation.objects.filter(indicator=ind, is_latest=True)}
    assert latest[("441900", 2024)].value == 95.35  # the published figure is not replaced
    assert result.skipped_official == 1
    assert latest[("441900121", 2024)].value == 50.0
    assert latest[("441900121", 2024)].source.startswith("技术合同登记库")
    assert latest[("441900", 2025)].value == 80.0 and latest[("441900", 2025)].simulated
    again = contracts.feed_turnover(plan, today=date(2026, 12, 1))
    assert again.created == again.revised == 0


def test_a_town_sees_the_contracts_of_its_sellers_only(personas, client_for):
    from django.urls import reverse

    _contract("SSH-1", date(2025, 3, 1), "441900401", 1_000)  # 松山湖
    _contract("HM-1", date(2025, 3, 1), "441900121", 2_000)  # 虎门
    page = client_for("songshanhu").get(reverse("transfer:contracts")).content.decode()
    assert "SSH-1" in page and "HM-1" not in page
    rows = client_for("songshanhu").get("/api/transfer/contracts/turnover").json()
    assert [(r["region_code"], r["value"]) for r in rows] == [("441900401", 0.1)]
    assert client_for("university").get(reverse("transfer:contracts")).status_code == 403
