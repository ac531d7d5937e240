"""Benchmark: `kechuang qualify --input DIR --output FILE` end to end on CSV files, against Polars
doing nothing but reading the same input and writing the same output.

    .venv/bin/python benchmarks/bench_qualify_cli.py [--count 1000000] [--runs 3] [--write]

1. The input is written once by `kechuang synth enterprises --count N --years 2022-2024 --seed 1
   --out DIR` (registry.csv, facts.csv; cached under var/bench-qualify-cli/).
2. The command: the installed `kechuang` script in a subprocess (interpreter start, imports,
   reading, checking every cell as an upload is checked, qualifying, writing result.csv), timed from
   outside; CPU time from the child's rusage.
3. The floor: in a fresh process, `pl.read_csv` of both input files (Polars' own type inference)
   plus `write_csv` of the command's result frame — no interpreter start or import counted.
4. The two alternate `--runs` times; the best of each is compared. The command's result is checked
   equal to the engine's on the synthetic population's own Parquet copy.

With --write the figures replace the "## Qualification from CSV, end to end" section of
docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
KECHUANG = Path(sys.executable).parent / "kechuang"
YEAR, YEARS, SEED = 2024, "2022-2024", 1
HEADING = "## Qualification from CSV, end to end"


def generate(count: int) -> Path:
    folder = ROOT / "var" / "bench-qualify-cli" / f"n{count}-s{SEED}"
    if not (folder / "facts.csv").exists():
        cmd = [str(KECHUANG), "synth", "enterprises", "--count", str(count), "--years", YEARS]
        cmd += ["--seed", str(SEED), "--out", str(folder)]
        subprocess.run(cmd, check=True, capture_output=True)
    return folder


def floor(folder: Path, result: Path) -> dict:
    """Child process: Polars reads the input and writes the output, nothing else."""
    import polars as pl

    output = pl.read_csv(result)  # not timed: the frame the command wrote, with its column types
    target = result.with_name("floor.csv")
    started, cpu0 = time.perf_counter(), os.times()
    registry = pl.read_csv(folder / "registry.csv")
    facts = pl.read_csv(folder / "facts.csv")
    read = time.perf_counter() - started
    output.write_csv(target)
    wall = time.perf_counter() - started
    cpu1 = os.times()
    target.unlink()
    return {
        "wall": wall,
        "read": read,
        "cpu": cpu1.user - cpu0.user + cpu1.system - cpu0.system,
        "rows": [registry.height, facts.height],
    }


def command(folder: Path, result: Path) -> dict:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    cmd = [str(KECHUANG), "qualify", "--year", str(YEAR), "--input", str(folder), "--output", str(result)]
    done = subprocess.run(cmd, capture_output=True, text=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode:
        raise SystemExit(f"kechuang qualify failed:\n{done.stdout}\n{done.stderr}")
    own = re.search(r"用时 ([0-9.]+) 秒", done.stdout)
    return {
        "wall": wall,
        "own": float(own.group(1)) if own else float("nan"),
        "cpu": after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime,
        "peak_mb": after.ru_maxrss / 1024,
    }


def verify(folder: Path, result: Path) -> bool:
    import polars as pl
    from polars.testing import assert_frame_equal

    from kechuang.engine.rules import qualify

    expected = qualify(
        pl.read_parquet(folder / "registry.parquet"), pl.read_parquet(folder / "facts.parquet"), YEAR
    )
    got = pl.read_csv(result, schema=expected.schema)
    assert_frame_equal(
        expected.with_columns(pl.selectors.string().fill_null("")),
        got.with_columns(pl.selectors.string().fill_null("")),
    )
    return True


def _floor_child(folder: Path, result: Path) -> dict:
    cmd = [sys.executable, __file__, "--child", "--folder", str(folder), "--result", str(result)]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, cwd=ROOT)
    return json.loads(out.stdout.strip().splitlines()[-1])


def report(args, folder: Path, runs: list[tuple[dict, dict]], load: tuple[float, float], same: bool) -> str:
    sys.path.insert(0, str(Path(__file__).parent))
    from bench_qualify import _machine

    cmd_best = min(c["wall"] for c, _ in runs)
    floor_best = min(f["wall"] for _, f in runs)
    rows = runs[0][1]["rows"]
    cmd_cpu = min(c["cpu"] for c, _ in runs)
    floor_cpu = min(f["cpu"] for _, f in runs)
    cmd_all = ", ".join(f"{c['wall']:.1f}" for c, _ in runs)
    floor_all = ", ".join(f"{f['wall']:.1f}" for _, f in runs)
    return "\n".join(
        [
            HEADING,
            "",
            f"`kechuang qualify --year {YEAR} --input DIR --output result.csv` on {rows[0]:,} enterprises and",
            f"{rows[1]:,} yearly-fact rows in CSV (written by `kechuang synth enterprises --count {args.count}"
            f" --years {YEARS} --seed {SEED} --out DIR`), against Polars only reading the same two files",
            "(`pl.read_csv`) and writing the same result (`write_csv`).",
            "",
            "```",
            f".venv/bin/python benchmarks/bench_qualify_cli.py --count {args.count} --runs {args.runs} --write",
            "```",
            "",
            f"- machine: {_machine()}",
            f"- load average (1 min) before / after: {load[0]:.2f} / {load[1]:.2f} (shared machine: both sides"
            " are slowed; they alternate run by run so that they see the same load)",
            "",
            "| measure | command (end to end) | Polars read + write only |",
            "|---|---:|---:|",
            f"| wall time, best of {len(runs)} | **{cmd_best:.1f} s** | **{floor_best:.1f} s** |",
            f"| wall time, every run | {cmd_all} s | {floor_all} s |",
            f"| CPU time (user + system), least | {cmd_cpu:.1f} s | {floor_cpu:.1f} s |",
            f"| of which reading the input (best) | | {min(f['read'] for _, f in runs):.1f} s |",
            f"| peak memory (ru_maxrss) | {max(c['peak_mb'] for c, _ in runs) / 1024:.1f} GB | |",
            f"| the command's own time (its「用时」: from reading to writing, no interpreter start), best"
            f" | {min(c['own'] for c, _ in runs):.1f} s | |",
            f"| **ratio, best against best** (target ≤ 3×) | **{cmd_best / floor_best:.1f}×** | 1× |",
            f"| ratio, median of the runs' ratios (each run's command against the read + write next to it)"
            f" | {statistics.median(c['wall'] / f['wall'] for c, f in runs):.1f}× | |",
            f"| ratio of CPU times (least against least) | {cmd_cpu / floor_cpu:.1f}× | |",
            "",
            "The command's time includes starting the interpreter and importing kechuang (about 1 s),"
            " checking every",
            "cell as an upload is checked (the same code as the upload page), qualifying with the five rule sets,",
            "printing the summary and writing result.csv."
            + (" Its result equals `qualify()` on the population's Parquet copy." if same else ""),
            "",
            "Before the input went through the upload's reader (engine.enterprise_import.check_upload), the",
            "command converted the text columns itself, scanning the whole frame once per column to find",
            "unreadable cells: timing its stages put about 110 of its 116 s in that conversion (and it checked no credit",
            "codes, duplicates or consistency), against 14.7 s for Polars' read + write under the same load (≈ 8×).",
            "Now every check runs as whole-column expressions in one parallel pass per file; a clean UTF-8 CSV",
            "has its numbers, plain dates and true/false flags parsed by the CSV reader itself (a file that fails",
            "any check is read again as text so that its report is the usual one); credit codes are sieved from",
            "the Arrow buffer as an n × 18 byte matrix, and a facts file's codes are checked once against the",
            "registry of the same upload. The remaining gap is the qualification itself and the checks.",
            "",
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--write", action="store_true")
    parser.add_argument("--child", action="store_true")
    parser.add_argument("--folder", type=Path)
    parser.add_argument("--result", type=Path)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(floor(args.folder, args.result)))
        return
    load_before = os.getloadavg()[0]
    folder = generate(args.count)
    result = folder.parent / f"result-n{args.count}.csv"
    runs = []
    for i in range(args.runs):
        c = command(folder, result)
        f = _floor_child(folder, result)
        print(f"run {i + 1}: command {c['wall']:.1f} s, read + write {f['wall']:.1f} s", file=sys.stderr)
        runs.append((c, f))
    same = verify(folder, result)
    text = report(args, folder, runs, (load_before, os.getloadavg()[0]), same)
    print(text)
    if args.write:
        sys.path.insert(0, str(Path(__file__).parent))
        from benchmarks_doc import replace_section

        replace_section(ROOT / "docs" / "benchmarks.md", HEADING, text)


if __name__ == "__main__":
    main()
