"""`kechuang worker`: runs the background jobs (Django's task framework, django-tasks' database
backend) until stopped; `--batch` runs what is queued and exits.

SIGTERM or Ctrl+C stops it cleanly: the running job stops at its next progress step, inside its
transaction (nothing written), and is marked cancelled with the reason. While it runs, a thread writes the worker heartbeat ($KECHUANG_VAR/worker.heartbeat, read by
/health/ready) every few seconds and, every minute, marks failed the jobs of workers that died
(kechuang.jobs.services.recover_stale); it does that once at start-up too, so a job whose worker
was killed is marked failed as soon as a worker runs again.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import threading
import time

import typer

from kechuang.cli.common import console, setup_django

BEAT_SECONDS = 5.0
RECOVER_SECONDS = 60.0


def _beat(path, batch: bool) -> None:
    """The heartbeat file: its modification time, and who writes it (a --batch worker says so: the
    site does not count on it to run the next job)."""
    data = {"host": socket.gethostname(), "pid": os.getpid(), "time": time.time(), "batch": batch}
    partial = path.with_name(f"{path.name}.{os.getpid()}.partial")
    partial.write_text(json.dumps(data))
    os.replace(partial, path)


def _forget_beat(path) -> None:
    """A worker that stops cleanly removes its heartbeat (the readiness check then says no worker
    rather than a dead one); another worker's file is left alone."""
    try:
        if json.loads(path.read_text()).get("pid") == os.getpid():
            path.unlink()
    except (OSError, ValueError):
        pass


def _heartbeat(stop: threading.Event, batch: bool) -> None:
    from django.db import connection

    from kechuang.jobs.services import heartbeat_file, recover_stale

    last_recover = time.monotonic()
    while not stop.wait(BEAT_SECONDS):
        try:
            _beat(heartbeat_file(), batch)
            if time.monotonic() - last_recover >= RECOVER_SECONDS:
                last_recover = time.monotonic()
                recover_stale()
        except Exception:  # noqa: BLE001 — the heartbeat must outlive a locked database
            pass
        finally:
            connection.close()


def register(app: typer.Typer) -> None:
    @app.command()
    def worker(
        batch: bool = typer.Option(False, "--batch", help="运行完队列中的任务后退出"),
        interval: float = typer.Option(1.0, help="队列为空时，每隔多少秒查看一次"),
    ) -> None:
        """运行后台任务（大批量导入等）：持续从队列中取任务执行，Ctrl+C 停止。"""
        setup_django()
        from django.db import connection
        from django_tasks_db.management.commands.db_worker import Worker

        from kechuang.jobs.services import heartbeat_file, recover_stale, stop_running_jobs

        _beat(heartbeat_file(), batch)
        recovered = recover_stale()
        connection.close()
        worker_id = f"{socket.gethostname()}:{os.getpid()}"
        console.print(
            f"后台任务进程已启动（{worker_id}）"
            + (f"；{recovered} 项中断的任务已标记为失败" if recovered else ""),
            soft_wrap=True,
        )
        stop = threading.Event()
        thread = threading.Thread(target=_heartbeat, args=(stop, batch), name="worker-heartbeat", daemon=True)
        thread.start()
        runner = Worker(
            queue_names=["default"],
            interval=interval,
            batch=batch,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id=worker_id[:64],
            excluded_queue_names=[],
        )
        runner.configure_signals()
        graceful = runner.shutdown

        def shutdown(signum, frame) -> None:
            # Told to stop: the running job stops at its next step with nothing written (not after
            # the whole import, which could outlast the service manager's patience and be killed).
            stop_running_jobs()
            graceful(signum, frame)

        for name in ("SIGINT", "SIGTERM", "SIGQUIT"):
            if hasattr(signal, name):
                signal.signal(getattr(signal, name), shutdown)
        try:
            runner.run()
        finally:
            stop.set()
            thread.join(timeout=BEAT_SECONDS * 2)
            _forget_beat(heartbeat_file())
        console.print("后台任务进程已退出")
