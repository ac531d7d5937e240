"""科技金融: products (versioned as data), consents (授权), applications with decisions and outcomes."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kechuang.finance import vocabulary as v


class Product(models.Model):
    """A credit product; its content is the current version's (a new version when the file changes)."""

    audited = True
    code = models.CharField(_("产品代码"), max_length=80, unique=True)
    name = models.CharField(_("产品名称"), max_length=200)
    bank = models.ForeignKey(
        "accounts.OrgUnit",
        verbose_name=_("金融机构"),
        on_delete=models.PROTECT,
        related_name="finance_products",
    )
    status = models.CharField(_("状态"), max_length=10, default="sample")
    is_active = models.BooleanField(_("在售"), default=True)

    class Meta:
        verbose_name = _("金融产品")
        verbose_name_plural = _("金融产品")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_sample(self) -> bool:
        return self.status == "sample"

    @property
    def current_version(self) -> ProductVersion | None:
        return self.versions.order_by("-number").first()


class ProductVersion(models.Model):
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("版本号"))
    content_hash = models.CharField(max_length=64)
    text = models.TextField(_("产品文件"))
    content = models.JSONField(_("产品内容"))
    source_file = models.CharField(_("来源文件"), max_length=255, blank=True)
    loaded_at = models.DateTimeField(_("加载时间"), auto_now_add=True)
    loaded_by = models.CharField(_("加载人"), max_length=150, blank=True)

    class Meta:
        verbose_name = _("金融产品版本")
        verbose_name_plural = _("金融产品版本")
        unique_together = [("product", "number")]
        ordering = ["product", "-number"]

    def __str__(self) -> str:
        return f"{self.product.code} v{self.number}"


class Consent(models.Model):
    """An enterprise's authorisation (授权) for one bank to see the listed fields until an end date."""

    audited = True
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("企业"),
        on_delete=models.CASCADE,
        related_name="finance_consents",
    )
    bank = models.ForeignKey(
        "accounts.OrgUnit",
        verbose_name=_("金融机构"),
        on_delete=models.PROTECT,
        related_name="finance_consents",
    )
    fields = models.JSONField(_("授权字段"), default=list)
    valid_until = models.DateField(_("授权截止日"))
    granted_at = models.DateTimeField(_("授权时间"), default=timezone.now)
    granted_by = models.CharField(_("授权人"), max_length=150, blank=True)
    revoked_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)
    revoked_by = models.CharField(_("撤回人"), max_length=150, blank=True)
    simulated = models.BooleanField(_("模拟"), default=False)

    class Meta:
        verbose_name = _("授权")
        verbose_name_plural = _("授权")
        ordering = ["-granted_at", "-id"]
        indexes = [models.Index(fields=["bank", "valid_until"])]

    def __str__(self) -> str:
        return f"{self.enterprise} → {self.bank}"

    @staticmethod
    def active_q(prefix: str = "") -> Q:
        """The consents in force today (not revoked, end date not passed)."""
        today = timezone.localdate()
        return Q(**{f"{prefix}revoked_at__isnull": True, f"{prefix}valid_until__gte": today})

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and self.valid_until >= timezone.localdate()

    def field_labels(self) -> list[str]:
        return [v.field_label(f) for f in self.fields]


class Application(models.Model):
    """An enterprise's application for a product, sent to the product's bank; the bank's decision and
    the loan's performance are recorded on it (the outcomes the validation report uses)."""

    audited = True
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("企业"),
        on_delete=models.CASCADE,
        related_name="finance_applications",
    )
    product = models.ForeignKey(
        Product, verbose_name=_("产品"), on_delete=models.PROTECT, related_name="applications"
    )
    product_version = models.ForeignKey(ProductVersion, on_delete=models.PROTECT, related_name="+")
    bank = models.ForeignKey(
        "accounts.OrgUnit",
        verbose_name=_("金融机构"),
        on_delete=models.PROTECT,
        related_name="finance_applications",
    )
    year = models.PositiveSmallIntegerField(_("积分年度"))
    model_version = models.ForeignKey(
        "points.PointsModelVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    points = models.FloatField(_("申请时积分"), null=True)
    stage = models.CharField(_("阶段"), max_length=40, blank=True)
    tier = models.CharField(_("层级"), max_length=40, blank=True)
    line = models.FloatField(_("测算额度（万元）"), default=0)
    amount_requested = models.FloatField(_("申请金额（万元）"), null=True, blank=True)
    applied_at = models.DateTimeField(_("申请时间"), default=timezone.now)
    applied_by = models.CharField(_("申请人"), max_length=150, blank=True)
    decision = models.CharField(_("审批结果"), max_length=10, choices=v.DECISIONS, default=v.SUBMITTED)
    amount = models.FloatField(_("批准金额（万元）"), null=True, blank=True)
    decided_on = models.DateField(_("审批日期"), null=True, blank=True)
    performance = models.CharField(_("贷后表现"), max_length=12, choices=v.PERFORMANCE, blank=True)
    performance_on = models.DateField(_("表现日期"), null=True, blank=True)
    simulated = models.BooleanField(_("模拟"), default=False)

    class Meta:
        verbose_name = _("融资申请")
        verbose_name_plural = _("融资申请")
        ordering = ["-applied_at", "-id"]
        indexes = [models.Index(fields=["bank", "decision"]), models.Index(fields=["year"])]

    def __str__(self) -> str:
        return f"{self.enterprise} · {self.product}"

    @staticmethod
    def bank_q(bank_code: str) -> Q:
        """Applications to the bank of enterprises whose consent for it is in force."""
        consenting = Consent.objects.filter(Consent.active_q(), bank__code=bank_code).values("enterprise_id")
        return Q(bank__code=bank_code, enterprise_id__in=consenting)
