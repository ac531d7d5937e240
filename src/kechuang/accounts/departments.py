"""The one department lookup: organisation code → the name a page, report or export shows."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache

from kechuang.accounts.models import OrgKind, OrgUnit
from kechuang.regions import region_names
from kechuang.web import names


def department_names(codes: Iterable[str] | None = None, *, full: bool = False) -> dict[str, str]:
    """Code → short name (市科技局), or the full name with ``full=True``.

    Without ``codes``: every department. With ``codes``: those organisations whatever their kind (an
    upload may come from a town or the bureau), one query either way.
    """
    units = OrgUnit.objects.all()
    units = units.filter(kind=OrgKind.DEPARTMENT) if codes is None else units.filter(code__in=set(codes))
    english = {**region_names(), **english_names(full=full)} if names.english() else {}
    return {
        code: english.get(code) or (name if full else (short or name))
        for code, short, name in units.values_list("code", "short_name", "name")
    }


@cache
def _english_rows() -> dict[str, dict[str, str]]:
    from kechuang.accounts.services import department_rows

    return {row["code"]: row for row in department_rows()}


def english_names(*, full: bool = False) -> dict[str, str]:
    """Department code → English short name (or full name), from dongguan-departments.csv."""
    key = "name_en" if full else "short_name_en"
    return {code: row.get(key) or row.get("name_en") or "" for code, row in _english_rows().items()}
