"""The public portal's transfer pages, without login.

- /portal/scenarios/ (应用场景清单): the selected scenarios of every published list. Nothing else of a
  list is public (no scores, no scenarios that were not selected, no lists still in call, scoring or
  selection).
- /portal/achievements/ (可转化的科技成果): the achievements offered for transfer (status 可转化, the
  rows access gives the "published" scope), by field and words of the title or keywords. What is
  public is the offer: no inventor shares, no licences, no income."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.shortcuts import render
from django.views.decorators.http import require_GET

from kechuang.transfer import vocabulary as v
from kechuang.transfer.models import Achievement, Scenario, ScenarioList


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


PER_PAGE = 30


def published_achievements(field: str = "", words: str = ""):
    """The achievements offered for transfer (可转化), of one field and containing the words, if given."""
    rows = Achievement.objects.filter(status=v.AchievementStatus.PUBLISHED).select_related("institution")
    if field:
        rows = rows.filter(field=field)
    for word in words.split()[:5]:
        rows = rows.filter(Q(title__icontains=word) | Q(keywords__icontains=word) | Q(code__iexact=word))
    return rows.order_by("-updated_at", "code")


@require_GET
def achievements(request):
    field = request.GET.get("field", "")
    field = field if field in v.TECH_FIELDS else ""
    words = request.GET.get("q", "").strip()[:100]
    page = Paginator(published_achievements(field, words), PER_PAGE).get_page(request.GET.get("page"))
    for a in page:
        a.trl_label = v.readiness_label(a.trl)
        a.mode_labels = [str(v.MODE_LABELS.get(m, m)) for m in a.modes or []]
    return render(
        request,
        "transfer/portal_achievements.html",
        {
            "page": page,
            "fields": v.TECH_FIELDS,
            "field": field,
            "words": words,
            "scale_note": v.READINESS_SCALE_NOTE,
        },
    )
