"""Forms of the carriers pages: filters, the annual report, bookings, vouchers, talent applications."""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kechuang.carriers.models import Booking, CarrierReport, TalentApplication
from kechuang.carriers.services import REPORT_FIELDS, report_fields
from kechuang.carriers.vocabulary import CarrierKind, Level, TalentClass, TalentRoute
from kechuang.web.names import unit


class CarrierFilterForm(forms.Form):
    q = forms.CharField(label=_("名称或编号"), required=False, max_length=60)
    kind = forms.ChoiceField(label=_("类型"), required=False, choices=[("", _("全部"))] + CarrierKind.choices)
    level = forms.ChoiceField(label=_("级别"), required=False, choices=[("", _("全部"))] + Level.choices)

    def apply(self, queryset):
        if not self.is_valid():
            return queryset
        d = self.cleaned_data
        if d["q"]:
            queryset = queryset.filter(Q(name__icontains=d["q"]) | Q(code__icontains=d["q"]))
        if d["kind"]:
            queryset = queryset.filter(kind=d["kind"])
        if d["level"]:
            queryset = queryset.filter(level=d["level"])
        return queryset


class ReportForm(forms.ModelForm):
    """The annual report; ``kind`` keeps the fields of that kind of carrier only. A part cannot be
    more than its whole (the page and the Excel upload check alike)."""

    PARTS = (
        ("non_rent_income", "total_income"),
        ("service_staff", "staff"),
        ("resident_rd_staff", "employees"),
        ("transfer_income", "operating_income"),
        ("operating_income", "income"),
    )

    class Meta:
        model = CarrierReport
        fields = REPORT_FIELDS

    def __init__(self, *args, kind: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        if kind:
            keep = set(report_fields(kind))
            for name in [f for f in self.fields if f not in keep]:
                del self.fields[name]

    def clean(self):
        data = super().clean()
        for part, whole in self.PARTS:
            a, b = data.get(part), data.get(whole)
            if part in self.fields and whole in self.fields and a is not None and b is not None and a > b:
                self.add_error(
                    part,
                    _("不能大于「%(w)s」（%(b)s）") % {"w": self.fields[whole].label, "b": f"{b:g}"},
                )
        return data

    def clean_listed_graduates(self):
        return self.cleaned_data.get("listed_graduates") or 0


class BookingForm(forms.ModelForm):
    class Meta:
        model = Booking
        fields = ["date", "hours_requested"]
        widgets = {"date": forms.DateInput(attrs={"type": "date"})}


class UseForm(forms.Form):
    hours = forms.FloatField(label=_("实际机时"), min_value=0.5, max_value=10000)
    rating = forms.IntegerField(label=_("用户评价（1–5）"), min_value=1, max_value=5, required=False)


class VoucherForm(forms.Form):
    amount = forms.FloatField(label=_("创新券金额（万元）"), min_value=0.01, max_value=10000)


class TalentForm(forms.ModelForm):
    """The application with the facts it states (the people vocabulary: one field per fact, named
    ``fact_<name>``; left empty, a fact is not stated and the rules needing it say 数据不全)."""

    id_number = forms.CharField(label=_("身份证件号码"), max_length=30)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from kechuang.carriers.talent_rules import BOUNDS
        from kechuang.engine.evaluation.people import PERSON_CHOICES, PERSON_COLUMNS, person_label
        from kechuang.web.names import english

        en = english()
        unstated = ("", _("未填"))
        for c in PERSON_COLUMNS:
            label = person_label(c.name, en)
            shown = unit(c.unit) if c.dtype is not bool else ""
            if shown and en and shown.isascii():
                label = f"{label} ({shown})"
            elif shown and not en:
                label = f"{label}（{shown}）"
            if c.name in PERSON_CHOICES:
                choices = [(str(v), e if en else z) for v, z, e in PERSON_CHOICES[c.name]]
                field = forms.TypedChoiceField(
                    label=label, required=False, choices=[unstated, *choices], coerce=float, empty_value=None
                )
            elif c.dtype is bool:
                field = forms.TypedChoiceField(
                    label=label,
                    required=False,
                    choices=[unstated, ("1", _("是")), ("0", _("否"))],
                    coerce=lambda v: v == "1",
                    empty_value=None,
                )
            else:
                low, high = BOUNDS.get(c.name, (0, 1e9))
                field = forms.FloatField(label=label, required=False, min_value=low, max_value=high)
            self.fields[f"fact_{c.name}"] = field

    def fact_fields(self):
        return [self[name] for name in self.fields if name.startswith("fact_")]

    def application_fields(self):
        return [self[name] for name in self.fields if not name.startswith("fact_")]

    def facts(self) -> dict:
        """The stated facts (empty ones left out), after is_valid()."""
        return {
            name.removeprefix("fact_"): value
            for name, value in self.cleaned_data.items()
            if name.startswith("fact_") and value is not None
        }

    def application(self) -> dict:
        """The application's own fields and its facts, as services.submit_application takes them."""
        return {name: self.cleaned_data[name] for name in self.Meta.fields} | {"facts": self.facts()}

    class Meta:
        model = TalentApplication
        fields = [
            "person_name",
            "employer_name",
            "region_code",
            "route",
            "claimed_class",
            "criterion",
            "evidence",
        ]
        widgets = {"evidence": forms.Textarea(attrs={"rows": 4})}


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("操作"),
        choices=[
            ("recommend", _("单位推荐")),
            ("declare_none", _("声明无利益冲突")),
            ("declare_conflict", _("声明回避")),
            ("score", _("专家评分")),
            ("approve", _("认定")),
            ("reject", _("不予认定")),
            ("revoke", _("弄虚作假，撤销")),
            ("evaluate", _("运行专家评定模板")),
        ],
    )
    text = forms.CharField(label=_("意见"), required=False, max_length=500)
    score = forms.FloatField(label=_("评分"), required=False, min_value=0, max_value=100)
    talent_class = forms.ChoiceField(
        label=_("认定类别"), required=False, choices=[("", "—")] + TalentClass.choices
    )


ROUTES = TalentRoute
