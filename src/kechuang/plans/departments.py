"""The one department lookup of the plans app: department code → Chinese name (from the org units)."""

from __future__ import annotations

from kechuang.accounts.models import OrgKind, OrgUnit


def department_names(full: bool = False) -> dict[str, str]:
    """Code → short name (市科技局 …), or with ``full`` the full name (东莞市科学技术局 …)."""
    units = OrgUnit.objects.filter(kind=OrgKind.DEPARTMENT).values_list("code", "short_name", "name")
    return {code: name if full else (short or name) for code, short, name in units}
