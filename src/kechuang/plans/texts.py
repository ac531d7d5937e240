"""Texts the system writes on observations and their batches (a batch's file name, a default
source, a note), kept in Chinese in the database and shown in the reader's language.

Each is a message with ``{}`` placeholders; the code that writes one formats it in Chinese, the pages
match a stored text against them (``shown``) and translate it; any other text — a file's name as
uploaded, a source or a note a user typed — is shown as written, marked translate="no"."""

from __future__ import annotations

import re

from django.utils.translation import gettext
from django.utils.translation import gettext_noop as N_

WEB_FORM = N_("网页填报")  # the batch of a value entered on the web form
API_FORM = N_("API 填报")
SIMULATED_BATCH = N_("模拟数据 {}–{}")  # years
SIMULATED_SOURCE = N_("模拟数据（演示用，非官方统计）")
REGISTRY_BATCH = N_("企业库资格计算 {}–{}")  # years
REGISTRY_SOURCE = N_("企业库（kechuang 资格计算，{}）")  # the day
SYNTHETIC_NOTE = N_("合成演示数据，按 ×{} 倍折算（样本 {} 家）")
CONTRACTS_BATCH = N_("技术合同登记库 {}–{}")  # years
CONTRACTS_SOURCE = N_("技术合同登记库（kechuang 技术合同认定登记，{}）")  # the day
CONTRACTS_NOTE = N_("{} 份合同")

TEXTS = (
    WEB_FORM,
    API_FORM,
    SIMULATED_BATCH,
    SIMULATED_SOURCE,
    REGISTRY_BATCH,
    REGISTRY_SOURCE,
    SYNTHETIC_NOTE,
    CONTRACTS_BATCH,
    CONTRACTS_SOURCE,
    CONTRACTS_NOTE,
)
_PATTERNS = [
    (re.compile("^" + re.escape(text).replace(re.escape("{}"), "(.+?)") + "$"), text) for text in TEXTS
]


def prefix(text: str) -> str:
    """The part of ``text`` before its first placeholder (to recognise such a source in a column)."""
    return text.split("{}", 1)[0]


def translated(stored: str) -> str | None:
    """``stored`` in the active language when the system wrote it (one of TEXTS), else None."""
    for pattern, text in _PATTERNS:
        found = pattern.match(stored or "")
        if found:
            return gettext(text).format(*found.groups())
    return None
