"""Find the translatable strings in templates and Python code (no GNU gettext on a fresh machine).

Used by the test that keeps the English catalogue complete and by `kechuang i18n missing`.
"""

from __future__ import annotations

import re
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent.parent
_TEMPLATE_PATTERNS = (
    re.compile(r"""\{%\s*(?:translate|trans)\s+"([^"]+)"\s*(?:as\s+\w+\s*)?%\}"""),
    re.compile(r"""\{%\s*(?:translate|trans)\s+'([^']+)'\s*(?:as\s+\w+\s*)?%\}"""),
    re.compile(r"""_\("([^"]+)"\)"""),
)
_BLOCK = re.compile(r"\{%\s*blocktrans(?:late)?\b([^%]*)%\}(.*?)\{%\s*endblocktrans(?:late)?\s*%\}", re.S)
_PY = re.compile(r"""\b(?:_|_noop|gettext|gettext_lazy)\(\s*"([^"]+)"\s*\)""")


def _block_msgid(body: str) -> str:
    """As Django builds a blocktranslate msgid: a literal % doubled, variables as %(name)s."""
    return re.sub(r"\{\{\s*(\w+)\s*\}\}", r"%(\1)s", body.replace("%", "%%"))


def template_strings() -> set[str]:
    found: set[str] = set()
    for path in PACKAGE_DIR.rglob("templates/**/*.html"):
        text = path.read_text(encoding="utf-8")
        for pattern in _TEMPLATE_PATTERNS:
            found.update(pattern.findall(text))
        for _, body in _BLOCK.findall(text):
            found.add(_block_msgid(body))
    return found


def python_strings() -> set[str]:
    found: set[str] = set()
    for path in PACKAGE_DIR.rglob("*.py"):
        if "migrations" in path.parts or "engine" in path.parts:
            continue
        found.update(_PY.findall(path.read_text(encoding="utf-8")))
    return found


def all_strings() -> set[str]:
    return template_strings() | python_strings()
