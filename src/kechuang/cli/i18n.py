"""`kechuang i18n missing|sync|add`: keep the English catalogue complete.

Messages are extracted with Babel (kechuang.web.messages), templates through Django's templatize,
so plural (``blocktranslate count``) and context (``context "…"``) forms are found as makemessages
would find them; the catalogue is read and written with polib.
"""

from __future__ import annotations

from pathlib import Path

import polib
import typer

from kechuang.cli.common import console, err_console
from kechuang.web.messages import PACKAGE_DIR, Message, extract, untranslated

NAME = "i18n"
app = typer.Typer(help="界面翻译（英文目录）")

CATALOGUE = PACKAGE_DIR / "locale" / "en" / "LC_MESSAGES" / "django.po"
catalogue_option = typer.Option(CATALOGUE, "--catalogue", help="英文目录文件（.po）", dir_okay=False)


def _load(path: Path) -> polib.POFile:
    if path.exists():
        return polib.pofile(str(path))
    po = polib.POFile()
    po.metadata = {
        "Content-Type": "text/plain; charset=utf-8",
        "Language": "en",
        "Plural-Forms": "nplurals=2; plural=(n != 1);",
    }
    return po


def _label(m: Message) -> str:
    text = m.msgid if not m.plural else f"{m.msgid} | {m.plural}"
    return f"[{m.context}] {text}" if m.context else text


@app.command()
def missing(catalogue: Path = catalogue_option) -> None:
    """列出缺少英文翻译的界面文字（含复数形式与上下文）；有缺失时退出码为 1。"""
    todo = untranslated(_load(catalogue), extract())
    for m in todo:
        console.print(f"{_label(m)}    [dim]{m.where}[/]", markup=True, highlight=False)
    console.print(f"缺少 {len(todo)} 条")
    if todo:
        raise typer.Exit(1)


@app.command()
def sync(catalogue: Path = catalogue_option) -> None:
    """把新出现的界面文字加入英文目录（译文留空，待人工填写）；已有译文不动。"""
    po = _load(catalogue)
    known = {(e.msgctxt or "", e.msgid) for e in po}
    added = 0
    for key, m in sorted(extract().items()):
        if key in known:
            continue
        entry = polib.POEntry(msgid=m.msgid, msgstr="", occurrences=[(m.where.rsplit(":", 1)[0], "")])
        if m.context:
            entry.msgctxt = m.context
        if m.plural:
            entry.msgid_plural = m.plural
            entry.msgstr_plural = {0: "", 1: ""}
        po.append(entry)
        added += 1
    catalogue.parent.mkdir(parents=True, exist_ok=True)
    po.save(str(catalogue))
    console.print(f"新增 {added} 条到 {catalogue}")


@app.command()
def add(
    pairs: list[str] = typer.Argument(..., help="中文=English，可多条"),
    catalogue: Path = catalogue_option,
) -> None:
    """添加或更新英文译文，例如 kechuang i18n add '规划监测=Plan monitoring'。"""
    parsed = []
    for pair in pairs:
        zh, sep, en = pair.partition("=")
        if not sep or not zh.strip() or not en.strip():
            err_console.print(f"格式应为 中文=English：{pair}")
            raise typer.Exit(2)
        parsed.append((zh, en))
    po = _load(catalogue)
    have = {e.msgid: e for e in po if not e.msgctxt}
    for zh, en in parsed:
        if zh in have:
            have[zh].msgstr = en
        else:
            po.append(polib.POEntry(msgid=zh, msgstr=en))
    catalogue.parent.mkdir(parents=True, exist_ok=True)
    po.save(str(catalogue))
    console.print(f"已写入 {len(parsed)} 条")
