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


def test_passwords_are_hashed_with_argon2(personas):
    from kechuang import settings as project_settings

    # The project's own setting (tests swap in a fast hasher for speed; production never does).
    assert project_settings.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    assert _settings_in_subprocess({}, "s.PASSWORD_HASHERS[0]").endswith("Argon2PasswordHasher")


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
