"""Benchmark: demand → achievement matching (issue 11 §5): 200,000 achievements indexed in under a
minute, a query answered in under 20 ms at the 95th percentile; and the quality figures on the
labelled set (tests/engine/data/transfer_match).

    .venv/bin/python benchmarks/bench_match.py [--count 200000] [--rounds 6] [--write]

1. Generates ``--count`` achievements with kechuang.engine.transfer.synth (seed 1, three
   institutions; not timed).
2. Times ``MatchIndex(frame)``: tokenising title, keywords and abstract, BM25 weights, the sparse
   matrix. Reports wall and CPU time and resident memory before and after (peak: ru_maxrss).
3. Times ``index.search(demand, top=10)`` for each of the labelled set's 83 demands, ``--rounds``
   times (after one warm-up query): p50, p95 and max.
4. Precision@5, recall@5 and MRR on the labelled set, for all demands and for those written the way
   an enterprise writes.

With --write the figures replace the "## Transfer matching" section of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import sys
import time
from pathlib import Path

import numpy as np
import polars as pl

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "engine" / "data" / "transfer_match"
SECTION = "## Transfer matching"
sys.path.insert(0, str(Path(__file__).parent))


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=200_000)
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()

    from kechuang.engine.transfer.achievements import read_achievements
    from kechuang.engine.transfer.match import MatchIndex, evaluate
    from kechuang.engine.transfer.synth import achievements

    frame = achievements(args.count, 1, ["东莞理工学院", "广东医科大学", "松山湖材料实验室"])
    chars = int(
        frame.select(
            pl.sum_horizontal(pl.col(c).str.len_chars() for c in ("title", "keywords", "abstract")).sum()
        ).item()
    )
    rss_before = _rss_mb()
    wall, cpu = time.perf_counter(), time.process_time()
    index = MatchIndex(frame)
    build_wall, build_cpu = time.perf_counter() - wall, time.process_time() - cpu
    rss_after = _rss_mb()

    demands = pl.read_csv(DATA / "demands.csv")
    texts = demands["demand"].to_list()
    index.search(texts[0])
    latencies, cpu_times = [], []
    for _ in range(args.rounds):
        for text in texts:
            t, c = time.perf_counter(), time.thread_time()
            index.search(text, top=10)
            cpu_times.append((time.thread_time() - c) * 1000)
            latencies.append((time.perf_counter() - t) * 1000)
    lat, lat_cpu = np.array(latencies), np.array(cpu_times)

    labelled, _ = read_achievements(DATA / "achievements.csv")
    small = MatchIndex(labelled)

    def pairs(df: pl.DataFrame) -> list[tuple[str, set[str]]]:
        return [(r["demand"], set(r["relevant"].split("；"))) for r in df.iter_rows(named=True)]

    quality_all = evaluate(small, pairs(demands))
    plain = demands.filter(pl.col("style") == "企业")
    quality_plain = evaluate(small, pairs(plain))
    academic = evaluate(small, pairs(demands.filter(pl.col("style") == "学术")))
    ceiling = float(np.mean([min(5, len(r.split("；"))) / 5 for r in demands["relevant"]]))

    figures = {
        "count": args.count,
        "chars": chars,
        "terms": len(index.terms),
        "nonzeros": index.matrix.nnz,
        "build_wall": build_wall,
        "build_cpu": build_cpu,
        "rss_before": rss_before,
        "rss_after": rss_after,
        "peak": _peak_mb(),
        "queries": lat.size,
        "p50": float(np.percentile(lat, 50)),
        "p95": float(np.percentile(lat, 95)),
        "max": float(lat.max()),
        "cpu_p50": float(np.percentile(lat_cpu, 50)),
        "cpu_p95": float(np.percentile(lat_cpu, 95)),
        "load": os.getloadavg()[0],
    }
    for name, q in (("all", quality_all), ("plain", quality_plain), ("academic", academic)):
        for k, v in q.items():
            figures[f"{name}_{k}"] = v
    figures["ceiling"] = ceiling
    figures["n_all"], figures["n_plain"] = demands.height, plain.height
    figures["n_achievements"] = labelled.height
    for k, v in figures.items():
        print(f"{k}: {v:.4f}" if isinstance(v, float) else f"{k}: {v}")
    if args.write:
        from benchmarks_doc import replace_section

        replace_section(ROOT / "docs" / "benchmarks.md", SECTION, render(figures, args))


def render(f: dict, args) -> str:
    cpu = platform.processor() or platform.machine()
    return f"""{SECTION}

`kechuang transfer match` / kechuang.engine.transfer.match.MatchIndex (issue 11 §5; method in
docs/decisions/0009-transfer-matching.md). Command:

```
.venv/bin/python benchmarks/bench_match.py --count {args.count} --rounds {args.rounds} --write
```

Machine: {os.cpu_count()} cores ({cpu}), shared with other work (load average {f["load"]:.1f} when measured).

Speed, {f["count"]:,} synthetic achievements (kechuang.engine.transfer.synth, seed 1; {f["chars"]:,}
characters of title, keywords and abstract; the synthetic texts come from ~70 topics, so the
vocabulary is small ({f["terms"]:,} terms) and the posting lists are long ({f["nonzeros"]:,} non-zero
weights) — which makes queries slower, not faster, than on real, more varied texts):

| step | figure | target |
|---|---|---|
| index (tokenise, BM25 weights, sparse matrix) | {f["build_cpu"]:.1f} s CPU (all threads); {f["build_wall"]:.1f} s wall under load {f["load"]:.1f} | < 60 s |
| query, top 10 ({f["queries"]} queries: the labelled demands × {args.rounds}) | wall p50 {f["p50"]:.1f} ms, p95 {f["p95"]:.1f} ms, max {f["max"]:.1f} ms; CPU p50 {f["cpu_p50"]:.1f} ms, p95 {f["cpu_p95"]:.1f} ms | p95 < 20 ms |
| memory | RSS {f["rss_before"]:.0f} MB before the index, {f["rss_after"]:.0f} MB after; peak {f["peak"]:.0f} MB | |

Quality on the labelled set (tests/engine/data/transfer_match: {f["n_achievements"]} achievements, {f["n_all"]}
demands across the eight fields, {f["n_plain"]} of them written as an enterprise writes; relevant =
the published achievements that answer the need). P@5 cannot exceed {f["ceiling"]:.3f} here: many
demands have fewer than five relevant achievements. MRR is over the whole ranking.

| demands | P@5 | R@5 | MRR |
|---|---|---|---|
| all ({f["n_all"]}) | {f["all_precision"]:.3f} | {f["all_recall"]:.3f} | {f["all_mrr"]:.3f} |
| enterprise wording ({f["n_plain"]}) | {f["plain_precision"]:.3f} | {f["plain_recall"]:.3f} | {f["plain_mrr"]:.3f} |
| academic wording ({f["n_all"] - f["n_plain"]}) | {f["academic_precision"]:.3f} | {f["academic_recall"]:.3f} | {f["academic_mrr"]:.3f} |

On an idle machine the wall time of the index is at most its CPU time (Polars uses both cores); the
machine was shared by several sessions when measured (load average {f["load"]:.1f} on {os.cpu_count()} cores), so
the wall times above include waiting for a core. A query runs on one thread: its CPU time is what it
costs, its wall time what it cost here.

The concept table was written while looking at these demands, so these figures flatter the method;
the floors in tests/engine/test_transfer_match.py guard against regressions, not against a new set.
On fresh enterprise-worded demands, measured before the table was touched, MRR was 0.69 (18 demands),
0.83 (21 demands; P@5 0.62, R@5 0.86), 0.66 and 0.65 (two batches of 10 on new topics):
docs/decisions/0009.
"""


if __name__ == "__main__":
    main()
