"""Plan monitoring pages: overview, indicator page, plan versions and what changed between them.

Thin views: the scope comes from kechuang.access (through .selection, shared with plans.api), the
figures from plans.evaluation (the engine), the charts from .charts.
"""

from __future__ import annotations

from collections import Counter

import polars as pl
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kechuang import access
from kechuang.accounts.departments import department_names
from kechuang.engine.plan_eval import plan_index_by_region
from kechuang.engine.plan_labels import (
    BASELINE_SOURCE_LABELS,
    GROWTH_MODEL_LABELS,
    OPENSDG_LABELS,
    TREND_LABELS,
    WARNING_LABELS,
)
from kechuang.engine.years import parse_year
from kechuang.plans import asof
from kechuang.plans.evaluation import evaluate_plan
from kechuang.plans.models import Indicator, Plan, PlanVersion, RegionalTarget
from kechuang.plans.monitoring import charts
from kechuang.plans.monitoring.payload import payload
from kechuang.plans.monitoring.reasons import light_reason
from kechuang.plans.monitoring.selection import (
    plan_for,
    region_choices,
    resolve_region,
    visible_observations,
)
from kechuang.plans.observations import observations_frame
from kechuang.plans.schema import PlanFile, plan_diff
from kechuang.plans.tasks import services as task_service
from kechuang.portal.services import tiles
from kechuang.regions import region_names

# ---------------------------------------------------------------- page data


def _latest_flags(obs: pl.DataFrame, region: str) -> dict[tuple[str, int], dict]:
    """(indicator, year) → {"simulated", "source"} of the latest revisions of one region."""
    rows = obs.filter(pl.col("region") == region).select("indicator", "year", "simulated", "source")
    return {(r["indicator"], r["year"]): r for r in rows.iter_rows(named=True)}


def fmt_number(value: float | None, digits: int = 2) -> str:
    """4.1 not 4.10, 6274 not 6274.00: the figure as a table would print it."""
    if value is None:
        return "—"
    text = f"{value:.{digits}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _pct(value: float | None) -> float | None:
    return None if value is None else round(100 * value, 1)


def _labelled(item: dict) -> dict:
    """An evaluation row with its Chinese labels and percentages for the templates."""
    sdg = item.get("opensdg") or {
        "progress_value": item.get("opensdg_progress_value"),
        "status": item.get("opensdg_status"),
        "score": item.get("opensdg_score"),
    }
    progress = item.get("progress")
    achieved = bool(item.get("achieved"))
    return {
        **item,
        "opensdg": sdg,
        "trend_label": TREND_LABELS.get(item.get("trend"), ""),
        "warning_label": WARNING_LABELS.get(item.get("warning"), _("无预警")),
        "growth_label": GROWTH_MODEL_LABELS.get(item.get("growth_model"), ""),
        "baseline_source_label": BASELINE_SOURCE_LABELS.get(item.get("baseline_source"), ""),
        "opensdg_label": OPENSDG_LABELS.get(sdg["status"], ""),
        "progress_pct": _pct(progress),
        "bar_pct": 100.0 if achieved else (0.0 if progress is None else max(0.0, min(100.0, 100 * progress))),
        "latest_fmt": fmt_number(item.get("latest_value")),
        "target_fmt": fmt_number(item.get("target_value")),
        "baseline_fmt": fmt_number(item.get("baseline_value")),
        "time_pct": _pct(item.get("time_elapsed")),
        "probability_pct": _pct(item.get("probability")),
        "observed_pct": None if item.get("observed_rate") is None else 100 * item["observed_rate"],
        "required_pct": None if item.get("required_rate") is None else 100 * item["required_rate"],
        "reason": light_reason(item),
    }


def _selectors(request, plan: Plan) -> tuple[list, str, asof.AsOf]:
    """Regions the user may see, the region asked for, and the as-of: the year asked for, else the
    latest year with official data (plans.asof), among the years with data the user may see."""
    choices = region_choices(request.user, plan)
    region = resolve_region(request.user, plan, request.GET.get("region"), choices)
    years = (
        visible_observations(request.user, plan)
        .filter(is_latest=True)
        .order_by()
        .values_list("year", flat=True)
        .distinct()
    )
    return choices, region, asof.resolve(plan, parse_year(request.GET.get("as_of")), years)


def _task_summary(user, plan: Plan, when: asof.AsOf) -> dict | None:
    """The key tasks by status on the as-of's task date: the task board's own counts (plans.tasks)."""
    if not access.can_view(user, "task"):
        return None
    return task_service.summary(user, plan, when.task_date)


# ---------------------------------------------------------------- views


def _english_names(plan: Plan) -> dict[str, dict[str, str]]:
    """Indicator code → its English name and unit (the cards pick them with the |en filter)."""
    rows = Indicator.objects.filter(plan=plan).values_list("code", "name_en", "unit_en")
    return {code: {"name_en": name, "unit_en": unit} for code, name, unit in rows}


@login_required
def overview(request):
    access.deny_unless(access.can_view(request.user, "plan"))
    if not request.GET.get("plan") and not Plan.objects.exists():
        return render(request, "plans/overview.html", {"plan": None})
    plan = plan_for(request.user, request.GET.get("plan"))
    choices, region, when = _selectors(request, plan)
    results, indicators, as_of = evaluate_plan(plan, when.year)
    data = payload(plan.code, as_of, region, results, indicators)
    flags = _latest_flags(observations_frame(plan, as_of=as_of), region)
    sample_targets = set(
        RegionalTarget.objects.filter(indicator__plan=plan, region_code=region, sample=True).values_list(
            "indicator__code", flat=True
        )
    )
    english = _english_names(plan)
    cards = []
    for item in data["indicators"]:
        flag = flags.get((item["code"], item["latest_year"]), {})
        cards.append(
            {
                **_labelled(item),
                "simulated": bool(flag.get("simulated")),
                "sample_target": item["code"] in sample_targets,
                **english.get(item["code"], {}),
            }
        )
    counts = Counter(c["warning"] for c in cards)
    passes = [c for c in cards if c.get("on_schedule") or c.get("achieved") or c.get("trend") == "on_track"]
    by_test = {
        "on_schedule": sum(1 for c in cards if c.get("on_schedule")),
        "on_track": sum(1 for c in cards if c.get("achieved") or c.get("trend") == "on_track"),
        # passing a test but not green: stale data, or on schedule while the trend turned away
        "held": sum(1 for c in passes if c["warning"] not in ("green", None)),
    }
    names = dict(choices)
    index_rows = (
        plan_index_by_region(results.filter(pl.col("region").is_in(list(names))), indicators)
        .filter(pl.col("index").is_not_null())
        .sort("index", descending=True)
    )
    # the towns ranked; the city is their reference line, not one of the bars
    city_index = index_rows.filter(pl.col("region") == plan.region_code)["index"].to_list()
    index_rows = [
        {"name": names[r["region"]], "index": r["index"]}
        for r in index_rows.filter(pl.col("region") != plan.region_code).iter_rows(named=True)
    ]
    context = {
        "plan": plan,
        "version": plan.versions.defer("content").order_by("-number").first(),
        "as_of": as_of,
        "when": when,
        "tasks": _task_summary(request.user, plan, when),
        "region": region,
        "region_name": names[region],
        "regions": choices,
        "index": data["index"],
        "cards": cards,
        "counts": {k: counts.get(k, 0) for k in ("green", "yellow", "red")} | {"none": counts.get(None, 0)},
        "by_test": by_test,
        "any_simulated": any(c["simulated"] for c in cards),
        "may_enter": access.can_change(request.user, "observation"),
        "index_chart": charts.index_chart(index_rows, city_index[0] if city_index else None)
        if index_rows
        else None,
        "index_chart_height": 60 + 24 * len(index_rows),
    }
    return render(request, "plans/overview.html", context)


@login_required
def indicator(request, code: str):
    plan = plan_for(request.user, request.GET.get("plan"))
    access.deny_unless(access.can_view(request.user, "indicator"))
    ind = get_object_or_404(Indicator, plan=plan, code=code)
    choices, region, when = _selectors(request, plan)
    results, _indicators, as_of = evaluate_plan(plan, when.year)
    rows = {r["region"]: r for r in results.filter(pl.col("code") == code).iter_rows(named=True)}
    names = dict(choices)
    latest = list(
        visible_observations(request.user, plan)
        .filter(indicator=ind, is_latest=True, year__lte=as_of)
        .order_by("region_code", "year")
        .values("region_code", "year", "value", "simulated")
    )
    points = [o for o in latest if o["region_code"] == region]
    simulated_at = {(o["region_code"], o["year"]): o["simulated"] for o in latest}
    evaluation = _labelled(rows[region]) if region in rows else None
    ranking = []
    for r in rows.values():
        if r["region"] == plan.region_code or r["region"] not in names or r["latest_value"] is None:
            continue
        simulated = simulated_at.get((r["region"], r["latest_year"]), False)
        ranking.append({**_labelled(r), "name": names[r["region"]], "simulated": simulated})
    ranking.sort(key=lambda r: -ind.direction * r["latest_value"])
    history = (
        visible_observations(request.user, plan)
        .filter(indicator=ind, region_code=region)
        .select_related("batch")
        .order_by("-year", "-revision")
    )
    city_target = ind.target_value if ind.kind != "total" else None
    context = {
        "plan": plan,
        "ind": ind,
        "department": department_names(full=True).get(ind.owner_department, ind.owner_department),
        "as_of": as_of,
        "when": when,
        "region": region,
        "region_name": names[region],
        "regions": choices,
        "ev": evaluation,
        "regional_target": ind.regional_targets.filter(region_code=region).first(),
        "chart": charts.indicator_chart(
            [{"year": o["year"], "value": o["value"], "simulated": o["simulated"]} for o in points],
            evaluation,
            ind.unit,
            ind.target_year,
            ind.target_value if region == plan.region_code else None,
        ),
        "history": history,
        "ranking": [dict(r, rank=i) for i, r in enumerate(ranking, start=1)] if len(ranking) > 1 else [],
        "ranking_chart": charts.ranking_chart(
            [
                {
                    "name": r["name"],
                    "value": r["latest_value"],
                    "warning": r["warning"],
                    "simulated": r["simulated"],
                }
                for r in ranking
            ],
            ind.unit,
            city_target,
        ),
        "ranking_height": 60 + 30 * len(ranking),
        # the same regions as the ranking (the user's scope), placed on the tile map of the towns
        "tilemap": tiles(
            {r["region"]: r["latest_value"] for r in ranking},
            {r["region"]: r["warning"] for r in ranking},
            {r["region"] for r in ranking if r["simulated"]},
            ind.direction,
        )
        if ranking
        else None,
        "indicators": Indicator.objects.filter(plan=plan, active=True).only("code", "name", "seq"),
    }
    return render(request, "plans/indicator.html", context)


@login_required
def versions(request):
    plan = plan_for(request.user, request.GET.get("plan"))
    if request.GET.get("a") and request.GET.get("b"):
        a, b = _positive_int(request.GET["a"]), _positive_int(request.GET["b"])
        if a and b:
            return redirect(reverse("plans:version_diff", args=[a, b]) + _plan_query(request))
    rows = list(plan.versions.defer("content").order_by("-number"))
    return render(request, "plans/versions.html", {"plan": plan, "versions": rows})


def _positive_int(text) -> int | None:
    try:
        number = int(text)
    except (TypeError, ValueError):
        return None
    return number if number > 0 else None


def _plan_query(request) -> str:
    return f"?plan={request.GET['plan']}" if request.GET.get("plan") else ""


FIELD_LABELS = {
    "name": gettext_lazy("名称"),
    "unit": gettext_lazy("单位"),
    "seq": gettext_lazy("序号"),
    "baseline_year": gettext_lazy("基期年"),
    "baseline_value": gettext_lazy("现值"),
    "target_year": gettext_lazy("目标年"),
    "target_value": gettext_lazy("目标值"),
    "target_text": gettext_lazy("目标表述"),
    "nature": gettext_lazy("属性"),
    "direction": gettext_lazy("方向"),
    "growth_model": gettext_lazy("增长模型"),
    "kind": gettext_lazy("类型"),
    "weight": gettext_lazy("权重"),
    "owner_department": gettext_lazy("填报部门"),
    "description": gettext_lazy("说明"),
    "chapter": gettext_lazy("章"),
    "section": gettext_lazy("节"),
    "part": gettext_lazy("小标题"),
    "title": gettext_lazy("任务"),
    "title_from": gettext_lazy("标题来源"),
    "summary": gettext_lazy("内容摘要"),
    "lead_department": gettext_lazy("牵头部门"),
    "co_departments": gettext_lazy("配合部门"),
    "start": gettext_lazy("开始日期"),
    "due": gettext_lazy("完成时限"),
    "milestones": gettext_lazy("节点"),
    "sample": gettext_lazy("示例"),
    "region": gettext_lazy("地区"),
    "note": gettext_lazy("备注"),
    "sample_note": gettext_lazy("示例说明"),
    "chapters": gettext_lazy("章节结构"),
    "schema_version": gettext_lazy("文件格式版本"),
}
ENTITY_LABELS = {
    "plan": gettext_lazy("规划"),
    "indicator": gettext_lazy("指标"),
    "task": gettext_lazy("重点任务"),
    "regional_target": gettext_lazy("分解目标"),
}
KIND_LABELS = {
    "added": gettext_lazy("新增"),
    "removed": gettext_lazy("删除"),
    "changed": gettext_lazy("修改"),
}
DEPARTMENT_FIELDS = {"owner_department", "lead_department", "co_departments"}


def _show(value, field: str | None, depts: dict[str, str]) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if field in DEPARTMENT_FIELDS:
        codes = value if isinstance(value, list) else [value]
        return "、".join(depts.get(c, c) for c in codes)
    if field == "region":
        return region_names().get(value, value)
    if isinstance(value, dict):
        label = str(value.get("name") or value.get("title") or value.get("code") or value)
        return f"{label}（{value['due']}）" if value.get("due") else label
    if isinstance(value, list):
        return "；".join(_show(v, None, depts) for v in value)
    if isinstance(value, bool):
        return _("是") if value else _("否")
    return str(value)


@login_required
def version_diff(request, a: int, b: int):
    plan = plan_for(request.user, request.GET.get("plan"))
    old = get_object_or_404(PlanVersion, plan=plan, number=a)
    new = get_object_or_404(PlanVersion, plan=plan, number=b)
    old_file, new_file = PlanFile.model_validate(old.content), PlanFile.model_validate(new.content)
    names = {i.code: i.name for i in old_file.indicators} | {i.code: i.name for i in new_file.indicators}
    names |= {t.code: t.title for t in old_file.tasks} | {t.code: t.title for t in new_file.tasks}
    depts = department_names(full=True)
    changes = []
    for change in plan_diff(old_file, new_file):
        field = (change.field or "").removeprefix("plan.")
        subject, _at, where = change.code.partition("@")
        name = plan.name if change.entity == "plan" else names.get(subject, "")
        if where:
            name = f"{name} · {region_names().get(where.split(':')[0], where)}"
        changes.append(
            {
                "kind": change.kind,
                "kind_label": KIND_LABELS[change.kind],
                "entity": ENTITY_LABELS[change.entity],
                "code": change.code,
                "name": name,
                "field": FIELD_LABELS.get(field, field) if change.field else "",
                "before": _show(change.before, field or None, depts),
                "after": _show(change.after, field or None, depts),
                "text": change.describe(),
            }
        )
    context = {
        "plan": plan,
        "old": old,
        "new": new,
        "changes": changes,
        "versions": list(plan.versions.defer("content").order_by("-number")),
    }
    return render(request, "plans/version_diff.html", context)
