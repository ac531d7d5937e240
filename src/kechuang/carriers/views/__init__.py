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


def named_refusal(texts, *names) -> str:
    """A refusal's messages (plain text that may name things from data) for a flash message: HTML,
    joined with 「；」, each of ``names`` shown as written (translate="no" on an English page)."""
    html = conditional_escape("；".join(texts))
    for name in {n for n in names if n}:
        html = html.replace(conditional_escape(name), conditional_escape(as_written(name)))
    return mark_safe(html)
