"""`{% may_open 'enterprises:registry' as ok %}`: whether the user may open a page, decided by
kechuang.access (templates show a link only where it leads somewhere the user may go)."""

from __future__ import annotations

from django import template

from kechuang import access

register = template.Library()


@register.simple_tag(takes_context=True)
def may_open(context, url_name: str) -> bool:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    return access.may_open(user, url_name)
