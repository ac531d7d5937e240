"""The 安心屋 exemption dossier (尽职免责材料) as PDF, without LibreOffice: fpdf2 (pure Python) draws the
same blocks as the .docx (services.cases.dossier_blocks) with a font that has Chinese glyphs.

The font: ``KECHUANG_CJK_FONT`` (a .ttf/.otf/.ttc file), else the first of the usual system files
(WenQuanYi Micro Hei / Zen Hei from Debian's fonts-wqy-*, Noto Sans CJK, Droid Sans Fallback). With
no such font, or without fpdf2, ``available()`` is false and the pages offer the .docx only — a PDF
whose Chinese would be blank boxes is never produced.
"""

from __future__ import annotations

import importlib.util
import os
from functools import cache
from pathlib import Path

from kechuang.transfer.services.cases import Block

FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
)
FAMILY = "cjk"


@cache
def cjk_font() -> str | None:
    """The path of a font file with Chinese glyphs, or None."""
    chosen = os.environ.get("KECHUANG_CJK_FONT")
    for path in (chosen, *FONT_CANDIDATES):
        if path and Path(path).is_file():
            return path
    return None


@cache
def available() -> bool:
    """fpdf2 is installed and a Chinese font found (looked up once, without importing fpdf)."""
    return importlib.util.find_spec("fpdf") is not None and cjk_font() is not None


class PdfUnavailable(Exception):
    pass


def render(blocks: list[Block], title: str = "") -> bytes:
    """The blocks as an A4 PDF (portrait; the steps table in landscape width)."""
    from fpdf import FPDF
    from fpdf.fonts import FontFace

    font = cjk_font()
    if font is None:
        raise PdfUnavailable("no CJK font")
    pdf = FPDF(orientation="landscape", format="A4")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.set_margins(15, 15, 15)
    pdf.add_font(FAMILY, "", font)
    pdf.set_title(title or (blocks[0].text if blocks else ""))
    pdf.set_creator("kechuang")
    pdf.add_page()
    width = pdf.epw
    for b in blocks:
        if b.kind == "title":
            pdf.set_font(FAMILY, size=18)
            pdf.multi_cell(width, 10, b.text, new_x="LMARGIN", new_y="NEXT", align="C", wrapmode="CHAR")
            pdf.ln(2)
        elif b.kind == "heading":
            pdf.ln(3)
            pdf.set_font(FAMILY, size=13)
            pdf.multi_cell(width, 8, b.text, new_x="LMARGIN", new_y="NEXT", wrapmode="CHAR")
        elif b.kind == "bullet":
            pdf.set_font(FAMILY, size=10.5)
            pdf.multi_cell(width, 6, "• " + b.text, new_x="LMARGIN", new_y="NEXT", wrapmode="CHAR")
        elif b.kind == "table":
            pdf.set_font(FAMILY, size=9)
            widths = (22, 26, 30, 32, 40, 16, width - 166)
            with pdf.table(
                col_widths=widths[: len(b.headers)] if len(b.headers) == len(widths) else None,
                headings_style=FontFace(fill_color=(230, 230, 230)),
                line_height=5.5,
                wrapmode="CHAR",
            ) as table:
                table.row(list(b.headers))
                for row in b.rows:
                    table.row([str(x) for x in row])
        else:
            pdf.set_font(FAMILY, size=10.5)
            pdf.multi_cell(width, 6, b.text, new_x="LMARGIN", new_y="NEXT", wrapmode="CHAR")
    return bytes(pdf.output())
