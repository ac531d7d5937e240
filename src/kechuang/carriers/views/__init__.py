"""The carriers pages."""

from __future__ import annotations

from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from kechuang.web.templatetags.names import as_written


def named(message: str, **values) -> str:
    """A translated message naming things from data (an enterprise, a carrier) for a flash message:
    HTML, the names as written — marked translate="no" on an English page."""
    return mark_safe(
        conditional_escape(message) % {k: conditional_escape(as_written(v)) for k, v in values.items()}
    )
