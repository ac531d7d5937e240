"""The synthetic Dongguan population at scale: `synth.synthesize` for a million enterprises.

    .venv/bin/python benchmarks/bench_synth.py --count 1000000

Moved here from a timing assertion in tests/engine/test_synth.py (performance is measured by
benchmarks, not by tests). Best of --runs runs.
"""

from __future__ import annotations

import argparse
import time
from importlib import resources

import polars as pl

from kechuang.engine import synth


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    data = resources.files("kechuang.data").joinpath("dongguan-towns.csv").read_bytes()
    towns = pl.read_csv(data, schema_overrides={"code": pl.Utf8})
    best = float("inf")
    for _ in range(args.runs):
        started = time.perf_counter()
        registry, facts = synth.synthesize(args.count, range(2022, 2025), 3, towns)
        best = min(best, time.perf_counter() - started)
    print(
        f"synthesize {registry.height:,} enterprises, {facts.height:,} yearly facts (2022–2024): best {best:.1f} s"
    )


if __name__ == "__main__":
    main()
