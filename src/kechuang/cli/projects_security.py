"""`kechuang projects security load FILE` and `kechuang projects security board` (科技安全监测预警).

``load`` checks the indicator file (projects/data/security-indicators.yaml's shape) as a whole and
writes nothing on an error (every problem named by line, indicator and field); a changed file updates
names and thresholds and keeps the readings already recorded; each change is audited under the
command. ``board`` prints each indicator's latest value, period and warning level (table or JSON).
Registered on the ``projects`` command of kechuang.cli.projects.
"""

from __future__ import annotations

import enum
import json
import sys
from pathlib import Path

import typer
from rich.table import Table

from kechuang.cli.common import as_command, console, err_console, require_file, setup_django
from kechuang.cli.projects import app as projects_app

security_app = typer.Typer(help="科技安全监测预警：指标体系文件与预警看板。", no_args_is_help=True)
projects_app.add_typer(security_app, name="security")

LEVELS = {"green": "正常", "yellow": "黄色预警", "red": "红色预警", None: "无数据"}


class Format(enum.StrEnum):
    json = "json"
    table = "table"


@security_app.command("load")
def load(
    file: Path = typer.Argument(None, help="指标体系 YAML 文件；省略时加载内置的 security-indicators.yaml"),
    check: bool = typer.Option(False, "--check", help="只校验，不写入数据库"),
) -> None:
    """校验并加载科技安全监测指标体系文件（阈值变化时更新，已有监测值保留）。"""
    setup_django(require_database=not check)  # --check reads no table: it works before any set-up
    from kechuang.projects import security

    path = require_file(file or security.DEFAULT_PATH)
    try:
        spec = security.read_file(path)
    except security.SecurityFileError as exc:
        err_console.print(f"[red]指标文件有 {len(exc.problems)} 处错误，未加载：[/]", soft_wrap=True)
        for line in exc.problems:
            err_console.print(f"  {line}", style="red", soft_wrap=True, highlight=False, markup=False)
        raise typer.Exit(1) from exc
    console.print(f"校验通过：{len(spec.indicators)} 项指标（版本 {spec.version}）", highlight=False)
    if check:
        return
    with as_command("projects security load"):
        result = security.load(spec)
    console.print(
        f"新增 {len(result.created)} 项，更新 {len(result.updated)} 项，未变化 {result.unchanged} 项",
        highlight=False,
    )
    for line in result.updated:
        console.print(f"  · {line}", highlight=False, markup=False, soft_wrap=True)
    if result.absent:
        console.print(
            f"数据库中有而文件中没有的指标保留未动：{'、'.join(result.absent)}", highlight=False, markup=False
        )


@security_app.command("board")
def board(
    output_format: Format = typer.Option(Format.table, "--format", help="输出格式：table（默认）或 json"),
) -> None:
    """列出每项指标的最新值、期间与预警等级。"""
    setup_django()
    from kechuang.projects import security, services

    records = security.board_records(services.security_board())
    if output_format is Format.json:
        sys.stdout.write(json.dumps(records, ensure_ascii=False, indent=2) + "\n")
        return
    if not records:
        console.print("尚未设置科技安全指标：请先运行 kechuang projects security load")
        return
    table = Table(title="科技安全监测预警")
    for name, justify in (("代码", "left"), ("指标", "left"), ("最新值", "right"), ("期间", "left"),
                          ("预警", "left"), ("依据", "left")):  # fmt: skip
        table.add_column(name, justify=justify)
    for r in records:
        value = "—" if r["value"] is None else f"{r['value']:g}{r['unit'] if r['unit'] == '%' else ''}"
        table.add_row(r["indicator"], r["name"], value, r["period"] or "—", LEVELS[r["level"]], r["reason"])
    console.print(table)
    counts = {k: sum(1 for r in records if r["level"] == k) for k in ("red", "yellow", "green")}
    console.print(f"红色预警 {counts['red']} 项，黄色预警 {counts['yellow']} 项，正常 {counts['green']} 项")
