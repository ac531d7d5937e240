"""`kechuang transfer match`: the achievements (职务科技成果) that best answer a technology demand.

With --achievements FILE the achievements are read from the file (CSV or XLSX, the contract's
columns, English names or Chinese headers) and no database is used; without it, the database's
published achievements (kechuang.transfer.services.achievement_frame). In both, only achievements
with status 可转化 (or no status) are candidates: an enterprise sees what is published.
"""

from __future__ import annotations

import json
from pathlib import Path

import typer

from kechuang.cli.common import console, err_console, fail, require_file

FORMATS = ("json", "table")
SHOWN_ERRORS = 20
NO_LIBRARY = (
    "成果库尚未就绪（kechuang.transfer.services.achievement_frame 不存在）：请用 --achievements 指定成果文件"
)


def match(
    demand: str = typer.Option("", "--demand", help="技术需求（企业的原话即可），必填"),
    achievements: Path | None = typer.Option(
        None,
        "--achievements",
        help="成果文件（CSV 或 XLSX，表头为成果编号、成果名称等）；不给则用数据库中的可转化成果",
    ),
    field: str | None = typer.Option(
        None, "--field", help="只在这个技术领域内匹配（八大高新技术领域之一，如 新材料）"
    ),
    top: int = typer.Option(10, "--top", help="最多列出几项（默认 10）"),
    output_format: str = typer.Option("json", "--format", help="json（默认）或 table"),
) -> None:
    """按需求匹配科技成果：BM25 文本相关度（结巴分词、同义概念扩展）结合技术领域与就绪水平，
    输出 [{"achievement", "title", "score", "terms"}]，得分高者在前。只匹配状态为可转化（或未填状态）的成果。"""
    from kechuang.engine.transfer.fields import FIELDS, canonical_field

    if not demand.strip():
        fail("--demand 不能为空：请写明技术需求，例如 --demand '车间装配靠人工，想用机器换人'", 2)
    if top < 1:
        fail(f"--top 应为正整数，收到 {top}", 2)
    if output_format not in FORMATS:
        fail(f"--format 应为 {' 或 '.join(FORMATS)}，收到 {output_format}", 2)
    if field is not None and canonical_field(field) is None:
        fail(f"--field「{field}」不是技术领域，应为：{'、'.join(FIELDS)}", 2)
    frame = _from_file(achievements) if achievements is not None else _from_database()

    from kechuang.engine.transfer.match import MatchIndex

    results = MatchIndex(frame).search(demand, field=field, top=top)
    if output_format == "json":
        typer.echo(json.dumps(results, ensure_ascii=False, indent=2))
        return
    _table(results)


def _from_file(path: Path):
    from kechuang.engine.transfer.achievements import COLUMNS, read_achievements

    require_file(path, "--achievements")
    frame, errors = read_achievements(path)
    if errors:
        for error in errors[:SHOWN_ERRORS]:
            err_console.print(f"{path.name} {error}", soft_wrap=True, markup=False, highlight=False)
        more = f"（只列出前 {SHOWN_ERRORS} 处）" if errors.total > SHOWN_ERRORS else ""
        fail(
            f"{path.name} 有 {errors.total} 处错误{more}，未匹配。必填列：{COLUMNS['code']}、{COLUMNS['title']}"
        )
    return frame


def _from_database():
    from kechuang.cli.common import setup_django

    setup_django()
    try:
        from kechuang.transfer.services import achievement_frame
    except ImportError:
        fail(NO_LIBRARY)
    return achievement_frame()


def _table(results: list[dict]) -> None:
    from rich.table import Table

    if not results:
        console.print("没有匹配的成果")
        return
    table = Table("排名", "成果编号", "成果名称", "得分", "共同词")
    for rank, item in enumerate(results, start=1):
        table.add_row(
            str(rank), item["achievement"], item["title"], f"{item['score']:.4f}", "、".join(item["terms"])
        )
    console.print(table)
