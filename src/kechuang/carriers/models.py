"""创新载体与人才: carriers (孵化载体、新型研发机构、仪器设施共享单位), their incubated enterprises, annual
reports, evaluation results, 「一院一策」 targets, instruments with bookings and vouchers, and talent
applications. Money in 万元, areas in ㎡."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kechuang.carriers.vocabulary import (
    INSTRUMENT_MIN_VALUE,
    BookingStatus,
    CarrierKind,
    CarrierStatus,
    EvaluationClass,
    ExitReason,
    InstitutionClass,
    InstitutionTier,
    Level,
    TalentClass,
    TalentRoute,
    TalentStatus,
)

_AMOUNT = {"null": True, "blank": True, "validators": [MinValueValidator(0)]}


class Carrier(models.Model):
    audited = True
    code = models.CharField(_("编号"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=120)
    kind = models.CharField(_("类型"), max_length=20, choices=CarrierKind.choices, db_index=True)
    level = models.CharField(_("级别"), max_length=10, choices=Level.choices, blank=True)
    evaluation_class = models.CharField(
        _("评价类别"), max_length=20, choices=EvaluationClass.choices, default=EvaluationClass.COMPREHENSIVE
    )
    operator = models.ForeignKey(
        "accounts.OrgUnit", verbose_name=_("运营机构"), on_delete=models.PROTECT, related_name="carriers"
    )
    region_code = models.CharField(_("所属镇街"), max_length=12, db_index=True)
    specialisation = models.CharField(_("专业领域"), max_length=60, blank=True)
    area = models.FloatField(_("场地面积（㎡）"), **_AMOUNT)
    recognised_year = models.PositiveSmallIntegerField(_("认定年度"), null=True, blank=True)
    institution_class = models.CharField(
        _("机构类别"), max_length=20, choices=InstitutionClass.choices, blank=True
    )
    institution_tier = models.CharField(_("层级"), max_length=2, choices=InstitutionTier.choices, blank=True)
    status = models.CharField(
        _("状态"), max_length=12, choices=CarrierStatus.choices, default=CarrierStatus.ACTIVE
    )
    note = models.CharField(_("备注"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("创新载体")
        verbose_name_plural = _("创新载体")
        ordering = ["kind", "code"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("carriers:carrier", kwargs={"code": self.code})


class CarrierWithdrawal(models.Model):
    """摘牌 / 撤销认定: the bureau withdraws a carrier's recognition, with its reason (and the evaluation
    result whose consecutive failing grades led to it, when there is one). Undoing it (恢复认定) keeps
    the record and marks it revoked, with who, when and why; the carrier's status and level are those
    the record kept from before the withdrawal."""

    audited = True
    carrier = models.ForeignKey(Carrier, on_delete=models.CASCADE, related_name="withdrawals")
    level = models.CharField(_("被取消的级别"), max_length=10, blank=True)
    reason = models.CharField(_("撤销原因"), max_length=500)
    evaluation = models.ForeignKey(
        "EvaluationResult",
        verbose_name=_("依据的评价结果"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_by_name = models.CharField(_("决定人"), max_length=150, blank=True)
    decided_on = models.DateField(_("撤销日期"))
    previous_status = models.CharField(
        _("撤销前的状态"), max_length=12, choices=CarrierStatus.choices, default=CarrierStatus.ACTIVE
    )
    revoked_at = models.DateTimeField(_("恢复认定时间"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_by_name = models.CharField(_("恢复认定决定人"), max_length=150, blank=True)
    revoke_reason = models.CharField(_("恢复认定原因"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("撤销认定")
        verbose_name_plural = _("撤销认定")
        ordering = ["-decided_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.carrier} {self.decided_on}"

    @property
    def level_label(self) -> str:
        """The level withdrawn, with its (translated) label."""
        return str(dict(Level.choices).get(self.level, self.level))


class IncubatedEnterprise(models.Model):
    """An enterprise of the registry incubated by a carrier; graduation ends the incubation. Leaving
    (退出: 毕业, 迁出, 注销 or 误录) keeps the row with its date and reason: the counts of a year take
    the enterprises still there at its end, and one entered by mistake (误录) counts in none."""

    audited = True
    carrier = models.ForeignKey(Carrier, on_delete=models.CASCADE, related_name="incubated")
    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.PROTECT, related_name="+")
    entered_year = models.PositiveSmallIntegerField(_("入驻年度"))
    graduated_year = models.PositiveSmallIntegerField(_("毕业年度"), null=True, blank=True)
    invested = models.BooleanField(_("载体股权投资（确权实缴）"), default=False)
    # the year of the investment: the 标准级 check counts the enterprises invested in the report year
    # (an investment without a year, recorded before the year was kept, counts in every year)
    invested_year = models.PositiveSmallIntegerField(_("股权投资年度"), null=True, blank=True)
    left_on = models.DateField(_("退出日期"), null=True, blank=True)
    exit_reason = models.CharField(_("退出原因"), max_length=20, choices=ExitReason.choices, blank=True)
    # the graduation year was set by a graduation exit (撤销退出 then clears it again)
    graduated_by_exit = models.BooleanField(_("毕业年度由毕业退出登记"), default=False, editable=False)

    class Meta:
        verbose_name = _("在孵企业")
        verbose_name_plural = _("在孵企业")
        constraints = [
            models.UniqueConstraint(fields=["carrier", "enterprise"], name="carrier_incubated_once")
        ]

    def __str__(self) -> str:
        return f"{self.carrier_id}:{self.enterprise_id}"

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.graduated_year is not None and self.entered_year is not None:
            if self.graduated_year < self.entered_year:
                raise ValidationError(
                    {"graduated_year": _("毕业年度不能早于入驻年度（%(y)s）") % {"y": self.entered_year}}
                )
        if self.invested_year is not None:
            if not self.invested:
                raise ValidationError({"invested_year": _("填写股权投资年度须同时勾选「载体股权投资」")})
            if self.entered_year is not None and self.invested_year < self.entered_year:
                raise ValidationError(
                    {"invested_year": _("股权投资年度不能早于入驻年度（%(y)s）") % {"y": self.entered_year}}
                )


class CarrierReport(models.Model):
    """An operator's annual report (what the registry cannot know); one per carrier and year."""

    audited = True
    carrier = models.ForeignKey(Carrier, on_delete=models.CASCADE, related_name="reports")
    year = models.PositiveSmallIntegerField(_("年度"))
    occupancy_rate = models.FloatField(
        _("场地使用率（%）"), null=True, blank=True, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    staff = models.PositiveIntegerField(_("工作人员数"), null=True, blank=True)
    service_staff = models.PositiveIntegerField(_("专业孵化服务人员数"), null=True, blank=True)
    mentors = models.PositiveIntegerField(_("创业导师数"), null=True, blank=True)
    incubation_fund = models.FloatField(_("孵化资金（万元）"), **_AMOUNT)
    total_income = models.FloatField(_("总收入（万元）"), **_AMOUNT)
    non_rent_income = models.FloatField(_("除房租及物业之外的收入（万元）"), **_AMOUNT)
    industry_share = models.FloatField(
        _("主导产业领域企业占比（%）"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    new_national_title = models.BooleanField(_("当年新获国家级称号"), default=False)
    listed_graduates = models.PositiveIntegerField(_("当年上市的毕业企业数"), default=0, blank=True)
    # 新型研发机构
    instrument_value = models.FloatField(_("自有科研仪器设备原价（万元）"), **_AMOUNT)
    research_area = models.FloatField(_("固定科研场地面积（㎡）"), **_AMOUNT)
    resident_rd_staff = models.PositiveIntegerField(_("常驻研发人员数"), null=True, blank=True)
    employees = models.PositiveIntegerField(_("职工总数"), null=True, blank=True)
    rd_spending = models.FloatField(_("研发费用（万元）"), **_AMOUNT)
    income = models.FloatField(_("上年度总收入（万元）"), **_AMOUNT)
    operating_income = models.FloatField(_("经营性收入（万元）"), **_AMOUNT)
    transfer_income = models.FloatField(_("成果转化收入（万元）"), **_AMOUNT)
    patents = models.PositiveIntegerField(_("当年发明专利授权数"), null=True, blank=True)
    spinoffs = models.PositiveIntegerField(_("累计孵化企业数"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(_("报送时间"), auto_now=True)

    class Meta:
        verbose_name = _("载体年度报告")
        verbose_name_plural = _("载体年度报告")
        ordering = ["carrier__code", "-year"]
        constraints = [models.UniqueConstraint(fields=["carrier", "year"], name="carrier_report_year")]

    def __str__(self) -> str:
        return f"{self.carrier} {self.year}"


class EvaluationResult(models.Model):
    """One carrier's (or person's) result of one evaluation template in one period."""

    audited = True
    carrier = models.ForeignKey(Carrier, on_delete=models.CASCADE, related_name="evaluations")
    template = models.CharField(_("评价模板"), max_length=40)
    template_version = models.CharField(_("模板版本"), max_length=40)
    period = models.CharField(_("评价期"), max_length=12)
    evaluation_class = models.CharField(_("评价类别"), max_length=20)
    total = models.FloatField(_("总分"))
    grade = models.CharField(_("等级"), max_length=10)
    grade_label = models.CharField(_("等级名称"), max_length=10)
    rank = models.PositiveIntegerField(_("同类排名"))
    cohort_size = models.PositiveIntegerField(_("同类数量"))
    previous_grade = models.CharField(_("上期等级"), max_length=10, blank=True)
    change = models.FloatField(_("较上期变化"), null=True)
    consecutive_failures = models.PositiveSmallIntegerField(_("连续不合格次数"), default=0)
    consequence = models.BooleanField(_("触发取消资格"), default=False)
    lift = models.CharField(_("提升建议"), max_length=500, blank=True)
    lift_en = models.CharField(_("英文提升建议"), max_length=500, blank=True)
    missing = models.CharField(_("缺少数据"), max_length=500, blank=True)
    reward_total = models.FloatField(_("奖励合计（万元）"), default=0)
    detail = models.JSONField(_("指标明细"), default=dict)
    computed_at = models.DateTimeField(_("计算时间"), auto_now=True)

    class Meta:
        verbose_name = _("评价结果")
        verbose_name_plural = _("评价结果")
        ordering = ["template", "-period", "rank"]
        constraints = [
            models.UniqueConstraint(
                fields=["carrier", "template", "period"], name="carrier_evaluation_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.carrier} {self.template} {self.period}"


class InstitutionTarget(models.Model):
    """「一院一策」: one agreed target of a new R&D institution, tracked like a plan indicator."""

    audited = True
    carrier = models.ForeignKey(Carrier, on_delete=models.CASCADE, related_name="targets")
    code = models.CharField(_("编号"), max_length=20)
    name = models.CharField(_("目标"), max_length=120)
    name_en = models.CharField(_("英文名称"), max_length=160, blank=True)
    unit = models.CharField(_("单位"), max_length=20, blank=True)
    direction = models.SmallIntegerField(
        _("方向"), default=1, choices=[(1, _("越高越好")), (-1, _("越低越好"))]
    )
    baseline_year = models.PositiveSmallIntegerField(_("基期年度"))
    baseline_value = models.FloatField(_("基期值"))
    target_year = models.PositiveSmallIntegerField(_("目标年度"))
    target_value = models.FloatField(_("目标值"))

    class Meta:
        verbose_name = _("一院一策目标")
        verbose_name_plural = _("一院一策目标")
        ordering = ["carrier__code", "code"]
        constraints = [models.UniqueConstraint(fields=["carrier", "code"], name="carrier_target_code")]

    def __str__(self) -> str:
        return f"{self.carrier} {self.name}"


class TargetValue(models.Model):
    audited = True
    target = models.ForeignKey(InstitutionTarget, on_delete=models.CASCADE, related_name="values")
    year = models.PositiveSmallIntegerField(_("年度"))
    value = models.FloatField(_("实际值"))

    class Meta:
        verbose_name = _("目标完成值")
        verbose_name_plural = _("目标完成值")
        constraints = [models.UniqueConstraint(fields=["target", "year"], name="carrier_target_value_year")]

    def __str__(self) -> str:
        return f"{self.target_id} {self.year}"


class Instrument(models.Model):
    """A large instrument (≥ 50 万元) or facility open for shared use; owned by a carrier."""

    audited = True
    code = models.CharField(_("编号"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=120)
    name_en = models.CharField(_("英文名称"), max_length=160, blank=True)
    owner = models.ForeignKey(
        Carrier, verbose_name=_("所有单位"), on_delete=models.PROTECT, related_name="instruments"
    )
    category = models.CharField(_("类别"), max_length=40, blank=True)
    is_facility = models.BooleanField(_("大科学装置/设施"), default=False)
    value = models.FloatField(_("原值（万元）"), validators=[MinValueValidator(INSTRUMENT_MIN_VALUE)])
    location = models.CharField(_("地点"), max_length=120, blank=True)
    fee_per_hour = models.FloatField(_("收费（元/机时）"), default=0, validators=[MinValueValidator(0)])
    rules = models.CharField(_("使用规则"), max_length=500, blank=True)
    open_for_sharing = models.BooleanField(_("对外开放"), default=True)

    class Meta:
        verbose_name = _("科研仪器设施")
        verbose_name_plural = _("科研仪器设施")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("carriers:instrument", kwargs={"code": self.code})


class Booking(models.Model):
    audited = True
    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="bookings")
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    applicant_name = models.CharField(_("预约单位"), max_length=120)
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    external = models.BooleanField(_("对外服务"), default=True)
    year = models.PositiveSmallIntegerField(_("年度"))
    date = models.DateField(_("使用日期"))
    hours_requested = models.FloatField(_("预约机时"), validators=[MinValueValidator(0.5)])
    hours_used = models.FloatField(_("实际机时"), null=True, blank=True, validators=[MinValueValidator(0)])
    status = models.CharField(
        _("状态"), max_length=12, choices=BookingStatus.choices, default=BookingStatus.REQUESTED
    )
    rating = models.PositiveSmallIntegerField(
        _("用户评价（1–5）"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    fee = models.FloatField(_("费用（元）"), default=0)

    class Meta:
        verbose_name = _("仪器预约")
        verbose_name_plural = _("仪器预约")
        ordering = ["-date", "pk"]

    def __str__(self) -> str:
        return f"{self.instrument} {self.date}"


class VoucherBudget(models.Model):
    audited = True
    year = models.PositiveSmallIntegerField(_("年度"), unique=True)
    amount = models.FloatField(_("年度预算（万元）"), validators=[MinValueValidator(0)])

    class Meta:
        verbose_name = _("创新券年度预算")
        verbose_name_plural = _("创新券年度预算")

    def __str__(self) -> str:
        return str(self.year)


class Voucher(models.Model):
    """科技创新券: pays part of an enterprise's fee for a booking, within the year's budget."""

    audited = True
    booking = models.OneToOneField(Booking, on_delete=models.CASCADE, related_name="voucher")
    year = models.PositiveSmallIntegerField(_("年度"))
    amount = models.FloatField(_("金额（万元）"), validators=[MinValueValidator(0)])
    issued_at = models.DateTimeField(_("兑付时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("科技创新券")
        verbose_name_plural = _("科技创新券")

    def __str__(self) -> str:
        return f"{self.booking_id} {self.amount}"


class TalentApplication(models.Model):
    """人才分类评价: application → employer recommendation → expert scores → bureau decision."""

    audited = True
    applicant = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    person_name = models.CharField(_("姓名"), max_length=60)
    id_number_hash = models.CharField(_("证件号摘要"), max_length=64, db_index=True)
    employer_name = models.CharField(_("工作单位"), max_length=120)
    employer_org = models.ForeignKey(
        "accounts.OrgUnit",
        verbose_name=_("推荐单位"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    region_code = models.CharField(_("工作单位所在镇街"), max_length=12, db_index=True)
    route = models.CharField(_("评价途径"), max_length=20, choices=TalentRoute.choices)
    claimed_class = models.CharField(_("申报类别"), max_length=1, choices=TalentClass.choices)
    criterion = models.CharField(_("目录条目"), max_length=20, blank=True)
    evidence = models.CharField(_("业绩说明"), max_length=1000, blank=True)
    # the facts the applicant states, by the people vocabulary (kechuang.engine.evaluation.people):
    # name → number or flag; a fact not stated is absent (the rule engine's "unknown")
    facts = models.JSONField(_("申报事实"), default=dict, blank=True)
    status = models.CharField(
        _("状态"), max_length=12, choices=TalentStatus.choices, default=TalentStatus.SUBMITTED
    )
    recommendation = models.CharField(_("单位推荐意见"), max_length=500, blank=True)
    expert_score = models.FloatField(_("专家评分（平均）"), null=True, blank=True)
    decided_class = models.CharField(_("认定类别"), max_length=1, choices=TalentClass.choices, blank=True)
    decision_note = models.CharField(_("决定说明"), max_length=500, blank=True)
    valid_until = models.DateField(_("有效期至"), null=True, blank=True)
    support = models.CharField(_("享受的支持"), max_length=500, blank=True)
    barred_until = models.DateField(_("禁止申报至"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("申报时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("人才分类评价申报")
        verbose_name_plural = _("人才分类评价申报")
        ordering = ["-submitted_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.person_name}（{self.get_route_display()}）"

    def get_absolute_url(self) -> str:
        return reverse("carriers:talent", kwargs={"pk": self.pk})


class ExpertScore(models.Model):
    audited = True
    application = models.ForeignKey(TalentApplication, on_delete=models.CASCADE, related_name="scores")
    expert = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    score = models.FloatField(_("评分"), validators=[MinValueValidator(0), MaxValueValidator(100)])

    class Meta:
        verbose_name = _("专家评分")
        verbose_name_plural = _("专家评分")
        constraints = [
            models.UniqueConstraint(fields=["application", "expert"], name="carrier_talent_score_once")
        ]

    def __str__(self) -> str:
        return f"{self.application_id} {self.score}"


class TalentConflict(models.Model):
    """An expert's declaration on one application before scoring (回避声明): a conflict of interest
    (the expert may not score it) or none (the expert may score it)."""

    audited = True
    application = models.ForeignKey(TalentApplication, on_delete=models.CASCADE, related_name="declarations")
    expert = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    conflict = models.BooleanField(_("存在利益冲突"))
    reason = models.CharField(_("回避原因"), max_length=200, blank=True)
    declared_at = models.DateTimeField(_("声明时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("回避声明")
        verbose_name_plural = _("回避声明")
        constraints = [
            models.UniqueConstraint(fields=["application", "expert"], name="carrier_talent_declare_once")
        ]

    def __str__(self) -> str:
        return f"{self.application_id} {self.expert_id} {'回避' if self.conflict else '无冲突'}"


class TalentEvaluation(models.Model):
    """The 专家评定 template's stored result for one application in one run (template version and
    period, the submission year the decision page ranks): total, suggested class, rank in the cohort,
    advice, what was missing, and the template's result row (``detail``: points per indicator with the
    value behind them), with when and by whom it was computed. A new run of the same template version
    and period replaces the run's results (the audit log keeps the replaced ones)."""

    audited = True
    application = models.ForeignKey(
        TalentApplication, on_delete=models.CASCADE, related_name="template_results"
    )
    template = models.CharField(_("评价模板"), max_length=40)
    template_version = models.CharField(_("模板版本"), max_length=40)
    period = models.CharField(_("评价期"), max_length=12)
    total = models.FloatField(_("总分"))
    grade = models.CharField(_("模板建议类别"), max_length=10)
    rank = models.PositiveIntegerField(_("同批排名"))
    cohort_size = models.PositiveIntegerField(_("同批数量"))
    lift = models.CharField(_("提升建议"), max_length=500, blank=True)
    lift_en = models.CharField(_("英文提升建议"), max_length=500, blank=True)
    missing = models.CharField(_("缺少数据"), max_length=500, blank=True)
    detail = models.JSONField(_("指标明细"), default=dict)
    computed_at = models.DateTimeField(_("计算时间"))
    computed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    computed_by_name = models.CharField(_("计算人"), max_length=150, blank=True)

    class Meta:
        verbose_name = _("人才评定模板结果")
        verbose_name_plural = _("人才评定模板结果")
        ordering = ["period", "rank"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "template", "template_version", "period"],
                name="carrier_talent_result_run",
            )
        ]

    def __str__(self) -> str:
        return f"{self.application_id} {self.template} {self.period}"
