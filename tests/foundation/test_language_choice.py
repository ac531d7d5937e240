"""The interface language follows the user's choice, remembered on the account (issue 9 §5)."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def _switch(client: Client, language: str):
    return client.post("/i18n/setlang/", {"language": language, "next": "/"})


def test_the_choice_is_saved_on_the_account_and_follows_the_user_to_another_browser(personas):
    first = Client(HTTP_ACCEPT_LANGUAGE="zh-CN")
    first.force_login(personas["bureau"])
    assert _switch(first, "en").status_code == 302
    personas["bureau"].refresh_from_db()
    assert personas["bureau"].language == "en"

    other = Client(HTTP_ACCEPT_LANGUAGE="zh-CN")  # a second browser asking for Chinese, no cookie
    other.force_login(personas["bureau"])
    html = other.get("/").content.decode()
    assert '<html lang="en">' in html
    assert other.cookies["django_language"].value == "en"  # and that browser remembers it too


def test_switching_back_to_chinese_is_remembered_too(personas):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(personas["leader"])
    _switch(client, "zh-hans")
    personas["leader"].refresh_from_db()
    assert personas["leader"].language == "zh-hans"
    fresh = Client(HTTP_ACCEPT_LANGUAGE="en")
    fresh.force_login(personas["leader"])
    assert '<html lang="zh-hans">' in fresh.get("/").content.decode()


def test_before_a_choice_the_browser_decides_and_the_cookie_lasts_a_year(personas):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(personas["humen"])
    assert '<html lang="en">' in client.get("/").content.decode()
    anonymous = Client()
    response = _switch(anonymous, "en")
    assert response.cookies["django_language"]["max-age"] >= 365 * 24 * 3600


def test_an_unknown_language_is_not_saved(personas):
    client = Client()
    client.force_login(personas["bank"])
    _switch(client, "xx")
    personas["bank"].refresh_from_db()
    assert personas["bank"].language == ""


def test_switching_on_a_browser_without_the_cookie_keeps_the_new_choice(personas):
    """The saved language (en) must not overwrite the cookie the switch to Chinese just set."""
    personas["leader"].language = "en"
    personas["leader"].save(update_fields=["language"])
    client = Client(HTTP_ACCEPT_LANGUAGE="en")  # a browser with no language cookie yet
    client.force_login(personas["leader"])
    response = _switch(client, "zh-hans")
    assert response.cookies["django_language"].value == "zh-hans"
    assert '<html lang="zh-hans">' in client.get("/").content.decode()


def test_the_home_page_greets_the_user_by_name_as_written(personas):
    """The user's name is a proper name: kept as written, marked translate="no" on the English page."""
    personas["bureau"].display_name = "科技局 王科员"
    personas["bureau"].save()
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(personas["bureau"])
    assert '<h1>Welcome, <span translate="no">科技局 王科员</span></h1>' in client.get("/").content.decode()
    chinese = Client(HTTP_ACCEPT_LANGUAGE="zh-CN")
    chinese.force_login(personas["bureau"])
    assert '欢迎，<span translate="no">科技局 王科员</span>' in chinese.get("/").content.decode()
