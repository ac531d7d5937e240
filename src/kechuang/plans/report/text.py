"""The words and numbers of the annual report, shared by its renderers (docx, xlsx, html).

Plain and factual: every sentence is made from the figures of :class:`.model.AnnualReport`. The words are
gettext messages with named placeholders (Chinese msgids, the English catalogue; decision 0025), so
they come out in the active language: the renderers run inside ``translation.override(report.language)``
(:mod:`.render`). Chinese output is what it always was; English uses "1." numbering, dates like
「31 December 2025」 and half-width punctuation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from kechuang.engine.plan_labels import WARNING_LABELS
from kechuang.plans.observations import SIMULATED_SOURCE
from kechuang.plans.report.model import AnnualReport, IndicatorRow, TaskRow
from kechuang.web.names import english

SIMULATED_NOTE = gettext_lazy(
    "模拟数据：本报告使用了模拟数据（演示用，非官方统计），已在指标表、图表和数据来源附录中标注“模拟”；"
    "正式评估前应以统计部门公布的数据替换。"
)

SAMPLE_NOTE = gettext_lazy(
    "示例分工：规划征求意见稿未载明重点任务的牵头部门、配合部门、完成时限和节点，本报告中的部门分工、"
    "完成时限、节点和指标填报部门均为演示用的示例，不代表东莞市的正式分工。"
)

METHOD_NOTE = gettext_lazy(
    "评估方法：完成进度{eq}（最新值−基期值）/（目标值−基期值）；序时进度{eq}已过时间占规划期的比例；"
    "趋势按最近6个年度数据的年均变化与按期达标所需年均变化之比判断；达标概率按趋势外推的t分布预测区间计算；"
    "另列Open SDG进展测度（加拿大统计局方法）以便与其他平台比较。规划指数{eq}各指标完成进度（0～100%）的加权平均×100。"
)

MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip

GENERATED_TEXTS = {SIMULATED_SOURCE, "模拟"}  # what the platform itself writes into observations


def punct(chinese: str, latin: str) -> str:
    """Punctuation in the active language: full-width in Chinese, half-width (with spaces) in English."""
    return latin if english() else chinese


def label(text: str | None) -> str:
    """A Chinese label (kechuang.engine.plan_labels, the model's) in the active language."""
    return _(text) if text else ""


def data_text(text: str | None) -> str:
    """Text from an observation: what the platform wrote itself (模拟数据…) translated, the rest as typed."""
    return label(text) if text in GENERATED_TEXTS else (text or "")


def trend(row: IndicatorRow) -> str:
    return label(row.trend_label)


def warning(row: IndicatorRow) -> str:
    return label(WARNING_LABELS.get(row.warning, "—")) + (_("（数据陈旧）") if row.stale else "")


def opensdg(row: IndicatorRow) -> str:
    return label(row.opensdg_label)


def status(task: TaskRow) -> str:
    return label(task.status_label)


def report_title(r: AnnualReport) -> str:
    return _("东莞市科技创新“十五五”规划实施年度监测评估报告（{year}年度）").format(year=r.year)


def yes_no(value: bool | None) -> str:
    return "" if value is None else _("是") if value else _("否")


# ---------------------------------------------------------------- numbers as the report prints them


def fmt_value(value: float | None, unit: str = "") -> str:
    if value is None:
        return "—"
    digits = 0 if unit == "家" else 2
    return f"{value:,.{digits}f}"


def with_unit(number: str, shown: str) -> str:
    """A number and its unit: 「4.01%」 「147.53亿元」; in English a space but before %: 「147.53 CNY 100m」."""
    gap = " " if english() and shown and shown != "%" else ""
    return f"{number}{gap}{shown}"


def fmt_with_unit(value: float | None, unit: str, shown: str | None = None) -> str:
    """``unit`` is the indicator's (Chinese) unit, ``shown`` the unit as the report prints it."""
    if value is None:
        return "—"
    return with_unit(fmt_value(value, unit), unit if shown is None else shown)


def fmt_target(row: IndicatorRow) -> str:
    """The published target with its unit: 「4.1%左右」, 「超过250人年」 (「about 4.1%」)."""
    match = re.match(r"^(\D*)([\d.,]+)(.*)$", row.target_text or "")
    if not match:
        return fmt_with_unit(row.target_value, row.unit, row.unit_shown)
    pre, number, post = match.groups()
    return f"{pre}{with_unit(number, row.unit_shown)}{post}"


def fmt_pct(fraction: float | None) -> str:
    return "—" if fraction is None else f"{fraction:.0%}"


def fmt_change(delta: float, unit: str, shown: str | None = None) -> str:
    """An increase in the indicator's unit: 个百分点 (percentage points) for shares in %."""
    name = _("个百分点") if unit == "%" else (unit if shown is None else shown)
    return with_unit(fmt_value(abs(delta), unit), name)


def fmt_rate(rate: float | None, model: str, unit: str, shown: str | None = None) -> str:
    if rate is None:
        return "—"
    if model == "compound":
        text = _("年均增长{rate}") if rate >= 0 else _("年均下降{rate}")
        return text.format(rate=f"{abs(rate):.1%}")
    text = _("年均增加{change}") if rate >= 0 else _("年均减少{change}")
    return text.format(change=fmt_change(rate, unit, shown))


def fmt_date(d: date) -> str:
    """「2025年12月31日」, in English 「31 December 2025」."""
    if english():
        return f"{d.day} {MONTHS[d.month - 1]} {d.year}"
    return f"{d.year}年{d.month}月{d.day}日"


def as_of_line(r: AnnualReport) -> str:
    """What the report is as of: the data year (official or simulated) and the task date."""
    if r.year_simulated and r.official_year:
        data = _("数据截至{year}年（模拟，{official}年以后为演示用模拟数据，非官方统计）")
    elif r.year_simulated:
        data = _("数据截至{year}年（模拟为演示用模拟数据，非官方统计）")
    else:
        data = _("数据截至{year}年（正式数据）")
    data = data.format(year=r.year, official=r.official_year)
    return _("{data} 重点任务状态截至{date}").format(data=data, date=fmt_date(r.task_date))


def method_note() -> str:
    return str(METHOD_NOTE).format(eq="=")


def report_notes(report: AnnualReport) -> list[str]:
    notes = []
    if any(t.sample for t in report.tasks):
        notes.append(str(SAMPLE_NOTE))
    if report.uses_simulated:
        notes.append(str(SIMULATED_NOTE))
    if report.task_date < date(report.year, 12, 31):
        notes.append(
            _(
                "{year}年尚未结束：重点任务按报告生成日期（{date}）评估，完成时限在此之后的任务不计为逾期。"
            ).format(year=report.year, date=fmt_date(report.task_date))
        )
    if report.chart_font is None and not english():  # English charts need no Chinese font
        notes.append(
            _(
                "图表说明：生成报告的计算机上未找到中文字体，图表中以指标代码和英文标注（与正文指标一一对应）。"
            )
        )
    notes.append(method_note())
    return notes


def split_notes(r: AnnualReport) -> tuple[list[str], list[str]]:
    """(the notes shown under the title, the method note shown under the indicator table)."""
    method = method_note()
    return [n for n in r.notes if n != method], [n for n in r.notes if n == method]


# ---------------------------------------------------------------- text shared by the renderers


def overview_paragraphs(r: AnnualReport) -> list[str]:
    s = r.summary
    w = s.warnings
    index = "—" if s.plan_index is None else f"{s.plan_index:.1f}"
    first = _(
        "截至{year}年，{plan}{n}项主要指标中，{with_data}项有监测数据，"
        "规划实施指数为{index}（满分100，按各指标完成进度计算）。"
        "预警结果为：绿灯{green}项、黄灯{yellow}项、红灯{red}项；"
        "已达到2030年目标{achieved}项，达到序时进度{on_schedule}项。"
    ).format(
        year=r.year,
        plan=r.plan_name,
        n=s.indicators,
        with_data=s.with_data,
        index=index,
        green=w["green"],
        yellow=w["yellow"],
        red=w["red"],
        achieved=s.achieved,
        on_schedule=s.on_schedule,
    )
    second = _(
        "规划{tasks}项重点任务中，截至{date}，已完成{completed}项，"
        "逾期未完成{overdue}项，节点滞后{late}项，按期推进{on_time}项。"
    ).format(
        tasks=s.tasks,
        date=fmt_date(r.task_date),
        completed=s.tasks_completed,
        overdue=s.tasks_overdue,
        late=s.tasks_milestone_late,
        on_time=s.tasks_on_time,
    )
    return [first, second]


def indicator_sentence(row: IndicatorRow) -> str:
    """A plain, factual account of one indicator (for the lagging indicators)."""
    owner = _("责任部门：{owner}。").format(owner=row.owner_name)
    if row.latest_year is None:
        return punct("", " ").join([_("{name}尚无监测数据。").format(name=row.name), owner])
    unit, shown = row.unit, row.unit_shown
    first = _("{name}{year}年为{value}").format(
        name=row.name, year=row.latest_year, value=fmt_with_unit(row.latest_value, unit, shown)
    )
    parts = [first + (_("（模拟）") if row.latest_simulated else "")]
    if row.baseline_value is not None and row.baseline_year != row.latest_year:
        delta = row.latest_value - row.baseline_value
        text = (
            _("较{year}年（{value}）提高{change}") if delta >= 0 else _("较{year}年（{value}）下降{change}")
        )
        parts.append(
            text.format(
                year=row.baseline_year,
                value=fmt_with_unit(row.baseline_value, unit, shown),
                change=fmt_change(delta, unit, shown),
            )
        )
    if row.progress is not None:
        parts.append(
            _("完成进度{progress}，序时进度{elapsed}").format(
                progress=fmt_pct(row.progress), elapsed=fmt_pct(row.time_elapsed)
            )
        )
    text = punct("，", ", ").join(parts) + punct("；", "; ")
    if row.observed_rate is not None and row.required_rate is not None:
        model = row.growth_model
        text += _("近年{observed}，按期达标需{required}，").format(
            observed=fmt_rate(row.observed_rate, model, unit, shown),
            required=fmt_rate(row.required_rate, model, unit, shown),
        )
    text += _("趋势判断为“{trend}”").format(trend=trend(row))
    if row.projected_value is not None:
        text += _("，按现有趋势{year}年预计为{value}").format(
            year=row.target_year, value=fmt_with_unit(row.projected_value, unit, shown)
        )
        if row.projected_low is not None:
            text += _("（80%区间{low}～{high}）").format(
                low=fmt_with_unit(row.projected_low, unit, shown),
                high=fmt_with_unit(row.projected_high, unit, shown),
            )
    if row.probability is not None:
        text += _("，达标概率{probability}").format(probability=fmt_pct(row.probability))
    text += _("（{year}年目标{target}）。").format(year=row.target_year, target=fmt_target(row))
    sentences = [text]
    if row.stale:
        sentences.append(_("最新数据为{year}年，已陈旧。").format(year=row.latest_year))
    return punct("", " ").join([*sentences, owner])


CN_NUMBERS = "一二三四五六七八九十"


def indicator_intro(r: AnnualReport) -> str:
    return _(
        "规划确定的{n}项主要指标（均为预期性指标）监测结果见表2。完成进度低于序时进度且趋势"
        "缓慢或逆向的为红灯，已达标或按期可达的为绿灯，其余为黄灯；数据两年以上未更新的绿灯降为黄灯。"
    ).format(n=len(r.indicators))


def indicator_table_note(r: AnnualReport) -> str:
    sim = _("；“模拟”为模拟数据") if r.uses_simulated else ""
    return _(
        "注：{legend}；完成进度、序时进度和预警单元格按预警着色；基期值、最新值下为其年份，"
        "无规划基期值的以最早观测值为基期{sim}。"
    ).format(legend=warning_legend(), sim=sim)


def chart_note(r: AnnualReport) -> str:
    points = _("实心点为统计数据，空心点为模拟数据") if r.uses_simulated else _("圆点为统计数据")
    return _(
        "各图中{points}，虚线为基期到目标的规划路径，点线及阴影为按近年趋势的外推及其80%预测区间。"
    ).format(points=points)


def tasks_intro(r: AnnualReport) -> str:
    s = r.summary
    sample = _("（牵头部门、完成时限和节点为示例分工）") if any(t.sample for t in r.tasks) else ""
    return _(
        "按{date}评估，{tasks}项重点任务{sample}中逾期未完成{overdue}项、"
        "节点滞后{late}项。各牵头部门推进情况见表4。"
    ).format(
        date=fmt_date(r.task_date),
        tasks=s.tasks,
        sample=sample,
        overdue=s.tasks_overdue,
        late=s.tasks_milestone_late,
    )


def appendix_intro(r: AnnualReport) -> str:
    sim = _("；标注“模拟”的为演示用模拟数据") if r.uses_simulated else ""
    return _(
        "下表列出本报告评估所用的{region}全部观测值（各指标、年份的最新版次）。"
        "版次大于1表示数据经过更正，历次版本均保留在平台中{sim}。"
    ).format(region=r.region_name, sim=sim)


def numbered(items: list[str]) -> list[str]:
    """「（一）…」「（二）…」 as a Chinese report numbers its points; 「1. …」 in English."""
    if english():
        return [f"{n + 1}. {text}" for n, text in enumerate(items)]
    return [f"（{CN_NUMBERS[n] if n < len(CN_NUMBERS) else n + 1}）{text}" for n, text in enumerate(items)]


def _named(rows: list[IndicatorRow]) -> str:
    """「“名称”（部门）、…」 / 「"name" (department); …」."""
    return punct("、", "; ").join(
        _("“{name}”（{owner}）").format(name=x.name, owner=x.owner_name) for x in rows
    )


def recommendations(r: AnnualReport) -> list[str]:
    """Next steps that follow from the figures: lagging indicators, stale data, overdue tasks."""
    out = []
    red = [x for x in r.lagging if x.warning == "red"]
    yellow = [x for x in r.lagging if x.warning == "yellow"]
    for x in red:
        out.append(
            _(
                "对红灯指标“{name}”，建议由{owner}牵头分析滞后原因，提出针对性措施，"
                "在下一年度评估前报送整改情况；按期达标需{rate}。"
            ).format(
                name=x.name,
                owner=x.owner_name,
                rate=fmt_rate(x.required_rate, x.growth_model, x.unit, x.unit_shown),
            )
        )
    if yellow:
        out.append(
            _("对黄灯指标{names}，建议各责任部门加快推进，确保达到序时进度。").format(names=_named(yellow))
        )
    stale = [x for x in r.indicators if x.stale]
    missing = [x for x in r.indicators if x.latest_year is None]
    if stale or missing:
        out.append(
            _("指标{names}的数据缺失或陈旧，建议责任部门及时报送最新统计数据。").format(
                names=_named(stale + missing)
            )
        )
    for name, tasks in r.overdue_by_department():
        titles = punct("、", "; ").join(
            _("“{title}”").format(title=t.title.rstrip(punct("。", "."))) for t in tasks
        )
        out.append(
            _("{name}牵头的{n}项任务已逾期（{titles}），建议明确完成时限并报送进展。").format(
                name=name, n=len(tasks), titles=titles
            )
        )
    if r.summary.tasks_milestone_late:
        out.append(
            _("{n}项任务存在逾期未完成的节点，建议各牵头部门在平台上报送进展，逐项核实节点完成情况。").format(
                n=r.summary.tasks_milestone_late
            )
        )
    if r.uses_simulated:
        out.append(_("本报告部分数据为模拟值，正式印发前应以统计部门公布的数据替换后重新生成。"))
    if not out:
        out.append(_("各项指标和任务总体按期推进，建议保持现有工作力度，继续按年度开展监测评估。"))
    return out


# ---------------------------------------------------------------- the report's tables (docx and html)

WARNING_SHORT = {"green": gettext_lazy("绿灯"), "yellow": gettext_lazy("黄灯"), "red": gettext_lazy("红灯")}


def warning_legend() -> str:
    """「“绿灯”即绿灯（正常）；…」 in the active language."""
    return punct("；", "; ").join(
        _("“{short}”即{label}").format(short=WARNING_SHORT[w], label=label(WARNING_LABELS[w]))
        for w in ("green", "yellow", "red")
    )


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
        _("规划实施\n指数"),
        _("绿灯指标"),
        _("黄灯指标"),
        _("红灯指标"),
        _("达到序时\n进度"),
        _("已完成\n任务"),
        _("逾期任务"),
    ]
    table = TextTable([*headers, _("节点滞后\n任务")])
    index = "—" if s.plan_index is None else f"{s.plan_index:.1f}"
    counts = [w["green"], w["yellow"], w["red"], s.on_schedule, s.tasks_completed, s.tasks_overdue]
    table.add([index, *counts, s.tasks_milestone_late], {1: "green", 2: "yellow", 3: "red"})
    return table


def _rates(x: IndicatorRow) -> str:
    """Observed / required change per year, compactly: 「-0.39／+2.10\n个百分点」, 「+9.1%／+5.3%」."""
    if x.observed_rate is None or x.required_rate is None:
        return "—"
    slash = punct("／", " / ")
    if x.growth_model == "compound":
        return f"{x.observed_rate:+.1%}{slash}{x.required_rate:+.1%}"
    digits = 0 if x.unit == "家" else 2
    unit = _("个百分点") if x.unit == "%" else x.unit_shown
    return f"{x.observed_rate:+,.{digits}f}{slash}{x.required_rate:+,.{digits}f}\n{unit}"


def name_with_unit(name: str, unit: str) -> str:
    """「名称（单位）」 / 「name (unit)」."""
    return _("{name}（{unit}）").format(name=name, unit=unit)


def indicator_table(r: AnnualReport) -> TextTable:
    headers = [
        _("指标（单位）"),
        _("基期值"),
        _("最新值"),
        _("2030年\n目标"),
        _("完成\n进度"),
        _("序时\n进度"),
        _("趋势"),
        _("达标\n概率"),
    ]
    table = TextTable([*headers, _("预警"), _("Open SDG\n进展")])
    for x in r.indicators:  # the nine indicators of 表1
        latest = fmt_value(x.latest_value, x.unit)
        if x.latest_year is not None:
            simulated = " " + _("模拟") if x.latest_simulated else ""
            latest += f"\n{x.latest_year}{simulated}"
        base = (
            "—" if x.baseline_value is None else f"{fmt_value(x.baseline_value, x.unit)}\n{x.baseline_year}"
        )
        schedule = (
            "—"
            if x.time_elapsed is None
            else f"{fmt_pct(x.time_elapsed)}\n" + (_("达到") if x.on_schedule else _("未达到"))
        )
        short = WARNING_SHORT.get(x.warning)
        flag = str(short) if short else "—"
        flag += "\n" + _("数据陈旧") if x.stale else ""
        cells = [
            name_with_unit(x.name, x.unit_shown),
            base,
            latest,
            fmt_target(x),
            fmt_pct(x.progress),
            schedule,
        ]
        marks = {4: x.warning, 5: x.warning, 8: x.warning, 2: "sim" if x.latest_simulated else None}
        table.add([*cells, trend(x), fmt_pct(x.probability), flag, opensdg(x)], marks)
    return table


def lagging_table(r: AnnualReport) -> TextTable:
    headers = [
        _("指标"),
        _("预警"),
        _("最新值"),
        _("完成进度／\n序时进度"),
        _("年均变化\n近年／所需"),
        _("趋势"),
        _("责任部门"),
    ]
    table = TextTable(headers)
    for x in r.lagging:
        progress = fmt_pct(x.progress) + punct("／", " / ") + fmt_pct(x.time_elapsed)
        shown = warning(x)
        shown = shown.replace(" (", "\n(", 1) if english() else shown.replace("（", "\n（", 1)
        cells = [x.name, shown, fmt_with_unit(x.latest_value, x.unit, x.unit_shown), progress, _rates(x)]
        table.add([*cells, trend(x), x.owner_name], {1: x.warning})
    return table


def department_table(r: AnnualReport) -> TextTable:
    headers = [_("牵头部门"), _("牵头任务"), _("已完成"), _("逾期未完成"), _("节点滞后"), _("按期推进")]
    table = TextTable(headers)
    for d in r.departments:
        marks = {3: "red" if d.overdue else None, 4: "yellow" if d.milestone_late else None}
        table.add([d.name, d.total, d.completed, d.overdue, d.milestone_late, d.on_time], marks)
    return table


def overdue_table(tasks: list[TaskRow]) -> TextTable:
    table = TextTable([_("编号"), _("任务"), _("完成时限"), _("逾期"), _("配合部门"), _("最新进度")])
    for t in tasks:
        percent = "—" if t.percent is None else f"{t.percent:.0f}%"
        cells = [
            t.code,
            t.title,
            fmt_date(t.due),
            ngettext("{days}天", "{days}天", t.overdue_days).format(days=t.overdue_days),
            punct("、", ", ").join(t.co_names) or "—",
            percent,
        ]
        table.add(cells, {3: "red"})
    return table


def late_milestone_tables(r: AnnualReport) -> list[tuple[str, TextTable]]:
    """Per lead department: the tasks with milestones past due and not done."""
    groups: dict[str, TextTable] = {}
    for t in sorted(r.late_milestone_tasks, key=lambda t: (t.lead_name, t.code)):
        table = groups.setdefault(t.lead_name, TextTable([_("编号"), _("任务"), _("滞后节点（节点日期）")]))
        late = [
            _("{milestone}（{date}）").format(milestone=m, date=fmt_date(d)) for m, d in t.late_milestones
        ]
        table.add([t.code, t.title, punct("；\n", ";\n").join(late)])
    return sorted(groups.items(), key=lambda kv: (-len(kv[1].rows), kv[0]))


def source_tables(r: AnnualReport) -> list[tuple[str, TextTable]]:
    """Per indicator: every observation the evaluation used, with its source and revision (and 模拟)."""
    out = []
    extra = [_("模拟")] if r.uses_simulated else []
    for x in r.indicators:  # nine indicators
        headers = [_("年份"), _("数值（{unit}）").format(unit=x.unit_shown), _("来源"), _("版次"), *extra]
        table = TextTable(headers)
        for o in x.observations:
            marks = dict.fromkeys(range(5), "sim") if o.simulated else None
            flag = [_("模拟") if o.simulated else "—"] if extra else []
            table.add([o.year, fmt_value(o.value, o.unit), data_text(o.source), o.revision, *flag], marks)
        out.append((name_with_unit(x.name, x.unit_shown), table))
    return out


def captions(r: AnnualReport) -> dict[str, str]:
    """The headings, captions and fixed sentences of the report (docx and html say the same)."""
    return {
        "plan_line": _("规划：{plan}（{status}） 评估范围：{region}").format(
            plan=r.plan_name, status=r.plan_status, region=r.region_name
        ),
        "generated": _("生成日期：{date}").format(date=fmt_date(r.generated_at.date())),
        "notes": _("说明"),
        "s1": _("一、总体情况"),
        "s2": _("二、主要指标监测"),
        "s2_1": _("（一）指标监测总表"),
        "s2_2": _("（二）分指标监测图"),
        "s3": _("三、滞后指标与责任部门"),
        "s4": _("四、重点任务推进"),
        "s4_1": _("（一）逾期未完成的任务"),
        "s4_2": _("（二）节点滞后的任务"),
        "s5": _("五、下一步建议"),
        "appendix": _("附录：数据来源"),
        "table1": _("表1 {year}年规划实施总体情况").format(year=r.year),
        "table2": _("表2 主要指标监测情况（{year}年）").format(year=r.year),
        "table3": _("表3 滞后指标及责任部门"),
        "table4": _("表4 各牵头部门重点任务推进情况"),
        "figure1": _("图1 主要指标完成进度与序时进度"),
        "figure1_alt": _("主要指标完成进度与序时进度"),
        "no_lagging": _("本年度无红灯、黄灯指标。"),
        "no_overdue": _("无逾期未完成的任务。"),
        "no_late": _("无节点滞后的任务。"),
    }


def lagging_intro(r: AnnualReport) -> str:
    red = sum(1 for x in r.lagging if x.warning == "red")
    return _("预警为红灯的指标{red}项、黄灯的{yellow}项，情况和责任部门如下。").format(
        red=red, yellow=len(r.lagging) - red
    )


def late_intro(r: AnnualReport) -> str:
    return _("以下{n}项任务有到期未完成的节点，按牵头部门列出。").format(n=len(r.late_milestone_tasks))


def figure_caption(n: int, name: str) -> str:
    return _("图{n} {name}").format(n=n, name=name)


def appendix_caption(n: int, name: str) -> str:
    return _("附表{n} {name}").format(n=n, name=name)


def department_heading(name: str, count: int) -> str:
    """「市科技局（3项）」 / 「Bureau of Science and Technology (3)」."""
    return _("{name}（{n}项）").format(name=name, n=count)
