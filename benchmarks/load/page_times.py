"""One user's server time per page of the load test, in-process (no HTTP, no other users).

    KECHUANG_VAR=var .venv/bin/python benchmarks/load/page_times.py [--runs 5]

For each page of benchmarks/load/locustfile.py and each role, the Django test client (logged in as
that role's first demo account) requests the page ``--runs`` times after one warm-up request and
prints the median wall and CPU time per request. With 50 users on 2 cores, a page's p95 under load is
roughly its CPU time × the number of requests queued before it, so this table shows which pages the
load test's p95 depends on.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kechuang.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client
    from pages import ROLES

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "127.0.0.1"]
    User = get_user_model()
    rows = []
    for role, (accounts, pages) in ROLES.items():
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(User.objects.get(username=accounts[0]))
        for url, name, _ in pages:
            client.get(url)  # warm-up: caches, imports
            wall, cpu = [], []
            for _ in range(args.runs):
                w0, c0 = time.perf_counter(), time.process_time()
                response = client.get(url)
                wall.append(time.perf_counter() - w0)
                cpu.append(time.process_time() - c0)
            rows.append((name, role, response.status_code, statistics.median(wall), statistics.median(cpu)))
    rows.sort(key=lambda r: -r[4])
    print(f"{'page':28} {'role':9} {'status':>6} {'wall ms':>8} {'cpu ms':>8}")
    for name, role, status, wall, cpu in rows:
        print(f"{name:28} {role:9} {status:>6} {wall * 1000:8.1f} {cpu * 1000:8.1f}")
    print(f"load average: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
