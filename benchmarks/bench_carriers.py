"""Benchmark of the carriers' evaluation engine: one template over a synthetic cohort.

    .venv/bin/python benchmarks/bench_carriers.py [N]

Scores N carriers (half 综合, half 专业) with the shipped incubator template (thresholds, linear and
rank-in-cohort indicators, bonus, grades, rewards) and two earlier periods of history (consecutive
failures); then the 标准级 recognition rule set on the same rows. Prints wall time of each, best of 3.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
import polars as pl

import kechuang
from kechuang.engine.evaluation import load_template, score
from kechuang.engine.evaluation.recognise import load_carrier_ruleset, recognise

DATA = Path(kechuang.__file__).parent / "carriers" / "data"


def cohort(n: int, seed: int = 1) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    return pl.DataFrame(
        {
            "id": [f"c{i}" for i in range(n)],
            "class": np.where(rng.random(n) < 0.5, "comprehensive", "specialised"),
            "level": rng.choice(["市级", "省级", "国家级"], n),
            "incubated_count": rng.integers(5, 120, n),
            "occupancy_rate": rng.uniform(30, 100, n),
            "mentors_per_10": rng.uniform(0, 3, n),
            "graduated_count": rng.integers(0, 15, n),
            "hightech_count": rng.integers(0, 30, n),
            "funded_share": rng.uniform(0, 40, n),
            "revenue_growth": rng.uniform(-20, 40, n),
            "industry_share": rng.uniform(20, 100, n),
            "non_rent_share": rng.uniform(0, 70, n),
            "new_national_title": rng.integers(0, 2, n),
            "listed_graduates": rng.integers(0, 2, n),
            "new_hightech_count": rng.integers(0, 10, n),
            "invested_count": rng.integers(0, 20, n),
            "funded_count": rng.integers(0, 30, n),
            "growing_count": rng.integers(0, 60, n),
            "total_income": rng.uniform(100, 5000, n),
            "non_rent_income": rng.uniform(0, 3000, n),
        }
    )


def best(fn, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def main(n: int) -> None:
    tpl = load_template(DATA / "templates" / "incubator_operation.yaml")
    rs = load_carrier_ruleset(DATA / "rulesets" / "incubator_standard.yaml")
    frame = cohort(n)
    rng = np.random.default_rng(2)
    history = pl.concat(
        [
            pl.DataFrame(
                {
                    "id": frame["id"],
                    "period": p,
                    "grade": rng.choice(list("ABCD"), n),
                    "total": rng.uniform(30, 95, n),
                }
            )
            for p in ("2023", "2024")
        ]
    )
    t_score = best(lambda: score(tpl, frame, "2025", history))
    t_rules = best(lambda: recognise(frame, [rs]))
    print(f"carriers={n:,} score={t_score:.2f}s recognise={t_rules:.2f}s")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
