"""Benchmark: innovation points for 1,000,000 enterprises (issue 10 §6).

    .venv/bin/python benchmarks/bench_points.py [--count 1000000] [--runs 3] [--cli-count 100000] [--write]

1. Generates the population with kechuang.engine.synth (bench_qualify.generate: cached as Parquet under var/bench-qualify/).
2. In a fresh process: loads it and times ``kechuang.engine.points.score()`` with the shipped sample
   model (18 indicators, 3 stages, 3 exclusions, 3 tiers) `--runs` times: best wall time, CPU time,
   peak resident memory (ru_maxrss) and the RSS after loading. Target: ≤ 5 s.
3. End to end from CSV: `kechuang points score --year 2024 --model SAMPLE --input DIR --output
   result.csv` on `--cli-count` enterprises (written by `kechuang synth enterprises`), against Polars
   only reading the same two CSV files and writing the same result; alternating, best of `--runs`.
   Target: at most 4× Polars' read + write.

With --write the figures replace the "## Innovation points" section of docs/benchmarks.md (appended
when there is none).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import subprocess
import sys
import time
from pathlib import Path

# the qualification benchmark's population (same seed and years, one cache) and memory readings
from bench_qualify import YEAR, YEARS, _peak_mb, _rss_mb, generate

ROOT = Path(__file__).resolve().parents[1]
SECTION = "## Innovation points"


def generate_csv(count: int) -> Path:
    folder = ROOT / "var" / "bench-points-cli" / f"n{count}-s1"
    if (folder / "facts.csv").exists():
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    cmd = [str(Path(sys.executable).parent / "kechuang"), "synth", "enterprises", "--count", str(count)]
    cmd += ["--years", f"{YEARS[0]}-{YEARS[-1]}", "--seed", "1", "--out", str(folder)]
    subprocess.run(cmd, check=True, capture_output=True, cwd=ROOT)
    return folder


def measure_engine(folder: Path, runs: int) -> dict:
    import polars as pl

    from kechuang.engine.points import load_model, sample_model_path, score

    registry = pl.read_parquet(folder / "registry.parquet")
    facts = pl.read_parquet(folder / "facts.parquet")
    model = load_model(sample_model_path())
    loaded_rss = _rss_mb()
    times, cpu = [], []
    result = None
    for _ in range(runs):
        del result
        started, cpu_started = time.perf_counter(), os.times()
        result = score(registry, facts, YEAR, model)
        times.append(time.perf_counter() - started)
        ended = os.times()
        cpu.append(ended.user - cpu_started.user + ended.system - cpu_started.system)
    scored = result.filter(pl.col("excluded").is_null())
    return {
        "enterprises": registry.height,
        "fact_rows": facts.height,
        "times": times,
        "cpu": cpu,
        "loaded_rss_mb": loaded_rss,
        "peak_mb": _peak_mb(),
        "scored": scored.height,
        "stages": dict(scored.group_by("stage").len().iter_rows()),
        "tiers": dict(scored.group_by("tier").len().drop_nulls("tier").iter_rows()),
        "excluded": dict(result.group_by("excluded").len().drop_nulls("excluded").iter_rows()),
        "threads": pl.thread_pool_size(),
    }


def _read_write(folder: Path, out: Path) -> float:
    """Polars only: read both CSV files, write a result of the command's shape (not timed: import)."""
    code = (
        "import sys, time, polars as pl\n"
        "t = time.perf_counter()\n"
        f"r = pl.read_csv({str(folder / 'registry.csv')!r}); f = pl.read_csv({str(folder / 'facts.csv')!r})\n"
        "res = r.select('credit_code').join(f.filter(pl.col('year') == 2024), on='credit_code', how='left')\n"
        f"res.write_csv({str(out)!r})\n"
        "print(time.perf_counter() - t)\n"
    )
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, cwd=ROOT)
    return time.perf_counter() - started


def measure_cli(count: int, runs: int) -> dict:
    folder = generate_csv(count)
    out = ROOT / "var" / "bench-points-cli" / "result.csv"
    env = dict(os.environ, KECHUANG_VAR=str(ROOT / "var" / "bench-points-cli" / "var"))
    Path(env["KECHUANG_VAR"]).mkdir(parents=True, exist_ok=True)
    model = ROOT / "src" / "kechuang" / "points" / "models" / "dongguan-sample-2026.yaml"
    cmd = [str(Path(sys.executable).parent / "kechuang"), "points", "score", "--year", str(YEAR)]
    cmd += ["--model", str(model), "--input", str(folder), "--output", str(out)]
    command, polars_only = [], []
    for _ in range(runs):  # alternate, so that both see the same load
        started = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True, cwd=ROOT, env=env)
        command.append(time.perf_counter() - started)
        polars_only.append(_read_write(folder, out.with_name("read-write.csv")))
    return {"count": count, "command": command, "polars": polars_only}


def _child(kind: str, args: argparse.Namespace, folder: Path) -> dict:
    cmd = [sys.executable, __file__, "--child", kind, "--folder", str(folder), "--runs", str(args.runs)]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, cwd=ROOT)
    return json.loads(out.stdout.strip().splitlines()[-1])


def _machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem_kb = next(
            int(x.split()[1])
            for x in Path("/proc/meminfo").read_text().splitlines()
            if x.startswith("MemTotal")
        )
        mem = f", {mem_kb / 1024 / 1024:.0f} GB RAM"
    except (OSError, StopIteration):
        mem = ""
    import polars as pl

    return f"{os.cpu_count()} CPUs ({cpu}){mem}; Python {sys.version.split()[0]}, Polars {pl.__version__}"


def report(args: argparse.Namespace, run: dict, cli: dict | None, load: tuple[float, float]) -> str:
    best = min(run["times"])
    n = run["enterprises"]
    lines = [
        SECTION,
        "",
        "`kechuang.engine.points.score()` with the shipped sample model (dongguan-sample-2026: 18 indicators,",
        "3 stages, 3 exclusions, 3 tiers) on a synthetic population (kechuang.engine.synth), year "
        f"{YEAR} (facts {YEARS[0]}–{YEARS[-1]}: the derived columns need Y−2..Y).",
        "",
        "```",
        f".venv/bin/python benchmarks/bench_points.py --count {n} --runs {args.runs} --cli-count {args.cli_count}"
        " --write",
        "```",
        "",
        f"- machine: {_machine()}",
        f"- load average (1 min) before / after: {load[0]:.2f} / {load[1]:.2f} (shared machine)",
        f"- population: {n:,} enterprises, {run['fact_rows']:,} yearly-fact rows; {run['scored']:,} scored",
        "",
        "| measure | figure | target |",
        "|---|---:|---:|",
        f"| score(), wall time (best of {len(run['times'])}) | **{best:.2f} s** | ≤ 5 s |",
        f"| score(), all runs | {', '.join(f'{t:.2f}' for t in run['times'])} s | |",
        f"| score(), CPU time (user + system, both cores; least) | {min(run['cpu']):.2f} s | |",
        f"| peak memory of the process (ru_maxrss, data included) | **{run['peak_mb'] / 1024:.2f} GB** | |",
        f"| of which the loaded input frames (RSS after loading) | {run['loaded_rss_mb'] / 1024:.2f} GB | |",
        "",
        "The machine is shared (2 cores): with a load average above 2 the process gets only part of them, so"
        " the wall time is above the CPU time; the CPU time (both cores together) does not depend on the load.",
        "",
        "Scored per stage: "
        + ", ".join(f"{k} {v:,}" for k, v in sorted(run["stages"].items()))
        + "; tiers: "
        + ", ".join(f"{k} {v:,}" for k, v in sorted(run["tiers"].items()))
        + "; excluded: "
        + ", ".join(f"{k} {v:,}" for k, v in sorted(run["excluded"].items()))
        + ".",
    ]
    if cli:
        c, p = min(cli["command"]), min(cli["polars"])
        ratios = sorted(a / b for a, b in zip(cli["command"], cli["polars"], strict=True))
        lines += [
            "",
            f"End to end from CSV: `kechuang points score --year {YEAR} --model dongguan-sample-2026.yaml --input DIR"
            f" --output result.csv` on {cli['count']:,} enterprises (`kechuang synth enterprises --count"
            f" {cli['count']} --years 2022-2024 --seed 1`), against Polars only reading the two CSV files and"
            " writing a result (each in a fresh process, interpreter start included; alternating):",
            "",
            "| measure | command | Polars read + write | ratio (target ≤ 4×) |",
            "|---|---:|---:|---:|",
            f"| wall time, best of {len(cli['command'])} | **{c:.2f} s** | **{p:.2f} s** | **{c / p:.1f}×** |",
            f"| every run | {', '.join(f'{t:.2f}' for t in cli['command'])} s |"
            f" {', '.join(f'{t:.2f}' for t in cli['polars'])} s | median {ratios[len(ratios) // 2]:.1f}× |",
            "",
            "The command's time includes importing kechuang and checking every cell as an upload is checked"
            " (the same reader as `kechuang qualify --input`).",
        ]
    return "\n".join(lines) + "\n"


def write_section(text: str) -> None:
    doc = ROOT / "docs" / "benchmarks.md"
    current = doc.read_text(encoding="utf-8")
    pattern = re.compile(rf"^{re.escape(SECTION)}\n.*?(?=^## |\Z)", re.S | re.M)
    if pattern.search(current):
        updated = pattern.sub(lambda _: text + "\n", current, count=1)
    else:
        updated = current.rstrip("\n") + "\n\n" + text
    doc.write_text(updated.rstrip("\n") + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--cli-count", type=int, default=100_000, help="0: skip the end-to-end measurement")
    parser.add_argument("--write", action="store_true")
    parser.add_argument("--child")
    parser.add_argument("--folder")
    args = parser.parse_args()
    if args.child == "engine":
        print(json.dumps(measure_engine(Path(args.folder), args.runs)))
        return
    folder = generate(args.count)
    before = os.getloadavg()[0]
    run = _child("engine", args, folder)
    cli = measure_cli(args.cli_count, args.runs) if args.cli_count else None
    text = report(args, run, cli, (before, os.getloadavg()[0]))
    print(text)
    if args.write:
        write_section(text)


if __name__ == "__main__":
    main()
