"""The one place that decides what a user may see and change.

Every view, API endpoint, export and CLI path that touches scoped rows asks here:

- ``visible(user, resource, queryset)`` → the rows the user may see;
- ``changeable(user, resource, queryset)`` → the rows the user may change;
- ``scoped(user, resource, queryset)`` → the same, with a 403 for a role without any rows — what
  views and API endpoints call;
- ``can_view`` / ``can_change`` / ``can_create`` for single objects or kinds;
- ``menu(user)`` → the navigation entries the user may use;
- ``may_open(user, url_name)`` / ``may_call(user, method, path)`` → may the user use this page or
  API operation at all (routes.py classifies every one).

The rules are a table (policy.py): role × resource → scope kind; resources.py says, for each
resource, what a scope kind means as a row filter; routes.py says which resource and action each
page and API operation needs.
"""

from kechuang.access.decide import (
    AccessDenied,
    allows,
    can_change,
    can_create,
    can_view,
    changeable,
    could_view,
    deny_unless,
    may_call,
    may_open,
    menu,
    scope_kind,
    scoped,
    visible,
)

__all__ = [
    "AccessDenied",
    "allows",
    "can_change",
    "can_create",
    "can_view",
    "changeable",
    "could_view",
    "deny_unless",
    "may_call",
    "may_open",
    "menu",
    "scope_kind",
    "scoped",
    "visible",
]
