"""Django settings: everything from the environment, SQLite under var/ by default.

KECHUANG_DEBUG=1 turns on DEBUG; DATABASE_URL switches to PostgreSQL; SECRET_KEY comes from the
environment or is generated once into var/secret_key (never committed).

KECHUANG_ENV=production (deploy/kechuang.env.example, docs/deploy.md) is the setting of a real
site: SECRET_KEY and KECHUANG_ALLOWED_HOSTS must come from the environment, DEBUG cannot be on,
HTTPS behind the proxy (HSTS, secure cookies, X-Forwarded-Proto) and JSON logs are the defaults, so
that `kechuang manage check --deploy` is clean. Anything else (the default, development) is the
demo and the tests: plain http://127.0.0.1.
"""

from __future__ import annotations

import ipaddress
import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parent
BASE_DIR = Path(os.environ.get("KECHUANG_HOME", PACKAGE_DIR.parent.parent)).resolve()
VAR_DIR = Path(os.environ.get("KECHUANG_VAR", BASE_DIR / "var")).resolve()
VAR_DIR.mkdir(parents=True, exist_ok=True)


def _env_flag(name: str, default: bool = False) -> bool:
    return os.environ.get(name, "1" if default else "0").strip().lower() in {"1", "true", "yes", "on"}


ENVIRONMENTS = ("development", "production")
ENVIRONMENT = os.environ.get("KECHUANG_ENV", "development").strip().lower() or "development"
if ENVIRONMENT not in ENVIRONMENTS:
    raise ImproperlyConfigured(
        f"KECHUANG_ENV 应为 {' 或 '.join(ENVIRONMENTS)}，收到 {ENVIRONMENT!r}"
        f"（KECHUANG_ENV must be one of {', '.join(ENVIRONMENTS)}）"
    )
PRODUCTION = ENVIRONMENT == "production"
# The public portal shows official data only; a demo or test site may also show the simulated years,
# each marked 模拟 (never in production, whatever the variable says).
PORTAL_SHOW_SIMULATED = not PRODUCTION and os.environ.get("KECHUANG_PORTAL_SIMULATED", "1") == "1"
MIN_SECRET_KEY_LENGTH = 50


def _secret_key() -> str:
    key = os.environ.get("SECRET_KEY") or os.environ.get("KECHUANG_SECRET_KEY")
    if PRODUCTION and not key:
        raise ImproperlyConfigured(
            "KECHUANG_ENV=production 时必须在环境中设置 SECRET_KEY（例如写入 /etc/kechuang/kechuang.env），"
            "生成方法：python3 -c 'import secrets; print(secrets.token_urlsafe(50))'。"
            "（SECRET_KEY is required in production; the site does not start without it.）"
        )
    if PRODUCTION and len(key) < MIN_SECRET_KEY_LENGTH:
        raise ImproperlyConfigured(
            f"SECRET_KEY 太短：生产环境至少 {MIN_SECRET_KEY_LENGTH} 个字符，当前 {len(key)} 个。"
            "生成方法：python3 -c 'import secrets; print(secrets.token_urlsafe(50))'"
        )
    if key:
        return key
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


def _csv(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = _secret_key()
DEBUG = _env_flag("KECHUANG_DEBUG")
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured(
        "KECHUANG_ENV=production 时不能打开 KECHUANG_DEBUG（DEBUG must be off in production）"
    )
if PRODUCTION and not os.environ.get("KECHUANG_ALLOWED_HOSTS", "").strip():
    raise ImproperlyConfigured(
        "KECHUANG_ENV=production 时必须设置 KECHUANG_ALLOWED_HOSTS（网站的域名，逗号分隔，例如 "
        "kechuang.example.gov.cn）。（KECHUANG_ALLOWED_HOSTS is required in production.）"
    )
ALLOWED_HOSTS = _csv("KECHUANG_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
if _env_flag("KECHUANG_TESTING"):
    ALLOWED_HOSTS.append("testserver")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",
    "kechuang.accounts",
    "kechuang.audit",
    "kechuang.web",
    "kechuang.plans",
    "kechuang.enterprises",
    "kechuang.points",
    "kechuang.portal",
    "kechuang.transfer",
    "kechuang.finance",
    "kechuang.projects",
    "kechuang.carriers",
    "django_tasks",
    "django_tasks_db",
    "kechuang.jobs",
]

MIDDLEWARE = [
    "kechuang.logging.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "kechuang.web.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "kechuang.accounts.language.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "kechuang.audit.middleware.AuditContextMiddleware",
]

ROOT_URLCONF = "kechuang.urls"
WSGI_APPLICATION = "kechuang.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "kechuang.web.context.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'kechuang.sqlite3'}",
        conn_max_age=60,
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update(
        {"timeout": 30, "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
PASSWORD_HASHERS = [  # Argon2id with OWASP's parameters (decision 0027); Django's argon2 hashes verify too
    "kechuang.accounts.hashers.OwaspArgon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Login throttling (kechuang.accounts.throttle), within a window of LOGIN_FAILURE_WINDOW_SECONDS:
# LOGIN_MAX_FAILURES failures for one account from one client address lock that account from that
# address; LOGIN_ACCOUNT_MAX_FAILURES failures for one account from all addresses together (guessing
# spread over many addresses) lock that account from everywhere. Nothing locks an address as such.
LOGIN_MAX_FAILURES = int(os.environ.get("KECHUANG_LOGIN_MAX_FAILURES", "5"))
LOGIN_ACCOUNT_MAX_FAILURES = int(
    os.environ.get("KECHUANG_LOGIN_ACCOUNT_MAX_FAILURES", str(LOGIN_MAX_FAILURES * 10))
)
LOGIN_FAILURE_WINDOW_SECONDS = int(os.environ.get("KECHUANG_LOGIN_WINDOW", "900"))


def _trusted_proxies(text: str) -> list[str]:
    """Comma-separated addresses or networks (CIDR); a wrong entry stops the start-up."""
    out = []
    for item in (p.strip() for p in text.split(",")):
        if not item:
            continue
        try:
            ipaddress.ip_network(item, strict=False)
        except ValueError as exc:
            raise ImproperlyConfigured(
                f"KECHUANG_TRUSTED_PROXIES: {item!r} is not an address or network"
            ) from exc
        out.append(item)
    return out


# Behind a reverse proxy: the proxies (addresses or CIDR networks) whose client-address header is
# believed, and that header. A request from anywhere else is taken at its connection address.
TRUSTED_PROXIES = _trusted_proxies(os.environ.get("KECHUANG_TRUSTED_PROXIES", ""))
CLIENT_ADDRESS_HEADER = os.environ.get("KECHUANG_CLIENT_ADDRESS_HEADER", "X-Forwarded-For").strip()

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600  # the language chosen is remembered (also on the account)
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
# Static files: `kechuang serve` and `kechuang demo` run collectstatic into STATIC_ROOT (hashed and
# compressed names, served by WhiteNoise with a year's caching). Before any collectstatic (the tests,
# a fresh clone's runserver) the storage falls back to the plain names, which WhiteNoise finds in the
# package (WHITENOISE_USE_FINDERS); see kechuang.web.staticfiles.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "kechuang.web.staticfiles.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media/"

# Uploads: files over this size are refused before they are read.
MAX_UPLOAD_MB = int(os.environ.get("KECHUANG_MAX_UPLOAD_MB", "200"))

# E-mail (reporting reminders): printed to the console unless a deployment names an SMTP backend.
EMAIL_BACKEND = os.environ.get("KECHUANG_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("KECHUANG_FROM_EMAIL", "kechuang@localhost")
EMAIL_HOST = os.environ.get("KECHUANG_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("KECHUANG_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("KECHUANG_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("KECHUANG_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = _env_flag("KECHUANG_EMAIL_TLS", False)
FILE_UPLOAD_HANDLERS = [
    "kechuang.web.uploads.SizeLimitedUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 5000

# Security headers. HTTPS-only cookies and HSTS when the deployment says it is behind HTTPS (the
# default in production: nginx terminates TLS and sets X-Forwarded-Proto, see deploy/nginx).
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 8 * 3600
HTTPS = _env_flag("KECHUANG_HTTPS", default=PRODUCTION)
if HTTPS:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = True
    # The monitoring may probe the health endpoints over plain HTTP on the local port.
    SECURE_REDIRECT_EXEMPT = [r"^health/"]
    SECURE_HSTS_SECONDS = int(os.environ.get("KECHUANG_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = _env_flag("KECHUANG_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = _env_flag("KECHUANG_HSTS_PRELOAD")
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Pages that post forms from another origin than the Host the proxy passes (another port, a second
# name): list them, scheme included. By default, in production, https:// + every allowed host.
CSRF_TRUSTED_ORIGINS = _csv("KECHUANG_CSRF_TRUSTED_ORIGINS") or [
    f"https://{host}" for host in ALLOWED_HOSTS if PRODUCTION and HTTPS and "*" not in host
]
# HSTS preload is a decision of the owner of the whole domain (hstspreload.org: once listed, every
# subdomain is HTTPS-only for browsers for months). It stays off unless KECHUANG_HSTS_PRELOAD=1, and
# `check --deploy` is told that this is deliberate.
SILENCED_SYSTEM_CHECKS = [] if _env_flag("KECHUANG_HSTS_PRELOAD") else ["security.W021"]
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
    "font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'; "
    "object-src 'none'"
)

# Logs to stderr (journald under systemd): JSON lines in production, text otherwise
# (KECHUANG_LOG_FORMAT=json|text). One line per request from kechuang.request (kechuang.logging).
LOG_FORMAT = os.environ.get("KECHUANG_LOG_FORMAT", "json" if PRODUCTION else "text").strip().lower()
if LOG_FORMAT not in {"json", "text"}:
    raise ImproperlyConfigured(f"KECHUANG_LOG_FORMAT 应为 json 或 text，收到 {LOG_FORMAT!r}")
LOG_LEVEL = os.environ.get("KECHUANG_LOG_LEVEL", "WARNING").strip().upper()
LOG_REQUESTS = _env_flag("KECHUANG_LOG_REQUESTS", default=True)
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "kechuang.logging.RequestIdFilter"}},
    "formatters": {
        "json": {"()": "kechuang.logging.JsonFormatter"},
        "text": {"()": "kechuang.logging.TextFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "kechuang.request": {
            "handlers": ["console"],
            "level": "INFO" if LOG_REQUESTS else "WARNING",
            "propagate": False,
        },
        # gunicorn's own messages (workers started, timeouts) in the same format (kechuang serve).
        "gunicorn.error": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}

# Readiness (/health/ready, kechuang.web.health): free space under KECHUANG_VAR, and how old the
# worker's heartbeat may be once a worker has run.
HEALTH_MIN_FREE_MB = int(os.environ.get("KECHUANG_HEALTH_MIN_FREE_MB", "1024"))
WORKER_HEARTBEAT_FILE = VAR_DIR / "worker.heartbeat"
WORKER_HEARTBEAT_MAX_AGE = int(os.environ.get("KECHUANG_WORKER_HEARTBEAT_MAX_AGE", "120"))

NINJA_PAGINATION_PER_PAGE = 50

# Background jobs (kechuang.jobs, docs/decisions/0008-background-jobs.md): Django's task framework
# (django-tasks backport). KECHUANG_TASKS_BACKEND=database (default: queued in the database, run by
# `kechuang worker`) or immediate (run at once inside the request). In development the site starts
# `kechuang worker --batch` itself when no worker is alive (KECHUANG_AUTOSTART_WORKER), so the demo
# needs nothing extra; production runs the worker as a service. A running job whose process has
# given no sign of life for KECHUANG_JOBS_STALE_SECONDS is marked failed.
TASKS_BACKEND = os.environ.get("KECHUANG_TASKS_BACKEND", "database").strip().lower()
TASKS = {
    "default": {
        "BACKEND": "django_tasks.backends.immediate.ImmediateBackend"
        if TASKS_BACKEND == "immediate"
        else "django_tasks_db.DatabaseBackend"
    }
}
JOBS_AUTOSTART_WORKER = _env_flag("KECHUANG_AUTOSTART_WORKER", default=not PRODUCTION)
JOBS_STALE_SECONDS = int(os.environ.get("KECHUANG_JOBS_STALE_SECONDS", "30"))
