"""Names from data in the interface's language: the English field when the active language is
English and the field is filled, else the Chinese one (issue 9 §5).

Data carries its English names beside the Chinese ones (``name_en``, ``title_en``, ``unit_en`` …;
department and town names in the reference CSVs). One rule picks between them, here; templates use
it as the ``en`` filter (``{% load names %}{{ indicator|en:"name" }}``).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import get_language


def english() -> bool:
    """Whether the active language is English."""
    return (get_language() or "").startswith("en")


def localized(obj: Any, field: str = "name") -> Any:
    """``obj.<field>_en`` when the interface is English and it is filled, else ``obj.<field>``.

    ``obj`` may be a model instance, any object with attributes, or a dict."""
    if obj is None:
        return ""
    get = obj.get if isinstance(obj, dict) else lambda key, default=None: getattr(obj, key, default)
    if english():
        value = get(f"{field}_en", None)
        if value:
            return value
    return get(field, "")


UNITS_EN = {
    "%": "%",
    "亿元": "CNY 100m",
    "万元": "CNY 10k",
    "元": "yuan",
    "人年": "person-years",
    "件": "items",
    "家": "enterprises",
    "个": "",
    "项": "items",
    "人": "persons",
    "年": "years",
}


def unit(text: str, unit_en: str = "") -> str:
    """A unit in the interface's language: the data's own English unit, else the common ones."""
    if not english():
        return text
    return unit_en or UNITS_EN.get(text, text)
