"""Why a warning light has its colour, in one sentence, from the engine's own figures.

The light combines two tests (engine.plan_eval): progress since the baseline against the time
elapsed (on schedule), and the recent trend against the yearly change still needed (on track). When
they disagree — green although progress lags the time, or yellow although on schedule — the card
and the indicator page say which test decided, with the numbers."""

from __future__ import annotations

from django.utils.translation import gettext as _


def _rate(item: dict, value: float | None) -> str:
    if value is None:
        return "—"
    if item.get("growth_model") == "compound":
        return f"{value * 100:+.1f}%"
    unit = item.get("unit") or ""
    if unit == "%":
        return _("%(v)s 个百分点") % {"v": f"{value:+.2f}"}
    return f"{value:+.2f} {unit}".strip()


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.0f}%"


def light_reason(item: dict) -> str:
    """The reason for the light of one evaluation row (a row of the engine's output, with unit)."""
    warning = item.get("warning")
    trend = item.get("trend")
    if warning is None:
        return _("无数据或无目标，不评估预警") if trend in ("no_data", "no_target") else ""
    if item.get("achieved"):
        return _("已达到目标值")
    numbers = {
        "progress": _pct(item.get("progress")),
        "time": _pct(item.get("time_elapsed")),
        "observed": _rate(item, item.get("observed_rate")),
        "required": _rate(item, item.get("required_rate")),
    }
    on_schedule = bool(item.get("on_schedule"))
    if item.get("stale") and warning != "red":
        return _("最新数据已两年以上未更新，不亮绿灯")
    if warning == "green":
        if trend == "on_track" and not on_schedule:
            return (
                _(
                    "绿灯：近年趋势（年均 %(observed)s）快于按期达标所需（年均 %(required)s），"
                    "虽然自基期以来的进展（%(progress)s）落后于时间进度（%(time)s）"
                )
                % numbers
            )
        return _("绿灯：完成进度 %(progress)s 不低于时间进度 %(time)s") % numbers
    if warning == "red":
        return (
            _(
                "红灯：完成进度 %(progress)s 落后于时间进度 %(time)s，且近年趋势（年均 %(observed)s）"
                "远不及按期达标所需（年均 %(required)s）"
            )
            % numbers
        )
    if on_schedule:
        return (
            _(
                "黄灯：完成进度 %(progress)s 虽不低于时间进度 %(time)s，但近年趋势与目标方向相反（年均 %(observed)s）"
            )
            % numbers
        )
    if trend == "insufficient_data":
        return _("黄灯：完成进度 %(progress)s 落后于时间进度 %(time)s，近年数据不足以判断趋势") % numbers
    return (
        _(
            "黄灯：完成进度 %(progress)s 落后于时间进度 %(time)s，近年趋势（年均 %(observed)s）"
            "慢于按期达标所需（年均 %(required)s），但仍在改善"
        )
        % numbers
    )
