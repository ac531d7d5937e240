"""The annual report as an Excel workbook (XlsxWriter): 总体情况, 指标监测, 重点任务, 数据来源.

Numbers are written unrounded, in the indicators' own units, with a number format per unit (4.01 shown
as 「4.01%」, 147.53 as 「147.53 亿元」); fractions the engine computes (progress, probability) are
formatted as percentages. Header rows are frozen and filterable; status columns are coloured by
conditional formats so that a sorted or filtered sheet keeps its colours. Every cell goes through
kechuang.web.xlsx.Cells: text as text (an observation's 来源 or 备注 "=HYPERLINK(…)" is never a
formula), non-finite numbers as text. Sheet names, headers and words come in the active language
(:mod:`.render` sets the report's); in English a number's unit is the report's English unit.
"""

from __future__ import annotations

import io
from datetime import datetime

import xlsxwriter
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from kechuang.engine.plan_labels import (
    BASELINE_SOURCE_LABELS,
    GROWTH_MODEL_LABELS,
    TASK_STATUS_LABELS,
    WARNING_LABELS,
)
from kechuang.plans.report.model import CELL_FILLS, WARNING_COLOURS, AnnualReport
from kechuang.plans.report.text import (
    WARNING_SHORT,
    as_of_line,
    data_text,
    fmt_date,
    label,
    opensdg,
    overview_paragraphs,
    punct,
    recommendations,
    report_title,
    status,
    trend,
    warning,
    yes_no,
)
from kechuang.web.names import english
from kechuang.web.xlsx import Cells

FONT = {"font_name": "宋体", "font_size": 10, "valign": "vcenter"}
UNIT_FORMATS = {"%": '0.00"%"', "亿元": '#,##0.00" 亿元"', "家": '#,##0" 家"', "人年": '#,##0.00" 人年"'}
HEADER_FILL = "#E7EBF0"


class _Formats(Cells):
    """Formats by properties (on top of FONT) and the safe cell writers."""

    def __init__(self, wb):
        super().__init__(wb, FONT)

    @staticmethod
    def unit_props(unit: str, shown: str = "") -> dict:
        """The number format of an indicator's unit (``unit`` Chinese, ``shown`` as the report prints it)."""
        if english() and unit != "%":
            digits = "#,##0" if unit == "家" else "#,##0.00"
            return {"num_format": f'{digits}" {shown or unit}"'}
        return {"num_format": UNIT_FORMATS.get(unit, f'#,##0.00" {unit}"')}


def _header(ws, fmt, row: int, headers: list[tuple[str, float]]) -> None:
    head = {"bold": True, "bg_color": HEADER_FILL, "border": 1, "text_wrap": True, "align": "center"}
    for col, (text, width) in enumerate(headers):
        fmt.write(ws, row, col, _(text), head)
        ws.set_column(col, col, width)
    ws.set_row(row, 30)


def _colour_text(ws, fmt, first_row: int, last_row: int, col: int, words: dict[str, str]) -> None:
    """Fill cells containing a word with its warning's colour (conditional, survives sorting)."""
    for word, light in words.items():
        style = fmt(bg_color=CELL_FILLS[light], font_color=WARNING_COLOURS[light])
        ws.conditional_format(
            first_row,
            col,
            last_row,
            col,
            {"type": "text", "criteria": "containing", "value": word, "format": style},
        )


def _summary(wb, fmt, r: AnnualReport) -> None:
    ws = wb.add_worksheet(_("总体情况"))
    ws.set_column(0, 0, 26)
    ws.set_column(1, 1, 14)
    ws.set_column(2, 2, 90)
    fmt.merge_text(ws, 0, 0, 0, 2, report_title(r), {"bold": True, "font_size": 14, "font_name": "黑体"})
    info = _("规划：{plan}（{status}）；评估范围：{region}；{as_of}；生成日期：{date}").format(
        plan=r.plan_name,
        status=r.plan_status,
        region=r.region_name,
        as_of=as_of_line(r),
        date=fmt_date(r.generated_at.date()),
    )
    fmt.merge_text(ws, 1, 0, 1, 2, info, {"font_color": "#57606A"})
    _header(ws, fmt, 3, [(N_("项目"), 26), (N_("数值"), 14), (N_("说明"), 90)])
    s, w = r.summary, r.summary.warnings
    figures = [
        (_("规划实施指数"), s.plan_index, "0.0", _("满分100，各指标完成进度（0～100%）的加权平均")),
        (_("指标总数"), s.indicators, "0", ""),
        (_("有监测数据的指标"), s.with_data, "0", ""),
        (
            label(WARNING_LABELS["green"]),
            w["green"],
            "0",
            _("已达标，或按期可达，或达到序时进度且未逆向变化"),
        ),
        (label(WARNING_LABELS["yellow"]), w["yellow"], "0", _("未达到序时进度，或数据陈旧")),
        (label(WARNING_LABELS["red"]), w["red"], "0", _("未达到序时进度且进展缓慢、逆向变化或未达标")),
        (_("已达到2030年目标的指标"), s.achieved, "0", ""),
        (_("达到序时进度的指标"), s.on_schedule, "0", ""),
        (_("重点任务总数"), s.tasks, "0", _("按{date}评估").format(date=fmt_date(r.task_date))),
        (_("已完成任务"), s.tasks_completed, "0", ""),
        (_("逾期未完成任务"), s.tasks_overdue, "0", ""),
        (_("节点滞后任务"), s.tasks_milestone_late, "0", ""),
        (_("按期推进任务"), s.tasks_on_time, "0", ""),
    ]
    for i, (text, value, num, note) in enumerate(figures, start=4):
        fmt.write(ws, i, 0, text, {"border": 1})
        fmt.write(ws, i, 1, value, {"border": 1, "num_format": num}, blank=True)
        fmt.write(ws, i, 2, note, {"border": 1, "text_wrap": True}, blank=True)
    _colour_text(ws, fmt, 4, 4 + len(figures), 0, _warning_words())
    row = 5 + len(figures)
    wrap = {"text_wrap": True}
    per_line = 120 if english() else 60  # characters in a row of the merged cells
    for title, lines in (
        (_("总体情况"), overview_paragraphs(r)),
        (_("下一步建议"), recommendations(r)),
        (_("说明"), r.notes),
    ):
        fmt.write(ws, row, 0, title, {"bold": True, "font_name": "黑体"})
        row += 1
        for line in lines:
            fmt.merge_text(ws, row, 0, row, 2, line, wrap)
            ws.set_row(row, 15 * (1 + len(line) // per_line))
            row += 1
        row += 1
    ws.freeze_panes(4, 0)


def _warning_words() -> dict[str, str]:
    """The short warning words (绿灯 …) a cell containing them is coloured by."""
    return {str(WARNING_SHORT[w]): w for w in ("green", "yellow", "red")}


INDICATOR_HEADERS = [
    (N_("序号"), 5), (N_("指标代码"), 24), (N_("指标名称"), 30), (N_("单位"), 6), (N_("责任部门"), 14),
    (N_("基期年"), 7), (N_("基期值"), 11), (N_("基期来源"), 11), (N_("最新年份"), 8), (N_("最新值"), 11),
    (N_("最新值为模拟"), 8), (N_("目标年"), 7), (N_("目标值"), 11), (N_("目标表述"), 10), (N_("完成进度"), 9),
    (N_("序时进度"), 9), (N_("达到序时进度"), 8), (N_("已达标"), 7), (N_("增长模型"), 16),
    (N_("近年年均变化"), 11), (N_("所需年均变化"), 11), (N_("趋势"), 10), (N_("目标年预测值"), 11),
    (N_("预测下限(80%)"), 11), (N_("预测上限(80%)"), 11), (N_("达标概率"), 9), (N_("预警"), 13),
    (N_("数据陈旧"), 7), (N_("Open SDG 进展值"), 10), (N_("Open SDG 状态"), 16), (N_("Open SDG 得分"), 9),
]  # fmt: skip


def _indicators(wb, fmt, r: AnnualReport) -> None:
    ws = wb.add_worksheet(_("指标监测"))
    _header(ws, fmt, 0, INDICATOR_HEADERS)
    pct = {"num_format": "0%"}
    for i, x in enumerate(r.indicators, start=1):  # one row per indicator
        unit = fmt.unit_props(x.unit, x.unit_shown)
        rate = {"num_format": "0.0%"} if x.growth_model == "compound" else unit  # per year
        if x.growth_model != "compound" and x.unit == "%":
            points = _("个百分点")
            rate = {"num_format": f'0.00" {points}"'}
        source = BASELINE_SOURCE_LABELS.get(x.baseline_source)
        values = [
            (x.values["seq"], None), (x.code, None), (x.name, None), (x.unit_shown, None), (x.owner_name, None),
            (x.baseline_year, None), (x.baseline_value, unit), (label(source) if source else None, None),
            (x.latest_year, None), (x.latest_value, unit), (yes_no(x.latest_simulated), None),
            (x.target_year, None), (x.target_value, unit), (x.target_text, None),
            (x.progress, pct), (x.time_elapsed, pct), (yes_no(x.on_schedule), None), (yes_no(x.achieved), None),
            (label(GROWTH_MODEL_LABELS.get(x.growth_model, "")), None), (x.observed_rate, rate),
            (x.required_rate, rate), (trend(x), None), (x.projected_value, unit), (x.projected_low, unit),
            (x.projected_high, unit), (x.probability, pct), (warning(x), None), (yes_no(x.stale), None),
            (x.opensdg_progress_value, {"num_format": "0.00"}), (opensdg(x), None),
            (x.opensdg_score, {"num_format": "0.00"}),
        ]  # fmt: skip
        for col, (value, style) in enumerate(values):
            fmt.write(ws, i, col, value, style, blank=True)
    last = len(r.indicators)
    _colour_text(ws, fmt, 1, last, 26, _warning_words())
    ws.conditional_format(
        1,
        14,
        last,
        14,
        {"type": "data_bar", "bar_color": "#9BB8E8", "data_bar_2010": False},
    )
    ws.conditional_format(1, 10, last, 10, {"type": "cell", "criteria": "==", "value": f'"{yes_no(True)}"',
                                            "format": fmt(bg_color=CELL_FILLS["sim"])})  # fmt: skip
    ws.freeze_panes(1, 3)
    ws.autofilter(0, 0, last, len(INDICATOR_HEADERS) - 1)


TASK_HEADERS = [
    (N_("编号"), 8), (N_("章"), 4), (N_("节"), 4), (N_("任务"), 34), (N_("牵头部门"), 16), (N_("配合部门"), 26),
    (N_("完成时限"), 12), (N_("状态"), 11), (N_("逾期天数"), 8), (N_("滞后节点数"), 8),
    (N_("滞后节点（节点日期）"), 60), (N_("最新进度"), 8), (N_("示例分工"), 8),
]  # fmt: skip


def _tasks(wb, fmt, r: AnnualReport) -> None:
    ws = wb.add_worksheet(_("重点任务"))
    _header(ws, fmt, 0, TASK_HEADERS)
    day = {"num_format": "yyyy-mm-dd", "align": "left"}
    for i, t in enumerate(r.tasks, start=1):  # every key task (69 in the Dongguan plan)
        late = punct("；", "; ").join(
            _("{milestone}（{date}）").format(milestone=m, date=f"{d:%Y-%m-%d}") for m, d in t.late_milestones
        )
        co = punct("、", ", ").join(t.co_names)
        fmt.write_row(ws, i, 0, [t.code, t.chapter, t.section, t.title, t.lead_name, co])
        fmt.write(ws, i, 6, datetime(t.due.year, t.due.month, t.due.day), day)
        fmt.write_row(ws, i, 7, [status(t), t.overdue_days, len(t.late_milestones)])
        fmt.write(ws, i, 10, late, {"text_wrap": True})
        fmt.write(ws, i, 11, None if t.percent is None else t.percent / 100, {"num_format": "0%"}, blank=True)
        fmt.write(ws, i, 12, yes_no(t.sample))
    last = len(r.tasks)
    words = {label(TASK_STATUS_LABELS[s]): w for s, w in (("overdue", "red"), ("milestone_late", "yellow"))}
    _colour_text(ws, fmt, 1, last, 7, {**words, label(TASK_STATUS_LABELS["completed"]): "green"})
    ws.freeze_panes(1, 4)
    ws.autofilter(0, 0, last, len(TASK_HEADERS) - 1)


SOURCE_HEADERS = [
    (N_("指标代码"), 24), (N_("指标名称"), 30), (N_("地区"), 10), (N_("年份"), 7), (N_("数值"), 12),
    (N_("单位"), 6), (N_("来源"), 60), (N_("版次"), 6), (N_("模拟"), 6), (N_("备注"), 24),
]  # fmt: skip


def _sources(wb, fmt, r: AnnualReport) -> None:
    ws = wb.add_worksheet(_("数据来源"))
    _header(ws, fmt, 0, SOURCE_HEADERS)
    for i, o in enumerate(r.sources, start=1):  # every observation the evaluation used
        fmt.write_row(ws, i, 0, [o.indicator, o.indicator_name, o.region, o.year])
        fmt.write(ws, i, 4, o.value, fmt.unit_props(o.unit, o.unit_shown), blank=True)
        cells = [o.unit_shown, data_text(o.source), o.revision, yes_no(o.simulated), data_text(o.note)]
        fmt.write_row(ws, i, 5, cells)
    last = len(r.sources)
    sim = fmt(bg_color=CELL_FILLS["sim"])
    criteria = f'=$I2="{yes_no(True)}"'
    ws.conditional_format(1, 0, last, 9, {"type": "formula", "criteria": criteria, "format": sim})
    ws.freeze_panes(1, 2)
    ws.autofilter(0, 0, last, len(SOURCE_HEADERS) - 1)


def render_xlsx(report: AnnualReport) -> bytes:
    out = io.BytesIO()
    wb = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_urls": False})
    author = "kechuang" if english() else "科创 kechuang"
    wb.set_properties({"title": report_title(report), "author": author})
    fmt = _Formats(wb)
    _summary(wb, fmt, report)
    _indicators(wb, fmt, report)
    _tasks(wb, fmt, report)
    _sources(wb, fmt, report)
    wb.close()
    return out.getvalue()
