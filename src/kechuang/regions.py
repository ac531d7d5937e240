"""Dongguan's regions (the city, 镇街 and functional areas) from the shipped reference CSV.

No Django import at module level; names follow the active language when Django is configured."""

from __future__ import annotations

import csv
from functools import cache
from importlib import resources

from kechuang.engine.regions import CITY_CODE

__all__ = ["CITY_CODE", "region_lookup", "region_names", "resolve_region", "town_rows"]


@cache
def town_rows() -> tuple[dict[str, str], ...]:
    text = resources.files("kechuang.data").joinpath("dongguan-towns.csv").read_text(encoding="utf-8")
    return tuple(csv.DictReader(text.splitlines()))


@cache
def region_lookup() -> dict[str, str]:
    """Every accepted way to name a region (name, short name, division code) → code, the city included."""
    import polars as pl

    from kechuang.engine.enterprise_import import region_lookup_from_towns

    out = region_lookup_from_towns(pl.DataFrame(list(town_rows())))
    out.update({CITY_CODE: CITY_CODE, "东莞市": CITY_CODE, "东莞": CITY_CODE})
    for row in town_rows():  # the English names a page in English shows are accepted back
        if row.get("name_en"):
            out.setdefault(row["name_en"], row["code"])
    return out


def _english() -> bool:
    # The one Django touch of this module: the active language, when Django is configured.
    try:
        from django.utils.translation import get_language

        return (get_language() or "").startswith("en")
    except Exception:  # noqa: BLE001 - no settings (a plain script): Chinese
        return False


@cache
def _region_names(english: bool) -> dict[str, str]:
    return {row["code"]: (row.get("name_en") if english else None) or row["name"] for row in town_rows()}


def region_names() -> dict[str, str]:
    """Division code → name, in English when the active language is English (dongguan-towns.csv)."""
    return _region_names(_english())


def resolve_region(text: str) -> str:
    """A region name or code → its code; raises ValueError with a Chinese message."""
    code = region_lookup().get(text.strip())
    if code is None:
        raise ValueError(f"未知地区「{text}」：请用镇街名称（如 虎门镇）或区划代码（如 441900121）")
    return code
