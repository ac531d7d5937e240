"""Backup and restore of a whole instance: the database and the uploaded files (MEDIA_ROOT).

``create_backup`` runs while the site runs. SQLite is copied with the online backup API
(``sqlite3.Connection.backup``) into a temporary file, a consistent snapshot even while requests
write; PostgreSQL is dumped with ``pg_dump --format=custom`` inside one REPEATABLE READ snapshot
that also gives the row counts and migration state written to the manifest. The uploaded files are
then added one by one (a file uploaded during the backup may or may not be in it; uploads are never
rewritten in place). The archive format is in ``kechuang.ops.archive``.

``restore_backup`` verifies the whole archive first (into a staging folder next to MEDIA_ROOT) and
writes nothing when it is not intact. It restores only into an empty instance — a database whose
tables hold no rows except the ones ``migrate`` writes itself, and no uploaded files — unless
``force``: then the database is replaced and the old upload folder is kept aside as
``media.before-restore-<time>``. SQLite is loaded through the backup API (so a WAL file of the
old database cannot survive next to the new one); PostgreSQL with
``pg_restore --clean --if-exists --no-owner --no-privileges --single-transaction --exit-on-error``.
A backup is restored only into the same database vendor.

Services report progress through an optional callback and return result objects; they never print.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from kechuang import __version__
from kechuang.ops.archive import (
    COMPRESSIONS,
    FORMAT,
    FORMAT_VERSION,
    NOTHING_WRITTEN,
    ArchiveError,
    ArchiveWriter,
    Manifest,
    checksum_path,
    read_archive,
)

Progress = Callable[[str], None] | None

# Rows that `migrate` writes into a fresh database: an instance holding only these is empty.
BOOKKEEPING_TABLES = frozenset(
    {"django_migrations", "django_content_type", "auth_permission", "sqlite_sequence"}
)
VENDOR_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
ARCHIVE_PREFIX = "kechuang-"


class BackupError(Exception):
    """The backup or restore cannot be done; the message (Chinese) says why."""


@dataclass
class BackupResult:
    path: Path
    checksum_path: Path
    sha256: str
    size: int
    vendor: str
    tables: int
    rows: int
    files: int
    files_bytes: int
    database_bytes: int
    created_at: str
    removed: list[Path] = field(default_factory=list)


@dataclass
class RestoreResult:
    archive: Path
    vendor: str
    created_at: str
    kechuang_version: str
    tables: int
    rows: int
    files: int
    files_bytes: int
    replaced_media: Path | None = None
    pending_migrations: list[str] = field(default_factory=list)
    unknown_migrations: list[str] = field(default_factory=list)
    count_mismatches: dict[str, tuple[int, int]] = field(default_factory=dict)


def _say(progress: Progress, text: str) -> None:
    if progress is not None:
        progress(text)


def _database() -> dict:
    from django.db import connection

    return connection.settings_dict


def _vendor() -> str:
    from django.db import connection

    return connection.vendor


def media_root() -> Path:
    from django.conf import settings

    return Path(settings.MEDIA_ROOT)


def default_archive_name(now: datetime | None = None, compression: str = "gz") -> str:
    now = now or datetime.now(UTC)
    return f"{ARCHIVE_PREFIX}{now:%Y%m%dT%H%M%SZ}{COMPRESSIONS[compression]}"


# ---------------------------------------------------------------- backup


def create_backup(out: Path, *, compression: str = "gz", progress: Progress = None) -> BackupResult:
    """Write the archive ``out`` (and ``out.sha256``). Raises BackupError."""
    out = Path(out).resolve()
    if out.is_dir():
        raise BackupError(f"--out 应是文件名，而 {out} 是一个目录")
    out.parent.mkdir(parents=True, exist_ok=True)
    vendor = _vendor()
    if vendor not in VENDOR_NAMES:
        raise BackupError(f"不支持备份 {vendor} 数据库（只支持 SQLite 和 PostgreSQL）")
    now = datetime.now(UTC)
    writer = None
    with tempfile.TemporaryDirectory(prefix=".kechuang-backup-", dir=out.parent) as tmp:
        try:
            if vendor == "sqlite":
                _say(progress, "复制数据库（SQLite 在线备份）")
                db_file, state = _snapshot_sqlite(Path(tmp))
            else:
                _say(progress, "导出数据库（pg_dump）")
                db_file, state = _snapshot_postgresql(Path(tmp))
            writer = ArchiveWriter(out, compression)
            db_member = writer.add_file(f"database/{db_file.name}", db_file)
            db_file.unlink()
            media = media_root()
            paths = _media_files(media)
            _say(progress, f"打包上传文件（{len(paths)} 个）")
            files_bytes = 0
            for path in paths:
                try:
                    member = writer.add_file("media/" + path.relative_to(media).as_posix(), path)
                except FileNotFoundError:
                    continue  # deleted while the backup ran
                files_bytes += member.size
            _say(progress, "写入清单与校验和")
            manifest = {
                "format": FORMAT,
                "format_version": FORMAT_VERSION,
                "kechuang_version": __version__,
                "created_at": now.isoformat(timespec="seconds"),
                "database": {"vendor": vendor, "member": db_member.path, **state["info"]},
                "migrations": state["migrations"],
                "tables": state["tables"],
            }
            digest = writer.finish(manifest, now.timestamp())
        except BaseException as exc:
            if writer is not None:
                writer.abort()
            if isinstance(exc, OSError | sqlite3.Error):
                raise BackupError(f"备份失败：{exc}") from exc
            raise
    files = len(writer.members) - 1
    return BackupResult(
        path=out,
        checksum_path=checksum_path(out),
        sha256=digest,
        size=out.stat().st_size,
        vendor=vendor,
        tables=len(state["tables"]),
        rows=sum(state["tables"].values()),
        files=files,
        files_bytes=files_bytes,
        database_bytes=db_member.size,
        created_at=manifest["created_at"],
    )


def _media_files(root: Path) -> list[Path]:
    if not root.is_dir():
        return []
    found = []
    for folder, dirs, names in os.walk(root):
        dirs.sort()
        for name in sorted(names):
            path = Path(folder) / name
            if path.is_file() and not path.is_symlink():
                found.append(path)
    return found


def _sqlite_state(con: sqlite3.Connection) -> dict:
    names = [
        r[0]
        for r in con.execute("SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'")
    ]
    tables = {n: con.execute(f'SELECT COUNT(*) FROM "{n}"').fetchone()[0] for n in sorted(names)}
    migrations: dict[str, list[str]] = {}
    if "django_migrations" in tables:
        for app, name in con.execute("SELECT app, name FROM django_migrations ORDER BY app, name"):
            migrations.setdefault(app, []).append(name)
    return {"tables": tables, "migrations": migrations}


def _snapshot_sqlite(tmp: Path) -> tuple[Path, dict]:
    source_path = Path(_database()["NAME"])
    if not source_path.is_file():
        raise BackupError(f"数据库尚未建立（{source_path} 不存在）：没有可备份的数据")
    target = tmp / "kechuang.sqlite3"
    src = sqlite3.connect(f"file:{source_path}?mode=ro", uri=True, timeout=30)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)  # one step: a consistent snapshot while others write
        dst.execute("PRAGMA journal_mode=DELETE")
        check = dst.execute("PRAGMA quick_check").fetchone()[0]
        if check != "ok":
            raise BackupError(f"数据库完整性检查未通过（{check}）：请先修复数据库再备份")
        state = _sqlite_state(dst)
    finally:
        src.close()
        dst.close()
    if "django_migrations" not in state["tables"]:
        raise BackupError("数据库尚未建立（没有 django_migrations 表）：没有可备份的数据")
    state["info"] = {"sqlite_version": sqlite3.sqlite_version}
    return target, state


def _pg_env(db: dict) -> dict[str, str]:
    env = dict(os.environ)
    for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD")):
        if db.get(key):
            env[var] = str(db[key])
    env["PGDATABASE"] = str(db["NAME"])
    options = db.get("OPTIONS") or {}
    for key, var in (("sslmode", "PGSSLMODE"), ("sslrootcert", "PGSSLROOTCERT")):
        if options.get(key):
            env[var] = str(options[key])
    return env


def _pg_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"找不到 {name}：请安装 PostgreSQL 客户端（apt install postgresql-client）")
    return path


def _run_pg(args: list[str], db: dict, what: str) -> subprocess.CompletedProcess:
    done = subprocess.run(args, env=_pg_env(db), capture_output=True, text=True, stdin=subprocess.DEVNULL)
    if done.returncode != 0:
        detail = (done.stderr or done.stdout).strip()[-2000:]
        raise BackupError(f"{what}失败（{Path(args[0]).name} 退出码 {done.returncode}）：{detail}")
    return done


def _snapshot_postgresql(tmp: Path) -> tuple[Path, dict]:
    from django.db import connection, transaction

    pg_dump = _pg_tool("pg_dump")
    db = _database()
    target = tmp / "kechuang.pgdump"
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot(), current_setting('server_version')")
            snapshot, server_version = cursor.fetchone()
            names = connection.introspection.table_names(cursor)
            if "django_migrations" not in names:
                raise BackupError("数据库尚未建立（没有 django_migrations 表）：没有可备份的数据")
            tables = {}
            for n in sorted(names):
                cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(n)}")
                tables[n] = cursor.fetchone()[0]
            cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
            migrations: dict[str, list[str]] = {}
            for app, name in cursor.fetchall():
                migrations.setdefault(app, []).append(name)
            # pg_dump reads the same snapshot while this transaction stays open.
            _run_pg(
                [
                    pg_dump,
                    "--format=custom",
                    f"--snapshot={snapshot}",
                    f"--file={target}",
                    "--dbname",
                    db["NAME"],
                ],
                db,
                "pg_dump 导出",
            )
    info = {"server_version": server_version, "pg_dump": _tool_version(pg_dump)}
    return target, {"tables": tables, "migrations": migrations, "info": info}


def _tool_version(path: str) -> str:
    done = subprocess.run([path, "--version"], capture_output=True, text=True)
    return done.stdout.strip()


def prune_backups(directory: Path, keep: int) -> list[Path]:
    """Delete all but the newest ``keep`` archives named kechuang-<UTC time>.tar.* in ``directory``
    (with their .sha256 files). The names sort by time. Returns the deleted archives."""
    if keep < 1:
        raise BackupError("--keep 至少为 1")
    archives = sorted(
        p
        for p in Path(directory).glob(f"{ARCHIVE_PREFIX}*")
        if p.is_file() and any(p.name.endswith(ext) for ext in COMPRESSIONS.values())
    )
    removed = archives[:-keep]
    for path in removed:
        path.unlink(missing_ok=True)
        checksum_path(path).unlink(missing_ok=True)
    return removed


# ---------------------------------------------------------------- restore


def inspect_backup(archive: Path) -> Manifest:
    """Verify the whole archive without writing anything. Raises BackupError."""
    try:
        return read_archive(Path(archive))
    except ArchiveError as exc:
        raise BackupError(str(exc)) from exc


def instance_contents() -> tuple[dict[str, int], int]:
    """(table → rows, for tables holding rows other than migrate's own) and the number of uploaded
    files. Both empty/0 means an empty instance. Creates nothing (a missing SQLite file is empty)."""
    media = media_root()
    files = len(_media_files(media))
    if _vendor() == "sqlite":
        path = Path(_database()["NAME"])
        if not path.is_file() or path.stat().st_size == 0:
            return {}, files
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)
        try:
            tables = _sqlite_state(con)["tables"]
        finally:
            con.close()
    else:
        from django.db import connection

        with connection.cursor() as cursor:
            tables = {}
            for n in connection.introspection.table_names(cursor):
                cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(n)}")
                tables[n] = cursor.fetchone()[0]
    return {n: c for n, c in tables.items() if c and n not in BOOKKEEPING_TABLES}, files


def _describe_contents(tables: dict[str, int], files: int) -> str:
    parts = [f"{n} {c} 行" for n, c in sorted(tables.items(), key=lambda x: -x[1])[:5]]
    if len(tables) > 5:
        parts.append(f"等 {len(tables)} 张表")
    if files:
        parts.append(f"上传文件 {files} 个")
    return "、".join(parts)


def restore_backup(archive: Path, *, force: bool = False, progress: Progress = None) -> RestoreResult:
    """Restore ``archive`` into this instance. Raises BackupError, having written nothing, when the
    archive is not intact, comes from another database vendor, or the instance is not empty and
    ``force`` is not given."""
    from django.db import connections

    archive = Path(archive).resolve()
    media = media_root()
    media.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".kechuang-restore-", dir=media.parent))
    try:
        _say(progress, "校验备份文件")
        try:
            manifest = read_archive(archive, staging)
        except ArchiveError as exc:
            raise BackupError(str(exc)) from exc
        vendor = _vendor()
        if manifest.vendor != vendor:
            raise BackupError(
                f"该备份来自 {VENDOR_NAMES.get(manifest.vendor, manifest.vendor)} 数据库，当前实例使用 "
                f"{VENDOR_NAMES.get(vendor, vendor)}：不支持跨数据库类型恢复。{NOTHING_WRITTEN}"
            )
        tables, files = instance_contents()
        if (tables or files) and not force:
            raise BackupError(
                f"目标实例不是空的（{_describe_contents(tables, files)}）。恢复会替换现有的数据库和上传文件："
                f"确认无误后加 --force。{NOTHING_WRITTEN}"
            )
        db_file = staging / manifest.database_member
        if vendor == "sqlite":
            _check_sqlite_file(db_file)
            _say(progress, "恢复数据库（SQLite）")
            connections.close_all()
            _load_sqlite(db_file, Path(_database()["NAME"]))
        else:
            pg_restore = _pg_tool("pg_restore")
            db = _database()
            _run_pg([pg_restore, "--list", str(db_file)], db, "检查数据库导出文件")
            _say(progress, "恢复数据库（pg_restore）")
            connections.close_all()
            _run_pg(
                [
                    pg_restore,
                    "--clean",
                    "--if-exists",
                    "--no-owner",
                    "--no-privileges",
                    "--single-transaction",
                    "--exit-on-error",
                    "--dbname",
                    db["NAME"],
                    str(db_file),
                ],
                db,
                "pg_restore 恢复",
            )
        _say(progress, f"恢复上传文件（{len(manifest.media_members)} 个）")
        replaced = _swap_media(staging / "media", media)
        return _restore_result(archive, manifest, replaced)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _check_sqlite_file(path: Path) -> None:
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        check = con.execute("PRAGMA integrity_check").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        check = str(exc)
    finally:
        con.close()
    if check != "ok":
        raise BackupError(f"备份中的数据库文件未通过完整性检查（{check}）。{NOTHING_WRITTEN}")


def _load_sqlite(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dst = sqlite3.connect(target, timeout=30)
    try:
        src.backup(dst)
    except sqlite3.Error as exc:
        raise BackupError(f"写入数据库失败（{exc}）：数据库未改变") from exc
    finally:
        src.close()
        dst.close()


def _swap_media(staged: Path, media: Path) -> Path | None:
    replaced = None
    if media.exists():
        if any(media.iterdir()):
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
            replaced = media.with_name(f"{media.name}.before-restore-{stamp}")
            media.rename(replaced)
        else:
            media.rmdir()
    if staged.is_dir():
        staged.rename(media)
    else:
        media.mkdir()
    return replaced


def _restore_result(archive: Path, manifest: Manifest, replaced: Path | None) -> RestoreResult:
    from django.db import connections
    from django.db.migrations.loader import MigrationLoader

    connections.close_all()
    expected: dict[str, int] = manifest.data.get("tables", {})
    restored, _ = instance_contents()
    mismatches = {
        n: (c, restored.get(n, 0))
        for n, c in expected.items()
        if n not in BOOKKEEPING_TABLES and restored.get(n, 0) != c
    }
    on_disk = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    in_archive = {(app, name) for app, names in manifest.data.get("migrations", {}).items() for name in names}
    apps_in_code = {app for app, _ in on_disk}
    pending = sorted(f"{a}.{n}" for a, n in on_disk - in_archive)
    unknown = sorted(f"{a}.{n}" for a, n in in_archive - on_disk if a in apps_in_code)
    members = manifest.media_members
    return RestoreResult(
        archive=archive,
        vendor=manifest.vendor,
        created_at=manifest.data.get("created_at", ""),
        kechuang_version=manifest.data.get("kechuang_version", ""),
        tables=len(expected),
        rows=sum(expected.values()),
        files=len(members),
        files_bytes=sum(m.size for m in members),
        replaced_media=replaced,
        pending_migrations=pending,
        unknown_migrations=unknown,
        count_mismatches=mismatches,
    )
