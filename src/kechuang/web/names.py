"""Names from data in the interface's language: the English field when the active language is
English and the field is filled, else the Chinese one (issue 9 §5).

Data carries its English names beside the Chinese ones (``name_en``, ``title_en``, ``unit_en`` …;
department and town names in the reference CSVs). One rule picks between them, here; templates use
it as the ``en`` filter (``{% load names %}{{ indicator|en:"name" }}``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import get_language

from kechuang.engine.enterprise_labels import UNITS_EN as ENGINE_UNITS_EN
from kechuang.engine.vocabulary import (
    DERIVED_COLUMNS,
    DERIVED_COLUMNS_EN,
    FACTS_BY_NAME,
    INDUSTRY_SECTIONS,
    INDUSTRY_SECTIONS_EN,
    REGISTRY_BY_NAME,
    TECH_FIELDS_EN,
)


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


# The engine's units of rule conditions (engine.enterprise_labels, which cannot import this module)
# and the others the plan's indicators and pages use.
UNITS_EN = {
    **ENGINE_UNITS_EN,
    "%": "%",
    "元": "yuan",
    "人年": "person-years",
    "家": "enterprises",
}


def unit(text: str, unit_en: str = "") -> str:
    """A unit in the interface's language: the data's own English unit, else the common ones."""
    if not english():
        return text
    return unit_en or UNITS_EN.get(text, text)


# English units written before the number: "Level 7" (a technology readiness level), not "7 level"
LEADING_UNITS_EN = {"level": "Level"}


def quantity(value: Any, text: str = "", unit_en: str = "") -> str:
    """A number with its unit in the interface's language: 「7 级」, "Level 7", "12 CNY 10k"."""
    shown = unit(text, unit_en) if text else ""
    if not shown:
        return f"{value}"
    if english() and shown in LEADING_UNITS_EN:
        return f"{LEADING_UNITS_EN[shown]} {value}"
    return f"{value} {shown}"


def term(text: str, english_names: Mapping[str, str]) -> str:
    """A word of a fixed vocabulary (technology fields, industry sections …) in the interface's
    language: its English name from ``english_names`` when the interface is English, else itself."""
    if not text or not english():
        return text
    return english_names.get(text, text)


def tech_field(text: str) -> str:
    """A 国家重点支持的高新技术领域 in the interface's language (stored values stay Chinese)."""
    return term(text, TECH_FIELDS_EN)


def industry_section(letter: str) -> str:
    """The GB/T 4754 section (门类) of a letter, in the interface's language."""
    return (INDUSTRY_SECTIONS_EN if english() else INDUSTRY_SECTIONS).get(letter, "")


def column_label(name: str) -> str:
    """What the interface calls an enterprise-data column (registry, facts or derived)."""
    column = REGISTRY_BY_NAME.get(name) or FACTS_BY_NAME.get(name)
    if column is not None:
        return localized(column, "header")
    return (english() and DERIVED_COLUMNS_EN.get(name)) or DERIVED_COLUMNS.get(name, name)


def with_unit(label: str, unit_text: str) -> str:
    """「营业收入（万元）」 in Chinese, "Operating revenue (CNY 10k)" in English."""
    if not unit_text:
        return label
    return f"{label} ({unit_text})" if english() else f"{label}（{unit_text}）"
