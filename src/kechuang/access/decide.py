"""Deciding: turn the policy table and the resource filters into querysets and yes/no answers."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from kechuang.access.policy import MENU, POLICY
from kechuang.access.resources import FILTERS
from kechuang.access.routes import AUTHENTICATED, PUBLIC, Needs, api_rule, page_rule


class AccessDenied(Exception):
    """Raised when a user asks for something outside their scope (views turn it into 403)."""


def _role(user) -> str | None:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    return user.role


def scope_kind(user, resource: str, action: str = "view") -> str | None:
    """The scope kind the user has on a resource for an action ('view' or 'change'), or None."""
    if resource not in POLICY:
        raise KeyError(f"unknown resource {resource!r}")
    role = _role(user)
    if role is None:
        return None
    return POLICY[resource][action].get(role)


def _filter(user, resource: str, action: str) -> Q | None:
    """None → no rows; Q() → all rows; else the row filter."""
    kind = scope_kind(user, resource, action)
    if kind is None:
        return None
    if kind == "all":
        return Q()
    make = FILTERS.get(resource, {}).get(kind)
    return make(user) if make else None


def visible(user, resource: str, queryset: QuerySet) -> QuerySet:
    q = _filter(user, resource, "view")
    return queryset.none() if q is None else queryset.filter(q)


def changeable(user, resource: str, queryset: QuerySet) -> QuerySet:
    q = _filter(user, resource, "change")
    return queryset.none() if q is None else queryset.filter(q)


def scoped(user, resource: str, queryset: QuerySet, action: str = "view", message: str = "") -> QuerySet:
    """The rows a page or endpoint may show (``visible``) or change (``changeable``), after a 403
    (AccessDenied) for a role that has no rows of the resource at all."""
    if action not in ("view", "change"):
        raise ValueError(f"unknown action {action!r}")
    deny_unless(scope_kind(user, resource, action) is not None, message or "无权访问")
    return visible(user, resource, queryset) if action == "view" else changeable(user, resource, queryset)


def _matches(user, resource: str, action: str, obj) -> bool:
    q = _filter(user, resource, action)
    if q is None:
        return False
    if not q.children:
        return True
    return type(obj)._default_manager.filter(q, pk=obj.pk).exists()


def can_view(user, resource: str, obj=None) -> bool:
    """May the user see this object (or, without obj, any rows of this resource)?"""
    if obj is None:
        return scope_kind(user, resource, "view") is not None
    return _matches(user, resource, "view", obj)


def can_change(user, resource: str, obj=None) -> bool:
    """May the user change this object (or, without obj, some rows of this resource)?"""
    if obj is None:
        return scope_kind(user, resource, "change") is not None
    return _matches(user, resource, "change", obj)


def can_create(user, resource: str, candidate) -> bool:
    """May the user create this (unsaved) object? Its scope fields are checked against the filter."""
    return _admits_unsaved(user, resource, "change", candidate)


def could_view(user, resource: str, candidate) -> bool:
    """Would the user see this (unsaved) object if it existed? For pages about something that has no
    rows yet, such as a town nobody has reported for: the same scope as the rows it would have."""
    return _admits_unsaved(user, resource, "view", candidate)


def _admits_unsaved(user, resource: str, action: str, candidate) -> bool:
    q = _filter(user, resource, action)
    if q is None:
        return False
    if not q.children:
        return True
    return _q_matches_unsaved(q, candidate)


def _q_matches_unsaved(q: Q, obj) -> bool:
    """Evaluate a simple Q (exact lookups, OR/AND, __contains on lists) against an unsaved object."""
    results = []
    for child in q.children:
        if isinstance(child, Q):
            results.append(_q_matches_unsaved(child, obj))
            continue
        path, expected = child
        lookup = "exact"
        parts = path.split("__")
        if parts[-1] in {"contains", "exact"}:
            lookup = parts.pop()
        value = obj
        for part in parts:
            value = getattr(value, part, None)
            if value is None:
                break
        results.append(expected in (value or ()) if lookup == "contains" else value == expected)
    combined = any(results) if q.connector == Q.OR else all(results)
    return not combined if q.negated else combined


def deny_unless(allowed: bool, message: str = "无权访问") -> None:
    if not allowed:
        raise AccessDenied(message)


def menu(user) -> list[dict]:
    """The navigation entries this user may use, in order."""
    entries = []
    for key, label, url_name, resource, built in MENU:
        if scope_kind(user, resource, "view") is not None:
            entries.append({"key": key, "label": label, "url_name": url_name, "built": built})
    return entries


def allows(user, rule) -> bool:
    """Does a route rule (routes.Needs, PUBLIC or AUTHENTICATED) let this user in?"""
    if rule == PUBLIC:
        return True
    if _role(user) is None:
        return False
    if rule == AUTHENTICATED:
        return True
    if isinstance(rule, Needs):
        return scope_kind(user, rule.resource, rule.action) is not None
    raise ValueError(f"unknown route rule {rule!r}")


def may_open(user, url_name: str) -> bool:
    """May the user open the page named url_name at all (rows are narrowed by the page)?"""
    return allows(user, page_rule(url_name))


def may_call(user, method: str, path: str) -> bool:
    """May the user call the API operation (method, OpenAPI path) at all?"""
    return allows(user, api_rule(method, path))
