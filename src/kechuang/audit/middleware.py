"""Keeps every request in the audit context (NetBox's ``current_request``); see audit.context.

The user is not read here: django-ninja authenticates API tokens later, inside the view. The audit
signals read the request's user when they write the record.
"""

from __future__ import annotations

from kechuang.audit.context import request_context


class AuditContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with request_context(request):
            return self.get_response(request)
