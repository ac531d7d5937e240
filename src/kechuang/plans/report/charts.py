"""Charts of the annual report as PNG images: one per indicator and a summary bar chart.

Matplotlib's object API (no pyplot, so no global state in a web server) renders with Agg. The labels
are gettext messages in the report's language. Chinese labels need a CJK font: :func:`.fonts.find_cjk_font`
looks for one on the machine (Debian's fonts-wqy-microhei, Noto CJK, Source Han …). Without one a
Chinese report's charts are labelled in English, with indicator codes for names, instead of tofu boxes,
and the report says so in its notes. Units in English come from the indicator's own English unit, else
:data:`kechuang.web.names.UNITS_EN` (the one table of English units).
"""

from __future__ import annotations

import io
import re
import textwrap
from contextlib import nullcontext

import matplotlib
from django.utils.translation import gettext as _
from django.utils.translation import override
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator, PercentFormatter

from kechuang.engine.plan_labels import WARNING_LABELS
from kechuang.plans.report.model import WARNING_COLOURS, AnnualReport, IndicatorRow
from kechuang.web.names import english, unit

CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")
GREY = "#8C959F"
REAL = "#0B57D0"
SIMULATED = "#8250DF"
DPI = 200


def _figure(width: float, height: float) -> Figure:
    fig = Figure(figsize=(width, height), dpi=DPI, layout="constrained")
    fig.set_facecolor("white")
    return fig


def _rc(font: str | None) -> dict:
    families = [font, "DejaVu Sans"] if font else ["DejaVu Sans"]
    return {"font.family": families, "font.size": 8, "axes.unicode_minus": False}


def _png(fig: Figure) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI, facecolor="white")
    return buf.getvalue()


def _words(font: str | None):
    """The language of a chart's words: the report's, but English for a Chinese report without a CJK font."""
    return nullcontext() if font is not None or english() else override("en")


def _name(row: IndicatorRow, font: str | None) -> str:
    """The indicator's name, or its code where the name would need a font the machine lacks."""
    return row.name if font is not None or not CJK.search(row.name) else row.code


def _unit(row: IndicatorRow) -> str:
    """The unit in the active language (inside :func:`_words`)."""
    return unit(row.unit, row.unit_en) if english() else row.unit


def _status(row: IndicatorRow) -> str:
    """「红灯」 / 「Red」 over the chart: the warning without its explanation."""
    text = WARNING_LABELS.get(row.warning)
    if not text:
        return _("无数据") if english() else "—"
    return re.split(r"（| \(", _(text))[0]


def _trend_line(row: IndicatorRow, year: float) -> float:
    """The engine's fitted trend at ``year``: through the projected value at the target year."""
    gap = row.target_year - year
    if row.growth_model == "compound":
        return row.projected_value / (1 + row.observed_rate) ** gap
    return row.projected_value - row.observed_rate * gap


def indicator_chart(row: IndicatorRow, font: str | None = None) -> bytes:
    """Observations (simulated ones hollow), the baseline→target path, the trend and its 80% band."""
    with _words(font):
        t = {
            "real": _("实际值"),
            "sim": _("模拟值"),
            "path": _("规划路径（基期→目标）"),
            "target": _("{year}年目标").format(year=row.target_year),
            "trend": _("趋势外推"),
            "band": _("80%预测区间"),
            "title": _("{name}（{unit}）").format(name=_name(row, font), unit=_unit(row)),
            "wrap": 64 if english() else 0,  # long English names: two lines, clear of the status
            "status": _status(row),
        }
    with matplotlib.rc_context(_rc(font)):
        fig = _figure(6.2, 2.6)
        ax = fig.add_subplot()
        obs = sorted(row.observations, key=lambda o: o.year)
        if row.baseline_year is not None and row.baseline_value is not None:
            ax.plot(
                [row.baseline_year, row.target_year],
                [row.baseline_value, row.target_value],
                ls="--",
                color=GREY,
                lw=1,
                label=t["path"],
            )
        ax.plot(
            [row.target_year],
            [row.target_value],
            marker="*",
            ms=10,
            color="#CF222E",
            ls="",
            label=t["target"],
        )
        if obs:
            ax.plot([o.year for o in obs], [o.value for o in obs], color=REAL, lw=1.2, alpha=0.6)
            real = [o for o in obs if not o.simulated]
            sim = [o for o in obs if o.simulated]
            if real:
                ax.plot(
                    [o.year for o in real], [o.value for o in real], "o", color=REAL, ms=4, label=t["real"]
                )
            if sim:
                ax.plot(
                    [o.year for o in sim],
                    [o.value for o in sim],
                    "o",
                    mfc="white",
                    mec=SIMULATED,
                    mew=1.3,
                    ms=4.5,
                    label=t["sim"],
                )
        if row.projected_value is not None and row.observed_rate is not None and row.latest_year is not None:
            colour = WARNING_COLOURS.get(row.warning, GREY)
            window = [o.year for o in obs if o.year >= row.latest_year - 5]
            start = window[0] if window else row.latest_year
            years = [start + i * (row.target_year - start) / 20 for i in range(21)]
            ax.plot(
                years, [_trend_line(row, y) for y in years], ls=":", lw=1.4, color=colour, label=t["trend"]
            )
            if row.projected_low is not None and row.target_year > row.latest_year:
                span = row.target_year - row.latest_year
                cone = [row.latest_year + i * span / 20 for i in range(21)]
                mid = [_trend_line(row, y) for y in cone]
                share = [(y - row.latest_year) / span for y in cone]
                lo = [
                    m - (row.projected_value - row.projected_low) * s for m, s in zip(mid, share, strict=True)
                ]
                hi = [
                    m + (row.projected_high - row.projected_value) * s
                    for m, s in zip(mid, share, strict=True)
                ]
                ax.fill_between(cone, lo, hi, color=colour, alpha=0.15, lw=0, label=t["band"])
        title = textwrap.fill(t["title"], t["wrap"]) if t["wrap"] else t["title"]
        ax.set_title(title, loc="left", fontsize=9)
        ax.set_title(t["status"], loc="right", fontsize=8.5, color=WARNING_COLOURS.get(row.warning, GREY))
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_axisbelow(True)
        ax.grid(True, color="#EAEEF2", lw=0.6)
        ax.spines[["top", "right"]].set_visible(False)
        ax.legend(fontsize=7.5, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False, borderaxespad=0)
        return _png(fig)


def summary_chart(report: AnnualReport, font: str | None = None) -> bytes:
    """Progress of each indicator towards its target, coloured by warning, with the time elapsed."""
    rows = report.indicators
    with _words(font):
        names = [_name(r, font) if font is not None or english() else r.code for r in rows]
        if english():  # English names are long: two lines of at most 32 characters
            names = [textwrap.fill(n, 32, max_lines=2, placeholder="…") for n in names]
        no_data = _("无数据")
        xlabel = _("完成进度（竖线为序时进度，红色虚线为目标）")
    with matplotlib.rc_context({**_rc(font), "font.size": 9}):
        fig = _figure(6.3, 0.42 * len(rows) + 1.1)
        ax = fig.add_subplot()
        ys = list(range(len(rows)))[::-1]
        for y, row in zip(ys, rows, strict=True):
            colour = WARNING_COLOURS.get(row.warning, GREY)
            value = row.progress
            if value is None:
                ax.text(0.01, y, no_data, va="center", color=GREY)
                continue
            shown = max(min(value, 1.2), -0.3)
            ax.barh(y, shown, color=colour, height=0.6)
            right = (
                max(shown, row.time_elapsed or 0) if abs(shown - (row.time_elapsed or 9)) < 0.07 else shown
            )
            ax.text(
                right + (0.015 if shown >= 0 else -0.015),
                y,
                f"{value:.0%}",
                va="center",
                ha="left" if shown >= 0 else "right",
                fontsize=7.5,
            )
            if row.time_elapsed is not None:
                ax.plot([row.time_elapsed] * 2, [y - 0.38, y + 0.38], color="#1F2328", lw=1.6)
        ax.set_axisbelow(True)
        ax.set_yticks(ys, names)
        ax.axvline(0, color="#57606A", lw=0.8)
        ax.axvline(1, color="#CF222E", lw=0.8, ls="--")
        ax.set_xlim(-0.35, 1.3)
        ax.xaxis.set_major_formatter(PercentFormatter(1.0))
        ax.set_xlabel(xlabel)
        ax.grid(True, axis="x", color="#EAEEF2", lw=0.6)
        ax.spines[["top", "right"]].set_visible(False)
        return _png(fig)


def report_charts(report: AnnualReport) -> dict[str, bytes]:
    """{"summary": png, <indicator code>: png, …} with the report's font (or none)."""
    font = report.chart_font
    out = {"summary": summary_chart(report, font)}
    for row in report.indicators:  # one chart per indicator (nine)
        out[row.code] = indicator_chart(row, font)
    return out
