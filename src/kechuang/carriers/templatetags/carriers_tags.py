"""Template helpers of the carriers pages: the tabs a user may open, number formatting."""

from django import template
from django.utils.translation import gettext as _

from kechuang import access

register = template.Library()

_TABS = (
    ("carriers:list", "载体名录", "list", "carrier"),
    ("carriers:evaluations", "评价结果", "evaluations", "carrier_evaluation"),
    ("carriers:instruments", "仪器设施共享", "instruments", "instrument"),
    ("carriers:bookings", "预约记录", "bookings", "booking"),
    ("carriers:talents", "人才分类评价", "talents", "talent_application"),
)


@register.filter
def carrier_tabs(user):
    return [(name, _(label), key) for name, label, key, resource in _TABS if access.can_view(user, resource)]


@register.filter
def num(value, digits: int = 2):
    """12.0 → 12, 0.3333 → 0.33, None → —."""
    if value is None or value == "":
        return "—"
    try:
        v = round(float(value), int(digits))
    except (TypeError, ValueError):
        return value
    return f"{v:,.{int(digits)}f}".rstrip("0").rstrip(".") if v != int(v) else f"{int(v):,}"


@register.filter
def get(mapping, key):
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.filter
def without_declarations(actions):
    """The talent workflow steps of the 办理 form: not the conflict declaration nor the template run
    (each has its own form)."""
    return [a for a in actions if not a.startswith("declare_") and a != "evaluate"]


@register.filter
def carrier_field(text):
    """A carrier's 专业领域 or an instrument's 类别 in the interface's language (vocabulary.FIELDS_EN);
    one without English is shown as written (translate="no")."""
    from kechuang.carriers.vocabulary import FIELDS_EN
    from kechuang.web import names
    from kechuang.web.templatetags.names import as_written

    return as_written(names.term(text, FIELDS_EN))


@register.filter
def grade_label(result):
    """An evaluation result's grade by its template's labels, in the interface's language (the stored
    grade_label is the Chinese one)."""
    from kechuang.carriers import services

    return services.grade_text(result)
