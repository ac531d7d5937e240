"""Load test: the demo's roles browsing the main pages and calling the API (issue 8 §3).

    make load                      # serve the demo database, 50 users for 60 s, figures to var/load/
    .venv/bin/locust -f benchmarks/load/locustfile.py --host http://127.0.0.1:8000   # the web UI

Each simulated user logs in with a demo account (password kechuang-demo-2026) of one role and
then, with a short think time, opens that role's main pages and calls the API with its session.
Requests are named by page (not by full URL) so the statistics group them per page.
"""

from __future__ import annotations

import os
import random
import re

from locust import HttpUser, between, task
from pages import ROLES

PASSWORD = os.environ.get("KECHUANG_DEMO_PASSWORD", "kechuang-demo-2026")
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class RoleUser(HttpUser):
    abstract = True
    wait_time = between(1, 3)
    role = "bureau"

    def on_start(self) -> None:
        accounts, self.pages = ROLES[self.role]
        self.weights = [w for _, _, w in self.pages]
        username = random.choice(accounts)
        page = self.client.get("/login/", name="login (form)")
        token = CSRF.search(page.text)
        with self.client.post(
            "/login/",
            {
                "username": username,
                "password": PASSWORD,
                "csrfmiddlewaretoken": token.group(1) if token else "",
            },
            headers={"Referer": f"{self.host}/login/"},
            name="login (post)",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"login as {username} failed: {response.status_code}")

    @task
    def browse(self) -> None:
        url, name, _ = random.choices(self.pages, weights=self.weights)[0]
        with self.client.get(url, name=name, catch_response=True, allow_redirects=False) as response:
            if response.status_code not in (200, 302):
                response.failure(f"{response.status_code}")


class Bureau(RoleUser):
    role = "bureau"
    weight = 3


class Town(RoleUser):
    role = "town"
    weight = 3


class Reporter(RoleUser):
    role = "reporter"
    weight = 2


class Leader(RoleUser):
    role = "leader"
    weight = 1
