"""The public portal's page of application-scenario lists (应用场景清单, /portal/scenarios/): the
selected scenarios of every published list, without login. Nothing else of a list is public (no
scores, no scenarios that were not selected, no lists still in call, scoring or selection)."""

from __future__ import annotations

from django.db.models import Prefetch
from django.shortcuts import render
from django.views.decorators.http import require_GET

from kechuang.transfer import vocabulary as v
from kechuang.transfer.models import Scenario, ScenarioList


def published_lists(field: str = ""):
    """The published lists with their selected scenarios (of one technology field, if given)."""
    selected = Scenario.objects.filter(selected=True).order_by("pk")
    if field:
        selected = selected.filter(field=field)
    return (
        ScenarioList.objects.filter(stage=v.ScenarioStage.PUBLISHED)
        .prefetch_related(Prefetch("scenarios", queryset=selected, to_attr="published_scenarios"))
        .order_by("-year", "-published_on", "-pk")
    )


@require_GET
def scenarios(request):
    field = request.GET.get("field", "")
    field = field if field in v.TECH_FIELDS else ""
    return render(
        request,
        "transfer/portal_scenarios.html",
        {"lists": list(published_lists(field)), "fields": v.TECH_FIELDS, "field": field},
    )
