"""The reporting calendar of the plan's key tasks (plans/data/task-calendar.yaml): each task's
reporting period (quarterly, half-yearly, yearly) and how many days after a period's end its lead
department and its co-departments report. Pydantic-checked; errors are Chinese and name the line.

Pure: no database. ``period_due(...)`` gives the period being reported on a date and the due date
of a department's report for it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Literal

from django.utils.translation import gettext
from pydantic import BaseModel, ConfigDict, Field

from kechuang.engine.enterprise_labels import N_
from kechuang.plans.yamlcheck import check_yaml, mtime_cached, unknown_keys

CALENDAR_FILE = "task-calendar.yaml"
PeriodKind = Literal["quarterly", "half_yearly", "yearly"]
PERIOD_NAMES = {"quarterly": N_("每季度"), "half_yearly": N_("每半年"), "yearly": N_("每年")}
LEAD, CO = "lead", "co"
ROLE_NAMES = {LEAD: N_("牵头"), CO: N_("配合")}
_MONTHS = {"quarterly": 3, "half_yearly": 6, "yearly": 12}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Schedule(_Strict):
    period: PeriodKind
    lead_due_days: int = Field(ge=0, le=180)
    co_due_days: int = Field(ge=0, le=180)


class ScheduleOverride(_Strict):
    period: PeriodKind | None = None
    lead_due_days: int | None = Field(default=None, ge=0, le=180)
    co_due_days: int | None = Field(default=None, ge=0, le=180)


class CalendarFile(_Strict):
    default: Schedule
    tasks: dict[str, ScheduleOverride] = {}


class CalendarFileError(Exception):
    def __init__(self, errors: list[str]):
        super().__init__("；".join(errors))
        self.errors = errors


@dataclass(frozen=True)
class Period:
    kind: str
    year: int
    number: int  # 1–4 for quarters, 1–2 for halves, 1 for a year
    start: dt.date
    end: dt.date

    @property
    def display(self) -> str:
        """2026 年第 1 季度 / 2026 年上半年 / 2026 年度, in the active language."""
        if self.kind == "quarterly":
            return gettext("%(year)s 年第 %(n)s 季度") % {"year": self.year, "n": self.number}
        if self.kind == "half_yearly":
            if self.number == 1:
                return gettext("%(year)s 年上半年") % {"year": self.year}
            return gettext("%(year)s 年下半年") % {"year": self.year}
        return gettext("%(year)s 年度") % {"year": self.year}


def period_of(kind: str, day: dt.date) -> Period:
    """The period of ``kind`` that contains ``day``."""
    months = _MONTHS[kind]
    number = (day.month - 1) // months + 1
    start = dt.date(day.year, (number - 1) * months + 1, 1)
    end_month = number * months
    end = (
        dt.date(day.year + 1, 1, 1) if end_month == 12 else dt.date(day.year, end_month + 1, 1)
    ) - dt.timedelta(days=1)
    return Period(kind, day.year, number, start, end)


def last_ended(kind: str, today: dt.date) -> Period:
    """The period being reported on ``today``: the latest one that ended before it."""
    return period_of(kind, period_of(kind, today).start - dt.timedelta(days=1))


@dataclass(frozen=True)
class TaskCalendar:
    file: CalendarFile

    def schedule(self, task_code: str) -> Schedule:
        over = self.file.tasks.get(task_code)
        base = self.file.default.model_dump()
        if over is not None:
            base.update({k: v for k, v in over.model_dump().items() if v is not None})
        return Schedule(**base)

    def period_due(self, task_code: str, role: str, today: dt.date) -> tuple[Period, dt.date]:
        """The period a department in ``role`` (lead or co) reports on ``today``, and its due date."""
        s = self.schedule(task_code)
        period = last_ended(s.period, today)
        days = s.lead_due_days if role == LEAD else s.co_due_days
        return period, period.end + dt.timedelta(days=days)


def parse_task_calendar(text: str, known_tasks: set[str] | None = None) -> TaskCalendar:
    """Check a calendar file's text; raises CalendarFileError with Chinese messages (line, field)."""
    parsed, root = check_yaml(text, CalendarFile, CalendarFileError, "文件内容应为映射（default、tasks）")
    if known_tasks is not None:
        unknown = set(parsed.tasks) - known_tasks
        if unknown:
            raise CalendarFileError(unknown_keys(root, "tasks", unknown, "任务"))
    return TaskCalendar(parsed)


def calendar_path() -> Path:
    return Path(str(resources.files("kechuang.plans").joinpath("data", CALENDAR_FILE)))


# The shipped calendar (re-read when the file changes).
load_task_calendar = mtime_cached(calendar_path, parse_task_calendar)
