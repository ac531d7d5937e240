"""The review ranking contract at scale: `rank_applications` and `kechuang projects rank` end to end.

    .venv/bin/python benchmarks/bench_projects_rank.py --applications 20000 --experts 7

Synthetic: every application gets `experts` scores (0–100), 5 % of the scores have a declared
conflict, requests 50–800 万元, a budget of a tenth of the total requested.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import polars as pl

from kechuang.engine.projects.ranking import rank_applications, read_rank_inputs


def frames(n: int, k: int, seed: int = 7):
    rng = np.random.default_rng(seed)
    codes = [f"A{i:07d}" for i in range(n)]
    apps = pl.DataFrame({"application": codes, "requested": rng.integers(50, 800, n).astype(float)})
    scores = pl.DataFrame(
        {
            "application": np.repeat(codes, k),
            "expert": [f"E{j:04d}" for j in rng.integers(0, 2000, n * k)],
            "score": np.round(rng.uniform(30, 100, n * k), 1),
        }
    ).unique(["application", "expert"])
    conflicts = scores.sample(fraction=0.05, seed=seed).select("expert", "application")
    return apps, scores, conflicts


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--applications", type=int, default=20000)
    parser.add_argument("--experts", type=int, default=7)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    apps, scores, conflicts = frames(args.applications, args.experts)
    budget = float(apps["requested"].sum()) / 10
    times = []
    for _ in range(args.runs):
        start = time.perf_counter()
        result = rank_applications(apps, scores, conflicts, budget, 60)
        times.append(time.perf_counter() - start)
    print(f"rank_applications: {args.applications:,} applications, {scores.height:,} scores, "
          f"{conflicts.height:,} conflicts: best {min(times) * 1000:.0f} ms; funded {result['funded'].sum():,}")  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        apps.write_csv(folder / "a.csv")
        scores.write_csv(folder / "s.csv")
        conflicts.write_csv(folder / "c.csv")
        start = time.perf_counter()
        read_rank_inputs(folder / "a.csv", folder / "s.csv", folder / "c.csv")
        print(f"read_rank_inputs (CSV → checked frames): {(time.perf_counter() - start) * 1000:.0f} ms")
        script = Path(sys.executable).parent / "kechuang"
        start = time.perf_counter()
        done = subprocess.run(
            [str(script), "projects", "rank", "--applications", folder / "a.csv", "--scores", folder / "s.csv",
             "--conflicts", folder / "c.csv", "--budget", str(budget)],
            capture_output=True, text=True, check=True, env={**os.environ, "KECHUANG_VAR": tmp},
        )  # fmt: skip
        print(f"kechuang projects rank (subprocess, JSON {len(done.stdout) / 1e6:.1f} MB): "
              f"{time.perf_counter() - start:.2f} s wall")  # fmt: skip
    print(f"load average: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
