"""The annual monitoring and evaluation report (规划实施年度监测评估报告) as data: what a report shows.

:mod:`.build` fills an :class:`AnnualReport` from the services; the renderers (:mod:`.docx`, :mod:`.xlsx`,
:mod:`.html`, with :mod:`.charts` for images) lay it out. Imports go one way: model ← text ← build and
model ← text ← renderers ← render; neither this module nor build imports a renderer. The report speaks
about the city (东莞市), in Chinese or English (:attr:`AnnualReport.language`): build fills the names from
data in that language and the renderers write their words in it (decision 0025); this module has no Django.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from kechuang.engine.plan_eval import OUTPUT_SCHEMA
from kechuang.engine.plan_labels import OPENSDG_LABELS, TASK_STATUS_LABELS, TREND_LABELS, WARNING_LABELS
from kechuang.engine.years import is_simulated

TITLE = "东莞市科技创新“十五五”规划实施年度监测评估报告（{year}年度）"
FILE_STEM = "规划实施年度监测评估报告"
FILE_STEMS = {"zh-hans": FILE_STEM, "en": "Annual-monitoring-report"}
LANGUAGES = ("zh-hans", "en")  # the report's languages; zh-hans is the default
LANGUAGE_ALIASES = {"zh-hans": "zh-hans", "zh": "zh-hans", "en": "en"}
FORMATS = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "html": "text/html; charset=utf-8",
}
WARNING_ORDER = ("red", "yellow", "green")
WARNING_COLOURS = {"green": "#1A7F37", "yellow": "#BF8700", "red": "#B3261E"}  # text, bars, marks
CELL_FILLS = {"green": "#DAFBE1", "yellow": "#FFF8C5", "red": "#FFEBE9", "sim": "#F3E8FF"}  # table cells


@dataclass
class ObservationRow:
    indicator: str
    indicator_name: str
    unit: str
    region: str
    year: int
    value: float
    source: str
    revision: int
    simulated: bool
    note: str = ""
    unit_label: str = ""  # the unit as the report shows it (English when the report is); unit is the key

    @property
    def unit_shown(self) -> str:
        return self.unit_label or self.unit


def report_language(code: str | None) -> str | None:
    """The report language for a language code (zh-hans, zh, en; en-gb → en), or None when unknown."""
    code = (code or "").strip().lower()
    if code in LANGUAGE_ALIASES:
        return LANGUAGE_ALIASES[code]
    if code.startswith("en-"):
        return "en"
    return None


@dataclass
class IndicatorRow:
    """One indicator's evaluation for the city (the columns of engine.plan_eval) plus its owner."""

    code: str
    name: str
    unit: str
    owner_department: str
    owner_name: str
    target_text: str
    direction: int
    values: dict
    observations: list[ObservationRow] = field(default_factory=list)
    unit_label: str = ""  # the unit as the report shows it; ``unit`` (Chinese) keys formats and rules
    unit_en: str = ""  # the data's English unit (for English chart labels when there is no Chinese font)

    @property
    def unit_shown(self) -> str:
        return self.unit_label or self.unit

    def __getattr__(self, item):  # the engine's output columns: row.progress, row.warning, …
        values = self.__dict__.get("values", {})
        if item in values:
            return values[item]
        if item in OUTPUT_SCHEMA:  # an indicator the engine returned nothing for
            return None
        raise AttributeError(item)

    @property
    def trend_label(self) -> str:
        return TREND_LABELS.get(self.trend, "—")

    @property
    def warning_label(self) -> str:
        label = WARNING_LABELS.get(self.warning, "—")
        return label + ("（数据陈旧）" if self.stale else "")

    @property
    def opensdg_label(self) -> str:
        return OPENSDG_LABELS.get(self.opensdg_status, "—")

    @property
    def latest_simulated(self) -> bool:
        return any(o.simulated and o.year == self.latest_year for o in self.observations)


@dataclass
class TaskRow:
    code: str
    title: str
    chapter: int
    section: int
    lead_department: str
    lead_name: str
    co_names: list[str]
    due: date
    status: str
    warning: str
    overdue_days: int
    percent: float | None
    sample: bool
    late_milestones: list[tuple[str, date]] = field(default_factory=list)

    @property
    def status_label(self) -> str:
        return TASK_STATUS_LABELS.get(self.status, self.status)


@dataclass
class DepartmentRow:
    code: str
    name: str
    total: int = 0
    completed: int = 0
    overdue: int = 0
    milestone_late: int = 0
    on_time: int = 0


@dataclass
class Summary:
    plan_index: float | None
    warnings: dict[str, int]
    indicators: int
    with_data: int
    achieved: int
    on_schedule: int
    tasks: int
    tasks_completed: int
    tasks_overdue: int
    tasks_milestone_late: int
    tasks_on_time: int


@dataclass
class AnnualReport:
    plan_code: str
    plan_name: str
    plan_status: str
    year: int
    task_date: date
    generated_at: datetime
    region_name: str
    summary: Summary
    indicators: list[IndicatorRow]
    tasks: list[TaskRow]
    departments: list[DepartmentRow]
    sources: list[ObservationRow]
    sample_note: str
    uses_simulated: bool
    notes: list[str]
    chart_font: str | None = None
    official_year: int | None = None  # the latest year with official data (plans.asof)
    language: str = "zh-hans"  # zh-hans or en: the language of the names in it and of its words

    @property
    def year_simulated(self) -> bool:
        """The report year lies past the official data: its figures are simulated (模拟)."""
        return is_simulated(self.year, self.official_year)

    @property
    def title(self) -> str:
        return TITLE.format(year=self.year)

    @property
    def lagging(self) -> list[IndicatorRow]:
        """Red, then yellow indicators."""
        rows = [r for r in self.indicators if r.warning in ("red", "yellow")]
        return sorted(rows, key=lambda r: (WARNING_ORDER.index(r.warning), r.values["seq"]))

    @property
    def overdue_tasks(self) -> list[TaskRow]:
        return [t for t in self.tasks if t.status == "overdue"]

    @property
    def late_milestone_tasks(self) -> list[TaskRow]:
        return [t for t in self.tasks if t.status == "milestone_late"]

    def overdue_by_department(self) -> list[tuple[str, list[TaskRow]]]:
        groups: dict[str, list[TaskRow]] = {}
        for t in self.overdue_tasks:
            groups.setdefault(t.lead_name, []).append(t)
        return sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0]))

    def filename(self, fmt: str) -> str:
        return f"{FILE_STEMS.get(self.language, FILE_STEM)}-{self.year}.{fmt}"
