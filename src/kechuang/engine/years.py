"""The years the platform accepts, in files, forms, URLs, the API and commands alike."""

from __future__ import annotations

YEAR_MIN, YEAR_MAX = 2000, 2100


def parse_year(text) -> int | None:
    """A year from user text (a query parameter, a form value), or None when it is not one we accept."""
    try:
        year = int(str(text).strip())
    except (TypeError, ValueError):
        return None
    return year if YEAR_MIN <= year <= YEAR_MAX else None


def is_simulated(year: int, official: int | None) -> bool:
    """A year past the latest year with official data (or any year, without official data) holds
    only simulated values."""
    return official is None or year > official
