"""A small synthetic population imported like a department file, for the enterprise page tests.

40 enterprises over 2022–2024: the first ten in 松山湖, the next ten in 虎门, the rest where the
generator put them. The first one is the enterprise persona's own (ENTERPRISE_CREDIT_CODE), with
hand-set figures that fail the 高企 R&D condition: revenue 10,000 万元 a year (band 5,000–20,000,
so ≥ 4% is required), R&D 300 万元 a year = 3%, short by 300 万元 over three years.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import polars as pl
import pytest

from tests.personas import ENTERPRISE_CREDIT_CODE

SONGSHANHU, HUMEN = "441900401", "441900121"
YEARS = [2022, 2023, 2024]
OWN_FACTS = {
    "revenue": 10000.0,
    "main_business_revenue": 9500.0,
    "hightech_revenue": 7000.0,
    "total_cost": 9000.0,
    "rd_expense": 300.0,
    "rd_expense_domestic": 300.0,
    "employees": 100,
    "tech_staff": 20,
    "rd_staff": 15,
    "total_assets": 12000.0,
    "net_assets": 6000.0,
    "net_profit": 500.0,
    "tax_paid": 300.0,
    "ip_class1": 3,
    "ip_class2": 6,
    "invention_patents": 3,
    "high_value_invention_patents": 1,
    "conversions": 4,
    "equity_financing": 0.0,
    "tech_contract_income": 50.0,
    "standards_led": 0,
}


@dataclass
class Population:
    own: str  # the enterprise persona's code (松山湖)
    songshanhu: list[str]
    humen: list[str]
    others: list[str]
    registry: pl.DataFrame
    facts: pl.DataFrame
    folder: Path

    @property
    def all(self) -> list[str]:
        return self.registry["credit_code"].to_list()


def synthetic_population(count: int = 40, seed: int = 11) -> tuple[pl.DataFrame, pl.DataFrame]:
    from kechuang.engine import credit_code
    from kechuang.engine.synth import synthesize
    from kechuang.regions import town_rows

    assert credit_code.is_valid(ENTERPRISE_CREDIT_CODE), "tests.personas.ENTERPRISE_CREDIT_CODE must be valid"
    registry, facts = synthesize(count, YEARS, seed, towns=pl.DataFrame(list(town_rows())))
    old_own = registry["credit_code"][0]
    rest = [
        "南城街道" if r in ("松山湖高新技术产业开发区", "虎门镇") else r
        for r in registry["region"].to_list()[20:]
    ]
    regions = [SONGSHANHU] * 10 + [HUMEN] * 10 + rest
    registry = registry.with_columns(pl.Series("region", regions))
    registry = registry.with_columns(
        pl.when(pl.col("credit_code") == old_own)
        .then(pl.lit(ENTERPRISE_CREDIT_CODE))
        .otherwise(pl.col("credit_code"))
        .alias("credit_code"),
    )
    own = {
        "name": "东莞示例科技有限公司",
        "registered_on": dt.date(2015, 3, 1),
        "industry_code": "C3971",
        "tech_field": "电子信息",
        "hightech_cert_until": None,
        "kexiao_registered_year": 2024,
        "rd_institution_level": "municipal",
    }
    registry = registry.with_columns(
        [
            pl.when(pl.col("credit_code") == ENTERPRISE_CREDIT_CODE)
            .then(pl.lit(v, dtype=registry.schema[k]))
            .otherwise(pl.col(k))
            .alias(k)
            for k, v in own.items()
        ]
    ).with_columns(
        [
            pl.when(pl.col("credit_code") == ENTERPRISE_CREDIT_CODE).then(False).otherwise(pl.col(k)).alias(k)
            for k in ("abnormal_listed", "serious_incident_1y", "restricted_industry")
        ]
    )
    own_facts = pl.DataFrame([{"credit_code": ENTERPRISE_CREDIT_CODE, "year": y, **OWN_FACTS} for y in YEARS])
    own_facts = own_facts.with_columns(  # columns OWN_FACTS leaves out are empty, as in a file
        pl.lit(None).alias(c) for c in facts.columns if c not in own_facts.columns
    ).cast(dict(facts.schema))
    facts = pl.concat([facts.filter(pl.col("credit_code") != old_own), own_facts.select(facts.columns)])
    return registry, facts


def import_population(registry: pl.DataFrame, facts: pl.DataFrame, folder: Path, department: str = "kjj"):
    from kechuang.engine.synth import write_population
    from kechuang.enterprises.importing import import_files

    paths = [p for p in write_population(registry, facts, folder) if p.suffix == ".csv"]
    return import_files(paths, department=department, names=["企业名录.csv", "企业年度数据.csv"])


def import_facts(facts: pl.DataFrame, folder: Path, name: str, department: str = "tjj"):
    """One yearly-facts file (English headers) imported by a department."""
    from kechuang.enterprises.importing import import_files

    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "facts.csv"
    facts.write_csv(path)
    return import_files([path], department=department, names=[name])


@pytest.fixture
def population(personas, tmp_path) -> Population:
    """The population imported (department kjj) with tiers computed for 2023 and 2024."""
    from kechuang.enterprises.qualification import recompute_tiers

    registry, facts = synthetic_population()
    import_population(registry, facts, tmp_path / "population")
    for year in YEARS[1:]:
        recompute_tiers(year)
    codes = registry["credit_code"].to_list()
    return Population(
        own=ENTERPRISE_CREDIT_CODE,
        songshanhu=codes[:10],
        humen=codes[10:20],
        others=codes[20:],
        registry=registry,
        facts=facts,
        folder=tmp_path,
    )


@pytest.fixture
def snapshot():
    """A function returning every registry row, fact, revision and upload (to assert nothing changed)."""
    from kechuang.enterprises.models import Enterprise, Fact, FactRevision, TierRecord, Upload

    def take() -> dict:
        return {
            model.__name__: sorted(model.objects.values_list(), key=lambda r: r[0])
            for model in (Enterprise, Fact, FactRevision, TierRecord, Upload)
        }

    return take
