"""Helpers every command shares: Django set-up, the console, acting as a named actor, the plan."""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path

import typer
from rich.console import Console

from kechuang.engine.years import parse_year


def write_frame(frame, path: Path) -> None:
    """A command's result table to .csv or .parquet (by the suffix), creating the folder. In a CSV
    (opened in Excel), text cells starting with = + - @ are neutralised (kechuang.web.xlsx.csv_safe);
    numbers and credit codes are written as they are."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix.lower() == ".csv":
        from kechuang.web.xlsx import csv_safe_frame

        csv_safe_frame(frame).write_csv(path)
    else:
        frame.write_parquet(path)


console = Console(width=None if sys.stdout.isatty() else 160)
err_console = Console(stderr=True, width=None if sys.stderr.isatty() else 160)

NO_DATABASE = "数据库尚未建立：请先运行 kechuang demo --no-serve（或 kechuang manage migrate）"
OLD_DATABASE = "数据库需要升级：请先运行 kechuang manage migrate"


def make_parent(path: Path, code: int = 1) -> None:
    """Create the folder a command will write ``path`` into; a place it cannot write ends the command."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        fail(f"无法写入 {path}：{exc.strerror or exc}", code)


def setup_django(require_database: bool = True) -> None:
    """Configure Django; unless told otherwise, refuse in Chinese when the database is missing or behind."""
    from kechuang.cli.main import setup_django as _setup

    _setup()
    if require_database:
        check_database()


def check_database() -> None:
    """Exit 1 with a message (not a traceback) when the database cannot be reached or is not migrated."""
    from django.db import DatabaseError, connection
    from django.db.migrations.executor import MigrationExecutor

    try:
        if "django_migrations" not in connection.introspection.table_names():
            fail(NO_DATABASE)
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except DatabaseError as exc:
        fail(f"无法连接数据库：{exc}")
    if pending:
        fail(OLD_DATABASE)


def fail(message: str, code: int = 1):
    """Print the message in red on stderr and end the command with this exit code."""
    err_console.print(f"[red]{message}[/]", soft_wrap=True)
    raise typer.Exit(code)


def require_file(path: Path, option: str = "") -> Path:
    """The path when it is a readable file; else exit 2 saying so in Chinese (click would in English)."""
    where = f"{option} " if option else ""
    if not path.exists():
        fail(f"{where}找不到文件：{path}", 2)
    if not path.is_file():
        fail(f"{where}不是文件：{path}", 2)
    return path


def year_or_exit(year: int | None, option: str = "--year") -> int | None:
    """A year the platform knows (2000–2100, as the web forms), or exit 2."""
    if year is not None and parse_year(year) is None:
        fail(f"{option} 应在 2000–2100 之间，收到 {year}", 2)
    return year


def plan_or_exit(code: str | None):
    """The plan with this code (default: the Dongguan plan), or exit 1 naming what is missing."""
    from kechuang.plans.models import Plan
    from kechuang.plans.services import get_plan

    try:
        return get_plan(code)
    except Plan.DoesNotExist:
        if not code:
            fail("尚未加载任何规划：请先运行 kechuang plan load（或 kechuang demo --no-serve）")
        known = "、".join(Plan.objects.order_by("code").values_list("code", flat=True)) or "（无）"
        fail(f"找不到规划「{code}」：已加载的规划有 {known}")


def region_or_exit(text: str) -> str:
    """A town or city given by name or code → its code, or exit 2 with the engine's message."""
    from kechuang.regions import resolve_region

    try:
        return resolve_region(text)
    except ValueError as exc:
        fail(str(exc), 2)


@contextlib.contextmanager
def as_command(name: str):
    """Audit changes made inside as made by this command (there is no person at a terminal login)."""
    from kechuang.audit.context import acting_as

    with acting_as(None, name=f"cli:{name}") as actor:
        yield actor
