"""The words and numbers of the annual report, shared by its renderers (docx, xlsx, html).

Plain and factual: every sentence is made from the figures of :class:`.model.AnnualReport`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from kechuang.engine.plan_labels import WARNING_LABELS
from kechuang.plans.report.model import AnnualReport, IndicatorRow, TaskRow

SIMULATED_NOTE = (
    "模拟数据：本报告使用了模拟数据（演示用，非官方统计），已在指标表、图表和数据来源附录中标注“模拟”；"
    "正式评估前应以统计部门公布的数据替换。"
)

SAMPLE_NOTE = (
    "示例分工：规划征求意见稿未载明重点任务的牵头部门、配合部门、完成时限和节点，本报告中的部门分工、"
    "完成时限、节点和指标填报部门均为演示用的示例，不代表东莞市的正式分工。"
)

# ---------------------------------------------------------------- numbers as the report prints them


def fmt_value(value: float | None, unit: str = "") -> str:
    if value is None:
        return "—"
    digits = 0 if unit == "家" else 2
    return f"{value:,.{digits}f}"


def fmt_with_unit(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    return f"{fmt_value(value, unit)}{unit}"


def fmt_target(row: IndicatorRow) -> str:
    """The published target with its unit: 「4.1%左右」, 「超过250人年」."""
    match = re.match(r"^(\D*)([\d.,]+)(.*)$", row.target_text or "")
    if not match:
        return fmt_with_unit(row.target_value, row.unit)
    pre, number, post = match.groups()
    return f"{pre}{number}{row.unit}{post}"


def fmt_pct(fraction: float | None) -> str:
    return "—" if fraction is None else f"{fraction:.0%}"


def fmt_change(delta: float, unit: str) -> str:
    """An increase in the indicator's unit: 个百分点 for shares in %."""
    return f"{fmt_value(abs(delta), unit)}{'个百分点' if unit == '%' else unit}"


def fmt_rate(rate: float | None, model: str, unit: str) -> str:
    if rate is None:
        return "—"
    if model == "compound":
        return f"年均{'增长' if rate >= 0 else '下降'}{abs(rate):.1%}"
    return f"年均{'增加' if rate >= 0 else '减少'}{fmt_change(rate, unit)}"


def fmt_date(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def as_of_line(r: AnnualReport) -> str:
    """What the report is as of: the data year (official or simulated) and the task date."""
    if r.year_simulated:
        after = f"，{r.official_year}年以后" if r.official_year else ""
        data = f"数据截至{r.year}年（模拟{after}为演示用模拟数据，非官方统计）"
    else:
        data = f"数据截至{r.year}年（正式数据）"
    return f"{data} 重点任务状态截至{fmt_date(r.task_date)}"


def report_notes(report: AnnualReport) -> list[str]:
    notes = []
    if any(t.sample for t in report.tasks):
        notes.append(SAMPLE_NOTE)
    if report.uses_simulated:
        notes.append(SIMULATED_NOTE)
    if report.task_date < date(report.year, 12, 31):
        notes.append(
            f"{report.year}年尚未结束：重点任务按报告生成日期（{fmt_date(report.task_date)}）评估，"
            "完成时限在此之后的任务不计为逾期。"
        )
    if report.chart_font is None:
        notes.append(
            "图表说明：生成报告的计算机上未找到中文字体，图表中以指标代码和英文标注（与正文指标一一对应）。"
        )
    notes.append(
        "评估方法：完成进度=（最新值−基期值）/（目标值−基期值）；序时进度=已过时间占规划期的比例；"
        "趋势按最近6个年度数据的年均变化与按期达标所需年均变化之比判断；达标概率按趋势外推的t分布预测区间计算；"
        "另列Open SDG进展测度（加拿大统计局方法）以便与其他平台比较。规划指数=各指标完成进度（0～100%）的加权平均×100。"
    )
    return notes


# ---------------------------------------------------------------- text shared by the renderers


def overview_paragraphs(r: AnnualReport) -> list[str]:
    s = r.summary
    w = s.warnings
    index = "—" if s.plan_index is None else f"{s.plan_index:.1f}"
    first = (
        f"截至{r.year}年，{r.plan_name}{s.indicators}项主要指标中，{s.with_data}项有监测数据，"
        f"规划实施指数为{index}（满分100，按各指标完成进度计算）。"
        f"预警结果为：绿灯{w['green']}项、黄灯{w['yellow']}项、红灯{w['red']}项；"
        f"已达到2030年目标{s.achieved}项，达到序时进度{s.on_schedule}项。"
    )
    second = (
        f"规划{s.tasks}项重点任务中，截至{fmt_date(r.task_date)}，已完成{s.tasks_completed}项，"
        f"逾期未完成{s.tasks_overdue}项，节点滞后{s.tasks_milestone_late}项，按期推进{s.tasks_on_time}项。"
    )
    return [first, second]


def indicator_sentence(row: IndicatorRow) -> str:
    """A plain, factual account of one indicator (for the lagging indicators)."""
    if row.latest_year is None:
        return f"{row.name}尚无监测数据。责任部门：{row.owner_name}。"
    unit = row.unit
    parts = [f"{row.name}{row.latest_year}年为{fmt_with_unit(row.latest_value, unit)}"]
    if row.latest_simulated:
        parts[0] += "（模拟）"
    if row.baseline_value is not None and row.baseline_year != row.latest_year:
        delta = row.latest_value - row.baseline_value
        verb = "提高" if delta >= 0 else "下降"
        parts.append(
            f"较{row.baseline_year}年（{fmt_with_unit(row.baseline_value, unit)}）{verb}{fmt_change(delta, unit)}"
        )
    if row.progress is not None:
        parts.append(f"完成进度{fmt_pct(row.progress)}，序时进度{fmt_pct(row.time_elapsed)}")
    text = "，".join(parts) + "；"
    if row.observed_rate is not None and row.required_rate is not None:
        model = row.growth_model
        text += f"近年{fmt_rate(row.observed_rate, model, unit)}，按期达标需{fmt_rate(row.required_rate, model, unit)}，"
    text += f"趋势判断为“{row.trend_label}”"
    if row.projected_value is not None:
        text += f"，按现有趋势{row.target_year}年预计为{fmt_with_unit(row.projected_value, unit)}"
        if row.projected_low is not None:
            text += f"（80%区间{fmt_with_unit(row.projected_low, unit)}～{fmt_with_unit(row.projected_high, unit)}）"
    if row.probability is not None:
        text += f"，达标概率{fmt_pct(row.probability)}"
    text += f"（{row.target_year}年目标{fmt_target(row)}）。"
    if row.stale:
        text += f"最新数据为{row.latest_year}年，已陈旧。"
    return text + f"责任部门：{row.owner_name}。"


CN_NUMBERS = "一二三四五六七八九十"


def indicator_intro(r: AnnualReport) -> str:
    return (
        f"规划确定的{len(r.indicators)}项主要指标（均为预期性指标）监测结果见表2。完成进度低于序时进度且趋势"
        "缓慢或逆向的为红灯，已达标或按期可达的为绿灯，其余为黄灯；数据两年以上未更新的绿灯降为黄灯。"
    )


def indicator_table_note(r: AnnualReport) -> str:
    sim = "；“模拟”为模拟数据" if r.uses_simulated else ""
    return (
        f"注：{WARNING_LEGEND}；完成进度、序时进度和预警单元格按预警着色；基期值、最新值下为其年份，"
        f"无规划基期值的以最早观测值为基期{sim}。"
    )


def chart_note(r: AnnualReport) -> str:
    points = "实心点为统计数据，空心点为模拟数据" if r.uses_simulated else "圆点为统计数据"
    return f"各图中{points}，虚线为基期到目标的规划路径，点线及阴影为按近年趋势的外推及其80%预测区间。"


def tasks_intro(r: AnnualReport) -> str:
    s = r.summary
    sample = "（牵头部门、完成时限和节点为示例分工）" if any(t.sample for t in r.tasks) else ""
    return (
        f"按{fmt_date(r.task_date)}评估，{s.tasks}项重点任务{sample}中逾期未完成{s.tasks_overdue}项、"
        f"节点滞后{s.tasks_milestone_late}项。各牵头部门推进情况见表4。"
    )


def appendix_intro(r: AnnualReport) -> str:
    sim = "；标注“模拟”的为演示用模拟数据" if r.uses_simulated else ""
    return (
        f"下表列出本报告评估所用的{r.region_name}全部观测值（各指标、年份的最新版次）。"
        f"版次大于1表示数据经过更正，历次版本均保留在平台中{sim}。"
    )


def numbered(items: list[str]) -> list[str]:
    """「（一）…」「（二）…」 as a Chinese report numbers its points."""
    return [f"（{CN_NUMBERS[n] if n < len(CN_NUMBERS) else n + 1}）{text}" for n, text in enumerate(items)]


def recommendations(r: AnnualReport) -> list[str]:
    """Next steps that follow from the figures: lagging indicators, stale data, overdue tasks."""
    out = []
    red = [x for x in r.lagging if x.warning == "red"]
    yellow = [x for x in r.lagging if x.warning == "yellow"]
    for x in red:
        out.append(
            f"对红灯指标“{x.name}”，建议由{x.owner_name}牵头分析滞后原因，提出针对性措施，"
            f"在下一年度评估前报送整改情况；按期达标需{fmt_rate(x.required_rate, x.growth_model, x.unit)}。"
        )
    if yellow:
        names = "、".join(f"“{x.name}”（{x.owner_name}）" for x in yellow)
        out.append(f"对黄灯指标{names}，建议各责任部门加快推进，确保达到序时进度。")
    stale = [x for x in r.indicators if x.stale]
    missing = [x for x in r.indicators if x.latest_year is None]
    if stale or missing:
        names = "、".join(f"“{x.name}”（{x.owner_name}）" for x in stale + missing)
        out.append(f"指标{names}的数据缺失或陈旧，建议责任部门及时报送最新统计数据。")
    for name, tasks in r.overdue_by_department():
        titles = "、".join(f"“{t.title.rstrip('。')}”" for t in tasks)
        out.append(f"{name}牵头的{len(tasks)}项任务已逾期（{titles}），建议明确完成时限并报送进展。")
    if r.summary.tasks_milestone_late:
        out.append(
            f"{r.summary.tasks_milestone_late}项任务存在逾期未完成的节点，建议各牵头部门在平台上报送进展，"
            "逐项核实节点完成情况。"
        )
    if r.uses_simulated:
        out.append("本报告部分数据为模拟值，正式印发前应以统计部门公布的数据替换后重新生成。")
    if not out:
        out.append("各项指标和任务总体按期推进，建议保持现有工作力度，继续按年度开展监测评估。")
    return out


# ---------------------------------------------------------------- the report's tables (docx and html)

WARNING_SHORT = {"green": "绿灯", "yellow": "黄灯", "red": "红灯"}
WARNING_LEGEND = "；".join(f"“{WARNING_SHORT[w]}”即{WARNING_LABELS[w]}" for w in ("green", "yellow", "red"))


@dataclass
class TextTable:
    """Headers and cells as text ("\n" breaks a line); ``marks`` colour cells: row → {column: mark}, where a
    mark is a warning (green, yellow, red) or ``sim`` for a simulated value."""

    headers: list[str]
    rows: list[list[str]] = field(default_factory=list)
    marks: list[dict[int, str]] = field(default_factory=list)

    def add(self, cells: list, marks: dict[int, str | None] | None = None) -> None:
        self.rows.append([str(c) for c in cells])
        self.marks.append({i: m for i, m in (marks or {}).items() if m})

    @property
    def cells(self) -> list[list[tuple[str, str]]]:
        """[(text, mark or "")] per row, for templates."""
        return [
            [(c, m.get(i, "")) for i, c in enumerate(row)]
            for row, m in zip(self.rows, self.marks, strict=True)
        ]


def summary_table(r: AnnualReport) -> TextTable:
    s, w = r.summary, r.summary.warnings
    headers = [
        "规划实施\n指数",
        "绿灯指标",
        "黄灯指标",
        "红灯指标",
        "达到序时\n进度",
        "已完成\n任务",
        "逾期任务",
    ]
    table = TextTable([*headers, "节点滞后\n任务"])
    index = "—" if s.plan_index is None else f"{s.plan_index:.1f}"
    counts = [w["green"], w["yellow"], w["red"], s.on_schedule, s.tasks_completed, s.tasks_overdue]
    table.add([index, *counts, s.tasks_milestone_late], {1: "green", 2: "yellow", 3: "red"})
    return table


def _rates(x: IndicatorRow) -> str:
    """Observed / required change per year, compactly: 「-0.39／+2.10\n个百分点」, 「+9.1%／+5.3%」."""
    if x.observed_rate is None or x.required_rate is None:
        return "—"
    if x.growth_model == "compound":
        return f"{x.observed_rate:+.1%}／{x.required_rate:+.1%}"
    digits = 0 if x.unit == "家" else 2
    unit = "个百分点" if x.unit == "%" else x.unit
    return f"{x.observed_rate:+,.{digits}f}／{x.required_rate:+,.{digits}f}\n{unit}"


def indicator_table(r: AnnualReport) -> TextTable:
    headers = [
        "指标（单位）",
        "基期值",
        "最新值",
        "2030年\n目标",
        "完成\n进度",
        "序时\n进度",
        "趋势",
        "达标\n概率",
    ]
    table = TextTable([*headers, "预警", "Open SDG\n进展"])
    for x in r.indicators:  # the nine indicators of 表1
        latest = fmt_value(x.latest_value, x.unit)
        if x.latest_year is not None:
            latest += f"\n{x.latest_year}{' 模拟' if x.latest_simulated else ''}"
        base = (
            "—" if x.baseline_value is None else f"{fmt_value(x.baseline_value, x.unit)}\n{x.baseline_year}"
        )
        schedule = (
            "—"
            if x.time_elapsed is None
            else f"{fmt_pct(x.time_elapsed)}\n{'达到' if x.on_schedule else '未达到'}"
        )
        warning = WARNING_SHORT.get(x.warning, "—") + ("\n数据陈旧" if x.stale else "")
        cells = [f"{x.name}（{x.unit}）", base, latest, fmt_target(x), fmt_pct(x.progress), schedule]
        marks = {4: x.warning, 5: x.warning, 8: x.warning, 2: "sim" if x.latest_simulated else None}
        table.add([*cells, x.trend_label, fmt_pct(x.probability), warning, x.opensdg_label], marks)
    return table


def lagging_table(r: AnnualReport) -> TextTable:
    headers = ["指标", "预警", "最新值", "完成进度／\n序时进度", "年均变化\n近年／所需", "趋势", "责任部门"]
    table = TextTable(headers)
    for x in r.lagging:
        progress = f"{fmt_pct(x.progress)}／{fmt_pct(x.time_elapsed)}"
        warning = x.warning_label.replace("（", "\n（", 1)
        cells = [x.name, warning, fmt_with_unit(x.latest_value, x.unit), progress, _rates(x)]
        table.add([*cells, x.trend_label, x.owner_name], {1: x.warning})
    return table


def department_table(r: AnnualReport) -> TextTable:
    table = TextTable(["牵头部门", "牵头任务", "已完成", "逾期未完成", "节点滞后", "按期推进"])
    for d in r.departments:
        marks = {3: "red" if d.overdue else None, 4: "yellow" if d.milestone_late else None}
        table.add([d.name, d.total, d.completed, d.overdue, d.milestone_late, d.on_time], marks)
    return table


def overdue_table(tasks: list[TaskRow]) -> TextTable:
    table = TextTable(["编号", "任务", "完成时限", "逾期", "配合部门", "最新进度"])
    for t in tasks:
        percent = "—" if t.percent is None else f"{t.percent:.0f}%"
        cells = [
            t.code,
            t.title,
            fmt_date(t.due),
            f"{t.overdue_days}天",
            "、".join(t.co_names) or "—",
            percent,
        ]
        table.add(cells, {3: "red"})
    return table


def late_milestone_tables(r: AnnualReport) -> list[tuple[str, TextTable]]:
    """Per lead department: the tasks with milestones past due and not done."""
    groups: dict[str, TextTable] = {}
    for t in sorted(r.late_milestone_tasks, key=lambda t: (t.lead_name, t.code)):
        table = groups.setdefault(t.lead_name, TextTable(["编号", "任务", "滞后节点（节点日期）"]))
        table.add([t.code, t.title, "；\n".join(f"{m}（{fmt_date(d)}）" for m, d in t.late_milestones)])
    return sorted(groups.items(), key=lambda kv: (-len(kv[1].rows), kv[0]))


def source_tables(r: AnnualReport) -> list[tuple[str, TextTable]]:
    """Per indicator: every observation the evaluation used, with its source and revision (and 模拟)."""
    out = []
    extra = ["模拟"] if r.uses_simulated else []
    for x in r.indicators:  # nine indicators
        table = TextTable(["年份", f"数值（{x.unit}）", "来源", "版次", *extra])
        for o in x.observations:
            marks = dict.fromkeys(range(5), "sim") if o.simulated else None
            flag = ["模拟" if o.simulated else "—"] if extra else []
            table.add([o.year, fmt_value(o.value, o.unit), o.source, o.revision, *flag], marks)
        out.append((f"{x.name}（{x.unit}）", table))
    return out
