"""The production settings of deploy/kechuang.env.example: `check --deploy` clean, refusals without
SECRET_KEY / host names / with DEBUG, every environment variable documented, deploy/ consistent.

Each case runs `kechuang manage …` in a subprocess: settings are read once per process.
"""

from __future__ import annotations

import json
import re
import secrets
import subprocess
from pathlib import Path

import pytest

from tests.cli.kit import child_env, command

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
ENV_EXAMPLE = DEPLOY / "kechuang.env.example"
SETTINGS = ROOT / "src" / "kechuang" / "settings.py"


def example_values() -> dict[str, str]:
    """The variables the example file sets (commented ones are defaults and left out)."""
    values = {}
    for line in ENV_EXAMPLE.read_text(encoding="utf-8").splitlines():
        match = re.fullmatch(r"([A-Z][A-Z0-9_]*)=(.*)", line.strip())
        if match:
            values[match[1]] = match[2]
    return values


def production_env(var: Path, **changes) -> dict[str, str]:
    """The example file's values on this machine: a generated SECRET_KEY (the file leaves it empty on
    purpose) and a temporary KECHUANG_VAR; `None` removes a variable."""
    env = child_env(var)
    env.pop("SECRET_KEY", None)
    env.update(example_values())
    env.update(KECHUANG_VAR=str(var), SECRET_KEY=secrets.token_urlsafe(50))
    for name, value in changes.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


def manage(var: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*command(), "manage", *args],
        cwd=var,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        stdin=subprocess.DEVNULL,
    )


@pytest.fixture
def var(tmp_path) -> Path:
    path = tmp_path / "var"
    path.mkdir()
    return path


def test_check_deploy_is_clean_with_the_documented_production_settings(var):
    done = manage(var, production_env(var), "check", "--deploy", "--fail-level", "WARNING")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "System check identified no issues" in done.stdout
    assert "WARNING" not in done.stdout + done.stderr


def test_the_production_settings_are_what_the_example_file_says(var):
    code = (
        "import json; from django.conf import settings as s; print(json.dumps({k: getattr(s, k) for k in "
        "['DEBUG', 'ALLOWED_HOSTS', 'CSRF_TRUSTED_ORIGINS', 'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', "
        "'SECURE_SSL_REDIRECT', 'SECURE_HSTS_SECONDS', 'SECURE_HSTS_INCLUDE_SUBDOMAINS', "
        "'SECURE_PROXY_SSL_HEADER', 'LOG_FORMAT', 'MAX_UPLOAD_MB']}))"
    )
    done = manage(var, production_env(var), "shell", "-c", code)
    assert done.returncode == 0, done.stderr
    got = json.loads(done.stdout.strip().splitlines()[-1])
    assert got == {
        "DEBUG": False,
        "ALLOWED_HOSTS": ["kechuang.example.gov.cn"],
        "CSRF_TRUSTED_ORIGINS": ["https://kechuang.example.gov.cn"],
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
        "LOG_FORMAT": "json",
        "MAX_UPLOAD_MB": 200,
    }
    assert not (var / "secret_key").exists()  # production never writes a key file


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"SECRET_KEY": ""}, "必须在环境中设置 SECRET_KEY"),
        ({"SECRET_KEY": None, "KECHUANG_SECRET_KEY": None}, "必须在环境中设置 SECRET_KEY"),
        ({"SECRET_KEY": "short-and-guessable"}, "SECRET_KEY 太短"),
        ({"KECHUANG_ALLOWED_HOSTS": None}, "必须设置 KECHUANG_ALLOWED_HOSTS"),
        ({"KECHUANG_DEBUG": "1"}, "不能打开 KECHUANG_DEBUG"),
        ({"KECHUANG_ENV": "staging"}, "KECHUANG_ENV 应为 development 或 production"),
    ],
    ids=["empty key", "no key", "short key", "no hosts", "debug", "unknown env"],
)
def test_production_refuses_to_start_with_a_clear_message(var, changes, message):
    done = manage(var, production_env(var, **changes), "check", "--deploy")
    assert done.returncode == 1, done.stdout + done.stderr
    assert message in done.stderr and "配置错误，未启动" in done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    assert not (var / "secret_key").exists()


def test_the_example_file_alone_refuses_until_a_secret_key_is_filled_in(var):
    env = production_env(var)
    env["SECRET_KEY"] = example_values()["SECRET_KEY"]
    assert env["SECRET_KEY"] == ""
    done = manage(var, env, "check")
    assert done.returncode == 1 and "SECRET_KEY" in done.stderr


def test_development_stays_plain_http_on_127_0_0_1(var):
    env = child_env(var)
    code = (
        "from django.conf import settings as s; "
        "print(s.DEBUG, s.SESSION_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, s.LOG_FORMAT, '127.0.0.1' in s.ALLOWED_HOSTS)"
    )
    done = manage(var, env, "shell", "-c", code)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1].split() == ["False", "False", "False", "text", "True"]


def test_every_environment_variable_the_settings_read_is_documented_in_the_example():
    source = SETTINGS.read_text(encoding="utf-8")
    read = set(re.findall(r'(?:environ\.get|_env_flag|_csv|_env_int)\(\s*"([A-Z][A-Z0-9_]*)"', source))
    read.add("DATABASE_URL")  # dj_database_url.config()
    serve = (ROOT / "src" / "kechuang" / "cli" / "platform.py").read_text(encoding="utf-8")
    read |= set(re.findall(r'_env_int\(\s*"([A-Z][A-Z0-9_]*)"', serve))
    assert {"SECRET_KEY", "KECHUANG_ENV", "KECHUANG_WORKERS"} <= read
    documented = set(re.findall(r"^#?([A-Z][A-Z0-9_]*)=", ENV_EXAMPLE.read_text(encoding="utf-8"), re.M))
    assert sorted(read - documented) == []


def test_deploy_files_agree_with_each_other_and_with_the_backup_unit():
    web = (DEPLOY / "systemd" / "kechuang-web.service").read_text(encoding="utf-8")
    worker = (DEPLOY / "systemd" / "kechuang-worker.service").read_text(encoding="utf-8")
    backup = (DEPLOY / "backup" / "kechuang-backup.service").read_text(encoding="utf-8")
    nginx = (DEPLOY / "nginx" / "kechuang.conf").read_text(encoding="utf-8")
    values = example_values()
    for unit in (web, worker, backup):
        assert "User=kechuang" in unit and "EnvironmentFile=/etc/kechuang/kechuang.env" in unit
        assert "ExecStart=/opt/kechuang/.venv/bin/kechuang " in unit
    assert "kechuang serve --host 127.0.0.1 --port 8000" in web and "kechuang worker" in worker
    assert f"ReadWritePaths={values['KECHUANG_VAR']}" in web
    assert "server 127.0.0.1:8000" in nginx
    # nginx lets through what the site accepts, and waits longer than gunicorn's timeout.
    assert f"client_max_body_size {values['KECHUANG_MAX_UPLOAD_MB']}m;" in nginx
    read_timeout = int(re.search(r"proxy_read_timeout (\d+)s;", nginx)[1])
    assert read_timeout > int(values.get("KECHUANG_TIMEOUT", "120"))
    for header in ("X-Forwarded-For", "X-Forwarded-Proto", "X-Request-ID"):
        assert f"proxy_set_header {header} " in nginx
    assert values["KECHUANG_CLIENT_ADDRESS_HEADER"] == "X-Forwarded-For"
    host = values["KECHUANG_ALLOWED_HOSTS"]
    assert f"server_name {host};" in nginx
