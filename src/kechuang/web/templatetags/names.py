"""``{{ obj|en:"name" }}``: a name from data in the interface's language (kechuang.web.names)."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext

from kechuang.engine.enterprise_labels import ELIGIBILITY_LABELS
from kechuang.web import names

register = template.Library()


@register.filter
def en(obj, field: str = "name"):
    return names.localized(obj, field)


@register.filter
def unit_en(obj):
    """An indicator's (or any object's) ``unit`` in the interface's language."""
    if isinstance(obj, str):
        return names.unit(obj)
    if isinstance(obj, dict):
        return names.unit(obj.get("unit", ""), obj.get("unit_en", "") or "")
    return names.unit(getattr(obj, "unit", ""), getattr(obj, "unit_en", "") or "")


@register.filter
def tech_field(text):
    """A technology field (国家重点支持的高新技术领域) in the interface's language."""
    return names.tech_field(text)


@register.filter
def eligibility(code):
    """A rule set's verdict (yes / possible / unknown / no) in the interface's language."""
    return gettext(ELIGIBILITY_LABELS.get(code, code))
