"""Killing `kechuang worker` (SIGKILL, a real process) in the middle of an import: the database is as
before the import (one transaction), and the job is marked failed when a worker runs again."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest

from tests.cli.kit import DB_NAME, child_env, command, run_in

pytestmark = pytest.mark.slow

TABLES = (
    "enterprises_enterprise",
    "enterprises_fact",
    "enterprises_factrevision",
    "enterprises_upload",
    "enterprises_tierrecord",
)
WRITE_STAGES = ("写入企业名录", "写入企业年度数据")


def env(var: Path) -> dict[str, str]:
    return {**child_env(var), "KECHUANG_AUTOSTART_WORKER": "0", "KECHUANG_TASKS_BACKEND": "database"}


def fingerprint(var: Path) -> dict[str, tuple[int, str]]:
    """Per table: row count and a hash of every row (a plain sqlite3 connection, no Django)."""
    con = sqlite3.connect(var / DB_NAME)
    try:
        out = {}
        for table in TABLES:
            rows = con.execute(f'SELECT * FROM "{table}" ORDER BY 1').fetchall()
            out[table] = (len(rows), hashlib.sha256(repr(rows).encode()).hexdigest())
        return out
    finally:
        con.close()


def job_row(var: Path, pk: int) -> tuple:
    con = sqlite3.connect(var / DB_NAME)
    try:
        return con.execute("SELECT status, message FROM jobs_job WHERE id = ?", (pk,)).fetchone()
    finally:
        con.close()


def shell(var: Path, code: str) -> str:
    done = subprocess.run(
        [*command(), "manage", "shell", "-c", code],
        cwd=var, env=env(var), capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done.stdout


def queue_a_big_import(tmp_path) -> tuple[Path, int, dict]:
    """A database with 300 enterprises, and a queued job importing 60,000 more with 5 years of facts
    (about 330,000 rows: long enough to be caught writing). (var, job id, fingerprint before)."""
    var = tmp_path / "var"
    var.mkdir()
    assert run_in(var, "manage", "migrate", "--verbosity", "0").returncode == 0
    # Data already there: a small population imported from the command line.
    small, big = tmp_path / "small", tmp_path / "big"
    assert run_in(var, "synth", "enterprises", "--count", 300, "--years", "2023-2024", "--seed", 1,
                  "--out", small).returncode == 0  # fmt: skip
    first = run_in(var, "enterprises", "import", small / "registry.csv", small / "facts.csv")
    assert first.returncode == 0, first
    assert run_in(var, "synth", "enterprises", "--count", 60000, "--years", "2020-2024", "--seed", 2,
                  "--out", big, timeout=180).returncode == 0  # fmt: skip
    before = fingerprint(var)
    assert before["enterprises_enterprise"][0] == 300
    # The upload's confirmation, as the web page does it: a queued job.
    out = shell(var, (
        "from pathlib import Path\n"
        "from kechuang.enterprises.services import start_import\n"
        f"d = Path({str(big)!r})\n"
        "job = start_import(d, [d / 'registry.csv', d / 'facts.csv'], ['registry.csv', 'facts.csv'], None)\n"
        "print('JOB', job.pk, job.status)\n"
    ))  # fmt: skip
    pk = int(out.split("JOB ")[1].split()[0])
    assert job_row(var, pk)[0] == "queued"
    return var, pk, before


def worker_caught_writing(var: Path, pk: int) -> subprocess.Popen:
    """`kechuang worker` started, returned once its progress file shows the import writing."""
    state_file = var / "jobs" / f"{pk}.json"
    worker = subprocess.Popen(
        [*command(), "worker"], cwd=var, env=env(var),
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    seen = None
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline and worker.poll() is None:
        try:
            seen = json.loads(state_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            seen = None
        if seen and seen["stage"] in WRITE_STAGES and 0 < seen["done"]:
            return worker
        time.sleep(0.05)
    output = worker.stdout.read().decode() if worker.poll() is not None else ""
    worker.kill()
    worker.wait(timeout=30)
    raise AssertionError(f"the import was not caught writing: {seen} {output}")


def test_a_killed_worker_leaves_the_database_as_before_and_the_job_failed(tmp_path):
    var, pk, before = queue_a_big_import(tmp_path)
    state_file = var / "jobs" / f"{pk}.json"
    worker = worker_caught_writing(var, pk)
    try:
        os.kill(worker.pid, signal.SIGKILL)  # in the middle of the writes
        assert worker.wait(timeout=30) == -signal.SIGKILL
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait(timeout=30)
        worker.stdout.close()

    # Rows were written inside the import's transaction before the kill; none of them stayed.
    assert fingerprint(var) == before
    assert job_row(var, pk)[0] == "running"  # nobody has noticed yet

    # A worker starting again marks the job failed, with the reason in Chinese, and frees the lock.
    again = subprocess.run(
        [*command(), "worker", "--batch"], cwd=var, env=env(var),
        capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    assert again.returncode == 0, again.stdout + again.stderr
    assert "1 项中断的任务已标记为失败" in again.stdout
    status, message = job_row(var, pk)
    assert status == "failed" and "被强制结束" in message and "数据库保持任务开始前的状态" in message
    assert not state_file.exists() and not (tmp_path / "big").exists()  # its staged files are gone
    assert fingerprint(var) == before
    # The killed job is not run a second time, and the lock is free for the next import.
    out = shell(var, (
        "from kechuang.jobs.models import Job\n"
        "from kechuang.jobs.services import enqueue\n"
        "job = enqueue('enterprise_import', 'enterprise_import', 'again', {'paths': [], 'names': []})\n"
        "print('QUEUED', job.status, Job.objects.filter(status='running').count())\n"
    ))  # fmt: skip
    assert "QUEUED queued 0" in out


def test_without_a_worker_the_site_starts_one_for_the_queued_job(tmp_path):
    """The demo: KECHUANG_AUTOSTART_WORKER (on in development) starts `kechuang worker --batch` when a
    job is queued and no worker service is alive; it runs the job, exits and removes its heartbeat."""
    var = tmp_path / "var"
    var.mkdir()
    assert run_in(var, "manage", "migrate", "--verbosity", "0").returncode == 0
    staged = tmp_path / "staged"
    assert run_in(var, "synth", "enterprises", "--count", 50, "--years", "2024", "--seed", 4,
                  "--out", staged).returncode == 0  # fmt: skip
    autostart = {**env(var), "KECHUANG_AUTOSTART_WORKER": "1"}
    done = subprocess.run(
        [*command(), "manage", "shell", "-c", (
            "from pathlib import Path\n"
            "from kechuang.enterprises.services import start_import\n"
            f"d = Path({str(staged)!r})\n"
            "print('JOB', start_import(d, [d / 'registry.csv'], ['名录.csv'], None).pk)\n"
        )],
        cwd=var, env=autostart, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    pk = int(done.stdout.split("JOB ")[1].split()[0])
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and job_row(var, pk)[0] in ("queued", "running"):
        time.sleep(0.2)
    assert job_row(var, pk)[0] == "succeeded", (var / "worker.log").read_text(encoding="utf-8")
    assert fingerprint(var)["enterprises_enterprise"][0] == 50
    while time.monotonic() < deadline and (var / "worker.heartbeat").exists():
        time.sleep(0.2)
    assert not (var / "worker.heartbeat").exists()  # the batch worker has exited cleanly


def test_a_worker_told_to_stop_stops_the_import_with_nothing_written(tmp_path):
    """SIGTERM (systemctl stop, a deployment): the running import stops at its next step, inside its
    transaction; the worker exits; the job is cancelled with the reason."""
    var, pk, before = queue_a_big_import(tmp_path)
    worker = worker_caught_writing(var, pk)
    try:
        worker.send_signal(signal.SIGTERM)
        output = worker.communicate(timeout=120)[0].decode()
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait(timeout=30)
    assert worker.returncode == 0, output
    status, message = job_row(var, pk)
    assert status == "cancelled" and "被要求停止" in message and "没有写入任何数据" in message
    assert fingerprint(var) == before
