"""`kechuang i18n missing|sync`: keep the English catalogue complete without GNU gettext."""

from __future__ import annotations

import typer

from kechuang.cli.common import console

NAME = "i18n"
app = typer.Typer(help="界面翻译（英文目录）")


def _catalogue():
    import polib

    from kechuang.web.assets import PACKAGE_DIR

    path = PACKAGE_DIR / "locale" / "en" / "LC_MESSAGES" / "django.po"
    po = polib.pofile(str(path)) if path.exists() else polib.POFile()
    if not path.exists():
        po.metadata = {"Content-Type": "text/plain; charset=utf-8", "Language": "en"}
    return po, path


@app.command()
def missing() -> None:
    """列出缺少英文翻译的界面文字。"""
    from kechuang.web.messages import all_strings

    po, _ = _catalogue()
    have = {e.msgid for e in po if e.msgstr}
    todo = sorted(all_strings() - have)
    for msgid in todo:
        console.print(msgid)
    console.print(f"缺少 {len(todo)} 条")


@app.command()
def sync() -> None:
    """把新出现的界面文字加入英文目录（译文留空，待人工填写）。"""
    import polib

    from kechuang.web.messages import all_strings

    po, path = _catalogue()
    known = {e.msgid for e in po}
    added = 0
    for msgid in sorted(all_strings() - known):
        po.append(polib.POEntry(msgid=msgid, msgstr=""))
        added += 1
    po.save(str(path))
    console.print(f"新增 {added} 条到 {path}")


@app.command()
def add(pairs: list[str] = typer.Argument(..., help="中文=English，可多条")) -> None:
    """添加或更新英文译文，例如 kechuang i18n add '规划监测=Plan monitoring'。"""
    import polib

    po, path = _catalogue()
    have = {e.msgid: e for e in po}
    for pair in pairs:
        zh, sep, en = pair.partition("=")
        if not sep or not zh or not en:
            raise typer.BadParameter(f"格式应为 中文=English：{pair}")
        if zh in have:
            have[zh].msgstr = en
        else:
            po.append(polib.POEntry(msgid=zh, msgstr=en))
    po.save(str(path))
    console.print(f"已写入 {len(pairs)} 条")
