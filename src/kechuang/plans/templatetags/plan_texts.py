"""``{{ batch.file_name|system_text }}``: a text the system wrote on an observation or its batch in
the reader's language (kechuang.plans.texts); anything else — a file's name, a source or a note a
user gave — as written, marked translate="no" on an English page."""

from __future__ import annotations

from django import template

from kechuang.plans.texts import translated
from kechuang.web.templatetags.names import as_written

register = template.Library()


@register.filter
def system_text(value):
    shown = translated(str(value)) if value else None
    return shown if shown is not None else as_written(value)


@register.filter
def system_translated(value):
    """A text the system wrote, in the reader's language; '' for any other text."""
    return (translated(str(value)) if value else None) or ""
