"""The pages each role of the load test opens, with their weights (shared by locustfile.py and
page_times.py, which must not import locust: gevent patches threads)."""

from __future__ import annotations

# role → (demo accounts, the pages it opens with their weights)
COMMON = [("/", "home", 2), ("/plans/", "plans:overview", 3), ("/jobs/", "jobs:list", 1)]
ROLES = {
    "bureau": (
        ["kjj", "admin"],
        COMMON
        + [
            ("/enterprises/", "enterprises:home", 4),
            ("/enterprises/registry/", "enterprises:registry", 2),
            ("/enterprises/pools/", "enterprises:pools", 1),
            ("/plans/tasks/", "plans:tasks", 1),
            ("/plans/report/", "plans:report", 1),
            ("/api/plans/", "api:plans", 1),
            ("/api/enterprises/?page_size=50", "api:enterprises", 2),
        ],
    ),
    "town": (
        ["songshanhu", "humen"],
        COMMON
        + [
            ("/enterprises/", "enterprises:home", 4),
            ("/enterprises/registry/", "enterprises:registry", 2),
            ("/api/enterprises/?page_size=50", "api:enterprises", 2),
        ],
    ),
    "reporter": (
        ["tjj", "scjgj"],
        COMMON + [("/plans/entry/", "plans:entry", 2), ("/plans/tasks/", "plans:tasks", 1)],
    ),
    "leader": (
        ["leader"],
        COMMON + [("/enterprises/", "enterprises:home", 3), ("/plans/departments/", "plans:departments", 1)],
    ),
}
