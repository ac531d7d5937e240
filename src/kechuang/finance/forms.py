"""Forms of 科技金融: granting a consent, applying, recording a decision, uploading outcomes."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kechuang.finance import vocabulary as v


class ConsentForm(forms.Form):
    bank = forms.ChoiceField(
        label=_("金融机构"), widget=forms.Select(attrs={"translate": "no"})
    )  # proper names
    fields = forms.MultipleChoiceField(
        label=_("授权查看的字段"),
        choices=[(k, k) for k in v.SHAREABLE],
        widget=forms.CheckboxSelectMultiple,
    )
    valid_until = forms.DateField(
        label=_("授权截止日"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    credit_code = forms.CharField(max_length=18, required=False, widget=forms.HiddenInput)

    def __init__(self, *args, banks=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["bank"].choices = [(b.code, b.name) for b in banks]
        self.fields["fields"].choices = [(k, v.field_label(k)) for k in v.SHAREABLE]
        if not self.is_bound:
            self.initial.setdefault(
                "valid_until", timezone.localdate() + dt.timedelta(days=v.CONSENT_DAYS_DEFAULT)
            )


class ApplyForm(forms.Form):
    product = forms.CharField(max_length=80)
    credit_code = forms.CharField(max_length=18)
    amount_requested = forms.FloatField(
        label=_("申请金额（万元）"), required=False, min_value=0.01, max_value=1e6
    )
    grant_consent = forms.BooleanField(required=False)


class DecisionForm(forms.Form):
    application = forms.IntegerField(min_value=1)
    decision = forms.ChoiceField(label=_("审批结果"), choices=v.DECISIONS)
    amount = forms.FloatField(label=_("批准金额（万元）"), required=False, min_value=0, max_value=1e6)
    decided_on = forms.DateField(
        label=_("审批日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    performance = forms.ChoiceField(label=_("贷后表现"), choices=v.PERFORMANCE, required=False)
    performance_on = forms.DateField(
        label=_("表现日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class OutcomesUploadForm(forms.Form):
    file = forms.FileField(label=_("审批与贷后表现文件（.xlsx 或 .csv）"))
