"""Words of 重大科技项目 stored in Chinese, shown in the interface's language (projects.vocabulary):
``{% load projects_tags %}{{ stake|fund_label }}``, ``{{ spending.reason|spending_reason }}``,
``{{ row.method|acceptance_method }}``, ``{{ row.indicator|goal_indicator:call.goals }}``."""

from __future__ import annotations

from django import template

from kechuang.projects import vocabulary

register = template.Library()


@register.filter
def fund_label(stake) -> str:
    return vocabulary.fund_label(stake)


@register.filter
def spending_reason(reason: str) -> str:
    return vocabulary.spending_reason(reason or "")


@register.filter
def acceptance_method(method: str) -> str:
    return vocabulary.acceptance_method_label(method or "")


@register.filter
def goal_indicator(indicator: str, goals) -> str:
    return vocabulary.goal_indicator(goals, indicator or "")


@register.filter
def eligibility_note(note: str) -> str:
    """An application's stored eligibility note in the interface's language; the conditions it failed
    are kept as recorded at submission (in Chinese)."""
    return vocabulary.eligibility_note(note or "")
