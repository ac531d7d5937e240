"""摘牌 / 撤销认定: the bureau withdraws a carrier's recognition with a reason (and the evaluation
result whose consecutive failing grades led to it), and may undo it (恢复认定) with a reason; the
record is kept and marked revoked, the carrier's page shows the whole history, the audit trail keeps
every change. Who may is the access policy's (carriers.steps.carrier_to_decide)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from kechuang.carriers import services, steps
from kechuang.carriers.models import Carrier, EvaluationResult
from kechuang.carriers.views import named


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
            f"{services.TEMPLATES.get(e.template, e.template)} {e.period}{_('：')}{services.grade_text(e)}"
        )
        flagged = carrier.evaluations.filter(consequence=True).order_by("-period").first()
        if flagged is not None:
            field.initial = flagged.pk


@login_required
@require_http_methods(["GET", "POST"])
def withdraw(request, code: str):
    carrier = steps.carrier_to_decide(request.user, code)
    form = WithdrawForm(request.POST or None, carrier=carrier)
    if request.method == "POST" and form.is_valid():
        try:
            services.withdraw(
                carrier, form.cleaned_data["reason"], request.user, form.cleaned_data["evaluation"]
            )
        except ValidationError as exc:
            form.add_error(None, "；".join(exc.messages))
        else:
            messages.success(request, named(_("已撤销 %(name)s 的认定"), name=carrier.name))
            return redirect(carrier.get_absolute_url())
    flagged = carrier.evaluations.filter(consequence=True).order_by("-period")
    return render(request, "carriers/withdraw.html", {"carrier": carrier, "form": form, "flagged": flagged})


class RestoreForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("恢复认定的原因"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": gettext_lazy("请填写恢复认定的原因")},
    )


@login_required
@require_http_methods(["GET", "POST"])
def restore(request, code: str):
    """恢复认定: undo the standing withdrawal (a wrongly or no longer justified decision)."""
    carrier = steps.carrier_to_decide(request.user, code)
    form = RestoreForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.revoke_withdrawal(carrier, form.cleaned_data["reason"], request.user)
        except ValidationError as exc:
            form.add_error(None, "；".join(exc.messages))
        else:
            messages.success(request, named(_("已恢复 %(name)s 的认定"), name=carrier.name))
            return redirect(carrier.get_absolute_url())
    return render(
        request,
        "carriers/restore.html",
        {"carrier": carrier, "form": form, "standing": services.standing_withdrawal(carrier)},
    )


urlpatterns = [
    path("c/<str:code>/withdraw/", withdraw, name="withdraw"),
    path("c/<str:code>/withdraw/revoke/", restore, name="withdraw_revoke"),
]
