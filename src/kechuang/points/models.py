"""Points models as versioned data: a model (by its code) and its versions (one per distinct content).

Loading a file whose content differs from the model's current version makes a new version; old
versions are kept, so that scores keep the version they used. One model is the active one: the model
``kechuang points score`` and the pages use when none is named (the last one loaded).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class PointsModel(models.Model):
    audited = True
    code = models.CharField(_("模型代码"), max_length=80, unique=True)
    name = models.CharField(_("模型名称"), max_length=200)
    name_en = models.CharField(_("英文名称"), max_length=200, blank=True, default="")
    status = models.CharField(
        _("状态"), max_length=10, choices=[("sample", _("示例")), ("official", _("正式"))], default="sample"
    )
    is_active = models.BooleanField(_("当前使用"), default=False)

    class Meta:
        verbose_name = _("积分模型")
        verbose_name_plural = _("积分模型")
        constraints = [
            models.UniqueConstraint(
                fields=["is_active"], condition=models.Q(is_active=True), name="points_one_active_model"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_sample(self) -> bool:
        return self.status == "sample"

    @property
    def current_version(self) -> PointsModelVersion | None:
        return self.versions.order_by("-number").first()


class PointsModelVersion(models.Model):
    model = models.ForeignKey(PointsModel, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("版本号"))
    content_hash = models.CharField(max_length=64)
    text = models.TextField(_("模型文件"))  # the YAML as loaded (comments included)
    content = models.JSONField(_("模型内容"))  # the validated model
    source_file = models.CharField(_("来源文件"), max_length=255, blank=True)
    loaded_at = models.DateTimeField(_("加载时间"), auto_now_add=True)
    loaded_by = models.CharField(_("加载人"), max_length=150, blank=True)
    note = models.CharField(_("说明"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("积分模型版本")
        verbose_name_plural = _("积分模型版本")
        unique_together = [("model", "number")]
        ordering = ["model", "-number"]

    def __str__(self) -> str:
        return f"{self.model.code} v{self.number}"


class PointsRun(models.Model):
    """One scoring of the whole registry for a year with one model version (its scores are PointsScore).

    A later run of the same version and year replaces the scores of the earlier one (which stays as a
    record, ``superseded``); runs of other versions keep theirs, so old scores keep their version."""

    version = models.ForeignKey(
        PointsModelVersion, verbose_name=_("模型版本"), on_delete=models.PROTECT, related_name="runs"
    )
    year = models.PositiveSmallIntegerField(_("评价年度"))
    started_at = models.DateTimeField(_("计算时间"), auto_now_add=True)
    started_by = models.CharField(_("发起人"), max_length=150, blank=True)
    job_id = models.PositiveIntegerField(_("任务编号"), null=True, blank=True)
    enterprises = models.PositiveIntegerField(_("企业数"), default=0)
    scored = models.PositiveIntegerField(_("参评"), default=0)
    excluded = models.PositiveIntegerField(_("排除"), default=0)
    no_facts = models.PositiveIntegerField(_("无当年数据"), default=0)
    counts = models.JSONField(_("分阶段与层级计数"), default=dict)  # {"stages": {code: n}, "tiers": {…}}
    seconds = models.FloatField(_("用时（秒）"), default=0)
    superseded = models.BooleanField(_("已被重算取代"), default=False)

    class Meta:
        verbose_name = _("积分计算批次")
        verbose_name_plural = _("积分计算批次")
        ordering = ["-year", "-started_at", "-id"]
        indexes = [models.Index(fields=["version", "year", "superseded"])]

    def __str__(self) -> str:
        return f"{self.year} · {self.version}"


class PointsScore(models.Model):
    """One enterprise's result of a run: the scoring contract's row plus region and industry (for the
    scope and the lists), each indicator's value and points, and the suggested improvements.

    Written in bulk below the ORM (kechuang.enterprises.bulk), like the imports."""

    run = models.ForeignKey(PointsRun, on_delete=models.CASCADE, related_name="scores")
    version = models.ForeignKey(PointsModelVersion, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("评价年度"))
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18)
    enterprise_id = models.BigIntegerField(null=True)  # the registry row at scoring time
    region_code = models.CharField(_("所属镇街"), max_length=12, blank=True)
    industry_code = models.CharField(_("行业代码"), max_length=8, blank=True)
    stage = models.CharField(_("阶段"), max_length=40, blank=True)
    excluded = models.CharField(_("排除原因"), max_length=40, blank=True)
    points = models.FloatField(_("积分"), null=True)
    rank = models.PositiveIntegerField(_("阶段内排名"), null=True)
    cohort_size = models.PositiveIntegerField(_("同阶段参评数"), null=True)
    top_share = models.FloatField(_("排名百分位"), null=True)
    tier = models.CharField(_("层级"), max_length=40, blank=True)
    indicator_points = models.JSONField(_("各指标积分"), default=dict)  # code → points
    indicator_values = models.JSONField(_("各指标取值"), default=dict)  # code → value (or null)
    improvements = models.JSONField(_("提升建议"), default=list)  # [{indicator, value, target, gain}]

    class Meta:
        verbose_name = _("企业积分")
        verbose_name_plural = _("企业积分")
        ordering = ["run", "rank", "credit_code"]
        indexes = [
            models.Index(fields=["run", "stage", "rank"]),
            models.Index(fields=["credit_code", "year"]),
        ]

    def __str__(self) -> str:
        return f"{self.credit_code} {self.year}"
