"""Benchmark: plan evaluation of a province-sized plan (issue 3, section 3).

500 indicators × 40 regions × 30 years of synthetic observations (600,000 rows, shuffled), some
regional targets, evaluated with ``kechuang.engine.plan_eval.evaluate``; best of 5 after a warm-up.

    .venv/bin/python benchmarks/bench_plan_eval.py            # print the figures
    .venv/bin/python benchmarks/bench_plan_eval.py --write    # … and update docs/benchmarks.md
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import time
from pathlib import Path

import numpy as np
import polars as pl

from kechuang.engine.plan_eval import evaluate, plan_index_by_region
from kechuang.engine.regions import CITY_CODE

N_INDICATORS, N_REGIONS, N_YEARS = 500, 40, 30
FIRST_YEAR, AS_OF = 2000, 2029
REPEATS = 5
DOC = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"
SECTION = "## Plan evaluation"


def synthetic(seed: int = 20260101) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    rng = np.random.default_rng(seed)
    codes = [f"ind_{i:03d}" for i in range(N_INDICATORS)]
    units = np.where(np.arange(N_INDICATORS) % 2 == 0, "%", "亿元")
    direction = np.where(np.arange(N_INDICATORS) % 7 == 0, -1, 1)
    base = rng.uniform(1.0, 100.0, N_INDICATORS)
    indicators = pl.DataFrame(
        {
            "code": codes,
            "name": [f"指标{i}" for i in range(N_INDICATORS)],
            "unit": units,
            "direction": direction,
            "baseline_year": [None if i % 10 == 0 else 2024 for i in range(N_INDICATORS)],
            "baseline_value": np.where(np.arange(N_INDICATORS) % 10 == 0, np.nan, base),
            "target_year": 2030,
            "target_value": base * (1 + direction * rng.uniform(0.05, 0.5, N_INDICATORS)),
            "growth_model": [None] * N_INDICATORS,
            "kind": np.array(["share", "rate", "total"])[np.arange(N_INDICATORS) % 3],
            "weight": 1.0,
        },
        schema_overrides={"growth_model": pl.Utf8, "baseline_year": pl.Int64},
    ).with_columns(pl.col.baseline_value.fill_nan(None))
    regions = [CITY_CODE] + [f"4419{i:02d}" for i in range(1, N_REGIONS)]
    ii, rr, yy = np.meshgrid(np.arange(N_INDICATORS), np.arange(N_REGIONS), np.arange(N_YEARS), indexing="ij")
    ii, rr, yy = ii.ravel(), rr.ravel(), yy.ravel()
    trend = rng.normal(0.02, 0.03, (N_INDICATORS, N_REGIONS))[ii, rr]
    level = base[ii] * rng.uniform(0.5, 1.5, (N_INDICATORS, N_REGIONS))[ii, rr]
    value = level * (1 + trend) ** (yy - N_YEARS + 6) * rng.normal(1.0, 0.02, ii.size)
    observations = pl.DataFrame(
        {
            "indicator": np.array(codes)[ii],
            "region": np.array(regions)[rr],
            "year": FIRST_YEAR + yy,
            "value": value,
        }
    ).sample(fraction=1.0, shuffle=True, seed=seed)  # a database returns rows in no useful order
    pick = rng.choice(N_INDICATORS * (N_REGIONS - 1), 2000, replace=False)
    regional_targets = pl.DataFrame(
        {
            "indicator": np.array(codes)[pick // (N_REGIONS - 1)],
            "region": np.array(regions[1:])[pick % (N_REGIONS - 1)],
            "target_value": rng.uniform(1.0, 150.0, pick.size),
        }
    )
    return indicators, observations, regional_targets


def machine() -> str:
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{os.cpu_count()} CPUs (nproc), {model}; Python {platform.python_version()}, Polars {pl.__version__}"
    )


def run() -> dict[str, float]:
    indicators, observations, targets = synthetic()
    result = evaluate(indicators, observations, AS_OF, targets)  # warm-up
    times = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        result = evaluate(indicators, observations, AS_OF, targets)
        times.append(time.perf_counter() - start)
    start = time.perf_counter()
    plan_index_by_region(result, indicators)
    index_time = time.perf_counter() - start
    counts = dict(result.group_by("trend").len().iter_rows())
    print(f"observations: {observations.height:,} rows; results: {result.height:,} rows")
    print(f"trends: {dict(sorted(counts.items()))}")
    print(f"evaluate: best {min(times) * 1000:.0f} ms, median {sorted(times)[len(times) // 2] * 1000:.0f} ms")
    print(f"plan_index_by_region: {index_time * 1000:.1f} ms")
    print(f"machine: {machine()}")
    return {
        "rows": observations.height,
        "results": result.height,
        "best": min(times),
        "median": sorted(times)[len(times) // 2],
        "index": index_time,
    }


def write(figures: dict[str, float]) -> None:
    section = (
        f"{SECTION}\n\n"
        "`kechuang.engine.plan_eval.evaluate` on a synthetic province-sized plan: "
        f"{N_INDICATORS} indicators × {N_REGIONS} regions × {N_YEARS} years "
        f"= {figures['rows']:,} observations (in random order), 2,000 regional targets, as_of {AS_OF} "
        f"→ {figures['results']:,} result rows. Best of {REPEATS} runs after a warm-up.\n\n"
        "```\n.venv/bin/python benchmarks/bench_plan_eval.py --write\n```\n\n"
        f"- machine: {machine()}\n"
        f"- evaluate: **{figures['best'] * 1000:.0f} ms** best, {figures['median'] * 1000:.0f} ms median "
        "(target: well under a second)\n"
        f"- plan_index_by_region on the result: {figures['index'] * 1000:.1f} ms\n"
        f"- load average when measured: {os.getloadavg()[0]:.2f} (the machine is shared with other jobs; "
        "figures vary by about ±30% from one invocation to the next)\n"
    )
    text = DOC.read_text(encoding="utf-8") if DOC.exists() else "# Benchmarks\n"
    pattern = re.compile(rf"^{re.escape(SECTION)}\n.*?(?=^## |\Z)", re.S | re.M)
    if pattern.search(text):
        text = pattern.sub(lambda _: section + "\n", text, count=1)
    else:
        text = text.rstrip("\n") + "\n\n" + section
    DOC.write_text(text.rstrip("\n") + "\n", encoding="utf-8")
    print(f"updated {DOC}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="update the section in docs/benchmarks.md")
    args = parser.parse_args()
    figures = run()
    if args.write:
        write(figures)
