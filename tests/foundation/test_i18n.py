"""Chinese by default, English on request; the English catalogue covers every interface message,
found by Babel (templates through Django's templatize), plural and context forms included."""

import os
import re
import subprocess
import sys
from pathlib import Path

import polib
from django.template import Context, Template
from django.utils import translation

from kechuang.web.messages import PACKAGE_DIR, extract, untranslated

CATALOGUE = PACKAGE_DIR / "locale/en/LC_MESSAGES/django.po"


def test_chinese_by_default(client_for):
    html = client_for("bureau").get("/").content.decode()
    assert "规划监测" in html and "退出" in html and 'lang="zh-hans"' in html


def test_switching_to_english(client_for):
    client = client_for("bureau")
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    html = client.get("/").content.decode()
    assert 'lang="en"' in html
    assert "Plan monitoring" in html and "Log out" in html and "S&amp;T bureau officer" in html
    assert "规划监测" not in html
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    assert "规划监测" in client.get("/").content.decode()


def test_english_catalogue_is_complete():
    missing = untranslated(polib.pofile(str(CATALOGUE)), extract())
    shown = [f"{m.msgid} ({m.where})" for m in missing[:10]]
    assert missing == [], f"run `kechuang i18n sync` and translate: {shown}"


def test_a_percent_sign_in_a_translate_tag_is_translated():
    # Django looks such a message up with the % doubled; the old regex extractor missed that, so
    # these strings stayed Chinese on English pages.
    with translation.override("en"):
        html = Template('{% load i18n %}{% translate "80% 区间" %}').render(Context())
    assert html == "80% interval"


def _write(root: Path, name: str, text: str) -> None:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def test_extraction_finds_plural_and_context_forms(tmp_path):
    _write(
        tmp_path,
        "templates/demo/page.html",
        '{% load i18n %}\n<div>\n    {% translate "五月" context "月份" %}\n'
        "    {% blocktranslate count counter=n %}一家企业{% plural %}{{ counter }} 家企业{% endblocktranslate %}\n"
        '    {{ _("变量里的文字") }}\n</div>\n',
    )
    _write(
        tmp_path,
        "mod.py",
        "from django.utils.translation import gettext as _, ngettext, pgettext_lazy\n"
        "A = _('甲')\nB = ngettext('一条', '%(n)s 条', 2)\nC = pgettext_lazy('按钮', '保存')\n"
        "D = _(name_from_somewhere)\n",
    )
    found = extract(tmp_path)
    assert found[("月份", "五月")].plural == ""
    assert found[("", "一家企业")].plural == "%(counter)s 家企业"
    assert ("", "变量里的文字") in found and ("", "甲") in found
    assert found[("", "一条")].plural == "%(n)s 条"
    assert ("按钮", "保存") in found
    assert found[("", "甲")].where == "mod.py:2"

    po = polib.POFile()
    po.append(polib.POEntry(msgid="甲", msgstr="A"))
    po.append(polib.POEntry(msgid="保存", msgstr="Save"))  # no context: does not cover 按钮|保存
    po.append(polib.POEntry(msgid="一条", msgid_plural="%(n)s 条", msgstr_plural={0: "one", 1: ""}))
    missing = {m.key for m in untranslated(po, found)}
    assert ("", "甲") not in missing
    assert ("按钮", "保存") in missing and ("", "一条") in missing  # half-translated plural


def _kechuang(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    return subprocess.run(
        [sys.executable, "-m", "kechuang.cli.main", "i18n", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def test_i18n_commands_as_a_user_runs_them(tmp_path):
    catalogue = tmp_path / "en.po"
    first = _kechuang("missing", "--catalogue", str(catalogue))
    assert first.returncode == 1
    assert "规划监测" in first.stdout and "缺少" in first.stdout

    added = _kechuang("add", "规划监测=Plan monitoring", "--catalogue", str(catalogue))
    assert added.returncode == 0, added.stderr
    synced = _kechuang("sync", "--catalogue", str(catalogue))
    assert synced.returncode == 0, synced.stderr
    po = polib.pofile(str(catalogue))
    assert po.find("规划监测").msgstr == "Plan monitoring"  # kept by sync
    assert len(po) == len(extract())
    assert {e.msgid for e in po if not e.msgstr} == {k[1] for k in extract()} - {"规划监测"}

    bad = _kechuang("add", "没有等号", "--catalogue", str(catalogue))
    assert bad.returncode == 2
    assert "格式应为 中文=English：没有等号" in bad.stderr
    assert polib.pofile(str(catalogue)).find("没有等号") is None

    complete = _kechuang("missing")  # the shipped catalogue
    assert complete.returncode == 0, complete.stdout[-2000:]
    assert "缺少 0 条" in complete.stdout


def _plural_entries() -> list[polib.POEntry]:
    return [e for e in polib.pofile(str(CATALOGUE)) if e.msgid_plural and not e.obsolete]


def test_counted_messages_and_their_catalogue_entries_agree_on_plural():
    """A counted message (blocktranslate count, ngettext) needs a plural entry and a plain message a
    plain one: either mismatch leaves the Chinese text on an English page (issue 9 §5)."""
    plural = {e.msgid for e in _plural_entries()}
    found = {key: m for key, m in extract().items() if not key[0]}
    counted = {msgid for (_, msgid), m in found.items() if m.plural}
    plain = {msgid: m.where for (_, msgid), m in found.items() if not m.plural}
    assert sorted(counted - plural) == []
    assert sorted((msgid, plain[msgid]) for msgid in plural & plain.keys()) == []


MODIFIERS = ("annual", "technology", "key-task progress")  # "1 annual report": the noun comes later
NOUN_AFTER_COUNT = re.compile(r"(?:%\(\w+\)[sd]|\{\w+\}) (?:(?:" + "|".join(MODIFIERS) + r") )?([A-Za-z-]+)")
NOT_PLURAL = {"has", "is", "was"}  # words after a placeholder that end in s in the singular


def test_english_counts_read_singular_for_one_and_plural_otherwise():
    """Every plural entry has both English forms, they differ, and the singular's counted noun has
    no plural 's' ("1 task", "2 tasks"); the compiled catalogue gives them for 1 and 2, while
    Chinese, which has no plural, reads the same for both."""
    entries = _plural_entries()
    assert len(entries) >= 20
    for e in entries:
        one, many = e.msgstr_plural[0], e.msgstr_plural[1]
        assert one and many and one != many, e.msgid
        nouns = NOUN_AFTER_COUNT.findall(one)
        assert [w for w in nouns if w.endswith("s") and w not in NOT_PLURAL] == [], (e.msgid, one)
        assert any(w + "s" in NOUN_AFTER_COUNT.findall(many) for w in nouns), one
        with translation.override("en"):
            assert translation.ngettext(e.msgid, e.msgid_plural, 1) == one
            assert translation.ngettext(e.msgid, e.msgid_plural, 2) == many
        with translation.override("zh-hans"):
            assert translation.ngettext(e.msgid, e.msgid_plural, 1) == e.msgid
            assert translation.ngettext(e.msgid, e.msgid_plural, 2) == e.msgid
