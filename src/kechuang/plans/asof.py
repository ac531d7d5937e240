"""One "as of" for every page, report, export and API answer about the plan (issue 9 §2).

- The default year is the latest year with official (not simulated) data: ``default_year``.
- Later years hold only simulated values; they stay selectable and are marked 模拟 (``Year.simulated``).
- Tasks are judged on one date per as-of year: ``task_date`` (31 December of that year, or today while
  that day has not come). The overview, the task board, the department scorecard, the annual report
  and the API all call it, so they count the same overdue tasks for the same year.

See docs/decisions/0020-one-as-of-date.md.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _

from kechuang.engine.years import is_simulated
from kechuang.plans.models import Observation, Plan


def official_year(plan: Plan) -> int | None:
    """The latest year with official (not simulated) data, or None when there is none."""
    return data_years(plan)[1]


def _default(years, official: int | None) -> int:
    """The latest year with official data; without any, the latest year with data; else last year."""
    return official or max(years, default=None) or timezone.localdate().year - 1


def default_year(plan: Plan) -> int:
    """The year every page, report and export speaks about unless another is chosen: the latest year
    with official data; without any, the latest year with data; without data, last year."""
    return _default(*data_years(plan))


def task_date(year: int, today: date | None = None) -> date:
    """The date tasks are judged at for an as-of year: 31 December of ``year``, or today while that
    day has not come (so a year not yet over calls no task overdue early, and a later year is today)."""
    today = today or timezone.localdate()
    return min(date(year, 12, 31), today)


@dataclass(frozen=True)
class Year:
    """One selectable year: simulated when it lies past the official data (only simulated values)."""

    year: int
    simulated: bool
    on: date | None = None  # the date its tasks are judged at

    @property
    def label(self) -> str:
        return _("%(year)s（模拟）") % {"year": self.year} if self.simulated else str(self.year)

    @property
    def task_label(self) -> str:
        """The label of the task pages' selector: the year and the date its tasks are judged at."""
        return f"{self.label} · {self.on.isoformat()}" if self.on else self.label


@dataclass(frozen=True)
class AsOf:
    """The year a page speaks about, whether it is simulated, and the date its tasks are judged at."""

    year: int
    official: int | None  # the latest year with official data
    task_date: date
    years: tuple[Year, ...] = ()  # what the year selector offers, newest first

    @property
    def simulated(self) -> bool:
        return is_simulated(self.year, self.official)

    @property
    def tasks_today(self) -> bool:
        """Tasks are judged today (the year is not over yet)."""
        return self.task_date == timezone.localdate()

    @property
    def data_label(self) -> str:
        """「数据截至 2024 年（正式数据）」 or 「数据截至 2026 年（模拟）」: what a page says about its figures."""
        if self.simulated:
            return _("数据截至 %(year)s 年（模拟数据，演示用，非官方统计）") % {"year": self.year}
        return _("数据截至 %(year)s 年（正式数据）") % {"year": self.year}


def year_choices(
    years, official: int | None, chosen: int | None = None, today: date | None = None
) -> tuple[Year, ...]:
    """The selector's years, newest first, each marked simulated when past the official data and
    with the date its tasks are judged at; the chosen year is always among them."""
    found = {int(y) for y in years} | ({chosen} if chosen else set())
    return tuple(Year(y, is_simulated(y, official), task_date(y, today)) for y in sorted(found, reverse=True))


def data_years(plan: Plan) -> tuple[list[int], int | None]:
    """Every year with data (official or simulated) of the plan's active indicators, and the latest
    year with official data, in one query."""
    pairs = set(
        Observation.objects.filter(indicator__plan=plan, indicator__active=True, is_latest=True)
        .order_by()
        .values_list("year", "simulated")
        .distinct()
    )
    return sorted({y for y, _s in pairs}), max((y for y, s in pairs if not s), default=None)


def resolve(plan: Plan, requested: int | None = None, years=None, today: date | None = None, also=()) -> AsOf:
    """The as-of of a request: the requested year, else the default year; ``years`` are the years the
    selector offers (default: every year with data), with ``also`` added."""
    data, official = data_years(plan)
    year = requested or _default(data, official)
    offered = [*(data if years is None else years), *also]
    return AsOf(year, official, task_date(year, today), year_choices(offered, official, year, today))


def for_tasks(plan: Plan, requested: int | None = None, on: date | None = None) -> AsOf:
    """The as-of of a task page: the years with data and the current year (whose tasks are judged
    today); a given date ``on`` (from a link or the API) replaces the year's task date."""
    today = timezone.localdate()
    when = resolve(plan, on.year if on else requested, today=today, also=(today.year,))
    return replace(when, task_date=on) if on else when
