"""Demo enterprises: a synthetic population (valid credit codes, real towns), imported like a department file."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

import polars as pl

DEMO_YEARS = [2022, 2023, 2024, 2025]


@dataclass
class DemoEnterprises:
    """What load_demo_enterprises did (it does not print; `kechuang demo` says it)."""

    org: object  # the demo enterprise account's OrgUnit
    registry_created: int = 0  # 0 when the registry already had enterprises
    facts_created: int = 0
    feed: object | None = None  # plan_feed.FeedResult when the plan was fed


def load_demo_enterprises(count: int, seed: int) -> DemoEnterprises | None:
    """Generate and import `count` enterprises (once), compute tiers, link the demo enterprise account."""
    from kechuang.accounts.models import OrgKind, OrgUnit
    from kechuang.engine.synth import synthesize, write_population
    from kechuang.enterprises.importing import import_files
    from kechuang.enterprises.models import Enterprise, Upload
    from kechuang.enterprises.plan_feed import feed_after_demo
    from kechuang.enterprises.qualification import recompute_tiers
    from kechuang.regions import town_rows

    if count <= 0:
        return None
    done = DemoEnterprises(org=None)
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
        # The mark of demo data (never the file name): its counts are shown 模拟 and scaled to the city.
        Upload.objects.filter(pk__in=summary.uploads).update(kind=Upload.SYNTHETIC)
        done.registry_created, done.facts_created = summary.registry_created, summary.facts_created
        for year in DEMO_YEARS[1:]:
            recompute_tiers(year)
    # Every run: a no-op when the plan already holds these counts, and it restores them when a
    # longer simulation (kechuang demo --simulate-to) has drawn that indicator's 2025 values anew.
    done.feed = feed_after_demo(DEMO_YEARS[1], DEMO_YEARS[-1])
    # The demo enterprise account: a high-tech enterprise in 松山湖 (or any enterprise); once the
    # account exists it keeps its enterprise (the topic modules' demos change which one comes first).
    kept = OrgUnit.objects.filter(users__username="enterprise", kind=OrgKind.ENTERPRISE).first()
    if kept is not None:
        done.org = kept
        return done
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
    done.org = org
    return done
