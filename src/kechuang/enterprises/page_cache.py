"""A cache for the heavy figures of the enterprise pages (the ladder dashboard), shared by every web
worker: Django's cache ``enterprise_pages`` when settings.CACHES defines it, otherwise a file cache
under $KECHUANG_VAR/cache/enterprise-pages (gunicorn's workers share the var directory).

Keys carry the registry's data version (kechuang.enterprises.pools.data_version: row counts and
highest ids of the registry, facts, uploads and tier records, and the pools configuration's time)
and the user's scope (the SQL of the enterprises the user may see), so an import, a recomputed tier
or another scope never reads a stale or someone else's entry. Entries also expire after an hour.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings

NAME = "enterprise_pages"
TIMEOUT = 3600
_fallback = None
_local = None


def _test_database() -> bool:
    from django.db import connection

    name = str(connection.settings_dict.get("NAME", ""))
    return "memory" in name or Path(name).name.startswith("test_")


def cache():
    """The shared cache. Under a test database, a cache of this process only (test databases reuse
    ids after each rollback, so a data version could repeat; tests/conftest.py clears it)."""
    global _fallback, _local
    from django.core.cache import caches

    if NAME in settings.CACHES:
        return caches[NAME]
    if _test_database():
        if _local is None:
            from django.core.cache.backends.locmem import LocMemCache

            _local = LocMemCache("kechuang-enterprise-pages", {"TIMEOUT": TIMEOUT})
        return _local
    folder = Path(settings.VAR_DIR) / "cache" / "enterprise-pages"
    if _fallback is None or Path(_fallback._dir) != folder:
        from django.core.cache.backends.filebased import FileBasedCache

        _fallback = FileBasedCache(str(folder), {"TIMEOUT": TIMEOUT, "OPTIONS": {"MAX_ENTRIES": 2000}})
    return _fallback


def scope_key(queryset) -> str:
    """The scope of a queryset of visible rows: a hash of its SQL with the parameters."""
    sql, params = queryset.query.sql_with_params()
    return hashlib.sha256(f"{sql}|{params!r}".encode()).hexdigest()[:24]


def version() -> tuple:
    """The registry's data version (one query set per request: pass it to cached())."""
    from kechuang.enterprises.pools import data_version

    return data_version()


def cached(parts: tuple, compute: Callable[[], Any], data_version: tuple, timeout: int = TIMEOUT) -> Any:
    """compute() once per key (parts and the data version); a failing cache is bypassed."""
    raw = repr((parts, data_version))
    key = "kc:" + hashlib.sha256(raw.encode()).hexdigest()
    store = cache()
    try:
        hit = store.get(key)
    except Exception:  # noqa: BLE001 — a broken cache file must not break the page
        hit = None
    if hit is not None:
        return hit
    value = compute()
    try:
        store.set(key, value, timeout)
    except Exception:  # noqa: BLE001
        pass
    return value


def clear() -> None:
    cache().clear()
