"""Template context: the navigation the user may use, their organisation and role."""

from __future__ import annotations

from kechuang import access


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": []}
    return {"nav": access.menu(user)}
