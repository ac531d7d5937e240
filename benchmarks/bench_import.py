"""Benchmark: importing a 1,000,000-row yearly-facts file into an empty registry (SQLite under a temp dir).

    .venv/bin/python benchmarks/bench_import.py [--rows 1000000] [--write]

Generates a synthetic population (rows/3 enterprises × 3 years), writes registry.csv and facts.csv,
then times `import_files` for the registry and for the facts (read, check, write) separately.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--write", action="store_true", help="update docs/benchmarks.md")
    parser.add_argument(
        "--database-url",
        default="",
        help="an empty PostgreSQL database (postgres://…); default: SQLite in a temp dir",
    )
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="kc-bench-import-"))
    os.environ["KECHUANG_VAR"] = str(tmp)
    os.environ.pop("DATABASE_URL", None)
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "kechuang.settings"
    import django

    django.setup()
    import polars as pl
    from django.core.management import call_command

    from kechuang.engine.synth import synthesize, write_population
    from kechuang.enterprises.importing import import_files
    from kechuang.regions import town_rows

    call_command("migrate", verbosity=0)
    enterprises = args.rows // 3
    registry, facts = synthesize(enterprises, [2022, 2023, 2024], 7, pl.DataFrame(list(town_rows())))
    paths = write_population(registry, facts, tmp / "data")
    reg_csv = next(p for p in paths if Path(p).name == "registry.csv")
    facts_csv = next(p for p in paths if Path(p).name == "facts.csv")
    from django.db import connection

    before_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    load_before = os.getloadavg()[0]
    t0 = time.perf_counter()
    import_files([reg_csv], department="kjj", recompute_tiers=False)
    t1 = time.perf_counter()
    print(f"registry: {registry.height:,} rows in {t1 - t0:.1f} s", flush=True)
    summary = import_files([facts_csv], department="kjj", recompute_tiers=False)
    t2 = time.perf_counter()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"facts: {summary.facts_created:,} rows in {t2 - t1:.1f} s; peak {peak_mb:,.0f} MB", flush=True)
    # A small correction onto the full tables: 100 changed facts, reading the whole tables (as before
    # the import read only what it touches) and reading only those enterprises and that year.
    from kechuang.enterprises import importing

    latest = facts.filter(pl.col("year") == 2024, pl.col("revenue").is_not_null())
    small = {}
    for label, limit, rows in (
        ("whole tables", 0, latest.head(100)),
        ("only what it touches", None, latest[100:200]),
    ):
        path = tmp / "data" / f"small-{limit}.csv"
        rows.with_columns(pl.col("revenue") + 1).write_csv(path)
        saved = importing.MAX_KEYS_IN_SQL
        importing.MAX_KEYS_IN_SQL = saved if limit is None else limit
        t = time.perf_counter()
        import_files([path], department="tjj", recompute_tiers=False)
        small[label] = time.perf_counter() - t
        importing.MAX_KEYS_IN_SQL = saved
        print(f"100 changed facts, reading {label}: {small[label]:.2f} s", flush=True)
    lines = [
        "## Enterprise import",
        "",
        f"Command: `.venv/bin/python benchmarks/bench_import.py --rows {args.rows}"
        + (" --database-url postgres://…`" if args.database_url else "`")
        + f" ({connection.vendor}{' ' + str(connection.pg_version) if connection.vendor == 'postgresql' else ''}"
        + ", empty database; on PostgreSQL the rows go in with COPY).",
        f"Machine: {os.cpu_count()} cores, {platform.processor() or platform.machine()}, Python {sys.version.split()[0]}; "
        f"load average {load_before:.1f} before / {os.getloadavg()[0]:.1f} after (shared machine: other work was running).",
        "",
        "| step | rows | seconds |",
        "|---|---:|---:|",
        f"| registry file ({enterprises:,} enterprises): read, check, write | {registry.height:,} | {t1 - t0:.1f} |",
        f"| yearly-facts file: read, check, write | {summary.facts_created:,} | {t2 - t1:.1f} |",
        *[f"| then 100 changed facts, reading {k} | 100 | {v:.2f} |" for k, v in small.items()],
        "",
        f"Peak memory of the process: {peak_mb:,.0f} MB (of which {before_mb:,.0f} MB before the import: the synthetic population).",
        "",
    ]
    text = "\n".join(lines)
    print(text)
    if args.write:
        from benchmarks_doc import replace_section

        replace_section(ROOT / "docs" / "benchmarks.md", "## Enterprise import", text)


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).parent))
    main()
