"""ECharts options for the plan monitoring pages, built in Python (the CSP forbids inline scripts).

Each function returns a plain dict that a template embeds with ``json_script`` and static/js/app.js
hands to ``echarts.setOption``. Numbers stay in the indicator's own unit; nothing here touches the
database.
"""

from __future__ import annotations

import math

from django.utils.translation import gettext as _

BLUE = "#0b57d0"
PURPLE = "#6e2fb5"
GREY = "#8c959f"
ORANGE = "#bf8700"
BAND = "rgba(191, 135, 0, 0.18)"
RED = "#b3261e"
WARNING_COLORS = {"green": "#1a7f37", "yellow": "#d4a72c", "red": "#cf222e", None: "#afb8c1"}
FONT = "WenQuanYi Micro Hei, Microsoft YaHei, PingFang SC, sans-serif"


def _round(value: float | None, digits: int = 4) -> float | None:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return None
    return round(float(value), digits)


def _interpolate(start: float, end: float, share: float, geometric: bool) -> float:
    if geometric and start > 0 and end > 0:
        return start * (end / start) ** share
    return start + (end - start) * share


def _nice_ceiling(value: float) -> float:
    """The next round number (1, 1.2, 1.5, 2 … 8 × 10^k) at or above value: an axis end that reads well."""
    if value <= 0:
        return 1.0
    magnitude = 10 ** math.floor(math.log10(value))
    for step in (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10):
        if step * magnitude >= value:
            return step * magnitude
    return 10 * magnitude


def _base(title: str | None = None) -> dict:
    option: dict = {
        "textStyle": {"fontFamily": FONT},
        "tooltip": {"trigger": "item"},
        "grid": {"left": 56, "right": 24, "top": 56, "bottom": 36, "containLabel": True},
    }
    if title:
        option["title"] = {"text": title, "left": 8, "top": 4, "textStyle": {"fontSize": 14}}
    return option


def indicator_chart(
    observations: list[dict], evaluation: dict | None, unit: str, target_year: int, target_value: float | None
) -> dict:
    """Observations (simulated ones hollow and purple), the straight path from baseline to target,
    the projection to the target year with its 80% band.

    observations: [{"year", "value", "simulated"}] sorted by year; evaluation: one row of the engine's
    output (baseline_*, latest_*, projected_value/low/high, growth_model) or None.
    """
    ev = evaluation or {}
    first = min([o["year"] for o in observations] + [ev.get("baseline_year") or target_year])
    last = max([target_year] + [o["year"] for o in observations])
    years = list(range(first, last + 1))
    at = {y: i for i, y in enumerate(years)}
    blank = [None] * len(years)

    real, sim = list(blank), list(blank)
    last_real = None
    for obs in observations:
        i = at[obs["year"]]
        if obs["simulated"]:
            sim[i] = {"value": _round(obs["value"])}
        else:
            real[i] = _round(obs["value"])
            last_real = obs
    if last_real is not None and any(sim):
        # join the simulated line to the last real point without marking that point as simulated
        i = at[last_real["year"]]
        if sim[i] is None:
            sim[i] = {"value": _round(last_real["value"]), "symbol": "none"}

    series: list[dict] = [
        {
            "name": _("观测值"),
            "type": "line",
            "data": real,
            "connectNulls": True,
            "symbol": "circle",
            "symbolSize": 8,
            "itemStyle": {"color": BLUE},
            "lineStyle": {"color": BLUE, "width": 2},
            "z": 5,
        },
        {
            "name": _("模拟值"),
            "type": "line",
            "data": sim,
            "connectNulls": True,
            "symbol": "emptyCircle",
            "symbolSize": 9,
            "itemStyle": {"color": PURPLE, "borderWidth": 2},
            "lineStyle": {"color": PURPLE, "type": "dashed", "width": 1.5},
            "z": 5,
        },
    ]

    b_year, b_value = ev.get("baseline_year"), ev.get("baseline_value")
    target = ev.get("target_value", target_value)
    if b_year is not None and b_value is not None and target is not None and b_year in at:
        path = list(blank)
        path[at[b_year]] = _round(b_value)
        path[at[target_year]] = _round(target)
        series.append(
            {
                "name": _("规划路径"),
                "type": "line",
                "data": path,
                "connectNulls": True,
                "symbol": "none",
                "itemStyle": {"color": GREY},
                "lineStyle": {"color": GREY, "type": "dashed", "width": 1.5},
            }
        )
    if target is not None:
        mark = list(blank)
        mark[at[target_year]] = _round(target)
        series.append(
            {
                "name": _("目标值"),
                "type": "scatter",
                "data": mark,
                "symbol": "diamond",
                "symbolSize": 14,
                "itemStyle": {"color": RED},
            }
        )

    t_year, t_value = ev.get("latest_year"), ev.get("latest_value")
    projected = ev.get("projected_value")
    if t_year is not None and projected is not None and t_year < target_year and t_year in at:
        geometric = ev.get("growth_model") == "compound"
        low, high = ev.get("projected_low"), ev.get("projected_high")
        line, band_low, band_width = list(blank), list(blank), list(blank)
        for y in range(t_year, target_year + 1):
            share = (y - t_year) / (target_year - t_year)
            line[at[y]] = _round(_interpolate(t_value, projected, share, geometric))
            if low is not None and high is not None:
                lo = _interpolate(t_value, low, share, geometric)
                hi = _interpolate(t_value, high, share, geometric)
                band_low[at[y]] = _round(lo)
                band_width[at[y]] = _round(hi - lo)
        if any(v is not None for v in band_low):
            series.append(
                {
                    "name": "band-base",
                    "type": "line",
                    "data": band_low,
                    "stack": "band",
                    "symbol": "none",
                    "lineStyle": {"opacity": 0},
                    "silent": True,
                    "tooltip": {"show": False},
                }
            )
            series.append(
                {
                    "name": _("80% 预测区间"),
                    "type": "line",
                    "data": band_width,
                    "stack": "band",
                    "symbol": "none",
                    "lineStyle": {"opacity": 0},
                    "areaStyle": {"color": BAND},
                    "itemStyle": {"color": BAND},
                    "silent": True,
                    "tooltip": {"show": False},
                }
            )
        series.append(
            {
                "name": _("趋势预测"),
                "type": "line",
                "data": line,
                "symbol": "none",
                "itemStyle": {"color": ORANGE},
                "lineStyle": {"color": ORANGE, "type": "dotted", "width": 2},
            }
        )

    legend = [s["name"] for s in series if s["name"] != "band-base"]
    if not any(sim):
        legend.remove(_("模拟值"))
    option = _base()
    option.update(
        {
            "legend": {"data": legend, "top": 4, "left": "center"},
            "xAxis": {"type": "category", "data": [str(y) for y in years], "boundaryGap": False},
            "yAxis": {"type": "value", "name": unit, "scale": True},
            "series": series,
        }
    )
    return option


def ranking_chart(rows: list[dict], unit: str, target: float | None) -> dict:
    """Towns ranked for one indicator: rows [{"name", "value", "warning", "simulated"}] best first."""
    ordered = list(reversed(rows))  # ECharts draws the first category at the bottom
    top = max([r["value"] for r in rows if r["value"] is not None] + [target or 0, 0])
    data = [
        {
            "value": _round(r["value"]),
            "itemStyle": {
                "color": WARNING_COLORS.get(r["warning"], WARNING_COLORS[None]),
                "opacity": 0.55 if r["simulated"] else 1,
            },
        }
        for r in ordered
    ]
    series: dict = {
        "name": _("最新值"),
        "type": "bar",
        "data": data,
        "barMaxWidth": 22,
        "label": {"show": True, "position": "right"},
    }
    if target is not None:
        series["markLine"] = {
            "symbol": "none",
            "lineStyle": {"color": RED, "type": "dashed"},
            "label": {"formatter": _("全市目标") + " {c}"},
            "data": [{"xAxis": _round(target)}],
        }
    option = _base()
    option.update(
        {
            "grid": {"left": 8, "right": 56, "top": 32, "bottom": 24, "containLabel": True},
            "xAxis": {"type": "value", "name": unit, "min": 0, "max": _nice_ceiling(1.05 * top)},
            "yAxis": {"type": "category", "data": [r["name"] for r in ordered]},
            "series": [series],
        }
    )
    return option


def index_chart(rows: list[dict], city: float | None = None) -> dict:
    """The towns' plan index: rows [{"name", "index"}] of the towns, highest first. The city's index
    is not one of the bars (it is not a town to rank) but their reference line."""
    ordered = list(reversed(rows))
    series: dict = {
        "name": _("规划实施指数"),
        "type": "bar",
        "data": [_round(r["index"], 1) for r in ordered],
        "barMaxWidth": 18,
        "itemStyle": {"color": RED},
        "label": {"show": True, "position": "right"},
    }
    if city is not None:
        series["markLine"] = {
            "symbol": "none",
            "lineStyle": {"color": GREY, "type": "dashed"},
            "label": {"formatter": _("全市") + " {c}", "position": "end"},
            "data": [{"xAxis": _round(city, 1)}],
        }
    option = _base()
    option.update(
        {
            "grid": {"left": 8, "right": 40, "top": 24, "bottom": 24, "containLabel": True},
            "xAxis": {"type": "value", "min": 0, "max": 100},
            "yAxis": {"type": "category", "data": [r["name"] for r in ordered]},
            "series": [series],
        }
    )
    return option
