"""An import reads only what it touches: a small upload selects its own enterprises and years from
the registry and the facts (in SQL), not the whole tables; a large one still reads them once.
(The check before it still reads every known credit code: engine.enterprise_import's known_codes.)"""

from __future__ import annotations

import polars as pl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kechuang.enterprises import importing
from kechuang.enterprises.importing import import_files
from kechuang.enterprises.models import Fact, FactRevision

pytestmark = pytest.mark.django_db


@pytest.fixture
def registry_and_facts(tmp_path):
    from kechuang.engine.synth import synthesize, write_population
    from kechuang.regions import town_rows

    registry, facts = synthesize(60, [2023, 2024], 5, towns=pl.DataFrame(list(town_rows())))
    paths = [p for p in write_population(registry, facts, tmp_path / "all") if p.suffix == ".csv"]
    import_files(paths, department="kjj", recompute_tiers=False)
    return registry, facts


def selects(queries, table: str) -> list[str]:
    return [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith("SELECT") and table in q["sql"]]


def test_a_two_row_facts_upload_reads_two_enterprises_and_one_year(registry_and_facts, tmp_path):
    _registry, facts = registry_and_facts
    two = (
        facts.filter(pl.col("year") == 2024, pl.col("revenue").is_not_null())
        .head(2)
        .with_columns(pl.col("revenue") + 1)
    )
    path = tmp_path / "two.csv"
    two.write_csv(path)
    before = Fact.objects.count()
    with CaptureQueriesContext(connection) as captured:
        summary = import_files([path], department="tjj", recompute_tiers=False)
    assert (summary.facts_created, summary.facts_changed) == (0, 2)
    assert Fact.objects.count() == before and FactRevision.objects.count() == 2
    fact_reads = selects(captured.captured_queries, '"enterprises_fact"') + selects(
        captured.captured_queries, "enterprises_fact "
    )
    assert fact_reads and all(" IN (" in sql and "year" in sql for sql in fact_reads), fact_reads
    registry_reads = [
        s for s in selects(captured.captured_queries, "enterprises_enterprise") if s.startswith("SELECT id")
    ]
    assert registry_reads and all(" IN (" in sql for sql in registry_reads), registry_reads


def test_a_large_upload_reads_the_tables_once_and_merges_the_same(registry_and_facts, tmp_path, monkeypatch):
    monkeypatch.setattr(importing, "MAX_KEYS_IN_SQL", 10)  # 60 enterprises: "large"
    _registry, facts = registry_and_facts
    changed = facts.filter(pl.col("year") == 2024, pl.col("revenue").is_not_null()).with_columns(
        pl.col("revenue") + 1
    )
    path = tmp_path / "all-2024.csv"
    changed.write_csv(path)
    summary = import_files([path], department="tjj", recompute_tiers=False)
    assert summary.facts_changed == changed.height and summary.facts_created == 0
