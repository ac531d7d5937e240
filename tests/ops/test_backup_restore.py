"""`kechuang backup` / `kechuang restore` as an operator runs them: the installed script in a
subprocess, each instance its own KECHUANG_VAR (SQLite file + media folder), as in tests/cli.

The source instance is the demo (50 enterprises) plus uploaded files; its archive is restored into
fresh instances and every table's rows (an SQL dump) and every file (SHA-256) must be identical.
Damaged archives and non-empty targets are refused with a Chinese message, writing nothing.

When DATABASE_URL points at PostgreSQL (CI's second run), ``test_postgresql_*`` create two
databases of their own on that server (and drop them), and go through pg_dump / pg_restore.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tarfile
import time
import uuid
from pathlib import Path

import pytest

from tests.cli.kit import DB_NAME, child_env, command, run_in

NOTHING = "未写入任何数据"


# ---------------------------------------------------------------- helpers


def sql_dump(var: Path) -> list[str]:
    con = sqlite3.connect(var / DB_NAME)
    try:
        return list(con.iterdump())
    finally:
        con.close()


def media_files(var: Path) -> dict[str, str]:
    root = var / "media"
    if not root.exists():
        return {}
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in root.rglob("*")
        if p.is_file()
    }


def instance_state(var: Path) -> tuple:
    """What a restore may change: the database (dump or absence) and the upload folder, plus any
    stray staging folder."""
    db = sql_dump(var) if (var / DB_NAME).exists() else None
    stray = sorted(p.name for p in var.iterdir() if p.name.startswith((".kechuang", "media.")))
    return db, media_files(var), stray


def put_uploads(var: Path) -> None:
    folder = var / "media" / "task-evidence" / "2026"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "佐证材料 第一季度.txt").write_text("松山湖：已完成 3 项\n", encoding="utf-8")
    (folder / "scan.bin").write_bytes(os.urandom(200_000))
    (var / "media" / "top.csv").write_text("指标,地区,年份,数值\n", encoding="utf-8")


def read_manifest(archive: Path) -> dict:
    with tarfile.open(archive) as tar:
        return json.loads(tar.extractfile("manifest.json").read())


# ---------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def source_var(tmp_path_factory) -> Path:
    var = tmp_path_factory.mktemp("source")
    result = run_in(var, "demo", "--no-serve", "--enterprises", 50, timeout=300)
    assert result.returncode == 0, result
    put_uploads(var)
    return var


@pytest.fixture(scope="module")
def archive(source_var, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("backups") / "nightly.tar.gz"
    result = run_in(source_var, "backup", "--out", out)
    assert result.returncode == 0, result
    assert "备份完成" in result.stdout and "上传文件：3 个" in result.stdout
    return out


@pytest.fixture
def empty_var(tmp_path) -> Path:
    var = tmp_path / "target"
    var.mkdir()
    return var


# ---------------------------------------------------------------- backup → restore


@pytest.mark.parametrize("target", ["no database", "migrated, empty"])
def test_restore_into_an_empty_instance_gives_every_row_and_file_back(source_var, archive, empty_var, target):
    if target == "migrated, empty":
        migrated = run_in(empty_var, "manage", "migrate", "--verbosity", "0")
        assert migrated.returncode == 0, migrated
    result = run_in(empty_var, "restore", archive)
    assert result.returncode == 0, result
    assert "恢复完成" in result.stdout and "Traceback" not in result.output
    assert "上传文件：3 个" in result.stdout

    assert sql_dump(empty_var) == sql_dump(source_var)  # every table, every row, the schema
    assert media_files(empty_var) == media_files(source_var)
    assert len(media_files(empty_var)) == 3
    assert not [p for p in empty_var.iterdir() if p.name.startswith(".kechuang")]  # staging removed
    # The restored instance works: a database command runs on it.
    check = run_in(empty_var, "manage", "check")
    assert check.returncode == 0, check


def test_the_archive_carries_a_manifest_with_checksums_and_a_checksum_file(source_var, archive):
    manifest = read_manifest(archive)
    assert manifest["format"] == "kechuang-backup" and manifest["format_version"] == 1
    assert manifest["kechuang_version"]
    assert manifest["database"]["vendor"] == "sqlite"
    assert "0001_initial" in manifest["migrations"]["accounts"]
    assert manifest["tables"]["enterprises_enterprise"] == 50
    with tarfile.open(archive) as tar:
        names = tar.getnames()
        assert names[-2:] == ["manifest.json", "manifest.sha256"]
        for entry in manifest["files"]:
            data = tar.extractfile(entry["path"]).read()
            assert hashlib.sha256(data).hexdigest() == entry["sha256"] and len(data) == entry["size"]
        manifest_bytes = tar.extractfile("manifest.json").read()
        assert tar.extractfile("manifest.sha256").read().split()[0].decode() == (
            hashlib.sha256(manifest_bytes).hexdigest()
        )
    assert set(names) == {"manifest.json", "manifest.sha256"} | {f["path"] for f in manifest["files"]}
    sidecar = archive.with_name(archive.name + ".sha256")
    assert sidecar.read_text().split() == [hashlib.sha256(archive.read_bytes()).hexdigest(), archive.name]
    if shutil.which("sha256sum"):
        assert subprocess.run(["sha256sum", "-c", sidecar.name], cwd=archive.parent).returncode == 0

    check = run_in(source_var, "restore", "--check", archive)
    assert check.returncode == 0, check
    assert "备份文件完好" in check.stdout and "上传文件 3 个" in check.stdout


def test_a_backup_taken_while_the_database_is_written_is_consistent(source_var, tmp_path):
    """Another process keeps committing rows during the backup; the archive holds a snapshot."""
    var = tmp_path / "busy"
    var.mkdir()
    shutil.copy(source_var / DB_NAME, var / DB_NAME)
    con = sqlite3.connect(var / DB_NAME)
    con.execute("CREATE TABLE probe (id INTEGER PRIMARY KEY, payload TEXT)")
    con.commit()
    con.close()
    writer = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sqlite3, sys, time\n"
            "con = sqlite3.connect(sys.argv[1], timeout=30)\n"
            "con.execute('PRAGMA journal_mode=WAL')\n"
            "for i in range(100000):\n"
            "    con.execute('INSERT INTO probe (payload) VALUES (?)', ('x' * 500,)); con.commit()\n",
            str(var / DB_NAME),
        ]
    )
    try:
        time.sleep(0.5)
        out = tmp_path / "busy.tar.gz"
        result = run_in(var, "backup", "--out", out)
    finally:
        writer.kill()
        writer.wait()
    assert result.returncode == 0, result
    target = tmp_path / "restored"
    target.mkdir()
    restored = run_in(target, "restore", out)
    assert restored.returncode == 0, restored
    con = sqlite3.connect(target / DB_NAME)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        rows = con.execute("SELECT COUNT(*), MAX(id) FROM probe").fetchone()
    finally:
        con.close()
    assert rows[0] > 0 and rows[0] == rows[1] == read_manifest(out)["tables"]["probe"]


def test_backup_into_a_directory_keeps_the_newest_archives(source_var, tmp_path):
    folder = tmp_path / "backups"
    folder.mkdir()
    for stamp in ("20250101T020000Z", "20250102T020000Z", "20250103T020000Z"):
        (folder / f"kechuang-{stamp}.tar.gz").write_bytes(b"old")
        (folder / f"kechuang-{stamp}.tar.gz.sha256").write_text("x")
    (folder / "notes.txt").write_text("not a backup")
    result = run_in(source_var, "backup", "--out-dir", folder, "--keep", 2)
    assert result.returncode == 0, result
    assert "删除旧备份 2 个" in result.stdout
    left = sorted(p.name for p in folder.iterdir())
    assert "notes.txt" in left and "kechuang-20250103T020000Z.tar.gz" in left
    assert (
        "kechuang-20250101T020000Z.tar.gz" not in left
        and "kechuang-20250101T020000Z.tar.gz.sha256" not in left
    )
    new = [n for n in left if n.endswith(".tar.gz") and "2025" not in n]
    assert len(new) == 1 and (folder / (new[0] + ".sha256")).exists()


def test_backup_refuses_an_instance_without_a_database_and_bad_options(empty_var, tmp_path):
    result = run_in(empty_var, "backup", "--out", tmp_path / "x.tar.gz")
    assert result.returncode == 1, result
    assert "数据库尚未建立" in result.stderr and "Traceback" not in result.output
    assert not list(tmp_path.glob("x.tar.gz*"))
    neither = run_in(empty_var, "backup")
    assert neither.returncode == 2 and "--out" in neither.stderr


# ---------------------------------------------------------------- refusals


def _flip_byte(data: bytes) -> bytes:
    middle = len(data) // 2
    return data[:middle] + bytes([data[middle] ^ 0xFF]) + data[middle + 1 :]


def _tampered_member(archive: Path) -> bytes:
    """A well-formed archive whose upload differs from what its (intact) manifest says."""
    out = io.BytesIO()
    with tarfile.open(archive) as src, tarfile.open(fileobj=out, mode="w:gz") as dst:
        for info in src:
            data = src.extractfile(info).read()
            if info.name.endswith("top.csv"):
                data = data.replace("数值".encode(), "金额".encode())
            info.size = len(data)
            dst.addfile(info, io.BytesIO(data))
    return out.getvalue()


def _without_manifest(archive: Path) -> bytes:
    out = io.BytesIO()
    with tarfile.open(archive) as src, tarfile.open(fileobj=out, mode="w:gz") as dst:
        for info in src:
            if not info.name.startswith("manifest"):
                dst.addfile(info, src.extractfile(info))
    return out.getvalue()


CORRUPTIONS = {
    "flipped byte": (lambda a: _flip_byte(a.read_bytes()), ("已损坏", "不完整")),
    "truncated": (lambda a: a.read_bytes()[: a.stat().st_size // 2], ("已损坏或不完整",)),
    "cut at the end": (lambda a: a.read_bytes()[:-200], ("已损坏或不完整",)),
    "not an archive": (lambda a: "这不是备份\n".encode() * 100, ("不是 kechuang 备份文件",)),
    "plain gzip": (lambda a: gzip.compress(b"hello" * 1000), ("不是 kechuang 备份文件",)),
    "member changed": (_tampered_member, ("SHA-256 与清单不符", "media/top.csv")),
    "manifest missing": (_without_manifest, ("缺少 manifest.json",)),
}


@pytest.mark.parametrize("kind", CORRUPTIONS)
def test_a_damaged_archive_is_refused_and_nothing_is_written(archive, empty_var, tmp_path, kind):
    make, expected = CORRUPTIONS[kind]
    bad = tmp_path / "bad.tar.gz"  # no .sha256 next to it: the archive's own checks must catch it
    bad.write_bytes(make(archive))
    before = instance_state(empty_var)
    result = run_in(empty_var, "restore", bad)
    assert result.returncode == 1, result
    assert NOTHING in result.stderr and "Traceback" not in result.output
    assert any(text in result.stderr for text in expected), result
    assert instance_state(empty_var) == before
    assert not (empty_var / DB_NAME).exists() and not (empty_var / "media").exists()
    check = run_in(empty_var, "restore", "--check", bad)
    assert check.returncode == 1 and NOTHING in check.stderr


def test_a_checksum_file_that_disagrees_is_refused(archive, empty_var, tmp_path):
    copy = tmp_path / archive.name
    copy.write_bytes(_flip_byte(archive.read_bytes()))
    shutil.copy(archive.with_name(archive.name + ".sha256"), tmp_path)
    result = run_in(empty_var, "restore", copy)
    assert result.returncode == 1, result
    assert f"SHA-256 与 {archive.name}.sha256 中记录的不一致" in result.stderr
    assert not (empty_var / DB_NAME).exists()


def test_a_missing_file_is_refused(empty_var, tmp_path):
    result = run_in(empty_var, "restore", tmp_path / "nope.tar.gz")
    assert result.returncode == 1 and "找不到备份文件" in result.stderr


def test_a_non_empty_instance_is_refused_without_force_and_replaced_with_force(source_var, archive, tmp_path):
    var = tmp_path / "busy"
    var.mkdir()
    loaded = run_in(var, "demo", "--no-serve", "--enterprises", 0)
    assert loaded.returncode == 0, loaded
    (var / "media").mkdir()
    (var / "media" / "mine.txt").write_text("keep me")
    before = instance_state(var)

    refused = run_in(var, "restore", archive)
    assert refused.returncode == 1, refused
    assert "目标实例不是空的" in refused.stderr and "--force" in refused.stderr and NOTHING in refused.stderr
    assert "上传文件 1 个" in refused.stderr
    assert instance_state(var) == before

    forced = run_in(var, "restore", "--force", archive)
    assert forced.returncode == 0, forced
    assert sql_dump(var) == sql_dump(source_var)
    assert media_files(var) == media_files(source_var)
    kept = [p for p in var.iterdir() if p.name.startswith("media.before-restore-")]
    assert len(kept) == 1 and (kept[0] / "mine.txt").read_text() == "keep me"
    assert "原有上传文件已移至" in forced.stdout


# ---------------------------------------------------------------- PostgreSQL

PG_URL = os.environ.get("DATABASE_URL", "")
needs_postgresql = pytest.mark.skipif(
    not PG_URL.startswith(("postgres://", "postgresql://")),
    reason="DATABASE_URL does not point at PostgreSQL (CI's second run sets it)",
)


def _pg_env(var: Path, url: str) -> dict[str, str]:
    return {**child_env(var), "DATABASE_URL": url}


def _run_pg(var: Path, url: str, *args, timeout: float = 300):
    done = subprocess.run(
        [*command(), *map(str, args)],
        cwd=var,
        env=_pg_env(var, url),
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )
    return done


def _pg_contents(url: str) -> dict:
    import psycopg

    with psycopg.connect(url) as con:
        tables = [
            r[0]
            for r in con.execute(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1"
            )
        ]
        out = {t: sorted(repr(row) for row in con.execute(f'SELECT * FROM "{t}"')) for t in tables}
        out["<sequences>"] = sorted(
            repr(r) for r in con.execute("SELECT sequencename, last_value FROM pg_sequences")
        )
    return out


@pytest.fixture
def pg_databases():
    """Two fresh databases on the DATABASE_URL server → (source url, target url); dropped after."""
    import psycopg
    from psycopg.conninfo import conninfo_to_dict, make_conninfo

    base = conninfo_to_dict(PG_URL)
    admin = make_conninfo(**{**base, "dbname": "postgres"})
    names = [f"kc_backup_{uuid.uuid4().hex[:10]}_{role}" for role in ("src", "dst")]
    with psycopg.connect(admin, autocommit=True) as con:
        for name in names:
            con.execute(f'CREATE DATABASE "{name}"')
    head, _, _ = PG_URL.partition("?")
    query = PG_URL[len(head) :]
    urls = [head.rsplit("/", 1)[0] + "/" + name + query for name in names]
    try:
        yield urls
    finally:
        with psycopg.connect(admin, autocommit=True) as con:
            for name in names:
                con.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@needs_postgresql
def test_postgresql_backup_and_restore_give_every_row_and_file_back(pg_databases, tmp_path):
    if not (shutil.which("pg_dump") and shutil.which("pg_restore")):
        pytest.skip("pg_dump / pg_restore not installed")
    src_url, dst_url = pg_databases
    source, target, sqlite_target = (tmp_path / n for n in ("source", "target", "sqlite"))
    for var in (source, target, sqlite_target):
        var.mkdir()
    demo = _run_pg(source, src_url, "demo", "--no-serve", "--enterprises", 50)
    assert demo.returncode == 0, demo.stderr
    put_uploads(source)
    out = tmp_path / "pg.tar.gz"
    backup = _run_pg(source, src_url, "backup", "--out", out)
    assert backup.returncode == 0, backup.stderr
    assert read_manifest(out)["database"]["vendor"] == "postgresql"

    restore = _run_pg(target, dst_url, "restore", out)
    assert restore.returncode == 0, restore.stdout + restore.stderr
    assert "恢复完成" in restore.stdout
    assert _pg_contents(dst_url) == _pg_contents(src_url)
    assert media_files(target) == media_files(source)

    again = _run_pg(target, dst_url, "restore", out)
    assert again.returncode == 1 and "目标实例不是空的" in again.stderr
    forced = _run_pg(target, dst_url, "restore", "--force", out)
    assert forced.returncode == 0, forced.stderr
    assert _pg_contents(dst_url) == _pg_contents(src_url)

    cross = run_in(sqlite_target, "restore", out)  # SQLite instance: refused
    assert cross.returncode == 1 and "不支持跨数据库类型恢复" in cross.stderr
    assert not (sqlite_target / DB_NAME).exists()


# ---------------------------------------------------------------- the nightly unit

UNIT = Path(__file__).resolve().parents[2] / "deploy" / "backup" / "kechuang-backup.service"


def test_the_nightly_unit_runs_a_backup_with_retention(source_var, tmp_path):
    """ExecStart of deploy/backup/kechuang-backup.service, with its own defaults, is a valid command."""
    lines = UNIT.read_text(encoding="utf-8").splitlines()
    env = dict(
        line.removeprefix("Environment=").split("=", 1) for line in lines if line.startswith("Environment=")
    )
    assert env["KECHUANG_BACKUP_KEEP"] == "14"
    timer = UNIT.with_suffix(".timer").read_text(encoding="utf-8")
    assert "OnCalendar=*-*-* 02:30:00" in timer and "Persistent=true" in timer
    env["KECHUANG_BACKUP_DIR"] = str(tmp_path / "nightly")
    (tmp_path / "nightly").mkdir()
    for day in range(1, 16):  # fifteen older nights
        (tmp_path / "nightly" / f"kechuang-202501{day:02d}T023000Z.tar.gz").write_bytes(b"old")
    exec_start = next(line for line in lines if line.startswith("ExecStart="))
    program, *args = exec_start.removeprefix("ExecStart=").split()
    assert program.endswith("/kechuang")
    for name, value in env.items():
        args = [a.replace("${" + name + "}", value) for a in args]
    result = run_in(source_var, *args)
    assert result.returncode == 0, result
    archives = sorted(p.name for p in (tmp_path / "nightly").glob("kechuang-*.tar.gz"))
    assert len(archives) == 14 and not archives[-1].startswith("kechuang-2025")
    assert archives[0] == "kechuang-20250103T023000Z.tar.gz"
