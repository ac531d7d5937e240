"""The error report a failed import job keeps (Job.errors): per file, its errors as the job page
(jobs/detail.html) and `kechuang jobs show` list them."""

from __future__ import annotations

from collections.abc import Iterable

from kechuang.engine.tables import RowError


def file_errors(
    name: str,
    errors: Iterable[RowError],
    summary: str,
    *,
    total: int | None = None,
    kinds: list | None = None,
    no_row: str | None = None,
    **more,
) -> dict:
    """One file's part of the report: the file, ``total`` (when given), the summary, the count per
    kind of error (``kinds``), what ``more`` adds, and every error as row, column, value and why (a
    file-wide error, row 0, shows ``no_row`` when given)."""
    head = {"file": name} | ({} if total is None else {"total": total})
    rows = [
        {
            "row": (e.row or no_row) if no_row else e.row,
            "column": e.column,
            "value": e.value,
            "message": e.message,
        }
        for e in errors
    ]
    return head | {"summary": summary, "kinds": kinds or [], **more, "rows": rows}
