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
