"""The one department lookup: organisation code → the name a page, report or export shows."""

from __future__ import annotations

from collections.abc import Iterable

from kechuang.accounts.models import OrgKind, OrgUnit


def department_names(codes: Iterable[str] | None = None, *, full: bool = False) -> dict[str, str]:
    """Code → short name (市科技局), or the full name with ``full=True``.

    Without ``codes``: every department. With ``codes``: those organisations whatever their kind (an
    upload may come from a town or the bureau), one query either way.
    """
    units = OrgUnit.objects.all()
    units = units.filter(kind=OrgKind.DEPARTMENT) if codes is None else units.filter(code__in=set(codes))
    return {
        code: name if full else (short or name)
        for code, short, name in units.values_list("code", "short_name", "name")
    }
