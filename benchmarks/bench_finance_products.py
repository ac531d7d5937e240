"""Product eligibility and credit lines (kechuang.engine.finance.evaluate) on 1,000,000 synthetic
enterprises × the five shipped products. Run: .venv/bin/python benchmarks/bench_finance_products.py"""

import os
import resource
import time
from pathlib import Path

import numpy as np
import polars as pl

from kechuang.engine.finance import evaluate, load_product
from kechuang.engine.finance.products import finance_schema
from kechuang.engine.vocabulary import FACTS_BY_NAME, REGISTRY_BY_NAME

n = 1_000_000
rng = np.random.default_rng(1)
fields = frozenset(REGISTRY_BY_NAME) | frozenset(FACTS_BY_NAME)
products = [
    load_product(p, fields)
    for p in sorted(
        Path(__file__).resolve().parents[1] / "src" / "kechuang" / "finance" / "products".glob("*.yaml")
    )
]
schema = finance_schema()
cols = {}
for name, dtype in schema.items():
    if name == "credit_code":
        cols[name] = pl.Series([f"C{i:09d}" for i in range(n)])
    elif dtype == pl.Boolean:
        cols[name] = pl.Series(rng.random(n) < 0.7)
    elif dtype.is_numeric():
        cols[name] = pl.Series(rng.gamma(2.0, 50.0, n)).cast(dtype)
    elif name == "stage":
        cols[name] = pl.Series(rng.choice(["startup", "growth", "mature"], n))
    elif dtype == pl.Utf8:
        cols[name] = pl.Series([None] * n, dtype=pl.Utf8)
    else:
        cols[name] = pl.Series([None] * n).cast(dtype)
frame = pl.DataFrame(cols).with_columns(pl.col("hightech_cert_valid").cast(pl.Boolean))
t = time.perf_counter()
c = time.process_time()
out = evaluate(frame, products)
print(
    f"{n:,} enterprises x {len(products)} products: wall {time.perf_counter() - t:.2f} s, CPU {time.process_time() - c:.2f} s, rows {out.height:,}, eligible {out['eligible'].sum():,}, peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB, load {os.getloadavg()[0]:.1f}"
)
