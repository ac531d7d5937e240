"""Hand-made enterprises for the pool, ladder and plan-feed tests (imported by those modules).

Every enterprise starts from GOOD — an industrial electronics firm in 松山湖 that passes every 高企
condition (R&D 5% of revenue, 高新收入 75%, 科技人员 20%, IP, field), 高企 score 31–80 (`possible`)
and 科小 by score — and changes one or two things. Tiers are computed for 2023 and 2024.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from tests.engine.rules_kit import BASE_FACTS
from tests.personas import ENTERPRISE_CREDIT_CODE

SONGSHANHU, HUMEN = "441900401", "441900121"
YEARS = (2022, 2023, 2024)
YEAR = 2024
CERT = dt.date(2026, 12, 31)

GOOD_FACTS = BASE_FACTS  # the rule tests' passing enterprise (tests/engine/rules_kit.py)

# key → (name, region, registry changes, fact changes: value for every year or a 3-tuple)
CASES = {
    "good": ("东莞甲电子科技有限公司", SONGSHANHU, {}, {}),
    "one_rd": ("东莞乙电子科技有限公司", SONGSHANHU, {}, {"rd_expense": (228.0, 266.0, 304.0)}),  # 3.8%
    "two_fails": (
        "东莞丙电子科技有限公司",
        SONGSHANHU,
        {},
        {"rd_expense": (228.0, 266.0, 304.0), "hightech_revenue": (3000.0, 3500.0, 4000.0)},
    ),
    "holder": ("东莞丁电子科技有限公司", SONGSHANHU, {"hightech_cert_until": CERT}, {}),
    "far_rd": ("东莞戊电子科技有限公司", HUMEN, {}, {"rd_expense": (60.0, 70.0, 80.0)}),  # 1%
    "no_field": ("东莞己电子科技有限公司", HUMEN, {"tech_field": ""}, {}),
    "missing": ("东莞庚电子科技有限公司", HUMEN, {}, {"hightech_revenue": (4500.0, 5200.0, None)}),
    "kexiao_registered": ("东莞辛电子科技有限公司", HUMEN, {"kexiao_registered_year": YEAR}, {}),
    "expired": ("东莞寅电子科技有限公司", HUMEN, {"hightech_cert_until": dt.date(2024, 6, 30)}, {}),
    "upgrade": (
        "东莞壬精密制造有限公司",
        HUMEN,
        {"hightech_cert_until": CERT},
        {"main_business_revenue": (1500.0, 1700.0, 1800.0)},
    ),
    "guishang_gaoqi": ("东莞癸智能装备有限公司", SONGSHANHU, {"hightech_cert_until": CERT}, {}),
    "services": (
        "东莞子技术服务有限公司",
        HUMEN,
        {"hightech_cert_until": CERT, "industry_code": "M7520"},
        {"main_business_revenue": (2800.0, 2900.0, 3000.0)},
    ),
    "software": (
        "东莞丑软件有限公司",
        SONGSHANHU,
        {"hightech_cert_until": CERT, "industry_code": "I6513"},
        {"main_business_revenue": (2800.0, 2900.0, 3000.0)},
    ),
}


@dataclass
class Handmade:
    ids: dict[str, int]  # case → enterprise id
    codes: dict[str, str]  # case → credit code


def credit(n: int) -> str:
    from kechuang.engine.credit_code import check_char

    first17 = f"91441900MA{n:07d}"
    return first17 + check_char(first17)


def make_enterprise(key: str, n: int, name: str, region: str, reg: dict, facts: dict, upload=None):
    from kechuang.enterprises.models import Enterprise, Fact

    fields = {
        "name": name,
        "registered_on": dt.date(2015, 3, 1),
        "region_code": region,
        "industry_code": "C3971",
        "tech_field": "电子信息",
        "rd_institution_level": "none",
        "national_award_5y": False,
        "led_standard_5y": False,
        "abnormal_listed": False,
        "serious_incident_1y": False,
        "restricted_industry": False,
        **reg,
    }
    code = ENTERPRISE_CREDIT_CODE if key == "good" else credit(n)
    ent = Enterprise.objects.create(credit_code=code, upload=upload, **fields)
    for i, year in enumerate(YEARS):
        values = {k: v[i] for k, v in GOOD_FACTS.items()}
        for k, v in facts.items():
            values[k] = v[i] if isinstance(v, tuple) else v
        Fact.objects.create(enterprise=ent, year=year, upload=upload, **values)
    return ent


def build(upload=None) -> Handmade:
    from kechuang.enterprises import pools
    from kechuang.enterprises.qualification import recompute_tiers

    ids, codes = {}, {}
    for n, (key, (name, region, reg, facts)) in enumerate(CASES.items(), start=1):
        ent = make_enterprise(key, n, name, region, reg, facts, upload)
        ids[key], codes[key] = ent.pk, ent.credit_code
    for year in (2023, YEAR):
        recompute_tiers(year)
    pools.clear_cache()
    return Handmade(ids, codes)


@pytest.fixture
def handmade(personas) -> Handmade:
    """The CASES in the database, tiers for 2023 and 2024 (the 'good' one is the enterprise persona's)."""
    return build()


@pytest.fixture
def loaded_plan(personas):
    """The Dongguan plan with its published history (2024 city value 5769 from 表1)."""
    from kechuang.plans import observations, services
    from kechuang.plans.schema import default_plan_path

    result = services.load_plan(
        services.parse_plan(default_plan_path()), source_file="dongguan-2026-2030.yaml"
    )
    observations.load_reference_history(result.plan)
    return result.plan
