"""``{{ obj|en:"name" }}``: a name from data in the interface's language (kechuang.web.names)."""

from __future__ import annotations

import re

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext

from kechuang.engine.enterprise_labels import ELIGIBILITY_LABELS
from kechuang.web import names

register = template.Library()
CJK = re.compile(r"[\u3400-\u9fff]")


@register.filter
def en(obj, field: str = "name"):
    return names.localized(obj, field)


@register.filter
def as_written(value):
    """On an English page, a name from data that has no English, shown as written and marked
    ``translate="no"`` (the record's own name, like a proper name); anything else as it is."""
    if value and names.english() and CJK.search(str(value)):
        return format_html('<span translate="no">{}</span>', value)
    return value


@register.filter
def en_as_written(obj, field: str = "name"):
    """``en``, a name without English shown ``as_written``."""
    return as_written(names.localized(obj, field))


@register.filter
def unit_en(obj):
    """An indicator's (or any object's) ``unit`` in the interface's language."""
    if isinstance(obj, str):
        return names.unit(obj)
    if isinstance(obj, dict):
        return names.unit(obj.get("unit", ""), obj.get("unit_en", "") or "")
    return names.unit(getattr(obj, "unit", ""), getattr(obj, "unit_en", "") or "")


@register.filter
def quantity(obj):
    """An evidence's (or any dict's) ``value`` with its ``unit`` in the interface's language:
    「7 级」, "Level 7"."""
    return names.quantity(obj.get("value"), obj.get("unit", ""), obj.get("unit_en", "") or "")


@register.filter
def tech_field(text):
    """A technology field (国家重点支持的高新技术领域) in the interface's language."""
    return names.tech_field(text)


@register.filter
def eligibility(code):
    """A rule set's verdict (yes / possible / unknown / no) in the interface's language."""
    return gettext(ELIGIBILITY_LABELS.get(code, code))
