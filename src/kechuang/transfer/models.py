"""Technology transfer (成果转化) tables.

- Achievement (职务科技成果) of an institution (OrgUnit kind university), with its IP rights
  (IPRight, each with a legal status) and inventor shares;
- Licence (许可合同, 先用后转) of an achievement to an enterprise: its terms are the contract's YAML
  dict (validated by the engine) — RevenueReport, Payment and MilestoneEvent feed the dues;
- IncomePolicy: an institution's share for the research team (收益分配), never below the statute;
- TechContract: the registry of 技术合同认定登记 (feeds the indicator tech_contract_turnover);
- Demand, ScenarioList / Scenario / ScenarioScore, Match (demand or scenario ↔ achievement);
- TransferCase with CaseStep, Objection and ConflictDeclaration: the 安心屋 workflow.

All rows people enter are audited (``audited = True``).
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kechuang.transfer import vocabulary as v

USER = settings.AUTH_USER_MODEL


class Achievement(models.Model):
    audited = True
    institution = models.ForeignKey(
        "accounts.OrgUnit",
        verbose_name=_("完成单位"),
        on_delete=models.PROTECT,
        related_name="achievements",
        limit_choices_to={"kind": "university"},
    )
    code = models.CharField(_("成果编号"), max_length=40)
    title = models.CharField(_("成果名称"), max_length=200)
    abstract = models.TextField(_("成果简介"), max_length=5000, blank=True)
    field = models.CharField(_("技术领域"), max_length=20, choices=[(f, f) for f in v.TECH_FIELDS])
    keywords = models.CharField(_("关键词"), max_length=300, blank=True, help_text=_("以；或 , 分隔"))
    inventors = models.CharField(_("完成人"), max_length=300, blank=True, help_text=_("以；或 , 分隔"))
    # Inventor → share of the team's reward (fractions summing to 1); empty: equal shares.
    inventor_shares = models.JSONField(_("完成人分配比例"), default=dict, blank=True)
    trl = models.PositiveSmallIntegerField(
        _("技术就绪水平"), validators=[MinValueValidator(1), MaxValueValidator(9)]
    )
    ownership = models.CharField(_("权属"), max_length=20, choices=v.Ownership.choices)
    modes = models.JSONField(_("转化方式"), default=list, blank=True)
    asking_price = models.FloatField(_("意向价格（万元）"), null=True, blank=True, help_text=_("空为面议"))
    status = models.CharField(
        _("状态"), max_length=10, choices=v.AchievementStatus.choices, default=v.AchievementStatus.PUBLISHED
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("科技成果")
        verbose_name_plural = _("科技成果")
        ordering = ["institution_id", "code"]
        constraints = [
            models.UniqueConstraint(fields=["institution", "code"], name="achievement_code_unique")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("transfer:achievement", kwargs={"pk": self.pk})

    @property
    def inventor_list(self) -> list[str]:
        return split_list(self.inventors)

    @property
    def keyword_list(self) -> list[str]:
        return split_list(self.keywords)

    @property
    def trl_name(self) -> str:
        return v.readiness_name(self.trl)

    def shares(self) -> dict[str, float]:
        """Inventor → share (the stored shares, or equal shares of the listed inventors)."""
        if self.inventor_shares:
            return {k: float(x) for k, x in self.inventor_shares.items()}
        names = self.inventor_list
        return {n: 1 / len(names) for n in names} if names else {}


def split_list(text: str | None) -> list[str]:
    import re

    return [p.strip() for p in re.split(r"[；;，,、]", text or "") if p.strip()]


class IPRight(models.Model):
    audited = True
    achievement = models.ForeignKey(Achievement, on_delete=models.CASCADE, related_name="ip_rights")
    number = models.CharField(_("权利号"), max_length=40, help_text=_("如 ZL202310123456.7"))
    kind = models.CharField(_("类型"), max_length=20, choices=v.IPKind.choices, default=v.IPKind.INVENTION)
    legal_status = models.CharField(
        _("法律状态"), max_length=10, choices=v.LegalStatus.choices, default=v.LegalStatus.VALID
    )
    status_on = models.DateField(_("状态日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("知识产权")
        verbose_name_plural = _("知识产权")
        ordering = ["achievement_id", "number"]

    def __str__(self) -> str:
        return self.number


class InventorLink(models.Model):
    """An inventor of an achievement (a name in its 完成人) linked by the institution's transfer officer
    to the account of that person, a member of the institution: the person then sees their own reward
    (我的成果收益)."""

    audited = True
    achievement = models.ForeignKey(Achievement, on_delete=models.CASCADE, related_name="inventor_links")
    name = models.CharField(_("完成人"), max_length=50)
    user = models.ForeignKey(
        USER, verbose_name=_("账户"), on_delete=models.CASCADE, related_name="inventor_links"
    )
    linked_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    linked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("完成人账户")
        verbose_name_plural = _("完成人账户")
        ordering = ["achievement_id", "name"]
        constraints = [models.UniqueConstraint(fields=["achievement", "name"], name="inventor_link_unique")]

    def __str__(self) -> str:
        return f"{self.achievement.code} {self.name} → {self.user.username}"


class IncomePolicy(models.Model):
    """An institution's rule for the research team's share of net income (收益分配)."""

    audited = True
    institution = models.OneToOneField(
        "accounts.OrgUnit", verbose_name=_("单位"), on_delete=models.PROTECT, related_name="income_policy"
    )
    team_share = models.FloatField(
        _("科研团队分配比例"),
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text=_("如 0.7 表示 70%"),
    )
    cost_rate = models.FloatField(
        _("成本扣除比例"),
        default=0,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text=_("从收入中扣除的转化成本（评估、维护等）占比，得到净收入"),
    )
    document = models.CharField(_("依据文件"), max_length=200, blank=True)
    # 作价投资: the team's share of the equity the institution obtains (statute: ≥ 50%)
    investment_share = models.FloatField(
        _("作价投资科研团队股权比例"),
        default=0.5,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text=_("单位以成果作价投资取得的股权中，科研团队所占比例，如 0.5 表示 50%"),
    )
    # 自行实施 / 合作实施: each year's share of the operating profit, for how many years (statute: ≥ 5%, 3–5 years)
    own_use_rate = models.FloatField(
        _("自行实施营业利润提取比例"),
        default=0.05,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text=_("投产后每年从实施该成果的营业利润中提取的比例，如 0.05 表示 5%"),
    )
    own_use_years = models.PositiveSmallIntegerField(
        _("自行实施提取年限"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
        help_text=_("投产后连续提取的年数（法定三至五年）"),
    )

    class Meta:
        verbose_name = _("收益分配政策")
        verbose_name_plural = _("收益分配政策")

    def __str__(self) -> str:
        return f"{self.institution} {self.team_share:.0%}"


class Licence(models.Model):
    audited = True
    code = models.CharField(_("许可合同编号"), max_length=40, unique=True)
    achievement = models.ForeignKey(
        Achievement, verbose_name=_("成果"), on_delete=models.PROTECT, related_name="licences"
    )
    # Denormalised from the achievement: the institution's rows (scope) without a join.
    institution = models.ForeignKey(
        "accounts.OrgUnit",
        verbose_name=_("许可方"),
        on_delete=models.PROTECT,
        related_name="licences_granted",
    )
    licensee_code = models.CharField(_("被许可方统一社会信用代码"), max_length=18, db_index=True)
    licensee_name = models.CharField(_("被许可方"), max_length=200)
    signed_on = models.DateField(_("签订日期"))
    terms = models.JSONField(_("合同条款"), help_text=_("合同数据规范的 YAML 条款（JSON 存储）"))
    state = models.CharField(
        _("状态"), max_length=12, choices=v.LicenceState.choices, default=v.LicenceState.ACTIVE
    )
    # Each correction of the terms is a new version; the previous one stays in the audit trail.
    version = models.PositiveIntegerField(_("版本"), default=1)
    revision_note = models.CharField(_("修改原因"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("许可合同")
        verbose_name_plural = _("许可合同")
        ordering = ["-signed_on", "code"]

    def __str__(self) -> str:
        return self.code

    def get_absolute_url(self) -> str:
        return reverse("transfer:licence", kwargs={"code": self.code})


class Investment(models.Model):
    """作价投资: the institution invests the achievement in a company at a valuation and holds equity."""

    audited = True
    achievement = models.ForeignKey(
        Achievement, verbose_name=_("成果"), on_delete=models.PROTECT, related_name="investments"
    )
    institution = models.ForeignKey("accounts.OrgUnit", on_delete=models.PROTECT, related_name="+")
    company = models.CharField(_("被投资企业"), max_length=200)
    company_code = models.CharField(_("被投资企业统一社会信用代码"), max_length=18, blank=True)
    invested_on = models.DateField(_("作价投资日期"))
    valuation = models.FloatField(_("作价金额（万元）"), validators=[MinValueValidator(0)])
    equity = models.FloatField(
        _("单位取得的股权比例"),
        validators=[MinValueValidator(0.0001), MaxValueValidator(1)],
        help_text=_("如 0.2 表示占被投资企业 20% 的股权"),
    )
    recorded_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("作价投资")
        verbose_name_plural = _("作价投资")
        ordering = ["achievement_id", "invested_on", "pk"]

    def __str__(self) -> str:
        return f"{self.company} {self.equity:.2%}"


class OwnUse(models.Model):
    """自行实施 or 与他人合作实施: the institution puts the achievement into production itself."""

    audited = True
    achievement = models.ForeignKey(
        Achievement, verbose_name=_("成果"), on_delete=models.PROTECT, related_name="own_uses"
    )
    institution = models.ForeignKey("accounts.OrgUnit", on_delete=models.PROTECT, related_name="+")
    mode = models.CharField(_("实施方式"), max_length=10, choices=v.OwnUseMode.choices)
    partner = models.CharField(_("合作方"), max_length=200, blank=True)
    started_on = models.DateField(_("投产日期"))
    recorded_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("自行实施")
        verbose_name_plural = _("自行实施")
        ordering = ["achievement_id", "started_on", "pk"]

    def __str__(self) -> str:
        return f"{self.get_mode_display()} {self.started_on}"


class OwnUseProfit(models.Model):
    """A year's operating profit from an achievement put into production by the institution."""

    audited = True
    own_use = models.ForeignKey(OwnUse, on_delete=models.CASCADE, related_name="profits")
    year = models.PositiveSmallIntegerField(_("年度"), validators=[MinValueValidator(1990)])
    profit = models.FloatField(_("营业利润（万元）"), help_text=_("亏损填负数"))
    recorded_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("实施营业利润")
        verbose_name_plural = _("实施营业利润")
        ordering = ["own_use_id", "year"]
        constraints = [models.UniqueConstraint(fields=["own_use", "year"], name="own_use_profit_year_once")]

    def __str__(self) -> str:
        return f"{self.year} {self.profit:g}"


class RevenueReport(models.Model):
    audited = True
    licence = models.ForeignKey(Licence, on_delete=models.CASCADE, related_name="reports")
    period = models.CharField(_("期间"), max_length=6, help_text=_("如 2026 或 2026Q1"))
    revenue = models.FloatField(_("许可产品销售收入（万元）"), validators=[MinValueValidator(0)])
    reported_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    reported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("收入报告")
        verbose_name_plural = _("收入报告")
        ordering = ["licence_id", "period"]
        constraints = [models.UniqueConstraint(fields=["licence", "period"], name="report_period_unique")]

    def __str__(self) -> str:
        return f"{self.licence_id} {self.period}"


class Payment(models.Model):
    audited = True
    licence = models.ForeignKey(Licence, on_delete=models.CASCADE, related_name="payments")
    paid_on = models.DateField(_("到账日期"))
    amount = models.FloatField(_("金额（万元）"), validators=[MinValueValidator(0.0001)])
    note = models.CharField(_("备注"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("收款")
        verbose_name_plural = _("收款")
        ordering = ["licence_id", "paid_on", "pk"]

    def __str__(self) -> str:
        return f"{self.paid_on} {self.amount:g}"


class MilestoneEvent(models.Model):
    audited = True
    licence = models.ForeignKey(Licence, on_delete=models.CASCADE, related_name="events")
    milestone = models.CharField(_("里程碑"), max_length=40, help_text=_("条款中事件里程碑的 event"))
    occurred_on = models.DateField(_("发生日期"))
    recorded_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("里程碑事件")
        verbose_name_plural = _("里程碑事件")
        ordering = ["licence_id", "occurred_on"]
        constraints = [models.UniqueConstraint(fields=["licence", "milestone"], name="event_once")]

    def __str__(self) -> str:
        return f"{self.milestone} {self.occurred_on}"


class TechContract(models.Model):
    """One registered technology contract (技术合同认定登记); amounts in 万元."""

    audited = True
    registration_no = models.CharField(_("登记编号"), max_length=40, unique=True)
    registered_on = models.DateField(_("登记日期"), db_index=True)
    type = models.CharField(_("合同类型"), max_length=10, choices=v.ContractType.choices)
    seller = models.CharField(_("卖方名称"), max_length=200)
    seller_code = models.CharField(_("卖方统一社会信用代码"), max_length=18, blank=True)
    seller_region = models.CharField(_("卖方所属镇街"), max_length=12, db_index=True)
    buyer = models.CharField(_("买方名称"), max_length=200)
    buyer_region = models.CharField(_("买方所在地"), max_length=60, blank=True)
    amount = models.FloatField(_("合同成交额（万元）"), validators=[MinValueValidator(0)])
    tech_amount = models.FloatField(_("技术交易额（万元）"), validators=[MinValueValidator(0)])
    field = models.CharField(_("技术领域"), max_length=20, blank=True)
    source = models.CharField(_("来源"), max_length=200, blank=True, help_text=_("登记系统导出文件"))
    simulated = models.BooleanField(_("模拟"), default=False)
    licence = models.ForeignKey(
        Licence, null=True, blank=True, on_delete=models.SET_NULL, related_name="contracts"
    )

    class Meta:
        verbose_name = _("技术合同")
        verbose_name_plural = _("技术合同")
        ordering = ["-registered_on", "registration_no"]

    def __str__(self) -> str:
        return self.registration_no


class Demand(models.Model):
    audited = True
    enterprise = models.ForeignKey(
        "accounts.OrgUnit", verbose_name=_("需求企业"), on_delete=models.PROTECT, related_name="demands"
    )
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, blank=True, db_index=True)
    title = models.CharField(_("需求名称"), max_length=200)
    text = models.TextField(_("需求描述"), max_length=5000)
    field = models.CharField(
        _("技术领域"), max_length=20, blank=True, choices=[(f, f) for f in v.TECH_FIELDS]
    )
    min_trl = models.PositiveSmallIntegerField(_("最低就绪水平"), null=True, blank=True)
    budget = models.FloatField(_("预算（万元）"), null=True, blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=v.DemandStatus.choices, default=v.DemandStatus.OPEN
    )
    posted_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    posted_at = models.DateTimeField(auto_now_add=True)
    closed_reason = models.CharField(_("关闭原因"), max_length=500, blank=True)
    closed_at = models.DateTimeField(_("关闭时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("技术需求")
        verbose_name_plural = _("技术需求")
        ordering = ["-posted_at", "-pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("transfer:demand", kwargs={"pk": self.pk})


class ScenarioList(models.Model):
    audited = True
    title = models.CharField(_("清单名称"), max_length=200)
    year = models.PositiveSmallIntegerField(_("年度"))
    stage = models.CharField(
        _("阶段"), max_length=10, choices=v.ScenarioStage.choices, default=v.ScenarioStage.CALL
    )
    call_until = models.DateField(_("征集截止"), null=True, blank=True)
    min_score = models.FloatField(_("入选最低平均分"), default=75)
    published_on = models.DateField(_("发布日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("应用场景清单")
        verbose_name_plural = _("应用场景清单")
        ordering = ["-year", "-pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("transfer:scenario_list", kwargs={"pk": self.pk})


class Scenario(models.Model):
    audited = True
    scenario_list = models.ForeignKey(ScenarioList, on_delete=models.CASCADE, related_name="scenarios")
    title = models.CharField(_("场景名称"), max_length=200)
    description = models.TextField(_("场景描述"), max_length=5000)
    field = models.CharField(_("技术领域"), max_length=20, blank=True)
    proposer = models.CharField(_("提出单位"), max_length=200)
    selected = models.BooleanField(_("入选"), default=False)

    class Meta:
        verbose_name = _("应用场景")
        verbose_name_plural = _("应用场景")
        ordering = ["scenario_list_id", "pk"]

    def __str__(self) -> str:
        return self.title


class ScenarioScore(models.Model):
    audited = True
    scenario = models.ForeignKey(Scenario, on_delete=models.CASCADE, related_name="scores")
    expert = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    score = models.FloatField(_("评分"), validators=[MinValueValidator(0), MaxValueValidator(100)])
    comment = models.CharField(_("意见"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("场景评分")
        verbose_name_plural = _("场景评分")
        constraints = [models.UniqueConstraint(fields=["scenario", "expert"], name="one_score_per_expert")]

    def __str__(self) -> str:
        return f"{self.scenario_id} {self.score:g}"


class Match(models.Model):
    """A demand (or scenario) paired with an achievement, with the words they share."""

    audited = True
    demand = models.ForeignKey(
        Demand, null=True, blank=True, on_delete=models.CASCADE, related_name="matches"
    )
    scenario = models.ForeignKey(
        Scenario, null=True, blank=True, on_delete=models.CASCADE, related_name="matches"
    )
    achievement = models.ForeignKey(Achievement, on_delete=models.CASCADE, related_name="matches")
    institution = models.ForeignKey("accounts.OrgUnit", on_delete=models.PROTECT, related_name="+")
    enterprise_code = models.CharField(max_length=18, blank=True, db_index=True)  # the demand's credit code
    score = models.FloatField(_("相关度"), default=0)
    terms = models.JSONField(_("共同词"), default=list, blank=True)
    manager = models.ForeignKey(
        USER,
        verbose_name=_("技术经理人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="matches",
    )
    state = models.CharField(
        _("状态"), max_length=12, choices=v.MatchState.choices, default=v.MatchState.PROPOSED
    )
    licence = models.ForeignKey(Licence, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    contract = models.ForeignKey(
        TechContract, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField(_("备注"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("供需对接")
        verbose_name_plural = _("供需对接")
        ordering = ["-updated_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.demand or self.scenario} ↔ {self.achievement.code}"

    def get_absolute_url(self) -> str:
        return reverse("transfer:match", kwargs={"pk": self.pk})


class TransferCase(models.Model):
    """One transfer or licence carried through the 安心屋 procedure."""

    audited = True
    achievement = models.ForeignKey(Achievement, on_delete=models.PROTECT, related_name="cases")
    institution = models.ForeignKey(
        "accounts.OrgUnit", on_delete=models.PROTECT, related_name="transfer_cases"
    )
    kind = models.CharField(_("转化方式"), max_length=10, choices=v.CaseKind.choices)
    counterparty = models.CharField(_("受让方/被许可方"), max_length=200)
    price = models.FloatField(_("交易价格（万元）"), null=True, blank=True)
    notice_days = models.PositiveSmallIntegerField(
        _("公示天数"), default=15, validators=[MinValueValidator(1), MaxValueValidator(90)]
    )
    state = models.CharField(_("状态"), max_length=10, choices=v.CaseState.choices, default=v.CaseState.OPEN)
    valuation = models.FloatField(_("评估价值（万元）"), null=True, blank=True)
    valuation_method = models.CharField(_("评估方法"), max_length=100, blank=True)
    licence = models.ForeignKey(
        Licence, null=True, blank=True, on_delete=models.SET_NULL, related_name="cases"
    )
    created_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("安心屋事项")
        verbose_name_plural = _("安心屋事项")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.achievement.code} {self.get_kind_display()} → {self.counterparty}"

    def get_absolute_url(self) -> str:
        return reverse("transfer:case", kwargs={"pk": self.pk})


class CaseStep(models.Model):
    """A step done (or refused) in a case: who, when, by which role, with comments and documents."""

    audited = True
    case = models.ForeignKey(TransferCase, on_delete=models.CASCADE, related_name="steps")
    step = models.CharField(_("环节"), max_length=20, choices=[(s.code, s.label) for s in v.STEPS])
    role = models.CharField(_("责任角色"), max_length=20)
    due_on = models.DateField(_("办理时限"))
    done_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    done_by_name = models.CharField(_("办理人"), max_length=150)
    done_at = models.DateTimeField(_("办理时间"))
    approved = models.BooleanField(_("通过"), default=True)
    comment = models.TextField(_("意见"), max_length=2000, blank=True)
    documents = models.CharField(_("材料"), max_length=500, blank=True, help_text=_("材料名称，以；分隔"))

    class Meta:
        verbose_name = _("办理环节")
        verbose_name_plural = _("办理环节")
        ordering = ["case_id", "done_at", "pk"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.step}"


class Objection(models.Model):
    audited = True
    case = models.ForeignKey(TransferCase, on_delete=models.CASCADE, related_name="objections")
    raised_by = models.CharField(_("异议人"), max_length=100)
    raised_on = models.DateField(_("提出日期"))
    text = models.TextField(_("异议内容"), max_length=2000)
    answer = models.TextField(_("答复"), max_length=2000, blank=True)
    answered_on = models.DateField(_("答复日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("公示异议")
        verbose_name_plural = _("公示异议")
        ordering = ["case_id", "raised_on", "pk"]

    def __str__(self) -> str:
        return f"{self.raised_by} {self.raised_on}"


class ConflictDeclaration(models.Model):
    audited = True
    case = models.ForeignKey(TransferCase, on_delete=models.CASCADE, related_name="declarations")
    person = models.CharField(_("声明人"), max_length=100)
    declared_on = models.DateField(_("声明日期"))
    has_conflict = models.BooleanField(_("存在利益冲突"), default=False)
    text = models.CharField(_("说明"), max_length=1000, blank=True)

    class Meta:
        verbose_name = _("利益冲突声明")
        verbose_name_plural = _("利益冲突声明")
        ordering = ["case_id", "declared_on", "pk"]

    def __str__(self) -> str:
        return f"{self.person} {self.declared_on}"
