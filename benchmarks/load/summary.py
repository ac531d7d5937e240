"""The per-page table of a locust run (its *_stats.csv): requests, failures, p50, p95, max, slowest first."""

from __future__ import annotations

import csv
import os
import sys


def main(path: str) -> None:
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    pages = [r for r in rows if r["Name"] != "Aggregated"]
    pages.sort(key=lambda r: float(r["95%"] or 0), reverse=True)
    total = next((r for r in rows if r["Name"] == "Aggregated"), None)
    print(f"load average: {os.getloadavg()[0]:.1f} (1 min, after the run)")
    print("| page | requests | failures | p50 ms | p95 ms | max ms |")
    print("|---|---:|---:|---:|---:|---:|")
    for r in [*pages, *([total] if total else [])]:
        print(
            f"| {r['Name']} | {r['Request Count']} | {r['Failure Count']} | {r['50%']} | {r['95%']} | "
            f"{float(r['Max Response Time']):.0f} |"
        )
    if total:
        print(f"\nthroughput: {float(total['Requests/s']):.1f} requests/s")


if __name__ == "__main__":
    main(sys.argv[1])
