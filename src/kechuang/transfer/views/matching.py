"""Demands (技术需求), scenario lists (应用场景清单) and matches (供需对接): a demand's page ranks the
published achievements with the shared terms; a match gets a technology manager and moves along."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from kechuang import access
from kechuang.accounts.models import OrgKind, Role, User
from kechuang.transfer import vocabulary as v
from kechuang.transfer.forms import DemandForm, ScenarioForm, ScenarioListForm, ScoreForm
from kechuang.transfer.models import (
    Achievement,
    Demand,
    Licence,
    Match,
    Scenario,
    ScenarioList,
    ScenarioScore,
    TechContract,
)
from kechuang.transfer.services import matching, scenarios
from kechuang.web.generic import ObjectListView, ObjectView


class DemandList(ObjectListView):
    model = Demand
    resource = "demand"
    denied_message = gettext_lazy("您的角色无权查看技术需求")
    template_name = "transfer/demands.html"

    def page_rows(self, queryset):
        return queryset.select_related("enterprise")

    def extra_context(self, **kwargs):
        u = self.request.user
        return {
            "can_post": bool(u.org_id and u.org.kind == OrgKind.ENTERPRISE) and access.can_change(u, "demand")
        }


class DemandDetail(ObjectView):
    model = Demand
    resource = "demand"
    template_name = "transfer/demand.html"

    def extra_context(self, object):
        user = self.request.user
        return {
            "demand": object,
            "ranked": matching.achievements_for_demand(user, object),
            "matches": access.visible(
                user, "transfer_match", object.matches.select_related("achievement", "manager")
            ),
            "may_propose": access.can_change(user, "transfer_match")
            and object.status != v.DemandStatus.CLOSED,
            "may_close": access.can_change(user, "demand", object) and object.status != v.DemandStatus.CLOSED,
        }


@login_required
@require_POST
def close_demand(request, pk):
    demand = get_object_or_404(access.scoped(request.user, "demand", Demand.objects.all(), "change"), pk=pk)
    try:
        matching.close_demand(demand, request.POST.get("reason", ""))
        messages.success(request, _("已关闭需求，不再参与匹配"))
    except matching.MatchError as exc:
        messages.error(request, str(exc))
    return redirect(demand.get_absolute_url())


@login_required
@require_http_methods(["GET", "POST"])
def new_demand(request):
    access.scoped(request.user, "demand", Demand.objects.none(), "change")
    org = request.user.org
    access.deny_unless(bool(org and org.kind == OrgKind.ENTERPRISE), _("技术需求由企业发布"))
    form = DemandForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.save(commit=False)
        d.enterprise, d.credit_code, d.posted_by = org, org.credit_code, request.user
        d.save()
        messages.success(request, _("已发布技术需求"))
        return redirect(d.get_absolute_url())
    return render(
        request, "transfer/edit.html", {"form": form, "title": _("发布技术需求"), "back": "transfer:demands"}
    )


@login_required
@require_POST
def propose(request, pk):
    demand = get_object_or_404(access.scoped(request.user, "demand", Demand.objects.all()), pk=pk)
    access.scoped(request.user, "transfer_match", Match.objects.none(), "change")
    pick = request.POST.get("achievement", "")
    a = Achievement.objects.filter(
        status=v.AchievementStatus.PUBLISHED, pk=int(pick) if pick.isdigit() else 0
    ).first()
    if a is None:
        messages.error(request, _("请选择一项可转化的成果"))
        return redirect(demand.get_absolute_url())
    ranked = {r["achievement"]: r for r in matching.achievements_for_demand(request.user, demand, top=50)}
    r = ranked.get(a.code, {"score": 0, "terms": []})
    try:
        m = matching.propose(demand, a, r["score"], r["terms"])
    except matching.MatchError as exc:
        messages.error(request, str(exc))
        return redirect(demand.get_absolute_url())
    if request.user.role == Role.TECH_MANAGER and m.manager_id is None:
        m.manager = request.user
        m.save()
    if not access.can_change(request.user, "transfer_match", m):
        messages.error(request, _("该对接已由其他技术经理人负责"))
        return redirect(demand.get_absolute_url())
    return redirect(m.get_absolute_url())


class MatchList(ObjectListView):
    model = Match
    resource = "transfer_match"
    template_name = "transfer/matches.html"

    def page_rows(self, queryset):
        return queryset.select_related("demand", "scenario", "achievement", "manager")


class MatchForm(forms.Form):
    to = forms.ChoiceField(
        label=gettext_lazy("变更为"),
        choices=[(s.value, s.label) for s in v.MatchState if s != v.MatchState.PROPOSED],
    )
    licence = forms.CharField(label=gettext_lazy("许可合同编号（签约时）"), required=False, max_length=40)
    contract = forms.CharField(
        label=gettext_lazy("技术合同登记编号（签约时）"), required=False, max_length=40
    )
    note = forms.CharField(label=gettext_lazy("备注"), required=False, max_length=500)


class MatchDetail(ObjectView):
    model = Match
    resource = "transfer_match"
    template_name = "transfer/match.html"

    def extra_context(self, object):
        user = self.request.user
        may_change = access.can_change(user, "transfer_match", object)
        return {
            "m": object,
            "form": MatchForm() if may_change else None,
            "managers": User.objects.filter(role=Role.TECH_MANAGER, is_active=True).order_by("username")
            if user.role in (Role.BUREAU_STAFF, Role.CITY_ADMIN)
            else None,
        }


@login_required
@require_POST
def match_state(request, pk):
    m = get_object_or_404(access.scoped(request.user, "transfer_match", Match.objects.all(), "change"), pk=pk)
    form = MatchForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        licence = Licence.objects.filter(code=d["licence"]).first() if d["licence"] else None
        contract = (
            TechContract.objects.filter(registration_no=d["contract"]).first() if d["contract"] else None
        )
        if (d["licence"] and licence is None) or (d["contract"] and contract is None):
            messages.error(request, _("找不到填写的许可合同或技术合同"))
            return redirect(m.get_absolute_url())
        try:
            matching.advance(m, d["to"], licence, contract, d["note"])
            messages.success(request, _("已更新对接状态"))
        except matching.MatchError as exc:
            messages.error(request, str(exc))
    return redirect(m.get_absolute_url())


@login_required
@require_POST
def match_assign(request, pk):
    m = get_object_or_404(access.scoped(request.user, "transfer_match", Match.objects.all(), "change"), pk=pk)
    access.deny_unless(request.user.role in (Role.BUREAU_STAFF, Role.CITY_ADMIN), _("技术经理人由科技局指派"))
    manager = User.objects.filter(pk=request.POST.get("manager") or 0, role=Role.TECH_MANAGER).first()
    if manager is None:
        messages.error(request, _("请选择一位技术经理人"))
        return redirect(m.get_absolute_url())
    m.manager = manager
    m.save()
    messages.success(request, _("已指派技术经理人 %(m)s") % {"m": manager})
    return redirect(m.get_absolute_url())


# ---------------------------------------------------------------------------------------------
# Scenario lists
# ---------------------------------------------------------------------------------------------


class ScenarioLists(ObjectListView):
    model = ScenarioList
    resource = "scenario"
    template_name = "transfer/scenario_lists.html"

    def extra_context(self, **kwargs):
        return {"can_create": access.can_change(self.request.user, "scenario")}


class ScenarioListDetail(ObjectView):
    model = ScenarioList
    resource = "scenario"
    template_name = "transfer/scenario_list.html"

    def extra_context(self, object):
        user = self.request.user
        mine = {}
        if user.role == Role.EXPERT:
            mine = dict(object.scenarios.filter(scores__expert=user).values_list("pk", "scores__score"))
        rows = list(scenarios.scored(object))
        for s in rows:  # the selected scenarios: the achievements that could answer them
            s.fits = matching.achievements_for_scenario(s) if s.selected else []
        return {
            "sl": object,
            "rows": rows,
            "may_manage": access.can_change(user, "scenario", object),
            "may_score": user.role == Role.EXPERT and object.stage == v.ScenarioStage.SCORING,
            "mine": mine,
            "scenario_form": ScenarioForm() if object.stage == v.ScenarioStage.CALL else None,
            "score_form": ScoreForm(),
        }


@login_required
@require_http_methods(["GET", "POST"])
def new_scenario_list(request):
    access.scoped(request.user, "scenario", ScenarioList.objects.none(), "change")
    form = ScenarioListForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        sl = form.save()
        return redirect(sl.get_absolute_url())
    return render(
        request,
        "transfer/edit.html",
        {"form": form, "title": _("新建应用场景清单"), "back": "transfer:scenario_lists"},
    )


@login_required
@require_POST
def scenario_add(request, pk):
    sl = get_object_or_404(
        access.scoped(request.user, "scenario", ScenarioList.objects.all(), "change"), pk=pk
    )
    form = ScenarioForm(request.POST)
    if form.is_valid():
        try:
            scenarios.add_scenario(sl, **form.cleaned_data)
            messages.success(request, _("已添加场景"))
        except scenarios.ScenarioError as exc:
            messages.error(request, str(exc))
    else:
        messages.error(request, "；".join(" ".join(e) for e in form.errors.values()))
    return redirect(sl.get_absolute_url())


@login_required
@require_POST
def scenario_advance(request, pk):
    sl = get_object_or_404(
        access.scoped(request.user, "scenario", ScenarioList.objects.all(), "change"), pk=pk
    )
    try:
        scenarios.advance(sl)
        messages.success(request, _("已进入「%(s)s」阶段") % {"s": sl.get_stage_display()})
    except scenarios.ScenarioError as exc:
        messages.error(request, str(exc))
    return redirect(sl.get_absolute_url())


@login_required
@require_POST
def scenario_score(request, pk):
    access.scoped(request.user, "scenario_score", ScenarioScore.objects.none(), "change")
    s = get_object_or_404(Scenario.objects.select_related("scenario_list"), pk=pk)
    form = ScoreForm(request.POST)
    if form.is_valid():
        try:
            scenarios.score(s, request.user, form.cleaned_data["score"], form.cleaned_data["comment"])
            messages.success(request, _("已评分"))
        except scenarios.ScenarioError as exc:
            messages.error(request, str(exc))
    else:
        messages.error(request, "；".join(" ".join(e) for e in form.errors.values()))
    return redirect(s.scenario_list.get_absolute_url())


urlpatterns = [
    path("demands/", DemandList.as_view(), name="demands"),
    path("demands/new/", new_demand, name="demand_new"),
    path("demands/<int:pk>/", DemandDetail.as_view(), name="demand"),
    path("demands/<int:pk>/propose/", propose, name="demand_propose"),
    path("demands/<int:pk>/close/", close_demand, name="demand_close"),
    path("matches/", MatchList.as_view(), name="matches"),
    path("matches/<int:pk>/", MatchDetail.as_view(), name="match"),
    path("matches/<int:pk>/state/", match_state, name="match_state"),
    path("matches/<int:pk>/assign/", match_assign, name="match_assign"),
    path("scenarios/", ScenarioLists.as_view(), name="scenario_lists"),
    path("scenarios/new/", new_scenario_list, name="scenario_list_new"),
    path("scenarios/<int:pk>/", ScenarioListDetail.as_view(), name="scenario_list"),
    path("scenarios/<int:pk>/add/", scenario_add, name="scenario_add"),
    path("scenarios/<int:pk>/advance/", scenario_advance, name="scenario_advance"),
    path("scenarios/item/<int:pk>/score/", scenario_score, name="scenario_score"),
]
