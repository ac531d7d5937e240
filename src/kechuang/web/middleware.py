"""Security headers Django 5.2 does not set itself, and AccessDenied → 403."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponseForbidden
from django.template.loader import render_to_string

from kechuang.access import AccessDenied


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        return response

    def process_exception(self, request, exception):
        if isinstance(exception, AccessDenied):
            html = render_to_string("403.html", {"message": str(exception)}, request=request)
            return HttpResponseForbidden(html)
        return None
