"""The ladder (科技型企业梯度培育): counts per year, region and tier from TierRecord, and the projection of
规上工业高新技术企业数 against the plan.

Counts are aggregated in the database (one GROUP BY over TierRecord, restricted to the enterprises
the caller passes — the user's visible set), then shaped with Polars. When the registry is the
synthetic demo population, a count scaled to the city (kechuang.engine.synth.scale_factor) is an
estimate and is always labelled so.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl
from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from kechuang.engine.synth import scale_factor
from kechuang.enterprises.models import Enterprise, TierRecord, Upload
from kechuang.enterprises.qualification import TIER_LABELS, TIER_ORDER
from kechuang.plans.texts import SYNTHETIC_NOTE
from kechuang.regions import CITY_CODE, region_names

INDICATOR = "industrial_hightech_enterprises"
# 规上工业高新技术企业: a valid 高企 certificate on 31 Dec Y, industrial (B/C/D), 主营业务收入 ≥ 2000 万元.
# The engine's tier says guishang_gaoqi; a 领军 enterprise (its own tier, certificate required) counts
# when its 规上 verdict is yes.
INDUSTRIAL_HIGHTECH = Q(tier="guishang_gaoqi") | Q(tier="lingjun", results__guishang_eligible="yes")
RUNGS = [
    ("kexiao", "科技型中小企业", ["kexiao", "gaoqi", "guishang_gaoqi", "lingjun"]),
    ("gaoqi", "高新技术企业", ["gaoqi", "guishang_gaoqi", "lingjun"]),
    ("guishang_gaoqi", "规上高新技术企业", ["guishang_gaoqi", "lingjun"]),
    ("lingjun", "科技领军企业", ["lingjun"]),
]
_COUNT_SCHEMA = {"year": pl.Int32, "region": pl.Utf8, "tier": pl.Utf8, "n": pl.Int64}


@dataclass(frozen=True)
class Scale:
    """How registry counts relate to the city: factor 1 for a real registry."""

    factor: float = 1.0
    sample: int = 0  # synthetic enterprises in the registry (0: not synthetic)

    @property
    def synthetic(self) -> bool:
        return self.sample > 0

    def apply(self, n: float | int | None) -> int | None:
        return None if n is None else round(n * self.factor)

    @property
    def note(self) -> str:
        return SYNTHETIC_NOTE.format(f"{self.factor:g}", self.sample) if self.synthetic else ""


def registry_scale() -> Scale:
    """Scale(factor, sample) when the registry holds the synthetic demo population.

    Only ``Upload.kind == "synthetic"`` (set by the demo) marks it: never a file name, since a real
    department file may well be called 合成材料企业名录.xlsx."""
    n = Enterprise.objects.filter(upload__kind=Upload.SYNTHETIC).count()
    return Scale(round(scale_factor(n), 4), n) if n else Scale()


# ---------------------------------------------------------------- counts


def _frame(rows, schema) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=schema, orient="row")


def tier_counts(enterprises: QuerySet) -> pl.DataFrame:
    """year, region, tier, n — every TierRecord of the given enterprises."""
    rows = (
        TierRecord.objects.filter(enterprise__in=enterprises.values("id"))
        .values_list("year", "region_code", "tier")
        .annotate(n=Count("id"))
        .order_by()
    )
    return _frame(list(rows), _COUNT_SCHEMA)


def industrial_hightech_counts(
    enterprises: QuerySet, year_from: int | None = None, year_to: int | None = None
) -> pl.DataFrame:
    """year, region, n: 规上工业高新技术企业 per town and year (0 for a town with records but none)."""
    qs = TierRecord.objects.filter(enterprise__in=enterprises.values("id"))
    if year_from is not None:
        qs = qs.filter(year__gte=year_from)
    if year_to is not None:
        qs = qs.filter(year__lte=year_to)
    schema = {"year": pl.Int32, "region": pl.Utf8, "n": pl.Int64}
    everyone = _frame(list(qs.values_list("year", "region_code").annotate(n=Count("id")).order_by()), schema)
    hit = _frame(
        list(
            qs.filter(INDUSTRIAL_HIGHTECH)
            .values_list("year", "region_code")
            .annotate(n=Count("id"))
            .order_by()
        ),
        schema,
    )
    return (
        everyone.select("year", "region")
        .join(hit, on=["year", "region"], how="left")
        .with_columns(pl.col("n").fill_null(0))
        .sort("year", "region")
    )


def city_and_towns(counts: pl.DataFrame) -> pl.DataFrame:
    """Add the city (sum of the towns) to year, region, n."""
    city = counts.group_by("year").agg(pl.col("n").sum()).with_columns(pl.lit(CITY_CODE).alias("region"))
    return pl.concat([city.select(counts.columns), counts]).sort("year", "region")


def in_region(counts: pl.DataFrame, region: str) -> pl.DataFrame:
    return counts if region == CITY_CODE else counts.filter(pl.col("region") == region)


def exclusive(counts: pl.DataFrame, year: int, region: str) -> dict[str, int]:
    """tier → number of enterprises whose highest rung is that tier (TierRecord counts)."""
    sub = in_region(counts, region).filter(pl.col("year") == year).group_by("tier").agg(pl.col("n").sum())
    got = dict(sub.iter_rows())
    return {t: int(got.get(t, 0)) for t in [*TIER_ORDER, "none"]}


def funnel(by_tier: dict[str, int]) -> list[dict]:
    """The ladder's rungs, each counting the enterprises at that rung or above."""
    return [
        {
            "tier": tier,
            "label": label,
            "n": sum(by_tier.get(t, 0) for t in tiers),
            "only": by_tier.get(tier, 0),
        }
        for tier, label, tiers in RUNGS
    ]


def by_year(counts: pl.DataFrame, region: str) -> dict[int, dict[str, int]]:
    years = sorted(set(counts["year"].to_list()))
    return {y: exclusive(counts, y, region) for y in years}


TOWN_COLUMNS = ["kexiao", "gaoqi", "guishang_gaoqi", "lingjun", "ladder", "industrial", "change", "reserve"]


def town_table(
    counts: pl.DataFrame,
    industrial: pl.DataFrame,
    year: int,
    reserve: dict[str, int] | None = None,
    sort: str = "industrial",
    descending: bool = True,
) -> list[dict]:
    """One row per town for a year: exclusive tier counts, the ladder total, 规上工业高企 and its change
    on the previous year, the 高企后备库 size; sorted by any column."""
    wide = (
        counts.filter(pl.col("year") == year)
        .pivot(on="tier", index="region", values="n", aggregate_function="sum")
        .fill_null(0)
    )
    for t in [*TIER_ORDER, "none"]:
        if t not in wide.columns:
            wide = wide.with_columns(pl.lit(0, pl.Int64).alias(t))
    now = industrial.filter(pl.col("year") == year).select("region", pl.col("n").alias("industrial"))
    before = industrial.filter(pl.col("year") == year - 1).select("region", pl.col("n").alias("before"))
    names = region_names()
    table = (
        wide.join(now, on="region", how="left")
        .join(before, on="region", how="left")
        .with_columns(
            pl.sum_horizontal(TIER_ORDER).alias("ladder"),
            pl.col("industrial").fill_null(0),
            (pl.col("industrial").fill_null(0) - pl.col("before")).alias("change"),
            pl.col("region")
            .replace_strict(reserve or {}, default=None, return_dtype=pl.Int64)
            .alias("reserve"),
            pl.col("region").replace_strict(names, default=pl.col("region")).alias("name"),
        )
    )
    key = sort if sort in [*TOWN_COLUMNS, "name"] else "industrial"
    return table.sort(key, descending=descending, nulls_last=True).to_dicts()


# ---------------------------------------------------------------- projection against the plan


def projection(plan, region: str, observations: QuerySet, registry: pl.DataFrame, scale: Scale) -> dict:
    """The indicator's observations, the plan evaluation's projection with its band and the target, and
    the registry-derived counts (scaled to the city when the registry is synthetic).

    observations: the user's visible Observation rows; registry: year, region, n (city included)."""
    from kechuang.plans.evaluation import evaluate_plan
    from kechuang.plans.models import Indicator

    indicator = Indicator.objects.filter(plan=plan, code=INDICATOR).first()
    if indicator is None:
        return {}
    results, _indicators, as_of = evaluate_plan(plan)
    rows = results.filter((pl.col("code") == INDICATOR) & (pl.col("region") == region)).to_dicts()
    evaluation = rows[0] if rows else {}
    obs = list(
        observations.filter(indicator=indicator, region_code=region, is_latest=True)
        .order_by("year")
        .values("year", "value", "simulated", "source", "note", "revision")
    )
    reg = registry.filter(pl.col("region") == region)
    derived = [
        {"year": r["year"], "sample": r["n"], "value": scale.apply(r["n"])}
        for r in reg.sort("year").iter_rows(named=True)
    ]
    target = evaluation.get("target_value")
    if target is None and region == CITY_CODE:
        target = indicator.target_value
    by_year = {o["year"]: dict(o) for o in obs}
    for d in derived:
        by_year.setdefault(d["year"], {"year": d["year"], "value": None})
        by_year[d["year"]] |= {"sample": d["sample"], "registry": d["value"]}
    return {
        "rows": [by_year[y] for y in sorted(by_year)],
        "indicator": indicator,
        "as_of": as_of,
        "evaluation": evaluation,
        "observations": obs,
        "registry": derived,
        "target_value": target,
        "target_year": indicator.target_year,
    }


def tier_label(tier: str) -> str:
    return TIER_LABELS.get(tier, tier)


# ---------------------------------------------------------------- ECharts options (built here: CSP)

FONT = "WenQuanYi Micro Hei, Microsoft YaHei, PingFang SC, sans-serif"
TIER_COLORS = {"kexiao": "#7aa7e8", "gaoqi": "#0b57d0", "guishang_gaoqi": "#b3261e", "lingjun": "#6e2fb5"}


def _base(**extra) -> dict:
    return {"textStyle": {"fontFamily": FONT}, "tooltip": {"trigger": "item"}, **extra}


def funnel_chart(rungs: list[dict]) -> dict:
    """The ladder as a funnel: each rung counts the enterprises at that rung or above."""
    data = [
        {"name": _(r["label"]), "value": r["n"], "itemStyle": {"color": TIER_COLORS[r["tier"]]}}
        for r in rungs
    ]
    return _base(
        series=[
            {
                "type": "funnel",
                "left": "8%",
                "right": "8%",
                "top": 16,
                "bottom": 16,
                "minSize": "18%",
                "sort": "none",
                "gap": 3,
                "label": {
                    "show": True,
                    "position": "inside",
                    "formatter": "{b}\n{c} " + _("家"),
                    "color": "#fff",
                },
                "data": data,
            }
        ]
    )


def by_year_chart(years: dict[int, dict[str, int]]) -> dict:
    """Stacked bars: enterprises by their highest rung, per year."""
    labels = [str(y) for y in years]
    series = [
        {
            "name": _(TIER_LABELS[t]),
            "type": "bar",
            "stack": "ladder",
            "barMaxWidth": 56,
            "itemStyle": {"color": TIER_COLORS[t]},
            "data": [counts[t] for counts in years.values()],
        }
        for t in TIER_ORDER
    ]
    return _base(
        tooltip={"trigger": "axis"},
        legend={"top": 4},
        grid={"left": 48, "right": 16, "top": 44, "bottom": 28, "containLabel": True},
        xAxis={"type": "category", "data": labels},
        yAxis={"type": "value", "name": _("家")},
        series=series,
    )


def _line(name: str, color: str, data: list, **style) -> dict:
    return {
        "name": name,
        "type": "line",
        "data": data,
        "connectNulls": True,
        "itemStyle": {"color": color},
        "lineStyle": {"color": color, "width": 2, **style.pop("line", {})},
        **style,
    }


def projection_chart(proj: dict, scale: Scale) -> dict:
    """Observations (simulated hollow), the registry-derived counts, the plan path to the target, and the
    evaluation's projection with its 80% band."""
    ev = proj.get("evaluation") or {}
    obs, derived = proj["observations"], proj["registry"]
    target_year, target = proj["target_year"], proj.get("target_value")
    years_seen = [o["year"] for o in obs] + [d["year"] for d in derived]
    first = min([*years_seen, ev.get("baseline_year") or target_year])
    years = list(range(first, max([target_year, *years_seen]) + 1))
    at = {y: i for i, y in enumerate(years)}

    def blank() -> list:
        return [None] * len(years)

    points, reg = blank(), blank()
    for o in obs:
        value = round(o["value"], 1)
        points[at[o["year"]]] = (
            {"value": value, "symbol": "emptyCircle", "itemStyle": {"color": "#6e2fb5", "borderWidth": 2}}
            if o["simulated"]
            else value
        )
    for d in derived:
        reg[at[d["year"]]] = d["value"]
    series = [
        _line(
            _("企业库测算（折算全市）") if scale.synthetic else _("企业库测算"),
            "#1a7f37",
            reg,
            symbol="rect",
            symbolSize=6,
            line={"type": "dashed", "width": 1.5},
            z=6,
        ),
        _line(_("规划监测值（空心为模拟）"), "#0b57d0", points, symbolSize=10, z=5),
    ]
    b_year, b_value = ev.get("baseline_year"), ev.get("baseline_value")
    if b_year in at and b_value is not None and target is not None:
        path = blank()
        path[at[b_year]], path[at[target_year]] = b_value, target
        series.append(
            _line(_("规划路径"), "#8c959f", path, symbol="none", line={"type": "dashed", "width": 1.5})
        )
    if target is not None:
        mark = blank()
        mark[at[target_year]] = target
        series.append(
            {"name": _("目标值"), "type": "scatter", "data": mark, "symbol": "diamond", "symbolSize": 14,
             "itemStyle": {"color": "#b3261e"}}
        )  # fmt: skip
    t_year, t_value, projected = ev.get("latest_year"), ev.get("latest_value"), ev.get("projected_value")
    if t_year in at and projected is not None and t_year < target_year:
        low, high = ev.get("projected_low"), ev.get("projected_high")
        line, base, width = blank(), blank(), blank()
        for y in range(t_year, target_year + 1):
            share = (y - t_year) / (target_year - t_year)
            line[at[y]] = round(t_value + (projected - t_value) * share, 1)
            if low is not None and high is not None:
                lo, hi = t_value + (low - t_value) * share, t_value + (high - t_value) * share
                base[at[y]], width[at[y]] = round(lo, 1), round(hi - lo, 1)
        if low is not None and high is not None:
            quiet = {"symbol": "none", "stack": "band", "silent": True, "tooltip": {"show": False}}
            series.append(
                {"name": "band-base", "type": "line", "data": base, "lineStyle": {"opacity": 0}, **quiet}
            )
            series.append(
                {"name": _("80% 预测区间"), "type": "line", "data": width, "lineStyle": {"opacity": 0},
                 "areaStyle": {"color": "rgba(191, 135, 0, 0.18)"}, "itemStyle": {"color": "rgba(191, 135, 0, 0.4)"},
                 **quiet}
            )  # fmt: skip
        series.append(_line(_("趋势预测"), "#bf8700", line, symbol="none", line={"type": "dotted"}))
    legend = [s["name"] for s in series if s["name"] != "band-base" and any(v is not None for v in s["data"])]
    return _base(
        tooltip={"trigger": "axis"},
        legend={"data": legend, "top": 4},
        grid={"left": 56, "right": 24, "top": 56, "bottom": 28, "containLabel": True},
        xAxis={"type": "category", "data": [str(y) for y in years], "boundaryGap": False},
        yAxis={"type": "value", "name": _("家"), "scale": True},
        series=series,
    )
