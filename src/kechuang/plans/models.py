"""The plan as data in the database: versions, indicators, tasks, observations, progress reports.

Indicators and tasks are keyed by (plan, code) and hold the current version's attributes; every
loaded file is kept whole as a PlanVersion so that versions can be compared. Observations are never
overwritten: a correction is a new revision and the latest revision is the one used.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import OuterRef, Q, Subquery
from django.utils.translation import gettext_lazy as _


class Plan(models.Model):
    audited = True
    code = models.CharField(_("规划代码"), max_length=60, unique=True)
    name = models.CharField(_("规划名称"), max_length=200)
    name_en = models.CharField(_("英文名称"), max_length=200, blank=True)
    status = models.CharField(_("状态"), max_length=60, blank=True)
    status_en = models.CharField(_("英文状态"), max_length=100, blank=True)
    start_year = models.PositiveSmallIntegerField(_("起始年"))
    end_year = models.PositiveSmallIntegerField(_("终止年"))
    region_code = models.CharField(_("地区代码"), max_length=12, default="441900")
    sample_note = models.TextField(_("示例说明"), blank=True)
    sample_note_en = models.TextField(_("英文示例说明"), blank=True)

    class Meta:
        verbose_name = _("规划")
        verbose_name_plural = _("规划")

    def __str__(self) -> str:
        return self.name

    @property
    def current_version(self) -> PlanVersion | None:
        return self.versions.order_by("-number").first()


class PlanVersion(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("版本号"))
    content_hash = models.CharField(max_length=64)
    content = models.JSONField(_("规划文件内容"))
    source_file = models.CharField(_("来源文件"), max_length=255)
    loaded_at = models.DateTimeField(_("加载时间"), auto_now_add=True)
    loaded_by = models.CharField(_("加载人"), max_length=150, blank=True)
    note = models.CharField(_("说明"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("规划版本")
        verbose_name_plural = _("规划版本")
        unique_together = [("plan", "number")]
        ordering = ["plan", "-number"]

    def __str__(self) -> str:
        return f"{self.plan.code} v{self.number}"


class Indicator(models.Model):
    audited = True
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="indicators")
    code = models.CharField(_("指标代码"), max_length=60)
    seq = models.PositiveSmallIntegerField(_("序号"))
    name = models.CharField(_("指标名称"), max_length=120)
    name_en = models.CharField(_("英文名称"), max_length=200, blank=True)
    unit = models.CharField(_("单位"), max_length=20)
    unit_en = models.CharField(_("英文单位"), max_length=40, blank=True)
    baseline_year = models.PositiveSmallIntegerField(_("基期年"), null=True, blank=True)
    baseline_value = models.FloatField(_("现值"), null=True, blank=True)
    target_year = models.PositiveSmallIntegerField(_("目标年"))
    target_value = models.FloatField(_("目标值"))
    target_text = models.CharField(_("目标表述"), max_length=40)
    target_text_en = models.CharField(_("英文目标表述"), max_length=60, blank=True)
    nature = models.CharField(_("属性"), max_length=10)
    direction = models.SmallIntegerField(_("方向"), default=1)
    growth_model = models.CharField(_("增长模型"), max_length=10)
    kind = models.CharField(_("类型"), max_length=10)
    weight = models.FloatField(_("权重"), default=1.0)
    owner_department = models.CharField(_("填报部门"), max_length=40, db_index=True)
    description = models.TextField(_("说明"), blank=True)
    description_en = models.TextField(_("英文说明"), blank=True)
    active = models.BooleanField(_("现行"), default=True)

    class Meta:
        verbose_name = _("指标")
        verbose_name_plural = _("指标")
        unique_together = [("plan", "code")]
        ordering = ["plan", "seq"]

    def __str__(self) -> str:
        return self.name


class RegionalTarget(models.Model):
    audited = True
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="regional_targets")
    region_code = models.CharField(_("地区代码"), max_length=12)
    target_year = models.PositiveSmallIntegerField(_("目标年"))
    target_value = models.FloatField(_("目标值"))
    target_text = models.CharField(_("目标表述"), max_length=40, blank=True)
    target_text_en = models.CharField(_("英文目标表述"), max_length=60, blank=True)
    sample = models.BooleanField(_("示例"), default=False)

    class Meta:
        verbose_name = _("分解目标")
        verbose_name_plural = _("分解目标")
        unique_together = [("indicator", "region_code")]

    def __str__(self) -> str:
        return f"{self.indicator.code}@{self.region_code}"


class TaskQuerySet(models.QuerySet):
    def with_progress(self) -> TaskQuerySet:
        """Annotate ``progress``: the percent of the task's latest progress report (by report date, then
        id), or None before the first report. The one definition the task board, the task page, the
        department scorecard, the annual report and the engine's task frame use."""
        latest = TaskReport.objects.filter(task=OuterRef("pk")).order_by("-submitted_at", "-id")
        return self.annotate(progress=Subquery(latest.values("percent")[:1]))

    def of_department(self, code: str) -> TaskQuerySet:
        """The tasks a department leads or co-leads (each once)."""
        return self.filter(Task.department_q(code))


class Task(models.Model):
    audited = True
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="tasks")
    code = models.CharField(_("任务编号"), max_length=20)
    chapter = models.PositiveSmallIntegerField(_("章"))
    section = models.PositiveSmallIntegerField(_("节"))
    part = models.CharField(_("小标题"), max_length=120, blank=True)
    part_en = models.CharField(_("英文小标题"), max_length=200, blank=True)
    title = models.CharField(_("任务"), max_length=200)
    title_en = models.CharField(_("英文任务名称"), max_length=300, blank=True)
    summary = models.TextField(_("内容摘要"))
    summary_en = models.TextField(_("英文内容摘要"), blank=True)
    lead_department = models.CharField(_("牵头部门"), max_length=40, db_index=True)
    start = models.DateField(_("开始日期"))
    due = models.DateField(_("完成时限"))
    sample = models.BooleanField(_("示例分工"), default=False)
    completed = models.BooleanField(_("已完成"), default=False)
    active = models.BooleanField(_("现行"), default=True)

    objects = TaskQuerySet.as_manager()

    class Meta:
        verbose_name = _("重点任务")
        verbose_name_plural = _("重点任务")
        unique_together = [("plan", "code")]
        ordering = ["plan", "chapter", "section", "id"]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @staticmethod
    def department_q(code: str) -> Q:
        """Tasks led by the department ``code`` or with it among their co-departments (the row filter
        of a department's scope, too). The co-departments are a subquery, not a join, so that a task is
        found once however many co-departments it has."""
        co_led = TaskDepartment.objects.filter(department=code).values("task_id")
        return Q(lead_department=code) | Q(pk__in=co_led)

    @property
    def co_department_codes(self) -> list[str]:
        """The co-departments' codes in the plan file's order (prefetch ``co_departments`` for lists)."""
        return [d.department for d in self.co_departments.all()]


class TaskDepartment(models.Model):
    """A co-department (配合部门) of a task, by department code as Task.lead_department is."""

    audited = True
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="co_departments")
    department = models.CharField(_("配合部门"), max_length=40, db_index=True)
    seq = models.PositiveSmallIntegerField(_("序号"))  # the order of the plan file

    class Meta:
        verbose_name = _("配合部门")
        verbose_name_plural = _("配合部门")
        ordering = ["task", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["task", "department"], name="task_department_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.task.code} {self.department}"


class Milestone(models.Model):
    audited = True
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="milestones")
    seq = models.PositiveSmallIntegerField(_("序号"))
    title = models.CharField(_("节点"), max_length=200)
    title_en = models.CharField(_("英文节点名称"), max_length=300, blank=True)
    due = models.DateField(_("节点日期"))
    done = models.BooleanField(_("已完成"), default=False)

    class Meta:
        verbose_name = _("节点")
        verbose_name_plural = _("节点")
        ordering = ["task", "seq"]

    def __str__(self) -> str:
        return self.title


class TaskReport(models.Model):
    """A department's progress report on a task: percent, text and an evidence file."""

    audited = True
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="reports")
    department = models.CharField(_("填报部门"), max_length=40, db_index=True)
    percent = models.PositiveSmallIntegerField(_("完成进度（%）"))
    text = models.TextField(_("进展情况"))
    evidence = models.FileField(_("佐证材料"), upload_to="task-evidence/%Y/", blank=True)
    milestones_done = models.CharField(_("本次完成的节点"), max_length=200, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    submitted_at = models.DateTimeField(_("填报时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("任务进展")
        verbose_name_plural = _("任务进展")
        ordering = ["-submitted_at", "-id"]

    def __str__(self) -> str:
        return f"{self.task.code} {self.percent}%"


class ObservationBatch(models.Model):
    """One upload or import of observations: who, when, which file, how many rows."""

    file_name = models.CharField(_("文件"), max_length=255)
    source = models.CharField(_("来源"), max_length=255, blank=True)
    rows = models.PositiveIntegerField(_("行数"), default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    uploaded_by_name = models.CharField(_("上传人"), max_length=150, blank=True)
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("观测值批次")
        verbose_name_plural = _("观测值批次")

    def __str__(self) -> str:
        return self.file_name


class Observation(models.Model):
    """One value of an indicator for a region and year, one revision of it."""

    audited = True
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="observations")
    region_code = models.CharField(_("地区代码"), max_length=12, db_index=True)
    year = models.PositiveSmallIntegerField(_("年份"))
    # NULL only on a revision whose stored value was not a finite number (inf, NaN), set aside by
    # migration 0005 with the original in its note and the audit trail; such a revision is never latest.
    value = models.FloatField(_("数值"), null=True, blank=True)
    unit = models.CharField(_("单位"), max_length=20)
    source = models.CharField(_("来源"), max_length=500, blank=True)
    note = models.CharField(_("备注"), max_length=500, blank=True)
    simulated = models.BooleanField(_("模拟"), default=False)
    revision = models.PositiveSmallIntegerField(_("修订版次"), default=1)
    is_latest = models.BooleanField(_("最新版次"), default=True, db_index=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    entered_by_name = models.CharField(_("录入人"), max_length=150, blank=True)
    entered_at = models.DateTimeField(_("录入时间"), auto_now_add=True)
    batch = models.ForeignKey(ObservationBatch, null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        verbose_name = _("观测值")
        verbose_name_plural = _("观测值")
        ordering = ["indicator", "region_code", "year", "-revision"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "region_code", "year", "revision"], name="obs_revision_unique"
            ),
        ]
        indexes = [models.Index(fields=["indicator", "region_code", "year", "is_latest"])]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.region_code} {self.year} = {self.value}"


class SubmissionApproval(models.Model):
    """The bureau's approval of a department's or a town's values for a year; approved values are locked.

    A department's submission is the values of the indicators it owns (every region); a town's is the
    values of its own region (every indicator). Unlocking keeps the row with the reason; the audit
    trail holds each approval and unlock.
    """

    audited = True
    DEPARTMENT = "department"
    TOWN = "town"
    OWNER_KINDS = [(DEPARTMENT, _("市直部门")), (TOWN, _("镇街"))]

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="approvals")
    year = models.PositiveSmallIntegerField(_("年份"))
    owner_kind = models.CharField(_("报送单位类型"), max_length=12, choices=OWNER_KINDS)
    owner_code = models.CharField(_("报送单位"), max_length=40)
    locked = models.BooleanField(_("已锁定"), default=True)
    approved_by_name = models.CharField(_("审核人"), max_length=150)
    approved_at = models.DateTimeField(_("审核时间"))
    unlocked_by_name = models.CharField(_("解锁人"), max_length=150, blank=True)
    unlocked_at = models.DateTimeField(_("解锁时间"), null=True, blank=True)
    unlock_reason = models.CharField(_("解锁原因"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("报送审核")
        verbose_name_plural = _("报送审核")
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "year", "owner_kind", "owner_code"], name="submission_approval_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.owner_code} {self.year}"
