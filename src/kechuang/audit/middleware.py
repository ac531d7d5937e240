"""Binds the request's user to the audit context for the duration of the request."""

from __future__ import annotations

from kechuang.audit.context import acting_as


class AuditContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            with acting_as(user) as actor:
                request.id = actor.request_id
                return self.get_response(request)
        return self.get_response(request)
