"""The interface language follows the user's choice, remembered (issue 9 §5).

Choosing a language (the 中文 / English switch on every page) sets Django's language cookie for a
year and, for a signed-in user, saves the choice on the account; every later request of that user is
in that language, on any browser, whatever the browser asks for. Before a choice, the cookie or the
browser's Accept-Language decides (Django's LocaleMiddleware).
"""

from __future__ import annotations

from django.conf import settings
from django.utils import translation
from django.views.i18n import set_language as django_set_language

LANGUAGE_CODES = {code for code, _name in settings.LANGUAGES}


def set_language(request):
    """Django's set_language (cookie, redirect to ``next``), and the choice saved on the account."""
    response = django_set_language(request)
    code = request.POST.get("language", "")
    user = getattr(request, "user", None)
    if request.method == "POST" and code in LANGUAGE_CODES and user is not None and user.is_authenticated:
        if user.language != code:
            user.language = code
            user.save(update_fields=["language"])
    return response


class UserLanguageMiddleware:
    """After authentication: a signed-in user's saved language wins over cookie and browser."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        code = self._saved(request)
        if code in LANGUAGE_CODES and code != request.LANGUAGE_CODE:
            translation.activate(code)
            request.LANGUAGE_CODE = code
        response = self.get_response(request)
        code = self._saved(request)  # again: the view may have just saved a new choice (set_language)
        if code in LANGUAGE_CODES and request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) != code:
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                code,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                path=settings.LANGUAGE_COOKIE_PATH,
                domain=settings.LANGUAGE_COOKIE_DOMAIN,
                secure=settings.LANGUAGE_COOKIE_SECURE,
                httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            )
        return response

    @staticmethod
    def _saved(request) -> str:
        user = getattr(request, "user", None)
        return getattr(user, "language", "") if user is not None and user.is_authenticated else ""
