"""Whether this machine has a font with Chinese glyphs for the report's charts (matplotlib's font list).

:mod:`.build` asks once per report and records the answer in the report, so the charts and the notes agree.
"""

from __future__ import annotations

import os
from functools import cache

CJK_FAMILIES = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "Microsoft YaHei",
    "SimHei",
    "PingFang SC",
    "Sarasa Gothic SC",
    "Droid Sans Fallback",
)
CJK_FILE_HINTS = ("wqy", "notosanscjk", "notoserifcjk", "sourcehan", "droidsansfallback", "simhei", "msyh")


@cache
def find_cjk_font() -> str | None:
    """The family name of a font with Chinese glyphs that matplotlib can use, or None.

    ``KECHUANG_CJK_FONT`` may name a font file to use instead of looking."""
    from matplotlib import font_manager  # heavy: loaded when a report is built, not with the pages

    path = os.environ.get("KECHUANG_CJK_FONT")
    if path and os.path.exists(path):
        font_manager.fontManager.addfont(path)
        return font_manager.FontProperties(fname=path).get_name()
    known = {f.name for f in font_manager.fontManager.ttflist}
    for family in CJK_FAMILIES:
        if family in known:
            return family
    # installed after matplotlib built its font cache: look at the files themselves
    for path in sorted(font_manager.findSystemFonts()):
        if any(hint in os.path.basename(path).lower().replace("-", "") for hint in CJK_FILE_HINTS):
            try:
                font_manager.fontManager.addfont(path)
                return font_manager.FontProperties(fname=path).get_name()
            except (OSError, RuntimeError, ValueError):
                continue
    return None
