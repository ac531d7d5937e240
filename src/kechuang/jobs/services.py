"""Queue, run, cancel and recover background jobs. Views, the CLI and the worker call these.

- ``enqueue(kind, lock, …)``: a Job row (refused with JobBusy while another job holds the same
  lock), then the task on Django's task framework (django-tasks: the database backend, run by
  `kechuang worker`; the immediate backend runs it at once, in-process).
- ``run(job_id)``: what the task does: marks the job running, runs the handler of its kind with a
  Reporter (progress, heartbeat, cancellation), keeps the result or the error report.
- ``run_inline(kind, lock, …, handler)``: the same, in this process (the CLI's import).
- ``cancel(job)``: a queued job never starts; a running one stops at its next progress step, inside
  its transaction, so nothing is written.
- ``recover_stale()``: running jobs whose process is gone (killed, server restarted) are marked
  failed with a Chinese reason and their staged files deleted; this frees their lock. Called when the worker starts, every
  minute by the worker, on a lock conflict and when a job's page is opened.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext
from django.utils.translation import gettext_noop as _noop

from kechuang.audit.context import acting_as
from kechuang.jobs import progress
from kechuang.jobs.models import ACTIVE, Job, Status

log = logging.getLogger("kechuang.jobs")

# kind → "module.function(job, reporter) -> result dict"
HANDLERS = {
    "enterprise_import": "kechuang.enterprises.services.run_import_job",
    "enterprise_tiers": "kechuang.enterprises.services.run_tiers_job",
    "plan_report": "kechuang.plans.report.jobs.run_report_job",
    "observation_import": "kechuang.plans.entry.upload.run_import_job",
}
KIND_LABELS = {  # shown through gettext
    "enterprise_import": _noop("企业数据导入"),
    "enterprise_tiers": _noop("全库资格计算"),
    "plan_report": _noop("年度监测评估报告"),
    "observation_import": _noop("指标数据导入"),
}

# kind → "module.function(job) -> str": the job's title in the active language, built from its
# params (a name from data without English marked translate="no"); a kind without one (an import:
# its title is the kind's label and the file names) shows the stored title, the label translated.
TITLES = {
    "enterprise_tiers": "kechuang.enterprises.services.tiers_title",
    "plan_report": "kechuang.plans.report.jobs.report_title",
}

STALE_MESSAGE = (
    "执行该任务的后台进程已停止（被强制结束或服务器重启），任务没有完成；"
    "它的写入是一个事务，已全部撤销，数据库保持任务开始前的状态。请重新提交。"
)
CANCELLED_MESSAGE = "已按要求取消，没有写入任何数据。"
STOPPED_MESSAGE = "后台任务进程被要求停止（如服务重启），任务已中止，没有写入任何数据。请重新提交。"


class JobBusy(Exception):
    """Another job holds the lock; the message says which, in Chinese."""

    def __init__(self, other: Job | None):
        self.other = other
        if other is None:
            text = "同类数据的另一项任务正在进行，请稍后再试。"
        else:
            when = timezone.localtime(other.started_at or other.created_at).strftime("%H:%M")
            text = (
                f"另一批数据正在处理（任务 #{other.pk}「{other.title or KIND_LABELS.get(other.kind, other.kind)}」，"
                f"{other.started_by_name or '系统'} 于 {when} 发起，{other.get_status_display()}）。"
                "为避免两批数据交错写入，请等它完成后再提交；本次没有写入任何数据。"
            )
        super().__init__(text)


class JobCancelled(Exception):
    pass


class JobFailed(Exception):
    """The job ends as failed with this message and an error report (JSON-able)."""

    def __init__(self, message: str, errors=None):
        self.errors = errors
        super().__init__(message)


class Reporter:
    """Passed to a job's handler: ``reporter(stage, done, total)`` records progress (the state file)
    and, while ``cancellable``, stops the job with JobCancelled when a cancel was requested."""

    def __init__(self, job: Job, live: progress.Live | None, echo: Callable[[str, int, int], None] | None):
        self.job, self.live, self.echo = job, live, echo
        self.cancellable = True

    def __call__(self, stage: str, done: int, total: int) -> None:
        if self.live is not None:
            self.live.update(stage, done, total)
        if self.echo is not None:
            self.echo(stage, done, total)
        self.check()

    def check(self) -> None:
        if self.cancellable and progress.cancel_requested(self.job.pk):
            raise JobCancelled


def compose(message: str, **values) -> str:
    """A job title from a gettext message (marked N_) and its values, in the active language: plain
    text in Chinese (what a job stores: build it under ``translation.override("zh-hans")``); on an
    English page HTML, a value that has no English (a name from data) marked translate="no"."""
    from django.utils.html import format_html
    from django.utils.safestring import SafeData

    from kechuang.web.names import english
    from kechuang.web.templatetags.names import as_written

    if not english():
        return gettext(message).format(**values)
    return format_html(
        gettext(message), **{k: v if isinstance(v, SafeData) else as_written(v) for k, v in values.items()}
    )


def title(job: Job) -> str:
    """The job's title in the active language (HTML, safe): its kind's TITLES builder, else the
    stored title, whose leading kind label (「企业数据导入：a.xlsx」) is translated and the rest — file
    names as uploaded — marked translate="no" on an English page. A job whose params the builder
    cannot read (one from an older version) shows its stored title."""
    from django.core.exceptions import ObjectDoesNotExist
    from django.utils.html import format_html

    from kechuang.web.templatetags.names import as_written

    if job.kind in TITLES:
        try:
            return import_string(TITLES[job.kind])(job)
        except (AttributeError, KeyError, TypeError, ValueError, ObjectDoesNotExist):
            pass
    label = KIND_LABELS.get(job.kind, "")
    if label and job.title.startswith(label + "："):
        return format_html("{}{}{}", gettext(label), gettext("："), as_written(job.title[len(label) + 1 :]))
    return job.title


# ----------------------------------------------------------------------------------------------
# Creating and queueing
# ----------------------------------------------------------------------------------------------


def _create(kind: str, lock: str, title: str, params: dict, user, status: str, name: str = "") -> Job:
    fields = dict(
        kind=kind,
        lock=lock,
        title=title,
        params=params,
        status=status,
        started_by=user,
        started_by_name=name or (user.get_username() if user is not None else "system"),
        org_code=(user.org.code if user is not None and getattr(user, "org_id", None) else ""),
        worker=progress.this_process() if status == Status.RUNNING else "",
        started_at=timezone.now() if status == Status.RUNNING else None,
    )
    for attempt in range(2):
        try:
            with transaction.atomic():
                return Job.objects.create(**fields)
        except IntegrityError:
            if attempt == 0 and recover_stale(lock=lock):
                continue
            raise JobBusy(Job.objects.filter(lock=lock, status__in=ACTIVE).first()) from None
    raise AssertionError("unreachable")


def enqueue(kind: str, lock: str, title: str, params: dict, user=None) -> Job:
    """A queued Job and its task; JobBusy while another job holds ``lock``."""
    from kechuang.jobs.tasks import run_job

    job = _create(kind, lock, title, params, user, Status.QUEUED)
    try:
        result = run_job.enqueue(job.pk)
    except Exception:
        Job.objects.filter(pk=job.pk).update(
            status=Status.FAILED, finished_at=timezone.now(), message="任务未能加入队列。"
        )
        raise
    Job.objects.filter(pk=job.pk).update(task_id=str(result.id)[:64])
    job.refresh_from_db()
    if job.status == Status.QUEUED:
        start_worker_if_needed()
    return job


def run(job_id: int) -> None:
    """The task: run the queued job ``job_id`` here (a job cancelled while queued is skipped)."""
    started = Job.objects.filter(pk=job_id, status=Status.QUEUED).update(
        status=Status.RUNNING, started_at=timezone.now(), worker=progress.this_process()
    )
    if not started:
        return
    _execute(Job.objects.get(pk=job_id))


def run_inline(
    kind: str,
    lock: str,
    title: str,
    params: dict,
    handler: Callable[[Job, Reporter], dict],
    user=None,
    name: str = "",
    echo: Callable[[str, int, int], None] | None = None,
) -> Job:
    """Run a job in this process (a command): the same lock, progress, record and error report."""
    job = _create(kind, lock, title, params, user, Status.RUNNING, name=name)
    return _execute(job, handler=handler, echo=echo, reraise=True, name=name)


def _execute(job: Job, handler=None, echo=None, reraise: bool = False, name: str = "") -> Job:
    handler = handler or import_string(HANDLERS[job.kind])
    outcome: dict = {}
    error: BaseException | None = None
    with progress.Live(job.pk) as live:
        reporter = Reporter(job, live, echo)
        try:
            with acting_as(job.started_by, name=name or None):
                result = handler(job, reporter)
        except JobCancelled as exc:
            outcome = dict(
                status=Status.CANCELLED, message=progress.cancel_reason(job.pk) or CANCELLED_MESSAGE
            )
            error = exc
        except JobFailed as exc:
            outcome = dict(status=Status.FAILED, message=str(exc), errors=exc.errors)
            error = exc
        except Exception as exc:
            log.exception("job %s failed", job.pk)
            outcome = dict(status=Status.FAILED, message=f"任务出错：{type(exc).__name__}: {exc}"[:2000])
            error = exc
        else:
            outcome = dict(status=Status.SUCCEEDED, result=result)
        outcome.update(stage=live.stage, done=live.done, total=live.total, finished_at=timezone.now())
    Job.objects.filter(pk=job.pk).update(**outcome)
    progress.clear(job.pk)
    job.refresh_from_db()
    if reraise and error is not None:
        raise error
    return job


# ----------------------------------------------------------------------------------------------
# Cancelling, recovering, reading
# ----------------------------------------------------------------------------------------------


def cancel(job: Job) -> str:
    """'cancelled' (it was still queued), 'requested' (running: it stops at its next step) or
    'finished' (too late)."""
    now = timezone.now()
    if Job.objects.filter(pk=job.pk, status=Status.QUEUED).update(
        status=Status.CANCELLED, finished_at=now, message=CANCELLED_MESSAGE
    ):
        return "cancelled"
    job.refresh_from_db()
    if job.status == Status.RUNNING:
        progress.request_cancel(job.pk)
        return "requested"
    return "finished"


def stop_running_jobs() -> list[int]:
    """The worker is told to stop (SIGTERM, Ctrl+C): the jobs running in this process stop at their
    next step, inside their transaction, and end as cancelled with STOPPED_MESSAGE."""
    running = sorted(progress.RUNNING)
    for pk in running:
        progress.request_cancel(pk, STOPPED_MESSAGE)
    return running


def recover_stale(lock: str | None = None, max_age: float | None = None) -> int:
    """Mark failed the running jobs whose process is gone: on this host, a pid that no longer runs;
    anywhere, no heartbeat for ``max_age`` seconds (settings.JOBS_STALE_SECONDS)."""
    max_age = settings.JOBS_STALE_SECONDS if max_age is None else max_age
    running = Job.objects.filter(status=Status.RUNNING)
    if lock is not None:
        running = running.filter(lock=lock)
    now = timezone.now()
    stale = []
    for job in running:
        state = progress.read(job.pk)
        alive = progress.process_alive(job.worker) if job.worker else None
        if state is not None:
            silent = state["age"] > max_age
        else:
            silent = (now - (job.started_at or job.created_at)) > timedelta(seconds=max_age)
        if alive is False or silent:
            stale.append(job.pk)
    if not stale:
        return 0
    done = Job.objects.filter(pk__in=stale, status=Status.RUNNING).update(
        status=Status.FAILED, finished_at=now, message=STALE_MESSAGE
    )
    for job in Job.objects.filter(pk__in=stale, status=Status.FAILED):
        progress.clear(job.pk)
        if job.params.get("folder"):  # the files the job owned (the staged upload)
            shutil.rmtree(job.params["folder"], ignore_errors=True)
    log.warning("marked %d stale job(s) failed: %s", done, stale)
    return done


def job_file_folder(job_id: int) -> Path:
    """Where a job keeps the file it made (a report): $KECHUANG_VAR/jobs/files/<id>/."""
    path = progress.folder() / "files" / str(int(job_id))
    path.mkdir(parents=True, exist_ok=True)
    return path


def job_file(job: Job) -> Path | None:
    """The file a finished job made, when it has one and it is still there."""
    name = (job.result or {}).get("file") if isinstance(job.result, dict) else None
    if job.status != Status.SUCCEEDED or not name or Path(name).name != name:
        return None
    path = progress.folder() / "files" / str(job.pk) / name
    return path if path.is_file() else None


def live_state(job: Job) -> dict:
    """What the page shows: stage (translated; handlers report it in Chinese, marked N_), done,
    total, percent, and whether a cancel is pending."""
    if job.status == Status.RUNNING:
        state = progress.read(job.pk) or {}
        stage, done, total = state.get("stage", ""), state.get("done", 0), state.get("total", 0)
        cancelling = progress.cancel_requested(job.pk)
    else:
        stage, done, total, cancelling = job.stage, job.done, job.total, False
    percent = int(100 * done / total) if total else None
    return {
        "stage": gettext(stage) if stage else "",
        "done": done,
        "total": total,
        "percent": percent,
        "cancelling": cancelling,
    }


# ----------------------------------------------------------------------------------------------
# A worker for the demo
# ----------------------------------------------------------------------------------------------


def heartbeat_file() -> Path:
    return Path(getattr(settings, "WORKER_HEARTBEAT_FILE", Path(settings.VAR_DIR) / "worker.heartbeat"))


def worker_alive() -> bool:
    """A worker service (not a --batch one, which may be about to exit) has beaten recently."""
    path = heartbeat_file()
    try:
        age = time.time() - path.stat().st_mtime
        batch = json.loads(path.read_text()).get("batch", False)
    except (OSError, ValueError):
        return False
    return age <= settings.JOBS_STALE_SECONDS and not batch


def start_worker_if_needed() -> bool:
    """With settings.JOBS_AUTOSTART_WORKER (the demo, development) and the database backend: unless
    a worker service's heartbeat is fresh, start `kechuang worker --batch` in the background; it
    runs what is queued and exits (a spare one finds nothing and exits at once). A production site
    runs the worker as a service instead (deploy/)."""
    backend = settings.TASKS["default"]["BACKEND"]
    name = str(connection.settings_dict.get("NAME", ""))
    if (
        not settings.JOBS_AUTOSTART_WORKER
        or "Immediate" in backend
        or "memory" in name
        or Path(name).name.startswith("test_")
        or worker_alive()
    ):
        return False
    log_path = Path(settings.VAR_DIR) / "worker.log"
    with open(log_path, "ab") as out:
        subprocess.Popen(  # noqa: S603 — our own command line
            [sys.executable, "-c", "from kechuang.cli.main import app; app()", "worker", "--batch"],
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=out,
            env={**os.environ, "KECHUANG_VAR": str(settings.VAR_DIR)},
            start_new_session=True,
        )
    return True
