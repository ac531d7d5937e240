"""The API: OpenAPI document, interactive docs served locally, session and token authentication."""

import json

from django.test import Client


def test_openapi_document_lists_the_endpoints(personas):
    spec = json.loads(Client().get("/api/openapi.json").content)
    assert spec["info"]["title"].startswith("科创")
    assert "/api/me" in spec["paths"]


def test_interactive_docs_load_nothing_from_other_hosts(personas):
    html = Client().get("/api/docs").content.decode()
    assert "swagger" in html.lower()
    assert "cdn." not in html and "https://" not in html


def test_anonymous_calls_are_refused(personas):
    assert Client().get("/api/me").status_code == 401


def test_session_authentication(client_for):
    data = client_for("songshanhu").get("/api/me").json()
    assert data["role"] == "town_admin" and data["org_code"] == "441900401"
    assert data["menu"] == ["plans", "enterprises", "points"]


def test_token_authentication_for_scripts(personas):
    from kechuang.accounts.models import ApiToken

    token, plain = ApiToken.issue(personas["reporter"], "nightly upload")
    client = Client()
    assert client.get("/api/me", HTTP_AUTHORIZATION=f"Bearer {plain}").json()["username"] == "reporter"
    assert client.get("/api/me", HTTP_X_API_TOKEN=plain).json()["username"] == "reporter"
    assert client.get("/api/me", HTTP_AUTHORIZATION="Bearer kc_not-a-token").status_code == 401
    token.refresh_from_db()
    assert token.last_used is not None
    # Only the hash is stored.
    assert plain not in str(ApiToken.objects.values_list("digest", flat=True)[0])


def test_token_of_a_deactivated_user_stops_working(personas):
    from kechuang.accounts.models import ApiToken

    _, plain = ApiToken.issue(personas["bank"], "x")
    personas["bank"].is_active = False
    personas["bank"].save()
    assert Client().get("/api/me", HTTP_AUTHORIZATION=f"Bearer {plain}").status_code == 401
