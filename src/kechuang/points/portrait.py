"""What the points pages and the API show, from the stored scores (精准画像 and the ranking lists).

Every row comes from ``access.visible(user, "points", …)``: an enterprise user sees its own rows, a
town its region's, the bureau all; the cohort figures (median, size) are aggregates of the run.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl
from django.db.models import OuterRef, QuerySet, Subquery
from django.utils.translation import gettext as _

from kechuang import access
from kechuang.engine.points import PointsModel as ModelFile
from kechuang.engine.vocabulary import FACTS_BY_NAME
from kechuang.enterprises.bulk import read_frame
from kechuang.enterprises.models import Enterprise
from kechuang.points import vocabulary as words
from kechuang.points.models import PointsModelVersion, PointsRun, PointsScore
from kechuang.points.services import active_model, latest_run, version_model
from kechuang.regions import region_names
from kechuang.web.names import localized, unit

PEERS_SHOWN = 10


@dataclass
class Current:
    """The model version the pages show, its file, the years it has runs for and the chosen run."""

    version: PointsModelVersion | None
    model: ModelFile
    years: list[int]
    run: PointsRun | None
    year: int | None

    @property
    def is_sample(self) -> bool:
        return self.model.is_sample

    @property
    def names(self) -> dict[str, dict[str, str]]:
        return words.names(self.model)


def current(year=None, version=None) -> Current:
    """The version (default: the active model's current one), the runs' years and the run of ``year``
    (default: the latest year)."""
    if version is None:
        found = active_model()
        version, model = found.version, found.model
    else:
        model = version_model(version)
    years = []
    if version is not None:
        years = sorted(
            set(PointsRun.objects.filter(version=version, superseded=False).values_list("year", flat=True))
        )
    try:
        chosen = int(year) if year not in (None, "") else None
    except (TypeError, ValueError):
        chosen = None
    if chosen not in years:
        chosen = years[-1] if years else None
    run = latest_run(chosen, version) if chosen is not None else None
    return Current(version, model, years, run, chosen)


def scores(user, run: PointsRun | None) -> QuerySet:
    """The run's rows the user may see (a 403 for a role without any), with the enterprise's name."""
    base = PointsScore.objects.filter(run=run) if run else PointsScore.objects.none()
    rows = access.scoped(user, "points", base, message=_("您的角色无权查看创新积分"))
    name = Enterprise.objects.filter(pk=OuterRef("enterprise_id")).values("name")[:1]
    return rows.annotate(name=Subquery(name))


def fmt_value(value) -> str:
    if value is None:
        return "—"
    if abs(value - round(value)) < 1e-9 and abs(value) < 1e15:
        return f"{int(round(value)):,}"
    if abs(value) < 1:
        return f"{value:.4f}".rstrip("0").rstrip(".")
    return f"{value:,.2f}"


def unit_of(expr: str) -> str:
    column = FACTS_BY_NAME.get(expr.strip())
    return unit(column.unit) if column else ""


# ----------------------------------------------------------------------------------------------
# The enterprise portrait
# ----------------------------------------------------------------------------------------------


def history(user, credit_code: str) -> list[dict]:
    """Every stored (not superseded) score of the enterprise, by year and model version."""
    rows = access.visible(
        user,
        "points",
        PointsScore.objects.filter(credit_code=credit_code, run__superseded=False).select_related(
            "version__model"
        ),
    ).order_by("-year", "-version__number", "-id")
    out = []
    for r in rows:
        model = version_model(r.version)
        n = words.names(model)
        out.append(
            {
                "year": r.year,
                "version": r.version,
                "sample": model.is_sample,
                "stage": n["stage"].get(r.stage, r.stage),
                "excluded": n["excluded"].get(r.excluded, r.excluded),
                "points": r.points,
                "rank": r.rank,
                "cohort_size": r.cohort_size,
                "tier": n["tier"].get(r.tier, ""),
            }
        )
    return out


def _radar(model: ModelFile, score: PointsScore, run: PointsRun) -> dict | None:
    stage = score.stage
    groups = [g for g in model.group_list() if any(i.group == g.code for i in model.indicators)]
    if not stage or not groups:
        return None
    own, maxima = [], []
    for g in groups:
        inds = [i for i in model.indicators if i.group == g.code]
        own.append(round(sum((score.indicator_points or {}).get(i.code) or 0 for i in inds), 2))
        maxima.append(sum(float(i.weights[stage]) for i in inds))
    medians = (run.counts or {}).get("group_medians", {}).get(stage, {})
    median = [round(medians.get(g.code) or 0, 2) for g in groups]
    return {
        "tooltip": {},
        "legend": {"data": [_("本企业"), _("同阶段中位数")], "bottom": 0},
        "radar": {
            "indicator": [{"name": localized(g), "max": m or 1} for g, m in zip(groups, maxima, strict=True)]
        },
        "series": [
            {
                "type": "radar",
                "data": [
                    {"value": own, "name": _("本企业"), "areaStyle": {"opacity": 0.25}},
                    {"value": median, "name": _("同阶段中位数"), "lineStyle": {"type": "dashed"}},
                ],
            }
        ],
    }


def _indicators(model: ModelFile, score: PointsScore) -> list[dict]:
    groups = {g.code: localized(g) for g in model.group_list()}
    points, values = score.indicator_points or {}, score.indicator_values or {}
    out = []
    for ind in model.indicators:
        weight = float(ind.weights[score.stage]) if score.stage else None
        p = points.get(ind.code)
        out.append(
            {
                "code": ind.code,
                "name": localized(ind),
                "group": groups.get(ind.group, ind.group),
                "bonus": ind.bonus,
                "value": fmt_value(values.get(ind.code)),
                "unit": unit_of(ind.expr),
                "points": p,
                "weight": weight,
                "share": (100 * p / weight) if (p is not None and weight) else None,
            }
        )
    return out


def _improvements(model: ModelFile, score: PointsScore) -> list[dict]:
    by_code = {i.code: i for i in model.indicators}
    out = []
    for item in score.improvements or []:
        ind = by_code.get(item.get("indicator"))
        if ind is None:
            continue
        out.append(
            {
                "code": ind.code,
                "name": localized(ind),
                "value": fmt_value(item.get("value")),
                "target": fmt_value(item.get("target")),
                "unit": unit_of(ind.expr),
                "gain": item.get("gain"),
            }
        )
    return out


def industry_major(code: str) -> str:
    """The GB/T 4754 major class (门类字母 + 大类两位, e.g. C39) of an industry code."""
    return (code or "")[:3]


def _peers(user, score: PointsScore) -> dict:
    """Peers: scored enterprises of the same run and town in the same industry major class (大类,
    e.g. C39). The figures are aggregates over all of them; the named list holds only the peers the
    user may see (an enterprise user sees none by name)."""
    major = industry_major(score.industry_code)
    same = PointsScore.objects.filter(
        run_id=score.run_id, region_code=score.region_code, excluded="", points__isnull=False
    )
    same = same.filter(industry_code__startswith=major) if major else same.filter(industry_code="")
    points = pl.Series(list(same.values_list("points", flat=True)), dtype=pl.Float64)
    better = int((points > (score.points or 0) + 1e-9).sum()) if score.points is not None else None
    visible = (
        access.visible(user, "points", same.exclude(pk=score.pk))
        .annotate(name=enterprise_name())
        .order_by("-points", "credit_code")[:PEERS_SHOWN]
    )
    return {
        "industry": major,
        "count": points.len(),
        "median": points.median() if points.len() else None,
        "best": points.max() if points.len() else None,
        "position": (better + 1) if better is not None else None,
        "rows": list(visible),
    }


def enterprise_portrait(user, credit_code: str, current_: Current) -> dict | None:
    """The portrait of one enterprise for the chosen run; None when the user may not see it (404)."""
    visible_rows = access.scoped(
        user,
        "points",
        PointsScore.objects.filter(credit_code=credit_code),
        message=_("您的角色无权查看创新积分"),
    )
    # The points scope's filters name credit_code and region_code, which the registry has too: an
    # enterprise of the registry within the scope has a portrait even before it is scored.
    enterprise = access.visible(user, "points", Enterprise.objects.filter(credit_code=credit_code)).first()
    if enterprise is None and not visible_rows.exists():
        return None
    enterprise = enterprise or Enterprise.objects.filter(credit_code=credit_code).first()
    out = {
        "credit_code": credit_code,
        "enterprise": enterprise,
        "region_name": region_names().get(enterprise.region_code, enterprise.region_code)
        if enterprise
        else "",
        "history": history(user, credit_code),
        "score": None,
    }
    run = current_.run
    score = visible_rows.filter(run=run).first() if run else None
    if score is None:
        return out
    model, n = current_.model, current_.names
    out.update(
        {
            "score": score,
            "stage_name": n["stage"].get(score.stage, score.stage)
            if score.stage
            else str(words.NO_STAGE_LABEL),
            "excluded_name": n["excluded"].get(score.excluded, score.excluded),
            "tier_name": n["tier"].get(score.tier, ""),
            "top_percent": (100 * score.top_share) if score.top_share is not None else None,
            "indicators": _indicators(model, score),
            "improvements": _improvements(model, score),
            "radar": _radar(model, score, run) if score.points is not None else None,
            "peers": _peers(user, score) if score.points is not None else None,
        }
    )
    for row in (out["peers"] or {}).get("rows", []):
        row.stage_name = n["stage"].get(row.stage, row.stage)
    return out


# ----------------------------------------------------------------------------------------------
# Distribution charts (bureau and towns)
# ----------------------------------------------------------------------------------------------


def distribution(user, run: PointsRun, model: ModelFile, region: str = "") -> dict:
    """Histogram of points by stage and box plot by town, over the rows the user may see."""
    where, params = "", []
    kind = access.scope_kind(user, "points")
    if kind == "own_region":
        where, params = " AND region_code = %s", [user.org.region_code if user.org_id else "\0none"]
    elif kind != "all":
        return {}
    if region:
        where += " AND region_code = %s"
        params.append(region)
    table = PointsScore._meta.db_table
    frame = read_frame(
        f"SELECT stage, region_code, points FROM {table} WHERE run_id = %s AND points IS NOT NULL{where}",
        [run.pk, *params],
        schema={"stage": pl.Utf8, "region_code": pl.Utf8, "points": pl.Float64},
    )
    if frame.is_empty():
        return {}
    top = float(frame["points"].max() or 0)
    width = max(top / 20, 1e-9)
    bins = [round(width * k, 0) for k in range(21)]
    binned = frame.with_columns((pl.col("points") / width).floor().clip(0, 19).cast(pl.Int32).alias("bin"))
    counts = binned.group_by("stage", "bin").len()
    stages = [s for s in model.stages if s.code in set(frame["stage"].to_list())]
    series = []
    for s in stages:
        per = dict(counts.filter(pl.col("stage") == s.code).select("bin", "len").iter_rows())
        series.append(
            {"name": localized(s), "type": "bar", "stack": "n", "data": [per.get(k, 0) for k in range(20)]}
        )
    histogram = {
        "tooltip": {"trigger": "axis"},
        "legend": {"bottom": 0},
        "grid": {"left": 50, "right": 20, "top": 20, "bottom": 60},
        "xAxis": {
            "type": "category",
            "name": _("积分"),
            "data": [f"{bins[k]:.0f}–{bins[k + 1]:.0f}" for k in range(20)],
        },
        "yAxis": {"type": "value", "name": _("企业数")},
        "series": series,
    }
    names = region_names()
    towns = (
        frame.group_by("region_code")
        .agg(
            pl.col("points").min().alias("min"),
            pl.col("points").quantile(0.25, "linear").alias("q1"),
            pl.col("points").median().alias("median"),
            pl.col("points").quantile(0.75, "linear").alias("q3"),
            pl.col("points").max().alias("max"),
            pl.len().alias("n"),
        )
        .sort("median", descending=True)
    )
    box = {
        "tooltip": {"trigger": "item"},
        "grid": {"left": 50, "right": 20, "top": 20, "bottom": 110},
        "xAxis": {
            "type": "category",
            "data": [
                f"{names.get(c, c)}（{n}）" for c, n in zip(towns["region_code"], towns["n"], strict=True)
            ],
            "axisLabel": {"rotate": 60, "interval": 0, "fontSize": 10},
        },
        "yAxis": {"type": "value", "name": _("积分")},
        "series": [
            {
                "name": _("积分分布"),
                "type": "boxplot",
                "data": [
                    [round(v, 1) for v in row]
                    for row in towns.select("min", "q1", "median", "q3", "max").iter_rows()
                ],
            }
        ],
    }
    return {"histogram": histogram, "towns": box, "count": frame.height}


def stage_tier_table(run: PointsRun, model: ModelFile, rows: QuerySet) -> list[dict]:
    """Per stage: scored count and the count of each tier, over the visible rows."""
    counts = {}
    for stage, tier, n in _stage_tier_counts(rows):
        counts[(stage, tier)] = n
    out = []
    for s in model.stages:
        total = sum(n for (st, _t), n in counts.items() if st == s.code)
        out.append(
            {
                "code": s.code,
                "name": localized(s),
                "scored": total,
                "tiers": [
                    {"code": t.code, "name": localized(t), "n": counts.get((s.code, t.code), 0)}
                    for t in model.tiers
                ],
            }
        )
    return out


def _stage_tier_counts(rows: QuerySet):
    from django.db.models import Count

    return (
        rows.exclude(stage="")
        .filter(excluded="")
        .order_by()
        .values_list("stage", "tier")
        .annotate(n=Count("id"))
        .values_list("stage", "tier", "n")
    )


def enterprise_name() -> Subquery:
    """The registry name of a score row's enterprise (annotate with it)."""
    return Subquery(Enterprise.objects.filter(pk=OuterRef("enterprise_id")).values("name")[:1])
