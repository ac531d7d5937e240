"""Demo enterprises: a synthetic population (valid credit codes, real towns), imported like a department file."""

from __future__ import annotations

import tempfile
from pathlib import Path

import polars as pl

from kechuang.cli.common import console

DEMO_YEARS = [2022, 2023, 2024, 2025]


def load_demo_enterprises(count: int, seed: int):
    """Generate and import `count` enterprises (once), compute tiers, link the demo enterprise account."""
    from kechuang.accounts.models import OrgKind, OrgUnit
    from kechuang.engine.synth import synthesize, write_population
    from kechuang.enterprises.importing import import_files
    from kechuang.enterprises.models import Enterprise
    from kechuang.enterprises.plan_feed import feed_after_demo
    from kechuang.enterprises.qualification import recompute_tiers
    from kechuang.regions import town_rows

    if count <= 0:
        return None
    if not Enterprise.objects.exists():
        towns = pl.DataFrame(list(town_rows()))
        registry, facts = synthesize(count, DEMO_YEARS, seed, towns)
        with tempfile.TemporaryDirectory() as tmp:
            paths = write_population(registry, facts, tmp)
            csvs = [p for p in paths if Path(p).suffix == ".csv"]
            summary = import_files(
                csvs,
                department="kjj",
                names=["合成演示企业名录.csv", "合成演示企业年度数据.csv"],
                recompute_tiers=False,
            )
        console.print(
            f"      合成演示企业：{summary.registry_created} 家，年度数据 {summary.facts_created} 条"
        )
        for year in DEMO_YEARS[1:]:
            recompute_tiers(year)
        feed_after_demo(DEMO_YEARS[1], DEMO_YEARS[-1])
    # The demo enterprise account: a high-tech enterprise in 松山湖 (or any enterprise).
    ent = (
        Enterprise.objects.filter(region_code="441900401", hightech_cert_until__isnull=False)
        .order_by("id")
        .first()
        or Enterprise.objects.order_by("id").first()
    )
    org, _ = OrgUnit.objects.get_or_create(
        code=f"ent_{ent.credit_code}",
        defaults={
            "name": ent.name,
            "short_name": ent.name[:20],
            "kind": OrgKind.ENTERPRISE,
            "region_code": ent.region_code,
            "credit_code": ent.credit_code,
            "parent": OrgUnit.objects.filter(code=ent.region_code).first(),
        },
    )
    return org
