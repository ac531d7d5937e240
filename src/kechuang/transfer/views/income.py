"""Income distribution beyond licences (收益分配): the institution records a 作价投资 (the achievement
invested in a company for equity) or a 自行实施 / 合作实施 (put into production itself) with each year's
operating profit; the achievement page shows each inventor's part (services.income)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kechuang import access
from kechuang.transfer.forms import InvestmentForm, OwnUseForm, OwnUseProfitForm
from kechuang.transfer.models import Achievement, OwnUse
from kechuang.transfer.services import income
from kechuang.transfer.views.licences import _errors


def _changeable(request, pk) -> Achievement:
    return get_object_or_404(
        access.scoped(request.user, "achievement", Achievement.objects.all(), "change"), pk=pk
    )


@login_required
@require_POST
def add_investment(request, pk):
    a = _changeable(request, pk)
    form = InvestmentForm(request.POST)
    if form.is_valid():
        inv = form.save(commit=False)
        inv.achievement, inv.institution_id, inv.recorded_by = a, a.institution_id, request.user
        inv.save()
        messages.success(request, _("已记录作价投资：%(c)s") % {"c": inv.company})
    else:
        messages.error(request, _errors(form))
    return redirect(a.get_absolute_url() + "#income-modes")


@login_required
@require_POST
def add_own_use(request, pk):
    a = _changeable(request, pk)
    form = OwnUseForm(request.POST)
    if form.is_valid():
        ou = form.save(commit=False)
        ou.achievement, ou.institution_id, ou.recorded_by = a, a.institution_id, request.user
        ou.save()
        messages.success(request, _("已记录%(m)s") % {"m": ou.get_mode_display()})
    else:
        messages.error(request, _errors(form))
    return redirect(a.get_absolute_url() + "#income-modes")


@login_required
@require_POST
def add_profit(request, pk):
    rows = OwnUse.objects.filter(
        achievement__in=access.scoped(request.user, "achievement", Achievement.objects.all(), "change")
    )
    ou = get_object_or_404(rows.select_related("achievement"), pk=pk)
    form = OwnUseProfitForm(request.POST, own_use=ou)
    if form.is_valid():
        p = form.save(commit=False)
        p.own_use, p.recorded_by = ou, request.user
        p.save()
        messages.success(request, _("已填报 %(y)s 年营业利润") % {"y": p.year})
    else:
        messages.error(request, _errors(form))
    return redirect(ou.achievement.get_absolute_url() + "#income-modes")


def context_for(user, achievement: Achievement) -> dict:
    """The achievement page's 作价投资 / 自行实施 section: for the institution and the bureau (who see
    income policies), with the entry forms for those who may change the achievement."""
    if not access.can_view(user, "income_policy"):
        return {}
    policy = income.policy_for(achievement.institution_id)
    may = access.can_change(user, "achievement", achievement)
    return {
        "investments": [
            income.investment_distribution(i, policy)
            for i in achievement.investments.select_related("achievement")
        ],
        "own_uses": [
            income.own_use_distribution(o, policy) for o in achievement.own_uses.select_related("achievement")
        ],
        "investment_form": InvestmentForm() if may else None,
        "own_use_form": OwnUseForm() if may else None,
        "profit_form": OwnUseProfitForm() if may else None,
        "show_income_modes": True,
    }


urlpatterns = [
    path("achievements/<int:pk>/investment/", add_investment, name="achievement_investment"),
    path("achievements/<int:pk>/own-use/", add_own_use, name="achievement_own_use"),
    path("own-use/<int:pk>/profit/", add_profit, name="own_use_profit"),
]
