"""Small hand-made enterprises for the rule-engine tests.

`BASE` is an enterprise that qualifies as 科小 by score (82 points) and is 高企 `possible`
(score 31–80); each test changes one thing and looks at what the engine says.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl

from kechuang.engine.rules import explain, load_ruleset, load_rulesets, qualify
from kechuang.engine.vocabulary import FACT_COLUMNS, REGISTRY_COLUMNS

YEAR = 2024
YEARS = (2022, 2023, 2024)

BASE_REGISTRY: dict[str, Any] = {
    "credit_code": "E1",
    "name": "东莞示例科技有限公司",
    "registered_on": dt.date(2015, 3, 1),
    "region": "松山湖",
    "industry_code": "C3971",
    "tech_field": "电子信息",
    "hightech_cert_until": None,
    "kexiao_registered_year": None,
    "rd_institution_level": "none",
    "national_award_5y": False,
    "led_standard_5y": False,
    "abnormal_listed": False,
    "serious_incident_1y": False,
    "restricted_industry": False,
}

# Per year (2022, 2023, 2024). Revenue grows 6000 → 7000 → 8000 (growth 15.5%, bracket C),
# net assets grow 20% a year (bracket C), R&D is 5% of revenue every year.
BASE_FACTS: dict[str, tuple] = {
    "revenue": (6000.0, 7000.0, 8000.0),
    "main_business_revenue": (5600.0, 6500.0, 7500.0),
    "hightech_revenue": (4500.0, 5200.0, 6000.0),
    "total_cost": (5200.0, 6100.0, 7000.0),
    "rd_expense": (300.0, 350.0, 400.0),
    "rd_expense_domestic": (300.0, 350.0, 400.0),
    "employees": (90, 95, 100),
    "tech_staff": (18, 19, 20),
    "rd_staff": (9, 9, 10),
    "total_assets": (8000.0, 8500.0, 9000.0),
    "net_assets": (3000.0, 3600.0, 4320.0),
    "net_profit": (300.0, 350.0, 400.0),
    "tax_paid": (100.0, 110.0, 120.0),
    "ip_class1": (1, 1, 1),
    "ip_class2": (2, 2, 2),
    "invention_patents": (1, 1, 1),
    "high_value_invention_patents": (0, 0, 0),
    "conversions": (3, 3, 3),
    "equity_financing": (0.0, 0.0, 0.0),
    "tech_contract_income": (0.0, 0.0, 0.0),
    "standards_led": (0, 0, 0),
}

REGISTRY_SCHEMA = {c.name: c.dtype for c in REGISTRY_COLUMNS}
FACTS_SCHEMA = {c.name: c.dtype for c in FACT_COLUMNS}


def enterprise(
    code: str = "E1", years: tuple[int, ...] = YEARS, **changes: Any
) -> tuple[list[dict], list[dict]]:
    """Registry and fact rows of one enterprise. A change to a fact is a value for every year, a
    3-tuple (one per year of YEARS), or a dict {year: value}; a registry change is a plain value."""
    reg = dict(BASE_REGISTRY, credit_code=code)
    facts_by_year = {y: {"credit_code": code, "year": y} for y in years}
    for name, values in BASE_FACTS.items():
        for y in years:
            facts_by_year[y][name] = values[YEARS.index(y)] if y in YEARS else values[-1]
    for name, value in changes.items():
        if name in REGISTRY_SCHEMA:
            reg[name] = value
        elif name in FACTS_SCHEMA:
            for y in years:
                if isinstance(value, dict):
                    if y in value:
                        facts_by_year[y][name] = value[y]
                elif isinstance(value, tuple):
                    facts_by_year[y][name] = value[YEARS.index(y)]
                else:
                    facts_by_year[y][name] = value
        else:
            raise KeyError(name)
    return [reg], list(facts_by_year.values())


def frames(*parts: tuple[list[dict], list[dict]]) -> tuple[pl.DataFrame, pl.DataFrame]:
    regs = [r for p in parts for r in p[0]]
    facts = [f for p in parts for f in p[1]]
    return pl.DataFrame(regs, schema=REGISTRY_SCHEMA), pl.DataFrame(facts, schema=FACTS_SCHEMA)


def drop_year(part: tuple[list[dict], list[dict]], year: int) -> tuple[list[dict], list[dict]]:
    return part[0], [f for f in part[1] if f["year"] != year]


_RULESETS = None


def rulesets() -> list:
    global _RULESETS
    if _RULESETS is None:
        _RULESETS = load_rulesets()
    return _RULESETS


def ruleset(code: str):
    return next(r for r in rulesets() if r.code == code)


def run(*parts: tuple[list[dict], list[dict]], year: int = YEAR, sets: list | None = None) -> list[dict]:
    reg, facts = frames(*parts)
    return qualify(reg, facts, year, sets or rulesets()).to_dicts()


def one(year: int = YEAR, sets: list | None = None, **changes: Any) -> dict:
    """qualify() output row of the base enterprise with `changes`."""
    return run(enterprise(**changes), year=year, sets=sets)[0]


def verdict(code: str, year: int = YEAR, **changes: Any):
    reg, facts = frames(enterprise(**changes))
    return next(v for v in explain((reg, facts), rulesets(), year) if v.code == code)


def failed(row: dict, code: str) -> list[str]:
    text = row[f"{code}_failed"]
    return text.split(";") if text else []


def edited(code: str, old: str, new: str):
    """A shipped rule file with one piece of text replaced (the bureau editing a threshold)."""
    from kechuang.engine.rules import default_ruleset_dir

    text = (default_ruleset_dir() / f"{code}.yaml").read_text(encoding="utf-8")
    assert old in text, old
    return load_ruleset(text.replace(old, new))
