"""Log-in, throttling, password hashing, security headers, DEBUG and the secret key, upload limits."""

import os
import subprocess
import sys

import pytest
from django.test import Client


def login(client, username, password):
    return client.post("/login/", {"username": username, "password": password})


def test_login_page_is_chinese_and_logs_in(personas):
    client = Client()
    page = client.get("/login/").content.decode()
    assert "登录" in page and "用户名" in page and "密码" in page
    response = login(client, "bureau", "pw-bureau")
    assert response.status_code == 302 and response["Location"] == "/"
    assert "科技局业务人员" in client.get("/").content.decode()


def test_wrong_password_says_so_in_chinese(personas):
    page = login(Client(), "bureau", "nope").content.decode()
    assert "用户名或密码不正确" in page


def test_five_failures_lock_the_account_even_for_the_right_password(personas, settings):
    settings.LOGIN_MAX_FAILURES = 5
    client = Client()
    for _ in range(5):
        login(client, "bureau", "wrong")
    response = login(client, "bureau", "pw-bureau")
    assert response.status_code == 200
    assert "登录失败次数过多" in response.content.decode()
    # Another user is not locked out.
    assert login(Client(), "leader", "pw-leader").status_code == 302


def test_passwords_are_hashed_with_argon2id_at_owasps_parameters(personas, settings):
    from django.contrib.auth.hashers import Argon2PasswordHasher, make_password

    from kechuang import settings as project_settings

    # The project's own setting (tests swap in a fast hasher for speed; production never does).
    assert (
        _settings_in_subprocess({}, "s.PASSWORD_HASHERS[0]")
        == "kechuang.accounts.hashers.OwaspArgon2PasswordHasher"
    )
    settings.PASSWORD_HASHERS = project_settings.PASSWORD_HASHERS
    # argon2id, 19 MiB, 2 passes, 1 lane (OWASP Password Storage Cheat Sheet; decision 0027)
    assert make_password("kechuang-demo-2026").startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
    # a password hashed with Django's heavier defaults (existing accounts) still signs in, and is
    # re-hashed with the project's parameters at that sign-in
    from kechuang.accounts.models import User

    user = User.objects.get(username="bureau")
    user.password = Argon2PasswordHasher().encode("pw-bureau", Argon2PasswordHasher().salt())
    user.save(update_fields=["password"])
    assert "m=102400,t=2,p=8" in user.password
    assert login(Client(), "bureau", "pw-bureau").status_code == 302
    user.refresh_from_db()
    assert "m=19456,t=2,p=1" in user.password
    assert login(Client(), "bureau", "pw-bureau").status_code == 302


def test_security_headers(personas):
    response = Client().get("/login/")
    csp = response["Content-Security-Policy"]
    assert (
        "default-src 'self'" in csp
        and "script-src 'self'" in csp
        and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"


def test_logout_needs_post_and_csrf(personas):
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas["bureau"])
    assert client.post("/accounts/logout/").status_code == 403  # no CSRF token


def _settings_in_subprocess(env: dict, expr: str) -> str:
    code = f"import kechuang.settings as s; print({expr})"
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("KECHUANG_") and k != "SECRET_KEY"}
    full_env.update(env)
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=full_env, check=True
    ).stdout.strip()


def test_debug_only_with_kechuang_debug(tmp_path):
    assert _settings_in_subprocess({"KECHUANG_VAR": str(tmp_path)}, "s.DEBUG") == "False"
    assert (
        _settings_in_subprocess({"KECHUANG_VAR": str(tmp_path), "KECHUANG_DEBUG": "1"}, "s.DEBUG") == "True"
    )


def test_secret_key_generated_once_into_var_or_taken_from_env(tmp_path):
    first = _settings_in_subprocess({"KECHUANG_VAR": str(tmp_path)}, "s.SECRET_KEY")
    assert (tmp_path / "secret_key").read_text().strip() == first and len(first) >= 50
    assert oct((tmp_path / "secret_key").stat().st_mode & 0o777) == "0o600"
    assert _settings_in_subprocess({"KECHUANG_VAR": str(tmp_path)}, "s.SECRET_KEY") == first
    assert (
        _settings_in_subprocess({"KECHUANG_VAR": str(tmp_path), "SECRET_KEY": "from-env"}, "s.SECRET_KEY")
        == "from-env"
    )


def test_trusted_proxies_and_their_header_come_from_the_environment(tmp_path):
    env = {"KECHUANG_VAR": str(tmp_path)}
    assert _settings_in_subprocess(env, "(s.TRUSTED_PROXIES, s.CLIENT_ADDRESS_HEADER)") == (
        "([], 'X-Forwarded-For')"
    )
    env |= {
        "KECHUANG_TRUSTED_PROXIES": "10.0.0.0/8, 192.168.1.1,",
        "KECHUANG_CLIENT_ADDRESS_HEADER": "X-Real-IP",
    }
    assert _settings_in_subprocess(env, "(s.TRUSTED_PROXIES, s.CLIENT_ADDRESS_HEADER)") == (
        "(['10.0.0.0/8', '192.168.1.1'], 'X-Real-IP')"
    )
    with pytest.raises(subprocess.CalledProcessError) as failed:
        _settings_in_subprocess({**env, "KECHUANG_TRUSTED_PROXIES": "10.0.0.0/8, proxy.local"}, "1")
    assert "proxy.local" in failed.value.stderr


def test_secret_key_is_not_committed():
    tracked = subprocess.run(["git", "ls-files"], capture_output=True, text=True).stdout.split()
    assert not any(name.endswith("secret_key") for name in tracked)


# ---------------------------------------------------------------- logins and tokens are audited


def audit_rows(action):
    from kechuang.audit.models import ObjectChange

    return list(ObjectChange.objects.filter(action=action).order_by("id"))


def test_logins_are_audited_with_the_address(personas):
    login(Client(REMOTE_ADDR="10.0.0.7"), "bureau", "nope")
    login(Client(REMOTE_ADDR="10.0.0.7"), "nobody-such", "x")
    assert login(Client(REMOTE_ADDR="10.0.0.8"), "bureau", "pw-bureau").status_code == 302
    [ok] = audit_rows("login")
    assert (ok.user, ok.user_name, ok.object_type, ok.object_repr) == (
        personas["bureau"],
        "bureau",
        "accounts.login",
        "bureau",
    )
    assert ok.after == {"address": "10.0.0.8"} and len(ok.request_id) == 36
    failed = audit_rows("login_failed")
    assert [(f.user, f.object_repr, f.after["address"], f.after["reason"]) for f in failed] == [
        (None, "bureau", "10.0.0.7", "wrong_credentials"),
        (None, "nobody-such", "10.0.0.7", "wrong_credentials"),
    ]
    assert failed[0].object_id == str(personas["bureau"].pk) and failed[1].object_id == ""
    assert "nope" not in str(failed[0].after)  # never the password


def test_a_locked_login_and_the_admin_login_are_audited(personas, settings):
    settings.LOGIN_MAX_FAILURES = 2
    for _ in range(3):
        login(Client(), "leader", "wrong")
    reasons = [f.after["reason"] for f in audit_rows("login_failed")]
    assert reasons == ["wrong_credentials", "wrong_credentials", "locked"]
    client = Client()
    client.post("/admin/login/", {"username": "admin", "password": "nope"})
    client.post("/admin/login/", {"username": "bureau", "password": "pw-bureau"})  # not staff
    assert [(f.object_repr, f.after["reason"]) for f in audit_rows("login_failed")[3:]] == [
        ("admin", "wrong_credentials"),
        ("bureau", "not_allowed"),
    ]
    assert client.post("/admin/login/", {"username": "admin", "password": "pw-admin"}).status_code == 302
    assert [r.user_name for r in audit_rows("login")] == ["admin"]


def test_token_issue_and_revocation_are_audited(personas):
    from kechuang.accounts.models import ApiToken

    client = Client()
    client.force_login(personas["bureau"])
    page = client.post(
        "/accounts/profile/",
        {"name": "nightly", "expires_in": "30", "read_only": "on", "allowed_ips": "10.1.0.0/16, 192.168.1.5"},
    )
    assert page.status_code == 200 and 'data-testid="new-token"' in page.content.decode()
    token = ApiToken.objects.get(user=personas["bureau"])
    assert token.read_only and token.allowed_ips == ["10.1.0.0/16", "192.168.1.5/32"]
    assert 29 <= (token.expires - token.created).days <= 30
    [issued] = audit_rows("token_issue")
    assert (issued.user, issued.object_type, issued.object_id) == (
        personas["bureau"],
        "accounts.apitoken",
        str(token.pk),
    )
    assert issued.after["read_only"] is True and issued.after["prefix"] == token.prefix
    assert "digest" not in issued.after
    assert client.post(f"/accounts/tokens/{token.pk}/revoke/").status_code == 302
    [revoked] = audit_rows("token_revoke")
    assert (revoked.user, revoked.object_id, revoked.before["name"]) == (
        personas["bureau"],
        str(token.pk),
        "nightly",
    )


def test_the_token_form_refuses_a_bad_address(personas):
    from kechuang.accounts.models import ApiToken

    client = Client()
    client.force_login(personas["bureau"])
    page = client.post("/accounts/profile/", {"name": "x", "expires_in": "0", "allowed_ips": "10.1.0.300"})
    assert "不是有效的 IP 地址或网段" in page.content.decode()
    assert not ApiToken.objects.exists()
    client.post("/accounts/profile/", {"name": "x", "expires_in": "0"})
    token = ApiToken.objects.get()
    assert token.expires is None and not token.read_only and token.allowed_ips == []


def test_a_change_of_a_token_in_the_admin_is_audited(personas):
    from kechuang.accounts.models import ApiToken
    from kechuang.audit.context import acting_as

    token, _ = ApiToken.issue(personas["bureau"], "script", read_only=True)
    with acting_as(personas["admin"]):
        token.read_only = False
        token.save()
    [change] = audit_rows("update")
    assert (change.user, change.object_type) == (personas["admin"], "accounts.apitoken")
    assert (change.before["read_only"], change.after["read_only"]) == (True, False)
