"""Chinese by default, English on request; the English catalogue covers every interface string."""

from kechuang.web.messages import all_strings


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
    import polib

    from kechuang.web.assets import PACKAGE_DIR

    po = polib.pofile(str(PACKAGE_DIR / "locale/en/LC_MESSAGES/django.po"))
    translated = {e.msgid for e in po if e.msgstr}
    missing = sorted(all_strings() - translated)
    assert missing == [], f"run `kechuang i18n sync` and translate: {missing[:10]}"
