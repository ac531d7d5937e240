"""`kechuang backup` and `kechuang restore`: the whole instance (database + uploaded files) in one
checksummed archive. The work is in kechuang.ops.backup; this module prints."""

from __future__ import annotations

from pathlib import Path

import typer

from kechuang.cli.common import console, err_console, fail, setup_django

VENDORS = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


def register(app: typer.Typer) -> None:
    app.command("backup")(backup)
    app.command("restore")(restore)


def _mb(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB" if n >= 100 * 1024 else f"{n / 1024:.1f} KB"


def _progress(text: str) -> None:
    console.print(f"… {text}")


def backup(
    out: Path = typer.Option(
        None, "--out", help="备份文件（.tar.gz 或 .tar.xz），另写 FILE.sha256", dir_okay=False
    ),
    out_dir: Path = typer.Option(
        None, "--out-dir", help="备份目录：文件名自动取 kechuang-<UTC 时间>.tar.gz", file_okay=False
    ),
    keep: int = typer.Option(
        0, "--keep", help="与 --out-dir 一起使用：只保留最新的 N 个备份（0 = 全部保留）"
    ),
    xz: bool = typer.Option(False, "--xz", help="用 xz 压缩（更小、更慢），默认 gzip"),
) -> None:
    """备份数据库和上传文件到一个带校验和的压缩归档（网站运行时也可备份）。"""
    if (out is None) == (out_dir is None):
        fail("请给出 --out FILE 或 --out-dir DIR（二者选一）", 2)
    if keep < 0 or (keep and out_dir is None):
        fail("--keep N（N ≥ 1）只能与 --out-dir 一起使用", 2)
    compression = "xz" if xz else "gz"
    setup_django(require_database=False)
    from kechuang.ops.backup import BackupError, create_backup, default_archive_name, prune_backups

    target = out if out is not None else out_dir / default_archive_name(compression=compression)
    if target.exists():
        fail(f"备份文件已存在：{target}（请换一个文件名，或先移走它）")
    try:
        result = create_backup(target, compression=compression, progress=_progress)
        if keep:
            result.removed = prune_backups(out_dir, keep)
    except BackupError as exc:
        fail(str(exc))
    vendor = VENDORS[result.vendor]
    console.print(f"[green]备份完成[/]：{result.path}（{_mb(result.size)}）")
    console.print(f"数据库：{vendor}，{result.tables} 张表，共 {result.rows} 行")
    console.print(f"上传文件：{result.files} 个（{_mb(result.files_bytes)}）")
    console.print(f"SHA-256：{result.sha256}（另存于 {result.checksum_path.name}）")
    if result.removed:
        console.print(f"按保留策略（最新 {keep} 个）删除旧备份 {len(result.removed)} 个：")
        for path in result.removed:
            console.print(f"  {path.name}")


def restore(
    file: Path = typer.Argument(..., help="kechuang backup 写的备份文件"),
    force: bool = typer.Option(
        False, "--force", help="目标实例已有数据时仍然恢复（替换现有数据库和上传文件）"
    ),
    check: bool = typer.Option(False, "--check", help="只校验备份文件，不恢复"),
) -> None:
    """把备份恢复到一个空实例（新建的数据库、空的上传目录）；备份损坏时不写入任何数据。"""
    if not file.is_file():
        fail(f"找不到备份文件：{file}")
    setup_django(require_database=False)
    from kechuang.ops.backup import BackupError, inspect_backup, restore_backup

    if check:
        try:
            manifest = inspect_backup(file)
        except BackupError as exc:
            fail(str(exc))
        data = manifest.data
        console.print(f"[green]备份文件完好[/]：{file}")
        console.print(
            f"创建于 {data.get('created_at', '?')}，kechuang {data.get('kechuang_version', '?')}，"
            f"数据库 {VENDORS.get(manifest.vendor, manifest.vendor)}，{len(data.get('tables', {}))} 张表，"
            f"共 {sum(data.get('tables', {}).values())} 行，上传文件 {len(manifest.media_members)} 个"
        )
        return
    try:
        result = restore_backup(file, force=force, progress=_progress)
    except BackupError as exc:
        fail(str(exc))
    vendor = VENDORS[result.vendor]
    console.print(
        f"[green]恢复完成[/]：{file}（创建于 {result.created_at}，kechuang {result.kechuang_version}）"
    )
    console.print(f"数据库：{vendor}，{result.tables} 张表，共 {result.rows} 行")
    console.print(f"上传文件：{result.files} 个（{_mb(result.files_bytes)}）")
    if result.replaced_media:
        console.print(f"原有上传文件已移至：{result.replaced_media}")
    for table, (expected, got) in sorted(result.count_mismatches.items()):
        err_console.print(f"[yellow]注意：{table} 应有 {expected} 行，恢复后为 {got} 行[/]")
    if result.unknown_migrations:
        err_console.print(
            f"[yellow]注意：备份来自较新的版本（本程序没有迁移 {'、'.join(result.unknown_migrations[:5])}）："
            "请安装与备份相同或更新的 kechuang[/]"
        )
    if result.pending_migrations:
        console.print(
            f"备份早于当前版本（{len(result.pending_migrations)} 个迁移未应用）：请运行 kechuang manage migrate"
        )
    if result.count_mismatches:
        raise typer.Exit(1)
