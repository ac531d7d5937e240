"""A small carriers world: two incubators (松山湖, operator A; 虎门, operator B) with incubated
enterprises from the registry and their facts, an institution with targets, an instrument with
bookings and a voucher budget, and talent applications of two applicants."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

SONGSHANHU, HUMEN = "441900401", "441900121"
YEAR = 2025


@dataclass
class World:
    a: object  # incubator in 松山湖, operator org A
    b: object  # incubator in 虎门, operator org B
    institution: object
    instrument: object
    users: dict
    enterprises: list


@pytest.fixture
def world(personas):
    from kechuang.accounts.models import OrgKind, OrgUnit, User
    from kechuang.carriers.models import (
        Booking,
        Carrier,
        CarrierReport,
        IncubatedEnterprise,
        InstitutionTarget,
        Instrument,
        TargetValue,
        VoucherBudget,
    )
    from kechuang.enterprises.models import Enterprise, Fact

    orgs = {}
    for code, region in (("car_a", SONGSHANHU), ("car_b", HUMEN), ("car_inst", SONGSHANHU)):
        orgs[code] = OrgUnit.objects.create(
            code=code,
            name=f"运营方 {code}",
            kind=OrgKind.CARRIER,
            region_code=region,
            parent=OrgUnit.objects.get(code=region),
        )
    users = {}
    for name, role, org in (
        ("op_a", "carrier_operator", "car_a"),
        ("op_b", "carrier_operator", "car_b"),
        ("op_inst", "carrier_operator", "car_inst"),
        ("app_1", "individual", "441900"),
        ("app_2", "individual", "441900"),
        ("expert_1", "expert", "441900"),
    ):
        users[name] = User.objects.create(username=name, role=role, org=OrgUnit.objects.get(code=org))
    users.update(personas)
    a = Carrier.objects.create(
        code="A1",
        name="甲孵化器",
        kind="incubator",
        level="国家级",
        operator=orgs["car_a"],
        region_code=SONGSHANHU,
        evaluation_class="comprehensive",
        recognised_year=2015,
    )
    b = Carrier.objects.create(
        code="B1",
        name="乙众创空间",
        kind="maker_space",
        level="市级",
        operator=orgs["car_b"],
        region_code=HUMEN,
        evaluation_class="comprehensive",
        recognised_year=2018,
    )
    enterprises = []
    for i in range(10):
        e = Enterprise.objects.create(
            credit_code=f"9144190000000{i:04d}X"[:18],
            name=f"在孵企业{i}",
            region_code=SONGSHANHU,
            hightech_cert_until=dt.date(YEAR + 1, 6, 30) if i < 3 else None,
            kexiao_registered_year=YEAR if i in (3, 4) else None,
        )
        enterprises.append(e)
        # revenue grows by 30% for the first three, 10% for the rest; equity financing for two
        Fact.objects.create(enterprise=e, year=YEAR - 1, revenue=100.0, rd_expense=10.0)
        Fact.objects.create(
            enterprise=e,
            year=YEAR,
            revenue=130.0 if i < 3 else 110.0,
            rd_expense=10.0,
            equity_financing=500.0 if i in (5, 6) else 0.0,
        )
        IncubatedEnterprise.objects.create(
            carrier=a,
            enterprise=e,
            entered_year=2022,
            graduated_year=YEAR if i == 9 else None,
            invested=i == 0,
        )
    # A: 9 inside (one graduated this year); invested 1/9, funded 2/9, growing 3/9
    CarrierReport.objects.create(
        carrier=a,
        year=YEAR,
        occupancy_rate=80,
        mentors=5,
        total_income=100.0,
        non_rent_income=30.0,
        industry_share=60,
    )
    CarrierReport.objects.create(
        carrier=b,
        year=YEAR,
        occupancy_rate=50,
        mentors=0,
        total_income=50.0,
        non_rent_income=5.0,
        industry_share=40,
    )
    inst = Carrier.objects.create(
        code="I1",
        name="丙研究院",
        kind="institution",
        operator=orgs["car_inst"],
        region_code=SONGSHANHU,
        recognised_year=2018,
        institution_class="co_built",
        institution_tier="1",
    )
    CarrierReport.objects.create(
        carrier=inst,
        year=YEAR,
        instrument_value=200,
        research_area=600,
        resident_rd_staff=20,
        employees=50,
        rd_spending=500,
        income=2500,
        operating_income=1000,
        transfer_income=300,
        patents=10,
        spinoffs=3,
    )
    t = InstitutionTarget.objects.create(
        carrier=inst,
        code="T1",
        name="研发投入",
        unit="万元",
        baseline_year=2022,
        baseline_value=100,
        target_year=2026,
        target_value=200,
    )
    for y, v in ((2023, 125), (2024, 150), (2025, 175)):
        TargetValue.objects.create(target=t, year=y, value=v)
    instrument = Instrument.objects.create(code="Q1", name="电镜", owner=inst, value=500, fee_per_hour=1000)
    Booking.objects.create(
        instrument=instrument,
        applicant=personas["enterprise"],
        applicant_name="示例企业",
        enterprise=enterprises[0],
        year=YEAR,
        date=dt.date(YEAR, 3, 1),
        hours_requested=10,
    )
    VoucherBudget.objects.create(year=YEAR, amount=2.0)
    return World(a, b, inst, instrument, users, enterprises)


@pytest.fixture
def login(client, world):
    def as_(name: str):
        client.force_login(world.users[name])
        return client

    return as_
