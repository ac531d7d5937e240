"""The enterprise registry (企业库): registry attributes, yearly facts, uploads and their lineage.

Every value remembers the upload that supplied it (and so the department and the time). A newer
upload of the same enterprise-year replaces values field by field; the values it replaced are kept
as a FactRevision, so the enterprise page can show the history. Nothing is silently overwritten.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kechuang.engine.vocabulary import FACT_COLUMNS, REGISTRY_COLUMNS


class Upload(models.Model):
    """One department file accepted into the registry."""

    # The demo marks its uploads SYNTHETIC (after importing them as registry and facts files); that
    # kind, never the file name, is what makes registry counts 模拟 and scaled to the city.
    SYNTHETIC = "synthetic"
    KIND_CHOICES = [
        ("registry", _("企业名录")),
        ("facts", _("企业年度数据")),
        (SYNTHETIC, _("合成演示数据")),
    ]
    kind = models.CharField(_("类型"), max_length=10, choices=KIND_CHOICES)
    department = models.CharField(_("报送部门"), max_length=40, db_index=True)
    file_name = models.CharField(_("文件"), max_length=255)
    rows = models.PositiveIntegerField(_("行数"), default=0)
    created_rows = models.PositiveIntegerField(_("新增"), default=0)
    changed_rows = models.PositiveIntegerField(_("更新"), default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    uploaded_by_name = models.CharField(_("上传人"), max_length=150, blank=True)
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("企业数据上传")
        verbose_name_plural = _("企业数据上传")
        ordering = ["-uploaded_at", "-id"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_kind_display()})"


class Enterprise(models.Model):
    audited = True
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, unique=True)
    name = models.CharField(_("企业名称"), max_length=200, db_index=True)
    registered_on = models.DateField(_("成立日期"), null=True, blank=True)
    region_code = models.CharField(_("所属镇街"), max_length=12, db_index=True)
    industry_code = models.CharField(_("行业代码"), max_length=8, blank=True, db_index=True)
    tech_field = models.CharField(_("技术领域"), max_length=20, blank=True)
    hightech_cert_until = models.DateField(_("高企证书有效期至"), null=True, blank=True)
    kexiao_registered_year = models.PositiveSmallIntegerField(
        _("科技型中小企业入库年度"), null=True, blank=True
    )
    rd_institution_level = models.CharField(_("研发机构级别"), max_length=12, blank=True)
    national_award_5y = models.BooleanField(_("近五年国家级科技奖励（前三）"), null=True)
    led_standard_5y = models.BooleanField(_("近五年主导制定国际/国家/行业标准"), null=True)
    abnormal_listed = models.BooleanField(_("列入经营异常名录或严重违法失信名单"), null=True)
    serious_incident_1y = models.BooleanField(_("近一年重大安全、质量事故或严重环境违法"), null=True)
    restricted_industry = models.BooleanField(_("产品属于禁止、限制和淘汰类"), null=True)
    # The upload that created the row; later replacements of single fields are FactRevision rows.
    upload = models.ForeignKey(
        Upload, verbose_name=_("来源上传"), null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("企业")
        verbose_name_plural = _("企业")
        ordering = ["credit_code"]

    def __str__(self) -> str:
        return self.name


class Fact(models.Model):
    """An enterprise's figures for one year (the current values)."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="facts")
    year = models.PositiveSmallIntegerField(_("年度"))
    revenue = models.FloatField(_("营业收入"), null=True)
    main_business_revenue = models.FloatField(_("主营业务收入"), null=True)
    hightech_revenue = models.FloatField(_("高新技术产品（服务）收入"), null=True)
    total_cost = models.FloatField(_("成本费用支出总额"), null=True)
    rd_expense = models.FloatField(_("研究开发费用"), null=True)
    rd_expense_domestic = models.FloatField(_("境内研究开发费用"), null=True)
    employees = models.IntegerField(_("职工总数"), null=True)
    tech_staff = models.IntegerField(_("科技人员数"), null=True)
    rd_staff = models.IntegerField(_("研发人员数"), null=True)
    total_assets = models.FloatField(_("资产总额"), null=True)
    net_assets = models.FloatField(_("净资产"), null=True)
    net_profit = models.FloatField(_("净利润"), null=True)
    tax_paid = models.FloatField(_("纳税总额"), null=True)
    ip_class1 = models.IntegerField(_("I类知识产权数（有效）"), null=True)
    ip_class2 = models.IntegerField(_("II类知识产权数（有效）"), null=True)
    invention_patents = models.IntegerField(_("有效发明专利数"), null=True)
    high_value_invention_patents = models.IntegerField(_("高价值发明专利数"), null=True)
    conversions = models.IntegerField(_("科技成果转化数（当年）"), null=True)
    equity_financing = models.FloatField(_("股权融资额（当年）"), null=True)
    tech_contract_income = models.FloatField(_("技术合同成交额（当年）"), null=True)
    standards_led = models.IntegerField(_("主导制定标准数（当年）"), null=True)
    funded_projects = models.IntegerField(_("承担省级以上科技计划项目数（当年）"), null=True)
    upload = models.ForeignKey(Upload, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("企业年度数据")
        verbose_name_plural = _("企业年度数据")
        constraints = [models.UniqueConstraint(fields=["enterprise", "year"], name="fact_enterprise_year")]
        indexes = [models.Index(fields=["year"])]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.year}"


class FactRevision(models.Model):
    """The values an upload replaced: (enterprise, year, the replacing upload, the old values and their uploads)."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="fact_revisions")
    year = models.PositiveSmallIntegerField(_("年度"), null=True)  # null: a registry revision
    replaced_by = models.ForeignKey(Upload, on_delete=models.CASCADE, related_name="+")
    old_values = models.JSONField(_("被替换的值"))  # field → [old value, old upload id]
    new_values = models.JSONField(_("新值"))

    class Meta:
        verbose_name = _("数据修订")
        verbose_name_plural = _("数据修订")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.year} ← {self.replaced_by_id}"


class TierRecord(models.Model):
    """The tier an enterprise held in a year, as computed by the qualification engine (for history and the funnel)."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="tiers")
    year = models.PositiveSmallIntegerField(_("年度"))
    tier = models.CharField(_("梯队"), max_length=20, db_index=True)
    region_code = models.CharField(_("所属镇街"), max_length=12, db_index=True)
    results = models.JSONField(
        _("资格判定"), default=dict
    )  # the engine's row: <rule>_eligible, scores, failed

    class Meta:
        verbose_name = _("梯队记录")
        verbose_name_plural = _("梯队记录")
        constraints = [models.UniqueConstraint(fields=["enterprise", "year"], name="tier_enterprise_year")]
        indexes = [models.Index(fields=["year", "tier"])]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.year} {self.tier}"


REGISTRY_FIELDS = [
    "region_code" if c.name == "region" else c.name for c in REGISTRY_COLUMNS if c.name != "credit_code"
]
FACT_FIELDS = [c.name for c in FACT_COLUMNS if c.name not in ("credit_code", "year")]
