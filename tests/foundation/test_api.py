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
    assert data["menu"] == ["plans", "enterprises", "points", "transfer", "projects", "carriers"]


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


# ---------------------------------------------------------------- tokens as in NetBox: expiry, read-only, addresses


def test_an_expired_token_is_refused(personas):
    from datetime import timedelta

    from django.utils import timezone

    from kechuang.accounts.models import ApiToken

    _, plain = ApiToken.issue(personas["reporter"], "x", expires=timezone.now() - timedelta(minutes=1))
    response = Client().get("/api/me", HTTP_AUTHORIZATION=f"Bearer {plain}")
    assert response.status_code == 401
    assert response.json()["detail"] and response.json()["errors"] == []
    _, plain = ApiToken.issue(personas["reporter"], "y", expires=timezone.now() + timedelta(days=1))
    assert Client().get("/api/me", HTTP_AUTHORIZATION=f"Bearer {plain}").status_code == 200


def test_a_read_only_token_reads_but_cannot_write(personas):
    from kechuang.accounts.models import ApiToken

    _, plain = ApiToken.issue(personas["admin"], "dashboard", read_only=True)
    client = Client()
    assert client.get("/api/me", HTTP_AUTHORIZATION=f"Bearer {plain}").status_code == 200
    response = client.post(
        "/api/enterprises/91441900MA4UJ4XB3W/selfcheck",
        "{}",
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {plain}",
    )
    assert response.status_code == 403 and "只读" in response.json()["detail"]


def test_a_token_with_an_address_allow_list_works_only_from_those_addresses(personas):
    from kechuang.accounts.models import ApiToken

    _, plain = ApiToken.issue(personas["reporter"], "cron", allowed_ips=["10.1.0.0/16", "2001:db8::1"])
    me = "/api/me"
    auth = {"HTTP_AUTHORIZATION": f"Bearer {plain}"}
    assert Client(REMOTE_ADDR="10.1.2.3").get(me, **auth).status_code == 200
    assert Client(REMOTE_ADDR="2001:db8::1").get(me, **auth).status_code == 200
    assert Client(REMOTE_ADDR="10.2.0.1").get(me, **auth).status_code == 401
    assert Client(REMOTE_ADDR="127.0.0.1").get(me, HTTP_X_API_TOKEN=plain).status_code == 401


def test_a_token_writes_without_csrf(personas):
    from kechuang.accounts.models import ApiToken

    _, plain = ApiToken.issue(personas["admin"], "script")
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas["admin"])  # a session cookie too: the token is still the one used
    response = client.post(
        "/api/enterprises/91441900MA4UJ4XB3W/selfcheck",
        "{}",
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {plain}",
    )
    assert response.status_code == 404  # no such enterprise here; not 403 "CSRF check Failed"


# ---------------------------------------------------------------- one error schema


ERROR_CODES = {"401", "403", "404", "422"}


def test_every_operation_documents_its_errors_with_the_one_error_schema(personas):
    spec = Client().get("/api/openapi.json").json()
    error = spec["components"]["schemas"]["ErrorOut"]
    assert set(error["required"]) == {"detail"} and {"detail", "errors"} <= set(error["properties"])
    for path, item in spec["paths"].items():
        for method, op in item.items():
            responses = op["responses"]
            assert ERROR_CODES <= set(responses), f"{method} {path}"
            for code in ERROR_CODES:
                ref = responses[code]["content"]["application/json"]["schema"]["$ref"]
                assert ref == "#/components/schemas/ErrorOut", f"{method} {path} {code}"


def test_error_bodies_follow_the_error_schema(personas, client_for):
    def shape(response):
        body = response.json()
        assert isinstance(body["detail"], str) and isinstance(body["errors"], list), body
        return body

    assert shape(Client().get("/api/me")).get("detail")  # 401
    assert shape(client_for("bank").get("/api/enterprises/"))  # 403
    assert shape(client_for("admin").get("/api/enterprises/nope"))  # 404
    body = shape(client_for("admin").get("/api/enterprises/?page=0"))  # 422
    assert body["errors"][0]["field"] == "page" and body["errors"][0]["location"] == "query"
    assert body["errors"][0]["message"]
    body = shape(
        client_for("admin").post("/api/plans/x/observations", "\x00", content_type="application/json")
    )  # 400: the body is not JSON
    assert "JSON" in body["detail"]


def test_a_parameter_of_one_value_given_twice_is_refused(client_for):
    """?page=1&page=2 does not say which page: 422 naming the field, not the last one taken silently."""
    admin = client_for("admin")
    response = admin.get("/api/carriers/evaluations?page=1&page=2")
    assert response.status_code == 422
    assert response.json()["errors"] == [{"location": "query", "field": "page", "message": "只能给一个值"}]
    assert admin.get("/api/carriers/evaluations?page=1").status_code == 200
