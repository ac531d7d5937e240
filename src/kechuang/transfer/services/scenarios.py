"""Scenario lists (应用场景清单): call → expert scoring → selection → publication."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Avg, Count
from django.utils import timezone
from django.utils.translation import gettext as _

from kechuang.accounts.models import Role
from kechuang.transfer import vocabulary as v
from kechuang.transfer.models import Scenario, ScenarioList, ScenarioScore


class ScenarioError(Exception):
    pass


def scored(scenario_list: ScenarioList):
    return scenario_list.scenarios.annotate(avg=Avg("scores__score"), n=Count("scores")).order_by(
        "-avg", "pk"
    )


def add_scenario(scenario_list: ScenarioList, **fields) -> Scenario:
    if scenario_list.stage != v.ScenarioStage.CALL:
        raise ScenarioError(_("征集阶段已结束，不能再添加场景"))
    return Scenario.objects.create(scenario_list=scenario_list, **fields)


def score(scenario: Scenario, expert, value: float, comment: str = "") -> ScenarioScore:
    if scenario.scenario_list.stage != v.ScenarioStage.SCORING:
        raise ScenarioError(_("只能在专家评分阶段评分"))
    if expert.role != Role.EXPERT:
        raise ScenarioError(_("只有评审专家可以评分"))
    if ScenarioScore.objects.filter(scenario=scenario, expert=expert).exists():
        raise ScenarioError(_("您已为该场景评分，评分不被覆盖"))
    return ScenarioScore.objects.create(scenario=scenario, expert=expert, score=value, comment=comment)


@transaction.atomic
def advance(scenario_list: ScenarioList) -> ScenarioList:
    """The next stage; entering selection marks the scenarios whose average score reaches the
    list's minimum as selected; publishing dates the list."""
    nxt = v.SCENARIO_NEXT.get(scenario_list.stage)
    if nxt is None:
        raise ScenarioError(_("清单已发布"))
    if nxt == v.ScenarioStage.SCORING and not scenario_list.scenarios.exists():
        raise ScenarioError(_("尚未征集到场景"))
    if nxt == v.ScenarioStage.SELECTION:
        for s in scored(scenario_list):
            selected = s.avg is not None and s.avg >= scenario_list.min_score
            if s.selected != selected:
                row = Scenario.objects.get(pk=s.pk)
                row.selected = selected
                row.save()  # audited, one by one
    if nxt == v.ScenarioStage.PUBLISHED:
        scenario_list.published_on = timezone.localdate()
    scenario_list.stage = nxt
    scenario_list.save()
    return scenario_list
