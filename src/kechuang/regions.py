"""Dongguan's regions (the city, 镇街 and functional areas) from the shipped reference CSV. No Django."""

from __future__ import annotations

import csv
from functools import cache
from importlib import resources

CITY_CODE = "441900"


@cache
def town_rows() -> tuple[dict[str, str], ...]:
    text = resources.files("kechuang.data").joinpath("dongguan-towns.csv").read_text(encoding="utf-8")
    return tuple(csv.DictReader(text.splitlines()))


@cache
def region_lookup() -> dict[str, str]:
    """Every accepted way to name a region (Chinese name, short forms, division code) → division code."""
    out: dict[str, str] = {}
    for row in town_rows():
        code, name = row["code"], row["name"]
        out[code] = code
        out[name] = code
        for suffix in ("街道", "镇", "高新技术产业开发区", "新区"):
            if name.endswith(suffix) and len(name) > len(suffix) + 1:
                out.setdefault(name[: -len(suffix)], code)
    out["松山湖"] = "441900401"
    out["东莞"] = CITY_CODE
    return out


@cache
def region_names() -> dict[str, str]:
    return {row["code"]: row["name"] for row in town_rows()}


def resolve_region(text: str) -> str:
    """A region name or code → its code; raises ValueError with a Chinese message."""
    code = region_lookup().get(text.strip())
    if code is None:
        raise ValueError(f"未知地区「{text}」：请用镇街名称（如 虎门镇）或区划代码（如 441900121）")
    return code
