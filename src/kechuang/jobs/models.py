"""One row per piece of background work: who started it, for what, how it ended.

The live progress of a running job (stage, done, total) and its heartbeat are a small file under
$KECHUANG_VAR/jobs/ written by the process running it (kechuang.jobs.progress), not this row: on
SQLite an import holds the database's one write lock for its whole transaction, so a row update
from the same job would wait for its own commit. The row is written when the job is queued,
started and finished; the final stage and counts are copied into it then.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("进行中")
    SUCCEEDED = "succeeded", _("已完成")
    FAILED = "failed", _("失败")
    CANCELLED = "cancelled", _("已取消")


ACTIVE = (Status.QUEUED, Status.RUNNING)
FINISHED = (Status.SUCCEEDED, Status.FAILED, Status.CANCELLED)


class Job(models.Model):
    kind = models.CharField("任务类型", max_length=40)  # enterprise_import, …
    # Two jobs with the same lock may not be queued or running at once (the constraint below).
    lock = models.CharField("锁", max_length=80)
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.QUEUED)
    title = models.CharField("说明", max_length=200, blank=True)
    params = models.JSONField("参数", default=dict, blank=True)
    stage = models.CharField("阶段", max_length=100, blank=True)
    done = models.BigIntegerField("已完成", default=0)
    total = models.BigIntegerField("总数", default=0)
    cancel_requested = models.BooleanField("已请求取消", default=False)
    result = models.JSONField("结果", null=True, blank=True)
    errors = models.JSONField("错误报告", null=True, blank=True)
    message = models.TextField("说明信息", blank=True)
    worker = models.CharField("执行进程", max_length=120, blank=True)  # host:pid
    task_id = models.CharField("任务编号", max_length=64, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_by_name = models.CharField("发起人", max_length=150, blank=True)
    org_code = models.CharField("发起单位", max_length=64, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("结束时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "后台任务"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["lock"],
                condition=Q(status__in=["queued", "running"]),
                name="jobs_one_active_job_per_lock",
            )
        ]

    def __str__(self) -> str:
        return f"{self.title or self.kind} #{self.pk}"

    @property
    def finished(self) -> bool:
        return self.status in FINISHED
