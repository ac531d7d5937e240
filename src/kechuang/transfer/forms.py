"""Filter and entry forms of the transfer pages."""

from __future__ import annotations

from datetime import date

import yaml
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from kechuang.engine.rules.ruleset import SAFE_LOADER
from kechuang.engine.transfer import income as rules
from kechuang.engine.transfer.licences import LicenceError
from kechuang.transfer import vocabulary as v
from kechuang.transfer.models import (
    Achievement,
    ConflictDeclaration,
    Demand,
    IncomePolicy,
    Investment,
    IPRight,
    MilestoneEvent,
    Objection,
    OwnUse,
    OwnUseProfit,
    Payment,
    RevenueReport,
    Scenario,
    ScenarioList,
    TransferCase,
)
from kechuang.web import names as display
from kechuang.web.names import english, tech_field

ALL = [("", _("全部"))]
UPLOAD_SUFFIXES = (".csv", ".xlsx")


class AchievementFilterForm(forms.Form):
    q = forms.CharField(label=_("名称、编号或关键词"), required=False, max_length=100)
    institution = forms.ChoiceField(
        label=_("完成单位"),
        required=False,
        widget=forms.Select(attrs={"translate": "no"}),  # proper names
    )
    field = forms.ChoiceField(label=_("技术领域"), required=False)
    status = forms.ChoiceField(label=_("状态"), required=False)
    trl = forms.ChoiceField(label=_("最低就绪水平"), required=False)

    def __init__(self, data=None, institutions: list[tuple[int, str]] | None = None):
        super().__init__(data)
        self.fields["institution"].choices = ALL + [(str(pk), name) for pk, name in institutions or []]
        self.fields["field"].choices = ALL + [(f, display.tech_field(f)) for f in v.TECH_FIELDS]
        self.fields["status"].choices = ALL + list(v.AchievementStatus.choices)
        self.fields["trl"].choices = ALL + [(str(level), str(level)) for level in range(1, 10)]

    def apply(self, queryset: QuerySet) -> QuerySet:
        self.is_valid()
        d = getattr(self, "cleaned_data", {})
        if d.get("q"):
            t = d["q"].strip()
            queryset = queryset.filter(
                Q(title__icontains=t) | Q(code__icontains=t) | Q(keywords__icontains=t)
            )
        if d.get("institution"):
            queryset = queryset.filter(institution_id=int(d["institution"]))
        if d.get("field"):
            queryset = queryset.filter(field=d["field"])
        if d.get("status"):
            queryset = queryset.filter(status=d["status"])
        if d.get("trl"):
            queryset = queryset.filter(trl__gte=int(d["trl"]))
        return queryset.select_related("institution").order_by("institution_id", "code")


class AchievementForm(forms.ModelForm):
    modes = forms.MultipleChoiceField(
        label=_("转化方式"),
        choices=[(m, v.MODE_LABELS[m]) for m in v.MODES],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    trl = forms.TypedChoiceField(label=_("技术就绪水平"), coerce=int, choices=())
    inventor_shares_text = forms.CharField(
        label=_("完成人分配比例"),
        required=False,
        max_length=500,
        help_text=_("如「王伟 0.5；李娜 0.3；张敏 0.2」，合计为 1；留空则平均分配"),
    )

    class Meta:
        model = Achievement
        fields = [
            "code",
            "title",
            "abstract",
            "field",
            "keywords",
            "inventors",
            "trl",
            "ownership",
            "modes",
            "asking_price",
            "status",
        ]
        widgets = {"abstract": forms.Textarea(attrs={"rows": 5, "translate": "no"})}  # typed text

    def __init__(self, *args, institution=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.institution = institution
        self.fields["trl"].choices = v.readiness_choices()
        self.fields["field"].choices = [(f, tech_field(label)) for f, label in self.fields["field"].choices]
        if self.instance.inventor_shares:
            self.initial["inventor_shares_text"] = "；".join(
                f"{k} {x:g}" for k, x in self.instance.inventor_shares.items()
            )

    def clean_code(self):
        code = self.cleaned_data["code"].strip()
        inst = self.instance.institution_id or getattr(self.institution, "pk", None)
        clash = Achievement.objects.filter(institution_id=inst, code=code).exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(_("本单位已有编号为「%(c)s」的成果") % {"c": code})
        return code

    def clean_inventor_shares_text(self):
        text = self.cleaned_data.get("inventor_shares_text", "").strip()
        if not text:
            return {}
        shares = {}
        from kechuang.transfer.models import split_list

        for part in split_list(text.replace("，", "；")):
            bits = part.rsplit(maxsplit=1)
            try:
                shares[bits[0]] = float(bits[1])
            except (IndexError, ValueError):
                raise forms.ValidationError(_("「%(p)s」应为 姓名 比例，如 王伟 0.5") % {"p": part}) from None
        if abs(sum(shares.values()) - 1) > 1e-6 or any(x < 0 for x in shares.values()):
            raise forms.ValidationError(_("各完成人比例应不小于 0，合计为 1"))
        return shares

    def save(self, commit=True):
        obj = super().save(commit=False)
        if not obj.pk and self.institution is not None:
            obj.institution = self.institution
        obj.inventor_shares = self.cleaned_data.get("inventor_shares_text") or {}
        if commit:
            obj.save()
        return obj


class IPRightForm(forms.ModelForm):
    class Meta:
        model = IPRight
        fields = ["number", "kind", "legal_status", "status_on"]
        widgets = {"status_on": forms.DateInput(attrs={"type": "date"})}


class UploadForm(forms.Form):
    file = forms.FileField(label=_("文件（CSV、XLSX）"))

    def clean_file(self):
        f = self.cleaned_data["file"]
        if not f.name.lower().endswith(UPLOAD_SUFFIXES):
            raise forms.ValidationError(_("不支持的文件类型：请上传 .csv 或 .xlsx 文件"))
        return f


class YamlUploadForm(forms.Form):
    file = forms.FileField(label=_("许可合同 YAML 文件"))

    def clean_file(self):
        f = self.cleaned_data["file"]
        if not f.name.lower().endswith((".yaml", ".yml")):
            raise forms.ValidationError(_("请上传 .yaml 或 .yml 文件"))
        return f


# ---------------------------------------------------------------------------------------------
# Licences
# ---------------------------------------------------------------------------------------------

TERMS_EXAMPLE = """upfront: {amount: 0, due: 2026-02-28}
milestones:
  - {code: proto, name: 样机验收, amount: 30, due: 2026-09-30}
  - {code: mass, name: 批量生产, amount: 50, event: mass_production, days_after: 60}
royalty: {rate: 0.03, period: year, start: 2026-01-01, end: 2030-12-31, floor: 5, cap: 40, report_days: 30}
deferred:
  - {amount: 10, due: 2027-06-30}
"""
# The same example with English milestone names (the names are free text the licence keeps).
TERMS_EXAMPLE_EN = TERMS_EXAMPLE.replace("样机验收", "Prototype accepted").replace(
    "批量生产", "Mass production"
)


def terms_example() -> str:
    """The example terms in the interface's language."""
    return TERMS_EXAMPLE_EN if english() else TERMS_EXAMPLE


class LicenceForm(forms.Form):
    code = forms.CharField(label=_("许可合同编号"), max_length=40)
    achievement = forms.ModelChoiceField(
        label=_("成果"),
        queryset=Achievement.objects.none(),
        widget=forms.Select(attrs={"translate": "no"}),  # the achievements' own titles
    )
    licensee = forms.CharField(label=_("被许可方统一社会信用代码"), max_length=18, min_length=18)
    signed_on = forms.DateField(label=_("签订日期"), widget=forms.DateInput(attrs={"type": "date"}))
    terms = forms.CharField(
        label=_("条款（YAML：入门费、阶段性支付、收入提成、延期支付）"),
        widget=forms.Textarea(attrs={"rows": 12, "class": "mono", "translate": "no"}),  # typed terms
        initial=terms_example,
        max_length=20000,
    )

    def __init__(self, *args, achievements=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["achievement"].queryset = (
            achievements if achievements is not None else Achievement.objects.none()
        )

    def clean_code(self):
        from kechuang.transfer.models import Licence

        code = self.cleaned_data["code"].strip()
        if Licence.objects.filter(code=code).exists():
            raise forms.ValidationError(_("许可合同编号已存在"))
        return code

    def clean(self):
        from kechuang.transfer.services import licences

        d = super().clean()
        if self.errors:
            return d
        licensee = d["licensee"].strip().upper()
        self.validated = _validated_licence(
            d["terms"], d["code"], d["achievement"].code, licensee, d["signed_on"]
        )
        name = licences.licensee_name(licensee)
        if name is None:
            self.add_error("licensee", _("被许可方不在企业库中"))
        self.licensee_name = name
        return d


class LicenceEditForm(forms.Form):
    """A correction of a licence's terms: the code, achievement and licensee stay; the version the
    form was opened at must still be the stored one (nothing overwritten unseen)."""

    signed_on = forms.DateField(
        label=_("签订日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    terms = forms.CharField(
        label=_("条款（YAML：入门费、阶段性支付、收入提成、延期支付）"),
        widget=forms.Textarea(attrs={"rows": 12, "class": "mono", "translate": "no"}),  # typed terms
        max_length=20000,
    )
    reason = forms.CharField(
        label=_("修改原因"), max_length=500, help_text=_("如「补充协议第 2 条调整提成比例」；记入审计日志")
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, licence=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.licence = licence

    def clean(self):
        d = super().clean()
        if self.errors:
            return d
        if d["version"] != self.licence.version:
            raise forms.ValidationError(
                _("该许可合同已被他人改为第 %(v)s 版，请重新打开后再修改；您的修改未保存")
                % {"v": self.licence.version}
            )
        lic = self.licence
        self.validated = _validated_licence(
            d["terms"], lic.code, lic.achievement.code, lic.licensee_code, d["signed_on"]
        )
        return d


def _validated_licence(terms: str, code: str, achievement: str, licensee: str, signed_on: date):
    """The form's YAML terms with the licence's identity, validated by the engine (its problems as
    the form's errors)."""
    from kechuang.transfer.services import licences

    shape = {
        **_terms_mapping(terms),
        "code": code,
        "achievement": achievement,
        "licensee": licensee,
        "signed_on": signed_on.isoformat(),
    }
    try:
        return licences.validate_terms(_dates_as_text(shape))
    except LicenceError as exc:
        raise forms.ValidationError(exc.problems) from None


def _terms_mapping(text: str) -> dict:
    try:
        terms = yaml.load(text, Loader=SAFE_LOADER) or {}
    except yaml.YAMLError as exc:
        raise forms.ValidationError(_("条款不是合法的 YAML：%(e)s") % {"e": str(exc)[:200]}) from None
    if not isinstance(terms, dict):
        raise forms.ValidationError(_("条款须为映射（upfront: …, royalty: …）"))
    return {k: (x.isoformat() if isinstance(x, date) else x) for k, x in terms.items()}


def _dates_as_text(data):
    if isinstance(data, dict):
        return {k: _dates_as_text(x) for k, x in data.items()}
    if isinstance(data, list):
        return [_dates_as_text(x) for x in data]
    return data.isoformat() if isinstance(data, date) else data


class AsOfForm(forms.Form):
    as_of = forms.DateField(
        label=_("计算日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class RevenueReportForm(forms.ModelForm):
    class Meta:
        model = RevenueReport
        fields = ["period", "revenue"]

    def __init__(self, *args, licence=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.licence = licence

    def clean_period(self):
        from kechuang.engine.transfer.licences import Period

        text = self.cleaned_data["period"].strip().upper()
        period = Period.parse(text)
        if period is None:
            raise forms.ValidationError(_("期间应为 2026 或 2026Q1 的形式"))
        if self.licence:
            self._check_royalty_term(period)
        if self.licence and RevenueReport.objects.filter(licence=self.licence, period=text).exists():
            raise forms.ValidationError(_("该期间已报告；已报告的数字不被覆盖"))
        return text

    def _check_royalty_term(self, period) -> None:
        """A report the dues would never use is refused, as `kechuang transfer dues` refuses it in a
        reports file: the licence has no royalty, the period is of the other kind, or outside the term."""
        from kechuang.engine.transfer.licences import Royalty

        terms = self.licence.terms.get("royalty")
        if not terms:
            raise forms.ValidationError(_("该许可合同没有收入提成条款，无需报告收入"))
        royalty = Royalty.model_validate(terms)
        why = royalty.refuses(period)
        if why == "kind" and royalty.period == "year":
            raise forms.ValidationError(_("该许可合同按年提成，期间应为年份（如 2026）"))
        if why == "kind":
            raise forms.ValidationError(_("该许可合同按季度提成，期间应为季度（如 2026Q1）"))
        if why == "term":
            start, end = royalty.start.isoformat(), royalty.end.isoformat()
            raise forms.ValidationError(
                _("%(p)s 不在提成期限内（%(a)s 至 %(b)s）") % {"p": period.label, "a": start, "b": end}
            )


class PaymentForm(forms.ModelForm):
    class Meta:
        model = Payment
        fields = ["paid_on", "amount", "note"]
        widgets = {
            "paid_on": forms.DateInput(attrs={"type": "date", "title": _("到账日期")}),
            "amount": forms.NumberInput(attrs={"placeholder": _("金额（万元）"), "step": "any"}),
            "note": forms.TextInput(attrs={"placeholder": _("备注")}),
        }


class EventForm(forms.ModelForm):
    class Meta:
        model = MilestoneEvent
        fields = ["milestone", "occurred_on"]
        widgets = {"occurred_on": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, events=(), **kwargs):
        super().__init__(*args, **kwargs)
        # the milestones' names are the licence's own (free text): kept as written
        self.fields["milestone"] = forms.ChoiceField(
            label=_("里程碑"), choices=list(events), widget=forms.Select(attrs={"translate": "no"})
        )


class IncomePolicyForm(forms.ModelForm):
    class Meta:
        model = IncomePolicy
        fields = ["team_share", "cost_rate", "investment_share", "own_use_rate", "own_use_years", "document"]

    # Left empty, the statutory minimum (the model's default) is stored.
    OPTIONAL = ("investment_share", "own_use_rate", "own_use_years")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.OPTIONAL:
            self.fields[name].required = False

    def clean_team_share(self):
        from kechuang.transfer.services.licences import policy_problem

        share = self.cleaned_data["team_share"]
        problem = policy_problem(share)
        if problem:
            raise forms.ValidationError(problem)
        return share

    def clean_investment_share(self):
        from kechuang.transfer.services.income import investment_problem

        return _refuse(self.cleaned_data["investment_share"], investment_problem, rules.INVESTMENT_MINIMUM)

    def clean_own_use_rate(self):
        from kechuang.transfer.services.income import own_use_rate_problem

        return _refuse(self.cleaned_data["own_use_rate"], own_use_rate_problem, rules.OWN_USE_MINIMUM_RATE)

    def clean_own_use_years(self):
        from kechuang.transfer.services.income import own_use_years_problem

        return _refuse(self.cleaned_data["own_use_years"], own_use_years_problem, rules.OWN_USE_MINIMUM_YEARS)


def _refuse(value, problem_of, default=None):
    if value is None:
        return default
    problem = problem_of(value)
    if problem:
        raise forms.ValidationError(problem)
    return value


class InvestmentForm(forms.ModelForm):
    class Meta:
        model = Investment
        fields = ["company", "company_code", "invested_on", "valuation", "equity"]
        widgets = {"invested_on": forms.DateInput(attrs={"type": "date"})}


class OwnUseForm(forms.ModelForm):
    class Meta:
        model = OwnUse
        fields = ["mode", "partner", "started_on"]
        widgets = {"started_on": forms.DateInput(attrs={"type": "date"})}

    def clean(self):
        d = super().clean()
        if d.get("mode") == v.OwnUseMode.JOINT and not (d.get("partner") or "").strip():
            self.add_error("partner", _("与他人合作实施须填写合作方"))
        return d


class OwnUseProfitForm(forms.ModelForm):
    class Meta:
        model = OwnUseProfit
        fields = ["year", "profit"]

    def __init__(self, *args, own_use=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.own_use = own_use

    def clean_year(self):
        year = self.cleaned_data["year"]
        if self.own_use is not None:
            if year < self.own_use.started_on.year:
                raise forms.ValidationError(
                    _("年度 %(y)s 早于投产年度 %(s)s") % {"y": year, "s": self.own_use.started_on.year}
                )
            if self.own_use.profits.filter(year=year).exists():
                raise forms.ValidationError(_("该年度的营业利润已填报；已填报的数字不被覆盖"))
        return year


# ---------------------------------------------------------------------------------------------
# 安心屋, demands, scenarios
# ---------------------------------------------------------------------------------------------


class CaseForm(forms.ModelForm):
    class Meta:
        model = TransferCase
        fields = ["achievement", "kind", "counterparty", "price", "notice_days"]
        widgets = {"achievement": forms.Select(attrs={"translate": "no"})}  # the achievements' titles

    def __init__(self, *args, achievements=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["achievement"].queryset = (
            achievements if achievements is not None else Achievement.objects.none()
        )


class StepForm(forms.Form):
    comment = forms.CharField(
        label=_("意见"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    documents = forms.CharField(label=_("材料（名称，以；分隔）"), required=False, max_length=500)
    approved = forms.TypedChoiceField(
        label=_("结论"),
        choices=[("1", _("通过")), ("0", _("不通过（终止）"))],
        coerce=lambda x: x == "1",
        initial="1",
    )
    valuation = forms.FloatField(label=_("评估价值（万元，价值评估环节填写）"), required=False, min_value=0)
    valuation_method = forms.CharField(label=_("评估方法"), required=False, max_length=100)


class ObjectionForm(forms.ModelForm):
    class Meta:
        model = Objection
        fields = ["raised_by", "raised_on", "text"]
        widgets = {
            "raised_on": forms.DateInput(attrs={"type": "date"}),
            "text": forms.Textarea(attrs={"rows": 3}),
        }


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("答复"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class DeclarationForm(forms.ModelForm):
    class Meta:
        model = ConflictDeclaration
        fields = ["person", "declared_on", "has_conflict", "text"]
        widgets = {"declared_on": forms.DateInput(attrs={"type": "date"})}


class DemandForm(forms.ModelForm):
    class Meta:
        model = Demand
        fields = ["title", "text", "field", "min_trl", "budget"]
        widgets = {"text": forms.Textarea(attrs={"rows": 6})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["field"].choices = [
            (f, display.tech_field(f) if f else label) for f, label in self.fields["field"].choices
        ]


class ScenarioListForm(forms.ModelForm):
    class Meta:
        model = ScenarioList
        fields = ["title", "year", "call_until", "min_score"]
        widgets = {"call_until": forms.DateInput(attrs={"type": "date"})}


class ScenarioForm(forms.ModelForm):
    class Meta:
        model = Scenario
        fields = ["title", "description", "field", "proposer"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}


class ScoreForm(forms.Form):
    score = forms.FloatField(label=_("评分（0–100）"), min_value=0, max_value=100)
    comment = forms.CharField(label=_("意见"), required=False, max_length=500)
