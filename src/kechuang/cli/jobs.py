"""`kechuang jobs list|show ID|cancel ID`: the background jobs (kechuang.jobs) from the terminal.

The same records as the job pages (/jobs/): what ran, its state and progress, who started it and
when; the result or the complete error report; a cancel (a queued job never starts, a running one
stops at its next step with nothing written).
"""

from __future__ import annotations

import json

import typer

from kechuang.cli.common import console, fail, setup_django

NAME = "jobs"
app = typer.Typer(help="后台任务：列表、详情（结果或完整错误报告）、取消")


def _when(value) -> str:
    from django.utils import timezone

    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S") if value else "—"


def _progress(state: dict) -> str:
    if state["total"]:
        return f"{state['done']:,}/{state['total']:,}（{state['percent']}%）"
    return f"{state['done']:,}" if state["done"] else "—"


def _job_or_exit(pk: int):
    from kechuang.jobs.models import Job

    job = Job.objects.filter(pk=pk).first()
    if job is None:
        fail(f"找不到后台任务 #{pk}：用 kechuang jobs list 查看已有的任务")
    return job


@app.command("list")
def list_jobs(
    limit: int = typer.Option(20, "--limit", min=1, max=1000, help="最多列出多少项（最近的在前）"),
    active: bool = typer.Option(False, "--active", help="只列出排队中或进行中的任务"),
) -> None:
    """列出最近的后台任务：状态、进度、发起人、时间。"""
    setup_django()
    from django.utils.translation import gettext
    from rich.table import Table

    from kechuang.jobs import services
    from kechuang.jobs.models import ACTIVE, Job

    services.recover_stale()  # a job whose process died is shown as failed, as on its page
    rows = Job.objects.order_by("-created_at", "-id")
    if active:
        rows = rows.filter(status__in=ACTIVE)
    rows = list(rows[:limit])
    if not rows:
        console.print("没有后台任务" + ("（排队中或进行中）" if active else ""))
        return
    table = Table(title="后台任务（最近的在前）")
    for col in ("编号", "类型", "状态", "阶段", "进度", "发起人", "提交时间", "结束时间", "说明"):
        table.add_column(col, justify="right" if col in ("编号", "进度") else "left", overflow="fold")
    for job in rows:
        state = services.live_state(job)
        table.add_row(
            str(job.pk),
            gettext(services.KIND_LABELS.get(job.kind, job.kind)),
            job.get_status_display() + ("（取消中）" if state["cancelling"] else ""),
            state["stage"] or "—",
            _progress(state),
            job.started_by_name or "—",
            _when(job.created_at),
            _when(job.finished_at),
            job.title,
        )
    console.print(table)


@app.command("show")
def show(job_id: int = typer.Argument(..., help="任务编号（见 kechuang jobs list）")) -> None:
    """显示一项后台任务：状态、进度，以及结果或完整的错误报告。"""
    setup_django()
    from django.utils.translation import gettext

    from kechuang.jobs import services
    from kechuang.jobs.models import Status

    job = _job_or_exit(job_id)
    services.recover_stale(lock=job.lock)
    job.refresh_from_db()
    state = services.live_state(job)
    lines = [
        f"任务 #{job.pk}：{gettext(services.KIND_LABELS.get(job.kind, job.kind))}",
        f"说明：{job.title or '—'}",
        f"状态：{job.get_status_display()}" + ("（取消中）" if state["cancelling"] else ""),
        f"阶段：{state['stage'] or '—'}；进度：{_progress(state)}",
        f"发起人：{job.started_by_name or '—'}（{job.org_code or '—'}）",
        f"提交：{_when(job.created_at)}；开始：{_when(job.started_at)}；结束：{_when(job.finished_at)}",
    ]
    if job.worker:
        lines.append(f"执行进程：{job.worker}")
    for line in lines:
        console.print(line, soft_wrap=True, markup=False)
    if job.message:
        console.print(f"说明信息：{job.message}", soft_wrap=True, markup=False)
    if job.status == Status.SUCCEEDED and job.result is not None:
        console.print("结果：", markup=False)
        console.print(
            json.dumps(job.result, ensure_ascii=False, indent=2, default=str), soft_wrap=True, markup=False
        )
    for report in job.errors or []:
        if not isinstance(report, dict):
            console.print(str(report), soft_wrap=True, markup=False)
            continue
        console.print(
            f"错误报告 — {report.get('file', '')}：{report.get('summary', '')}", soft_wrap=True, markup=False
        )
        for e in report.get("rows", []):
            console.print(
                f"  第 {e.get('row')} 行 [{e.get('column')}] {e.get('value', '')!s:.50}：{e.get('message', '')}",
                soft_wrap=True,
                markup=False,
            )


@app.command("cancel")
def cancel(job_id: int = typer.Argument(..., help="任务编号（见 kechuang jobs list）")) -> None:
    """取消一项后台任务：排队中的不再执行；进行中的在下一步停止，不写入任何数据。"""
    setup_django()
    from kechuang.jobs import services

    job = _job_or_exit(job_id)
    outcome = services.cancel(job)
    if outcome == "cancelled":
        console.print(f"任务 #{job.pk} 已取消，没有写入任何数据。")
    elif outcome == "requested":
        console.print(f"正在取消任务 #{job.pk}：它会在下一步停止并撤销已写入的内容。")
    else:
        fail(f"任务 #{job.pk} 已经结束（{job.get_status_display()}），无法取消。")
