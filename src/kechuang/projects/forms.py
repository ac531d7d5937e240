"""Forms of 重大科技项目: an application, a scoring sheet, a conflict declaration, a spending line."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from kechuang.projects import evaluation
from kechuang.projects.models import Application, Call, EthicsCommittee
from kechuang.projects.vocabulary import SCORING_SHEETS, SPENDING_CATEGORIES, AcceptanceMethod
from kechuang.web import names
from kechuang.web.names import localized


def _score_label(criterion, weight: int) -> str:
    """「技术就绪水平（0–30）」: a criterion, in the interface's language, with its points."""
    return localized(criterion) + gettext("（%(k)s）") % {"k": f"0–{weight}"}


class ApplicationForm(forms.ModelForm):
    members = forms.CharField(
        label=_("联合体成员单位代码"),
        required=False,
        help_text=_("以创新联合体申报时填写成员单位的机构代码，用逗号分隔；独立申报留空"),
    )

    class Meta:
        model = Application
        fields = ("title", "title_en", "requested", "summary", "attachment")
        help_texts = {"title_en": _("选填：英文界面显示的项目名称")}

    def clean_requested(self):
        value = self.cleaned_data["requested"]
        if value is not None and value <= 0:
            raise forms.ValidationError(_("申请资助须大于 0 万元"))
        return value

    def member_codes(self) -> list[str]:
        text = self.cleaned_data.get("members") or ""
        return [c.strip() for c in text.replace("，", ",").split(",") if c.strip()]


class ScoreForm(forms.Form):
    comment = forms.CharField(
        label=_("评审意见"), widget=forms.Textarea(attrs={"rows": 3, "translate": "no"}), required=False
    )

    def __init__(self, project_class: str, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.sheet = SCORING_SHEETS[project_class]
        criteria = evaluation.shipped().classes[project_class].criteria  # the sheet's names, with English
        for i, (c, (_criterion, weight)) in enumerate(zip(criteria, self.sheet, strict=True)):
            self.fields[f"item_{i}"] = forms.FloatField(
                label=_score_label(c, weight), min_value=0, max_value=weight
            )
        self.order_fields([*(f"item_{i}" for i in range(len(self.sheet))), "comment"])

    def items(self) -> dict[str, float]:
        return {criterion: self.cleaned_data[f"item_{i}"] for i, (criterion, _w) in enumerate(self.sheet)}


class ConflictForm(forms.Form):
    reason = forms.CharField(label=_("回避原因"), max_length=200)


class SpendingForm(forms.Form):
    spent_on = forms.DateField(label=_("支出日期"), widget=forms.DateInput(attrs={"type": "date"}))
    category = forms.ChoiceField(label=_("支出类别"), choices=SPENDING_CATEGORIES)
    description = forms.CharField(label=_("摘要"), max_length=200)
    amount = forms.DecimalField(label=_("金额（万元）"), min_value=0.0001, max_digits=14, decimal_places=4)


class MilestoneReportForm(forms.Form):
    value = forms.FloatField(label=_("报告值"), required=False)


class EthicsForm(forms.Form):
    committee = forms.CharField(label=_("伦理委员会"), max_length=120)
    committee_registration = forms.CharField(label=_("委员会备案号"), max_length=60)
    number = forms.CharField(label=_("批件号"), max_length=60)
    approved_on = forms.DateField(label=_("批准日期"), widget=forms.DateInput(attrs={"type": "date"}))


class AcceptanceForm(forms.Form):
    """One measured value per target indicator of the call, with how and by whom it was verified."""

    decided_on = forms.DateField(label=_("验收日期"), widget=forms.DateInput(attrs={"type": "date"}))
    conditions = forms.CharField(label=_("整改要求"), required=False, max_length=500)

    def __init__(self, goals: list[dict], *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.goals = goals
        for i, goal in enumerate(goals):
            self.fields[f"measured_{i}"] = forms.FloatField(
                label=localized(goal, "indicator")
                + gettext("（%(k)s）") % {"k": f"{gettext('目标')} {goal.get('target')}"},
                required=False,
            )
            self.fields[f"method_{i}"] = forms.ChoiceField(label=_("方式"), choices=AcceptanceMethod.choices)
            self.fields[f"by_{i}"] = forms.CharField(label=_("核验机构"), max_length=120)

    def entries(self) -> list[dict]:
        """What was entered per indicator, for services.acceptance_results (as the API's body)."""
        return [
            {"indicator": g["indicator"], "measured": self.cleaned_data[f"measured_{i}"],
             "method": self.cleaned_data[f"method_{i}"], "by": self.cleaned_data[f"by_{i}"]}
            for i, g in enumerate(self.goals)
        ]  # fmt: skip


class ReadingForm(forms.Form):
    indicator = forms.ModelChoiceField(label=_("指标"), queryset=None)
    period = forms.RegexField(label=_("期间"), regex=r"^20\d{2}(Q[1-4])?$", max_length=6,
                              help_text=_("年度如 2026，或季度如 2026Q3"))  # fmt: skip
    value = forms.FloatField(label=_("数值"))

    def __init__(self, *args, **kwargs):
        from kechuang.projects.models import SecurityIndicator
        from kechuang.web.names import localized

        super().__init__(*args, **kwargs)
        self.fields["indicator"].queryset = SecurityIndicator.objects.filter(computed=False)
        self.fields["indicator"].label_from_instance = lambda i: localized(i, "name")


class CallForm(forms.ModelForm):
    """A call as the programme officer writes it; the conditions are checked by the rule engine."""

    class Meta:
        model = Call
        fields = (
            "code", "title", "title_en", "mode", "project_class", "field", "key_core", "problem", "problem_en",
            "goals", "reward",
            "eligibility", "eligibility_year", "funding_mode", "budget", "max_per_project", "pass_mark",
            "race_keep", "opens_on", "closes_on",
        )  # fmt: skip
        widgets = {
            "opens_on": forms.DateInput(attrs={"type": "date"}),
            "closes_on": forms.DateInput(attrs={"type": "date"}),
            # what the officer wrote, edited as written (not translated on an English page)
            "problem": forms.Textarea(attrs={"rows": 4, "translate": "no"}),
            "eligibility": forms.Textarea(attrs={"rows": 6, "translate": "no"}),
            "goals": forms.Textarea(attrs={"rows": 4, "translate": "no"}),
        }
        help_texts = {
            "title_en": _("选填：英文界面显示的名称"),
            "problem_en": _("选填：英文界面显示的需解决的问题"),
            "goals": _(
                "JSON 列表，每项含 indicator、target、unit、higher_is_better、key；英文界面的指标名称与单位可填 indicator_en、unit_en"
            ),
        }

    def clean(self):
        from kechuang.projects import services

        data = super().clean()
        if self.instance.pk and self.instance.status == "decided":
            raise forms.ValidationError(_("该指南已立项，不能再修改"))
        if data.get("opens_on") and data.get("closes_on") and data["closes_on"] < data["opens_on"]:
            self.add_error("closes_on", _("截止申报日期早于开始申报日期"))
        budget, cap = data.get("budget"), data.get("max_per_project")
        if budget is not None and budget <= 0:
            self.add_error("budget", _("总预算须大于 0 万元"))
        if cap is not None and (cap <= 0 or (budget is not None and cap > budget)):
            self.add_error("max_per_project", _("单项资助上限须大于 0 且不超过总预算"))
        if data.get("pass_mark") is not None and not 0 <= data["pass_mark"] <= 100:
            self.add_error("pass_mark", _("评审及格线应在 0–100 分之间"))
        if data.get("reward") is not None and data.get("mode") != "open_competition":
            self.add_error("reward", _("揭榜奖励只适用于「揭榜挂帅」"))
        if data.get("race_keep") is not None and data["race_keep"] < 1:
            self.add_error("race_keep", _("赛马制保留团队数至少为 1"))
        goals = data.get("goals") or []
        if not isinstance(goals, list) or not all(isinstance(g, dict) and g.get("indicator") for g in goals):
            self.add_error(
                "goals", _("考核指标应为列表，每项含 indicator、target、unit、higher_is_better、key")
            )
        elif any(not isinstance(g.get(k, ""), str) for g in goals for k in ("indicator_en", "unit_en")):
            self.add_error("goals", _("考核指标的 indicator_en、unit_en 应为文字"))
        elif data.get("mode") == "open_competition" and not any(
            isinstance(g.get("target"), int | float) and not isinstance(g.get("target"), bool) for g in goals
        ):
            self.add_error("goals", _("「揭榜挂帅」榜单须列出至少一项有目标值的技术指标"))
        probe = Call(
            code=data.get("code") or "?",
            title=data.get("title") or "",
            eligibility=data.get("eligibility") or "",
        )
        try:
            services.eligibility_ruleset(probe)
        except services.ProjectError as exc:
            self.add_error("eligibility", str(exc))
        return data


# ---------------------------------------------------------------- 补改投 (shares are entered in %)


def _date(label):
    return forms.DateField(label=label, widget=forms.DateInput(attrs={"type": "date"}))


class StakeForm(forms.Form):
    amount = forms.DecimalField(
        label=_("转股金额（万元）"), min_value=0.0001, max_digits=14, decimal_places=4
    )
    share_pct = forms.FloatField(label=_("持股比例（%）"), min_value=0.0001, max_value=100)
    converted_on = _date(_("转股日期"))
    holding_years = forms.IntegerField(label=_("持有期（年）"), min_value=1, max_value=15, initial=5)
    repurchase_pct = forms.FloatField(label=_("回购年化单利（%）"), min_value=0, max_value=20, initial=0)
    exit_plan = forms.ChoiceField(label=_("计划退出方式"), choices=())

    def __init__(self, *args, **kwargs):
        from kechuang.projects.vocabulary import ExitKind

        super().__init__(*args, **kwargs)
        self.fields["exit_plan"].choices = [c for c in ExitKind.choices if c[0] != ExitKind.WRITE_OFF]

    def values(self) -> dict:
        d = self.cleaned_data
        return {"amount": d["amount"], "share": d["share_pct"] / 100, "converted_on": d["converted_on"],
                "holding_years": d["holding_years"], "repurchase_rate": d["repurchase_pct"] / 100,
                "exit_plan": d["exit_plan"]}  # fmt: skip


class ValuationForm(forms.Form):
    valued_on = _date(_("估值日期"))
    company_value = forms.DecimalField(
        label=_("企业估值（万元）"), min_value=0, max_digits=14, decimal_places=4
    )
    method = forms.ChoiceField(label=_("估值方法"), choices=())
    by = forms.CharField(label=_("估值来源"), max_length=120, required=False)

    def __init__(self, *args, **kwargs):
        from kechuang.projects.vocabulary import ValuationMethod

        super().__init__(*args, **kwargs)
        self.fields["method"].choices = ValuationMethod.choices


class ExitForm(forms.Form):
    exited_on = _date(_("退出日期"))
    kind = forms.ChoiceField(label=_("退出方式"), choices=())
    share_pct = forms.FloatField(label=_("退出持股比例（%）"), min_value=0.0001, max_value=100)
    proceeds = forms.DecimalField(label=_("退出所得（万元）"), min_value=0, max_digits=14, decimal_places=4)
    buyer = forms.CharField(label=_("受让方"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        from kechuang.projects.vocabulary import ExitKind

        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = ExitKind.choices

    def values(self) -> dict:
        d = self.cleaned_data
        return {"exited_on": d["exited_on"], "kind": d["kind"], "share_sold": d["share_pct"] / 100,
                "proceeds": d["proceeds"], "buyer": d["buyer"]}  # fmt: skip


class EvaluationForm(forms.Form):
    """分类评价 by the project's class template: the period, each criterion's score (0..its weight) and
    the evidence it needs; the bounds and the missing evidence are checked by projects.evaluations."""

    period = forms.ChoiceField(label=_("评价期次"))
    evaluated_on = forms.DateField(label=_("评价日期"), widget=forms.DateInput(attrs={"type": "date"}))
    comment = forms.CharField(
        label=_("评价意见"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, template, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.template = template
        self.fields["period"].choices = list(zip(template.periods, template.periods_shown, strict=True))
        self.criteria = []
        for i, c in enumerate(template.criteria):
            score = forms.FloatField(label=_score_label(c, c.weight), required=False)
            self.fields[f"c{i}"] = score
            evidence = []
            for j, e in enumerate(c.evidence):
                unit = gettext("，").join(x for x in (names.unit(e.unit, e.unit_en), e.bounds) if x)
                label = localized(e) + (gettext("（%(k)s）") % {"k": unit} if unit else "")
                self.fields[f"c{i}e{j}"] = forms.CharField(
                    label=label, required=False, max_length=200,
                    widget=forms.TextInput(attrs={"data-kind": e.kind, "size": 14}),
                )  # fmt: skip
                evidence.append(f"c{i}e{j}")
            self.criteria.append((f"c{i}", evidence))

    def rows(self):
        """(score field, [evidence fields]) per criterion, for the template."""
        return [(self[s], [self[e] for e in ev]) for s, ev in self.criteria]

    def sheet(self) -> tuple[dict, dict]:
        scores, evidence = {}, {}
        for i, c in enumerate(self.template.criteria):
            scores[c.name] = self.cleaned_data.get(f"c{i}")
            evidence[c.name] = {
                e.name: self.cleaned_data.get(f"c{i}e{j}", "") for j, e in enumerate(c.evidence)
            }
        return scores, evidence


class OutputForm(forms.Form):
    """A paper or product the holder records on its project (projects.outputs checks the rest)."""

    kind = forms.ChoiceField(label=_("产出类型"), choices=())
    title = forms.CharField(label=_("名称"), max_length=200, required=False)  # empty: refused by the service
    dated_on = forms.DateField(
        label=_("发表或上市日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    evidence = forms.CharField(
        label=_("佐证"),
        max_length=300,
        required=False,
        help_text=_("论文：期刊名称与 DOI；产品：产品注册证号或首次销售凭证"),
    )

    def __init__(self, *args, **kwargs):
        from kechuang.projects.models import OutputKind

        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = OutputKind.choices


class EthicsCommitteeForm(forms.ModelForm):
    """The bureau registers an ethics committee or edits it (the fields it may review, until when its
    registration is valid); a committee made from earlier approvals gets its validity filled here."""

    fields = forms.MultipleChoiceField(
        label=_("可审查领域"), choices=(), widget=forms.CheckboxSelectMultiple, required=True
    )

    class Meta:
        model = EthicsCommittee
        fields = ("name", "registration", "institution", "fields", "valid_until")
        widgets = {"valid_until": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, **kwargs):
        from kechuang.projects.vocabulary import ETHICS_FIELDS, FIELDS, field_label

        super().__init__(*args, **kwargs)
        known = list(dict.fromkeys((*ETHICS_FIELDS, *FIELDS, *(self.instance.fields or []))))
        self.fields["fields"].choices = [(f, field_label(f)) for f in known]
        self.fields["valid_until"].required = True  # 有效期待补录 only for committees made from old approvals
        for name in ("name", "registration", "fields", "valid_until"):
            self.fields[name].error_messages["required"] = gettext("请填写%(label)s") % {
                "label": self.fields[name].label
            }

    def clean_registration(self):
        value = (self.cleaned_data.get("registration") or "").strip()
        old = self.instance.registration if self.instance.pk else None
        if old is not None and value != old and self.instance.approvals.exists():
            raise forms.ValidationError(
                _("该委员会已出具伦理审查批准，备案号「%(r)s」不能修改"), params={"r": old}
            )
        return value

    def clean_fields(self):
        """A field an approval of this committee relies on (its project's field) cannot be dropped:
        the approval would stop matching the registry it was checked against."""
        from kechuang.projects.vocabulary import field_label

        value = self.cleaned_data.get("fields") or []
        if not self.instance.pk:
            return value
        for approval in self.instance.approvals.select_related("project__application__call").order_by("pk"):
            field = approval.project.application.call.field
            if field not in value:
                raise forms.ValidationError(
                    _(
                        "项目「%(project)s」的伦理审查批件 %(number)s 依据本委员会对「%(field)s」领域的审查资格，不能去掉该领域"
                    ),
                    params={
                        "project": approval.project.code,
                        "number": approval.number,
                        "field": field_label(field),
                    },
                )
        return value

    def clean_valid_until(self):
        import datetime as dt

        value = self.cleaned_data.get("valid_until")
        if value is not None and not dt.date(2000, 1, 1) <= value <= dt.date(2100, 12, 31):
            raise forms.ValidationError(_("备案有效期应在 2000–2100 年之间"))
        return value
