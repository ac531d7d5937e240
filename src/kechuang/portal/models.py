"""What the bureau publishes: one Publication per plan indicator (none, or published=False: not public)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Publication(models.Model):
    audited = True
    indicator = models.OneToOneField(
        "plans.Indicator", verbose_name=_("指标"), on_delete=models.CASCADE, related_name="publication"
    )
    published = models.BooleanField(_("公开发布"), default=False)
    name_en = models.CharField(_("英文名称"), max_length=200, blank=True)
    methodology = models.TextField(_("计算方法"), blank=True)
    methodology_en = models.TextField(_("英文计算方法"), blank=True)  # shown to English visitors (0023)
    source = models.TextField(_("数据来源"), blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("指标公开发布")
        verbose_name_plural = _("指标公开发布")
        ordering = ["indicator__seq"]

    def __str__(self) -> str:
        return str(self.indicator.name)
