"""Find the translatable messages of the whole package with Babel.

Python files are read by Babel's own extractor; templates are first turned into Python-like source
by Django's ``templatize`` (what ``makemessages`` feeds to xgettext), so ``{% translate %}``,
``{% blocktranslate %}`` (with ``count`` → plural, ``context`` → message context) and ``_("…")`` in
variables are all found without GNU gettext on the machine.

A message is a :class:`Message` (context, singular, plural). Used by `kechuang i18n` and by the test
that keeps the English catalogue complete.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from babel.messages.extract import extract_from_dir, extract_python
from django.utils.translation.template import templatize

PACKAGE_DIR = Path(__file__).resolve().parent.parent

# Babel keyword specs: argument positions of singular, plural and context ("c").
KEYWORDS: dict[str, tuple | None] = {
    "_": None,
    "gettext": None,
    "gettext_lazy": None,
    "gettext_noop": None,
    "_noop": None,
    "N_": None,
    "ngettext": (1, 2),
    "ngettext_lazy": (1, 2),
    "pgettext": ((1, "c"), 2),
    "pgettext_lazy": ((1, "c"), 2),
    "npgettext": ((1, "c"), 2, 3),
    "npgettext_lazy": ((1, "c"), 2, 3),
}

METHOD_MAP = [
    ("**/migrations/**", "ignore"),
    ("**/static/**", "ignore"),
    ("**.py", "python"),
    ("**/templates/**.html", "kechuang.web.messages:extract_django"),
]


@dataclass(frozen=True, order=True)
class Message:
    context: str
    msgid: str
    plural: str = ""
    where: str = ""  # first place it was found (file:line), for error messages

    @property
    def key(self) -> tuple[str, str]:
        return (self.context, self.msgid)


def extract_django(fileobj, keywords, comment_tags, options) -> Iterator:
    """Babel extractor for Django templates: templatize, then read as Python."""
    source = fileobj.read().decode(options.get("encoding", "utf-8"))
    # templatize keeps the template's indentation, which Python's tokenizer would reject
    python = "\n".join(line.lstrip() for line in templatize(source).splitlines()).encode("utf-8")
    yield from extract_python(io.BytesIO(python), keywords, comment_tags, options)


def extract(directory: Path = PACKAGE_DIR) -> dict[tuple[str, str], Message]:
    """Every translatable message under ``directory``, keyed by (context, msgid)."""
    found: dict[tuple[str, str], Message] = {}
    for filename, lineno, message, _comments, context in extract_from_dir(
        str(directory), METHOD_MAP, keywords=KEYWORDS, strip_comment_tags=True
    ):
        singular, plural = (message[0], message[1]) if isinstance(message, tuple) else (message, "")
        if not singular:
            continue
        item = Message(context or "", singular, plural or "", f"{filename}:{lineno}")
        found.setdefault(item.key, item)
    return found


def untranslated(catalogue, messages: dict[tuple[str, str], Message]) -> list[Message]:
    """The messages a polib catalogue lacks a complete translation for (plural forms included)."""
    done = set()
    for entry in catalogue:
        if entry.obsolete:
            continue
        if entry.msgid_plural:
            complete = bool(entry.msgstr_plural) and all(entry.msgstr_plural.values())
        else:
            complete = bool(entry.msgstr)
        if complete:
            done.add((entry.msgctxt or "", entry.msgid))
    return sorted(m for key, m in messages.items() if key not in done)
