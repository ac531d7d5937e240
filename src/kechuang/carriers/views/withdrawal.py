"""摘牌 / 撤销认定: the bureau withdraws a carrier's recognition with a reason (and the evaluation
result whose consecutive failing grades led to it); the carrier's page shows the record, the audit
trail keeps the change."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from kechuang import access
from kechuang.carriers import services
from kechuang.carriers.models import Carrier, EvaluationResult


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("撤销原因"), max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )
    evaluation = forms.ModelChoiceField(
        label=gettext_lazy("依据的评价结果"), queryset=EvaluationResult.objects.none(), required=False
    )

    def __init__(self, *args, carrier: Carrier, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["evaluation"]
        field.queryset = carrier.evaluations.order_by("-period")
        field.label_from_instance = lambda e: (
            f"{services.TEMPLATES.get(e.template, e.template)} {e.period}：{e.grade_label}"
        )
        flagged = carrier.evaluations.filter(consequence=True).order_by("-period").first()
        if flagged is not None:
            field.initial = flagged.pk


@login_required
@require_http_methods(["GET", "POST"])
def withdraw(request, code: str):
    access.scoped(request.user, "carrier_withdrawal", Carrier.objects.none(), "change")
    carrier = get_object_or_404(access.visible(request.user, "carrier", Carrier.objects.all()), code=code)
    form = WithdrawForm(request.POST or None, carrier=carrier)
    if request.method == "POST" and form.is_valid():
        try:
            services.withdraw(
                carrier, form.cleaned_data["reason"], request.user, form.cleaned_data["evaluation"]
            )
        except ValidationError as exc:
            form.add_error(None, "；".join(exc.messages))
        else:
            messages.success(request, _("已撤销 %(name)s 的认定") % {"name": carrier.name})
            return redirect(carrier.get_absolute_url())
    flagged = carrier.evaluations.filter(consequence=True).order_by("-period")
    return render(request, "carriers/withdraw.html", {"carrier": carrier, "form": form, "flagged": flagged})


urlpatterns = [path("c/<str:code>/withdraw/", withdraw, name="withdraw")]
