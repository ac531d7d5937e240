"""The demo's progress reports on key tasks, so that the task-reporting page shows a realistic mix:
most departments have reported on their tasks, some are late. Written once (a plan that already has
reports gets none), marked as demo in their text."""

from __future__ import annotations

import random

from django.db import transaction

from kechuang.plans.models import Plan, Task, TaskReport

SHARE_REPORTED = 0.8  # of the (task, department) pairs, the rest are the late ones
TEXT = "（演示数据）{task}：按计划推进，本期完成既定工作的 {percent}%。"


@transaction.atomic
def load_demo_task_reports(plan: Plan, seed: int = 2026) -> int:
    """Reports by the lead and co-departments on about 80% of the active, open tasks; returns how
    many were written (0 when the plan has reports already)."""
    from kechuang.accounts.models import User

    if TaskReport.objects.filter(task__plan=plan).exists():
        return 0
    admin = User.objects.filter(is_superuser=True).order_by("pk").first()
    users = {
        u.org.code: u for u in User.objects.filter(org__isnull=False).select_related("org").order_by("pk")
    }
    rng = random.Random(seed)
    reports = []
    tasks = Task.objects.filter(plan=plan, active=True, completed=False).prefetch_related("co_departments")
    for task in tasks.order_by("code"):
        for department in [task.lead_department, *task.co_department_codes]:
            user = users.get(department) or admin
            if user is None or rng.random() > SHARE_REPORTED:
                continue
            percent = rng.choice([20, 30, 40, 50, 60])
            reports.append(
                TaskReport(
                    task=task,
                    department=department,
                    percent=percent,
                    text=TEXT.format(task=task.title, percent=percent),
                    submitted_by=user,
                )
            )
    TaskReport.objects.bulk_create(reports)
    return len(reports)
