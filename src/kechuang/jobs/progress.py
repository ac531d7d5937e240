"""The live state of a running job: $KECHUANG_VAR/jobs/<id>.json (stage, done, total, host, pid,
time), rewritten every few seconds by a heartbeat thread and on each progress step, and
$KECHUANG_VAR/jobs/<id>.cancel, the request to stop. Files, not rows: see kechuang.jobs.models.

The web and the worker therefore share KECHUANG_VAR (one server, as deploy/ sets it up).
"""

from __future__ import annotations

import json
import os
import socket
import threading
import time
from pathlib import Path

from django.conf import settings

HEARTBEAT_SECONDS = 2.0


def folder() -> Path:
    path = Path(settings.VAR_DIR) / "jobs"
    path.mkdir(parents=True, exist_ok=True)
    return path


def state_file(job_id: int) -> Path:
    return folder() / f"{job_id}.json"


def cancel_file(job_id: int) -> Path:
    return folder() / f"{job_id}.cancel"


def this_process() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def read(job_id: int) -> dict | None:
    """The last state written, with ``age`` (seconds since it was written), or None."""
    path = state_file(job_id)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        data["age"] = max(0.0, time.time() - path.stat().st_mtime)
    except (OSError, ValueError):
        return None
    return data


def cancel_requested(job_id: int) -> bool:
    return cancel_file(job_id).exists()


def request_cancel(job_id: int, reason: str = "") -> None:
    """Ask the job to stop at its next step; ``reason`` (Chinese) becomes its message."""
    cancel_file(job_id).write_text(reason, encoding="utf-8")


def cancel_reason(job_id: int) -> str:
    try:
        return cancel_file(job_id).read_text(encoding="utf-8").strip()
    except OSError:
        return ""


# The jobs running in this process (the worker asks them to stop when it is told to stop).
RUNNING: set[int] = set()


def clear(job_id: int) -> None:
    for path in (state_file(job_id), cancel_file(job_id)):
        path.unlink(missing_ok=True)


def process_alive(worker: str) -> bool | None:
    """True/False for a process of this host ("host:pid"); None when it ran elsewhere (unknown)."""
    host, _, pid = worker.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return None
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class Live:
    """The state of one running job in this process, written to its file; a daemon thread rewrites
    it every HEARTBEAT_SECONDS while the job runs (the heartbeat), whatever the job is doing."""

    def __init__(self, job_id: int):
        self.job_id = job_id
        self.stage, self.done, self.total = "", 0, 0
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, name=f"job-{job_id}-heartbeat", daemon=True)

    def __enter__(self) -> Live:
        self.write()
        self._thread.start()
        RUNNING.add(self.job_id)
        return self

    def __exit__(self, *exc) -> None:
        RUNNING.discard(self.job_id)
        self._stop.set()
        self._thread.join(timeout=HEARTBEAT_SECONDS * 2)

    def update(self, stage: str, done: int, total: int) -> None:
        with self._lock:
            self.stage, self.done, self.total = stage, int(done), int(total)
        self.write()

    def write(self) -> None:
        with self._lock:
            data = {
                "stage": self.stage,
                "done": self.done,
                "total": self.total,
                "worker": this_process(),
                "time": time.time(),
            }
        path = state_file(self.job_id)
        partial = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.partial")
        partial.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        os.replace(partial, path)

    def _beat(self) -> None:
        while not self._stop.wait(HEARTBEAT_SECONDS):
            try:
                self.write()
            except OSError:
                pass
