"""重大科技项目: calls (指南/榜单), applications (alone or as a 创新联合体), review (conflicts,
assignments, scores), projects (milestones, tranches, 包干制 spending, acceptance, ethics approval,
责任豁免), and the technology-security indicators with their readings."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kechuang.projects.vocabulary import (
    STAKE_FUND,
    ApplicationStatus,
    CallStatus,
    ExitKind,
    FailureReason,
    FundingMode,
    Mode,
    Outcome,
    ProjectClass,
    Stage,
    Trigger,
    ValuationMethod,
    field_label,
)

MONEY = {"max_digits": 14, "decimal_places": 4}


class Call(models.Model):
    """A call for applications (指南) or a challenge list (榜单, 揭榜挂帅)."""

    audited = True
    code = models.CharField(_("编号"), max_length=40, unique=True)
    title = models.CharField(_("名称"), max_length=200)
    title_en = models.CharField(_("英文名称"), max_length=200, blank=True)
    mode = models.CharField(_("组织方式"), max_length=20, choices=Mode.choices)
    project_class = models.CharField(_("项目类别"), max_length=20, choices=ProjectClass.choices)
    field = models.CharField(_("技术领域"), max_length=40)
    key_core = models.BooleanField(_("关键核心技术攻关"), default=False)
    # 赛马制: several teams funded in parallel; a stage gate keeps this many and drops the weaker ones
    race_keep = models.PositiveSmallIntegerField(_("赛马制阶段评估保留团队数"), null=True, blank=True)
    problem = models.TextField(_("需解决的问题"), blank=True)
    problem_en = models.TextField(_("需解决的问题（英文）"), blank=True)
    # [{"indicator": "...", "target": 0.0, "unit": "...", "higher_is_better": true, "key": true}]
    goals = models.JSONField(_("考核指标"), default=list, blank=True)
    reward = models.DecimalField(_("揭榜奖励（万元）"), null=True, blank=True, **MONEY)
    # YAML list of conditions (id, label, expr in SQL over the enterprise vocabulary)
    eligibility = models.TextField(_("申报条件（规则）"), blank=True)
    eligibility_year = models.PositiveIntegerField(_("申报条件数据年度"), null=True, blank=True)
    funding_mode = models.CharField(_("资助方式"), max_length=10, choices=FundingMode.choices)
    budget = models.DecimalField(_("总预算（万元）"), **MONEY)
    max_per_project = models.DecimalField(_("单项资助上限（万元）"), null=True, blank=True, **MONEY)
    pass_mark = models.DecimalField(_("评审及格线"), max_digits=6, decimal_places=2, default=60)
    opens_on = models.DateField(_("开始申报"))
    closes_on = models.DateField(_("截止申报"))
    status = models.CharField(_("状态"), max_length=10, choices=CallStatus.choices, default=CallStatus.OPEN)

    class Meta:
        verbose_name = _("项目指南")
        verbose_name_plural = _("项目指南")
        ordering = ["-opens_on", "code"]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("projects:call", args=[self.pk])

    @property
    def field_label(self) -> str:
        """The technology field in the interface's language."""
        return field_label(self.field)


class Application(models.Model):
    audited = True
    code = models.CharField(_("申报编号"), max_length=40, unique=True)
    call = models.ForeignKey(
        Call, verbose_name=_("指南"), on_delete=models.PROTECT, related_name="applications"
    )
    title = models.CharField(_("项目名称"), max_length=200)
    title_en = models.CharField(_("英文名称"), max_length=200, blank=True)
    applicant = models.ForeignKey(
        "accounts.OrgUnit", verbose_name=_("申报单位（牵头单位）"), on_delete=models.PROTECT, related_name="+"
    )
    region_code = models.CharField(_("所属镇街代码"), max_length=12, blank=True, db_index=True)
    consortium = models.BooleanField(_("创新联合体"), default=False)
    requested = models.DecimalField(_("申请资助（万元）"), **MONEY)
    summary = models.TextField(_("项目摘要"), blank=True)
    attachment = models.FileField(_("申报书附件"), upload_to="projects/applications/", blank=True)
    status = models.CharField(
        _("状态"), max_length=12, choices=ApplicationStatus.choices, default=ApplicationStatus.DRAFT
    )
    eligible = models.CharField(_("资格审查结果"), max_length=10, blank=True)  # yes / possible / unknown / no
    eligibility_note = models.TextField(_("资格审查说明"), blank=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    score = models.FloatField(_("评审得分"), null=True, blank=True)
    rank = models.PositiveIntegerField(_("排名"), null=True, blank=True)
    granted = models.DecimalField(_("资助金额（万元）"), null=True, blank=True, **MONEY)

    class Meta:
        verbose_name = _("项目申报")
        verbose_name_plural = _("项目申报")
        ordering = ["call", "code"]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("projects:application", args=[self.pk])


class Member(models.Model):
    """A member of a 创新联合体 (the lead is the application's applicant)."""

    audited = True
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="members")
    org = models.ForeignKey(
        "accounts.OrgUnit", verbose_name=_("成员单位"), on_delete=models.PROTECT, related_name="+"
    )
    task = models.CharField(_("承担任务"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("联合体成员")
        verbose_name_plural = _("联合体成员")
        constraints = [models.UniqueConstraint(fields=["application", "org"], name="projects_member_once")]

    def __str__(self) -> str:
        return f"{self.application.code} {self.org}"


class Conflict(models.Model):
    """A conflict-of-interest declaration (利益冲突回避声明) of an expert on an application."""

    audited = True
    expert = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="conflicts")
    reason = models.CharField(_("回避原因"), max_length=200)
    declared_at = models.DateTimeField(_("声明时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("回避声明")
        verbose_name_plural = _("回避声明")
        constraints = [
            models.UniqueConstraint(fields=["expert", "application"], name="projects_conflict_once")
        ]

    def __str__(self) -> str:
        return f"{self.expert} 回避 {self.application.code}"


class Assignment(models.Model):
    """An expert assigned to review an application, with the scoring sheet once scored."""

    audited = True
    expert = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="assignments")
    items = models.JSONField(_("评分明细"), default=dict, blank=True)  # criterion → points
    score = models.FloatField(_("评分"), null=True, blank=True)
    comment = models.TextField(_("评审意见"), blank=True)
    scored_at = models.DateTimeField(_("评分时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("评审任务")
        verbose_name_plural = _("评审任务")
        constraints = [
            models.UniqueConstraint(fields=["expert", "application"], name="projects_assignment_once")
        ]

    def __str__(self) -> str:
        return f"{self.expert} 评审 {self.application.code}"

    def get_absolute_url(self) -> str:
        return reverse("projects:review", args=[self.pk])


class Project(models.Model):
    audited = True
    code = models.CharField(_("项目编号"), max_length=40, unique=True)
    application = models.OneToOneField(Application, on_delete=models.PROTECT, related_name="project")
    title = models.CharField(_("项目名称"), max_length=200)
    title_en = models.CharField(_("英文名称"), max_length=200, blank=True)
    applicant = models.ForeignKey(
        "accounts.OrgUnit", verbose_name=_("承担单位"), on_delete=models.PROTECT, related_name="+"
    )
    region_code = models.CharField(_("所属镇街代码"), max_length=12, blank=True, db_index=True)
    grant = models.DecimalField(_("资助金额（万元）"), **MONEY)
    lump_sum = models.BooleanField(_("经费包干制"), default=True)
    stage = models.CharField(_("阶段"), max_length=12, choices=Stage.choices, default=Stage.RUNNING)
    started_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    procedures_followed = models.BooleanField(_("按规定程序履行手续"), default=True)
    failure_reason = models.CharField(
        _("失败原因认定"), max_length=20, choices=FailureReason.choices, blank=True, default=""
    )
    failure_explanation = models.TextField(_("失败原因说明"), blank=True)

    class Meta:
        verbose_name = _("重大项目")
        verbose_name_plural = _("重大项目")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("projects:project", args=[self.pk])

    @property
    def call(self) -> Call:
        return self.application.call


class Milestone(models.Model):
    audited = True
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="milestones")
    number = models.PositiveSmallIntegerField(_("序号"))
    title = models.CharField(_("里程碑"), max_length=200)
    title_en = models.CharField(_("里程碑（英文）"), max_length=200, blank=True)
    indicator = models.CharField(_("考核指标"), max_length=120, blank=True)
    target = models.FloatField(_("目标值"), null=True, blank=True)
    due_on = models.DateField(_("计划完成日期"))
    reported_value = models.FloatField(_("报告值"), null=True, blank=True)
    reported_on = models.DateField(_("报告日期"), null=True, blank=True)
    verified = models.BooleanField(_("已核验"), default=False)

    class Meta:
        verbose_name = _("里程碑")
        verbose_name_plural = _("里程碑")
        ordering = ["project", "number"]
        constraints = [
            models.UniqueConstraint(fields=["project", "number"], name="projects_milestone_number")
        ]

    def __str__(self) -> str:
        return f"{self.project.code} 里程碑 {self.number} {self.title}"


class Tranche(models.Model):
    audited = True
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="tranches")
    number = models.PositiveSmallIntegerField(_("期次"))
    amount = models.DecimalField(_("金额（万元）"), **MONEY)
    trigger = models.CharField(_("拨付条件"), max_length=12, choices=Trigger.choices)
    milestone = models.ForeignKey(
        Milestone, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    released_on = models.DateField(_("拨付日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("拨付批次")
        verbose_name_plural = _("拨付批次")
        ordering = ["project", "number"]
        constraints = [models.UniqueConstraint(fields=["project", "number"], name="projects_tranche_number")]

    def __str__(self) -> str:
        return f"{self.project.code} 第 {self.number} 期"


class Spending(models.Model):
    """A payment reported under 包干制, checked against the negative list."""

    audited = True
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="spending")
    spent_on = models.DateField(_("支出日期"))
    category = models.CharField(_("支出类别"), max_length=20)
    description = models.CharField(_("摘要"), max_length=200)
    amount = models.DecimalField(_("金额（万元）"), **MONEY)
    flagged = models.BooleanField(_("触及负面清单"), default=False)
    reason = models.CharField(_("提示"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("经费支出")
        verbose_name_plural = _("经费支出")
        ordering = ["project", "spent_on", "pk"]

    def __str__(self) -> str:
        return f"{self.project.code} {self.description}"

    @property
    def category_label(self) -> str:
        from kechuang.projects.vocabulary import SPENDING_CATEGORIES

        return str(dict(SPENDING_CATEGORIES).get(self.category, self.category))


class Acceptance(models.Model):
    """验收: third-party test and real-scenario results against each target indicator."""

    audited = True
    project = models.OneToOneField(Project, on_delete=models.CASCADE, related_name="acceptance")
    # [{"indicator", "target", "measured", "higher_is_better", "key", "method": 第三方测试|真实场景考核, "by"}]
    results = models.JSONField(_("指标核验结果"), default=list)
    outcome = models.CharField(_("验收结论"), max_length=12, choices=Outcome.choices)
    decided_on = models.DateField(_("验收日期"))
    conditions = models.TextField(_("整改要求"), blank=True)

    class Meta:
        verbose_name = _("验收")
        verbose_name_plural = _("验收")

    def __str__(self) -> str:
        return f"{self.project.code} 验收"


class EthicsCommittee(models.Model):
    """A registered ethics committee (伦理委员会备案): the fields it may review and until when its
    registration is valid; an ethics approval names one (projects.ethics)."""

    audited = True
    name = models.CharField(_("伦理委员会"), max_length=120)
    registration = models.CharField(_("备案号"), max_length=60, unique=True)
    institution = models.CharField(_("所在机构"), max_length=120, blank=True)
    fields = models.JSONField(_("可审查领域"), default=list, blank=True)  # ["生命科学", "人工智能", …]
    # empty only for a committee created from earlier free-text approvals, until the bureau records it
    valid_until = models.DateField(_("备案有效期至"), null=True, blank=True)

    class Meta:
        verbose_name = _("伦理委员会")
        verbose_name_plural = _("伦理委员会")
        ordering = ["name", "registration"]

    def __str__(self) -> str:
        return f"{self.name}（{self.registration}）"


class EthicsApproval(models.Model):
    audited = True
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="ethics_approvals")
    registered_committee = models.ForeignKey(
        EthicsCommittee,
        verbose_name=_("备案伦理委员会"),
        on_delete=models.PROTECT,
        related_name="approvals",
        null=True,
    )
    committee = models.CharField(_("伦理委员会"), max_length=120)
    committee_registration = models.CharField(_("委员会备案号"), max_length=60)
    number = models.CharField(_("批件号"), max_length=60)
    approved_on = models.DateField(_("批准日期"))

    class Meta:
        verbose_name = _("伦理审查批准")
        verbose_name_plural = _("伦理审查批准")

    def __str__(self) -> str:
        return f"{self.committee} {self.number}"


class ProjectEvaluation(models.Model):
    """分类评价 of a funded project by its class's template (projects/data/evaluation_templates.yaml):
    each criterion's score and the evidence it needs, the total and grade (engine.projects.evaluation),
    the evidence left missing (listed, never hidden), who evaluated and when, in which period."""

    audited = True
    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="evaluations")
    period = models.CharField(_("评价期次"), max_length=20)
    evaluated_on = models.DateField(_("评价日期"))
    # [{"criterion", "weight", "score", "evidence": [{"name", "kind", "value"}]}] in the template's order
    items = models.JSONField(_("评分与证据"), default=list)
    total = models.FloatField(_("总分"))
    grade = models.CharField(_("等级"), max_length=10)
    gaps = models.JSONField(_("缺少的证据"), default=list, blank=True)  # ["评分项：证据", …]
    template_version = models.CharField(_("模板版本"), max_length=40)
    evaluated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("评价人"), on_delete=models.PROTECT, related_name="+"
    )
    comment = models.TextField(_("评价意见"), blank=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("分类评价")
        verbose_name_plural = _("分类评价")
        ordering = ["project", "evaluated_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["project", "period"], name="projects_evaluation_period_once")
        ]

    def __str__(self) -> str:
        return f"{self.project.code} {self.period}"


class Stake(models.Model):
    """补改投: the project's grant (or part of it) turned into a stake in the holder, held by the fund
    for a holding period and then sold (repurchase by the enterprise, transfer, listing)."""

    audited = True
    project = models.OneToOneField(Project, on_delete=models.PROTECT, related_name="stake")
    fund = models.CharField(_("持股主体"), max_length=120, default=STAKE_FUND)
    fund_en = models.CharField(_("持股主体（英文）"), max_length=120, blank=True)
    amount = models.DecimalField(_("转股金额（万元）"), **MONEY)
    share = models.FloatField(_("持股比例"))  # a fraction of the enterprise: 0.05 = 5 %
    converted_on = models.DateField(_("转股日期"))
    holding_years = models.PositiveSmallIntegerField(_("持有期（年）"))
    repurchase_rate = models.FloatField(_("回购年化单利"), default=0.0)  # 0.03 = 3 % a year
    exit_plan = models.CharField(
        _("计划退出方式"), max_length=12, choices=ExitKind.choices, default=ExitKind.REPURCHASE
    )
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("补改投股权")
        verbose_name_plural = _("补改投股权")
        ordering = ["converted_on", "pk"]

    def __str__(self) -> str:
        return f"{self.project.code} 补改投"


class StakeValuation(models.Model):
    audited = True
    stake = models.ForeignKey(Stake, on_delete=models.CASCADE, related_name="valuations")
    valued_on = models.DateField(_("估值日期"))
    company_value = models.DecimalField(_("企业估值（万元）"), **MONEY)
    method = models.CharField(_("估值方法"), max_length=12, choices=ValuationMethod.choices)
    by = models.CharField(_("估值来源"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("股权估值")
        verbose_name_plural = _("股权估值")
        ordering = ["stake", "valued_on"]
        constraints = [models.UniqueConstraint(fields=["stake", "valued_on"], name="projects_valuation_once")]

    def __str__(self) -> str:
        return f"{self.stake} {self.valued_on}"


class StakeExit(models.Model):
    audited = True
    stake = models.ForeignKey(Stake, on_delete=models.CASCADE, related_name="exits")
    exited_on = models.DateField(_("退出日期"))
    kind = models.CharField(_("退出方式"), max_length=12, choices=ExitKind.choices)
    buyer = models.CharField(_("受让方"), max_length=200, blank=True)
    share_sold = models.FloatField(_("退出持股比例"))
    proceeds = models.DecimalField(_("退出所得（万元）"), **MONEY)

    class Meta:
        verbose_name = _("股权退出")
        verbose_name_plural = _("股权退出")
        ordering = ["stake", "exited_on", "pk"]

    def __str__(self) -> str:
        return f"{self.stake} {self.exited_on}"

    @property
    def share_pct(self) -> float:
        return self.share_sold * 100


class SecurityIndicator(models.Model):
    """An indicator of the technology-security monitoring system, with yellow and red thresholds."""

    audited = True
    code = models.CharField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=120)
    name_en = models.CharField(_("英文名称"), max_length=200, blank=True)
    unit = models.CharField(_("单位"), max_length=20, blank=True)
    higher_is_worse = models.BooleanField(_("越高越危险"), default=True)
    yellow = models.FloatField(_("黄色预警阈值"))
    red = models.FloatField(_("红色预警阈值"))
    computed = models.BooleanField(_("由平台数据计算"), default=False)
    department = models.CharField(_("填报部门"), max_length=40, blank=True)
    department_en = models.CharField(_("填报部门（英文）"), max_length=120, blank=True)
    note = models.TextField(_("说明"), blank=True)
    note_en = models.TextField(_("说明（英文）"), blank=True)
    source = models.CharField(_("阈值依据"), max_length=200, blank=True)
    source_en = models.CharField(_("阈值依据（英文）"), max_length=300, blank=True)
    # thresholds not yet set by an official document are marked 示例 (projects/data/security-indicators.yaml)
    sample = models.BooleanField(_("示例阈值"), default=False)
    version = models.CharField(_("指标体系版本"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("科技安全指标")
        verbose_name_plural = _("科技安全指标")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class SecurityReading(models.Model):
    audited = True
    indicator = models.ForeignKey(SecurityIndicator, on_delete=models.CASCADE, related_name="readings")
    period = models.CharField(_("期间"), max_length=10)  # 2026 or 2026Q3
    value = models.FloatField(_("数值"))
    source = models.CharField(_("来源"), max_length=80, blank=True)

    class Meta:
        verbose_name = _("科技安全监测值")
        verbose_name_plural = _("科技安全监测值")
        ordering = ["indicator", "period"]
        constraints = [models.UniqueConstraint(fields=["indicator", "period"], name="projects_reading_once")]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.period}"


class OutputKind(models.TextChoices):
    """What a project produced besides the patents, licences and contracts the transfer module records."""

    PAPER = "paper", _("论文")
    PRODUCT = "product", _("产品")


class ProjectOutput(models.Model):
    """项目产出: a paper (published on, journal and DOI) or a product (launched on, registration or first
    sale) the holder records on its project; the programme officer verifies it, and the portfolio counts
    the verified ones (projects.outputs)."""

    audited = True
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="outputs")
    kind = models.CharField(_("产出类型"), max_length=10, choices=OutputKind.choices)
    title = models.CharField(_("名称"), max_length=200)
    dated_on = models.DateField(_("发表或上市日期"))
    evidence = models.CharField(_("佐证"), max_length=300)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    verified = models.BooleanField(_("已核验"), default=False)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("核验人"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    verified_on = models.DateField(_("核验日期"), null=True, blank=True)
    withdrawn_on = models.DateField(
        _("撤回日期"), null=True, blank=True
    )  # by the holder, before verification
    rejected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("退回人"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    rejected_on = models.DateField(_("未通过核验日期"), null=True, blank=True)
    rejection = models.CharField(_("未通过原因"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("项目产出")
        verbose_name_plural = _("项目产出")
        ordering = ["project", "dated_on", "pk"]

    def __str__(self) -> str:
        return f"{self.project.code} {self.get_kind_display()} {self.title}"

    @property
    def state(self) -> str:
        """pending (待核验), verified (已核验), withdrawn (已撤回) or rejected (未通过核验)."""
        if self.withdrawn_on:
            return "withdrawn"
        if self.rejected_on:
            return "rejected"
        return "verified" if self.verified else "pending"
