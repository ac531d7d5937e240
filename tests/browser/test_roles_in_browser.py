"""Log in as each demo role in a real browser: the menu, the language switch, no foreign hosts."""

from pathlib import Path

import pytest

from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser

SCREENSHOTS = Path("var/screenshots")

ALL_MODULES = ["plans", "enterprises", "points", "finance", "transfer", "projects", "carriers"]
EXPECTED_MENU = {
    "admin": [*ALL_MODULES, "audit", "admin"],
    "kjj": ALL_MODULES,
    "tjj": ["plans", "enterprises", "projects"],
    "scjgj": ["plans", "enterprises", "projects"],
    "songshanhu": ["plans", "enterprises", "points", "transfer", "projects", "carriers"],
    "humen": ["plans", "enterprises", "points", "transfer", "projects", "carriers"],
    "enterprise": ["enterprises", "points", "finance", "transfer", "projects", "carriers"],
    "bank": ["finance"],  # banks see enterprises only through consent (kechuang.finance)
    "dgut": ["transfer", "my_rewards", "projects", "carriers"],
    "leader": ALL_MODULES,
}


@pytest.mark.parametrize("username", sorted(EXPECTED_MENU))
def test_each_demo_role_logs_in_and_sees_its_menu(username, demo_site, page, hosts_seen):
    from kechuang.accounts.services import DEMO_PASSWORD

    log_in(page, demo_site.url, username, DEMO_PASSWORD)
    assert page.url.rstrip("/") == demo_site.url.rstrip("/")
    menu = page.locator("nav.mainnav a").evaluate_all("els => els.map(e => e.dataset.menu)")
    assert menu == EXPECTED_MENU[username]
    assert page.locator("[data-testid=role]").inner_text().strip() != ""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"home-{username}.png"), full_page=True)
    # Each entry the menu shows opens without an error.
    for key in menu:
        page.goto(page.url)  # back to a page with the menu
        page.click(f"nav.mainnav a[data-menu={key}]")
        page.wait_for_load_state("networkidle")
        assert page.locator("h1").first.is_visible(), key
        assert "无权访问" not in page.content(), key
    assert hosts_seen <= {"localhost", "127.0.0.1"}, hosts_seen


def test_switching_language_in_the_browser(demo_site, page, hosts_seen):
    from kechuang.accounts.services import DEMO_PASSWORD

    log_in(page, demo_site.url, "kjj", DEMO_PASSWORD)
    assert page.locator("nav.mainnav a[data-menu=plans]").inner_text().startswith("规划监测")
    page.click("[data-testid=lang-switch]")
    page.wait_for_load_state("networkidle")
    assert page.locator("nav.mainnav a[data-menu=plans]").inner_text().startswith("Plan monitoring")
    assert page.locator("[data-testid=logout]").inner_text() == "Log out"
    page.screenshot(path=str(SCREENSHOTS / "home-kjj-en.png"), full_page=True)
    page.click("[data-testid=lang-switch]")
    page.wait_for_load_state("networkidle")
    assert page.locator("nav.mainnav a[data-menu=plans]").inner_text().startswith("规划监测")
    assert hosts_seen <= {"localhost", "127.0.0.1"}, hosts_seen


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_menu_fits_on_one_line_at_1366_px(language, demo_site, page):
    """The administrator has the longest menu (nine entries); it stays on one line in both languages."""
    from kechuang.accounts.services import DEMO_PASSWORD

    log_in(page, demo_site.url, "admin", DEMO_PASSWORD)
    if language == "en":
        page.click("[data-testid=lang-switch]")
        page.wait_for_load_state("networkidle")
        assert page.locator("nav.mainnav a[data-menu=plans]").inner_text().startswith("Plan monitoring")
    assert page.viewport_size["width"] == 1366
    tops = page.locator("nav.mainnav a").evaluate_all(
        "els => els.map(e => Math.round(e.getBoundingClientRect().top))"
    )
    assert len(tops) == 9 and len(set(tops)) == 1, tops
    nav = page.locator("nav.mainnav").evaluate("e => [e.scrollWidth, e.clientWidth]")
    if language == "en":  # the choice is saved on the account: back to Chinese for the other tests
        page.click("[data-testid=lang-switch]")
        page.wait_for_load_state("networkidle")
    assert nav[0] <= nav[1], f"the menu overflows: {nav}"


def test_wrong_password_in_the_browser(demo_site, page):
    log_in(page, demo_site.url, "kjj", "not-the-password")
    assert "用户名或密码不正确" in page.locator("[role=alert]").inner_text()
