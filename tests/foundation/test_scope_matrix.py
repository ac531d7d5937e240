"""Role × page: every persona gets exactly the menu and pages its role allows.

Each row names a page and the personas that may open it; everyone else gets 403 (or the login page
when not logged in). Removing a scope check from any of these views makes this test fail.

These are the hand-written stories for the menu and a few pages; test_persona_walk.py opens every
page and API operation (from the URL resolver and the OpenAPI schema) against the route table.
"""

import pytest

from tests.personas import PERSONAS

EVERYONE = set(PERSONAS)

MENU = {
    "admin": [
        "plans",
        "enterprises",
        "points",
        "finance",
        "transfer",
        "projects",
        "carriers",
        "audit",
        "admin",
    ],
    "bureau": ["plans", "enterprises", "points", "finance", "transfer", "projects", "carriers"],
    "reporter": ["plans", "enterprises", "projects"],
    "songshanhu": ["plans", "enterprises", "points", "transfer", "projects", "carriers"],
    "humen": ["plans", "enterprises", "points", "transfer", "projects", "carriers"],
    "enterprise": ["enterprises", "points", "finance", "transfer", "projects", "carriers"],
    "bank": ["finance"],  # banks see enterprises only through consent (kechuang.finance), not in 创新积分
    "university": ["transfer", "my_rewards", "projects", "carriers"],  # 我的成果收益: staff may be inventors
    "leader": ["plans", "enterprises", "points", "finance", "transfer", "projects", "carriers"],
    "operator": ["carriers"],  # 载体运营方: its carriers, reports, instruments and bookings
    # 个人申报者: its talent applications and instrument bookings; as an institution's staff, its reward
    "individual": ["my_rewards", "carriers"],
}

PAGES = [
    ("/", EVERYONE),
    ("/accounts/profile/", EVERYONE),
    ("/audit/", {"admin"}),
    ("/plans/", {"admin", "bureau", "reporter", "songshanhu", "humen", "leader"}),
    ("/enterprises/", {"admin", "bureau", "reporter", "songshanhu", "humen", "enterprise", "leader"}),
    ("/carriers/reports/upload/", {"admin", "bureau", "operator"}),
    ("/carriers/talent/apply/", {"individual"}),
]


# An enterprise user's 企业培育 entry opens its own enterprise page.
REDIRECTS = {("enterprise", "/enterprises/"): "/enterprises/9"}


@pytest.mark.parametrize("persona", sorted(PERSONAS))
def test_menu_matches_role(persona, personas):
    from kechuang import access

    assert [e["key"] for e in access.menu(personas[persona])] == MENU[persona]


@pytest.mark.parametrize("persona", sorted(PERSONAS))
def test_menu_shown_on_home_page(persona, client_for):
    html = client_for(persona).get("/").content.decode()
    shown = [
        key
        for key in [
            "plans",
            "enterprises",
            "points",
            "finance",
            "transfer",
            "my_rewards",
            "projects",
            "carriers",
            "audit",
            "admin",
        ]
        if f'data-menu="{key}"' in html
    ]
    assert shown == MENU[persona]


@pytest.mark.parametrize(("url", "allowed"), PAGES)
@pytest.mark.parametrize("persona", sorted(PERSONAS))
def test_page_access(url, allowed, persona, client_for):
    response = client_for(persona).get(url)
    if (persona, url) in REDIRECTS:
        assert response.status_code == 302 and response["Location"].startswith(REDIRECTS[persona, url])
        return
    assert response.status_code == (200 if persona in allowed else 403), f"{persona} → {url}"


@pytest.mark.parametrize(("url", "_allowed"), PAGES)
def test_outsider_is_sent_to_login(url, _allowed, client_for):
    response = client_for("outsider").get(url)
    assert response.status_code == 302 and response["Location"].startswith("/login/")


@pytest.mark.parametrize("persona", sorted(PERSONAS))
def test_admin_site_only_for_city_admin(persona, client_for):
    response = client_for(persona).get("/admin/")
    if persona == "admin":
        assert response.status_code == 200
    else:
        assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_api_tokens_are_private(personas, client_for):
    from kechuang.accounts.models import ApiToken

    token, _ = ApiToken.issue(personas["bureau"], "script")
    # Another persona cannot revoke it …
    assert client_for("humen").post(f"/accounts/tokens/{token.pk}/revoke/").status_code == 404
    assert ApiToken.objects.filter(pk=token.pk).exists()
    # … nor see it on their page; the owner can do both.
    assert token.prefix not in client_for("humen").get("/accounts/profile/").content.decode()
    assert token.prefix in client_for("bureau").get("/accounts/profile/").content.decode()
    assert client_for("bureau").post(f"/accounts/tokens/{token.pk}/revoke/").status_code == 302
    assert not ApiToken.objects.filter(pk=token.pk).exists()
