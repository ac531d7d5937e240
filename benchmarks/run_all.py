"""`make bench`: run every benchmark and write its figures into docs/benchmarks.md.

Each runs in its own process so that one's memory does not count against the next.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCHMARKS = [
    ["bench_plan_eval.py", "--write"],
    ["bench_qualify.py", "--count", "1000000", "--runs", "5", "--sample", "20000", "--write"],
    ["bench_import.py", "--rows", "1000000", "--write"],
    ["bench_qualify_cli.py", "--count", "1000000", "--runs", "5", "--write"],
]


def main() -> int:
    failed = 0
    for script, *args in BENCHMARKS:
        print(f"== {script} {' '.join(args)}", flush=True)
        failed += subprocess.run([sys.executable, str(HERE / script), *args]).returncode != 0
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
