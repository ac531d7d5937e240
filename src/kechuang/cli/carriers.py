"""`kechuang carriers evaluate` and `kechuang carriers recognise` (创新载体与人才), without the database.

``kechuang carriers evaluate --template FILE --input FILE.csv --period P [--history FILE.csv]
[--format json|csv] [--output FILE]`` scores every row of the input (columns ``id``, ``class``,
optionally ``level``, and the template's input columns) with an evaluation template: points per
indicator with the value behind them, total, grade, rank in the class, change from the history's
last period, consecutive failures and their consequence, what would lift the grade, rewards.

``kechuang carriers recognise --ruleset FILE [--ruleset FILE …] --input FILE.csv [--format json|csv]
[--output FILE]`` checks recognition conditions (rule sets over the carrier vocabulary) for every
row: yes / possible / no / unknown and the failed conditions.
"""

from __future__ import annotations

import enum
import json
from pathlib import Path

import polars as pl
import typer

from kechuang.cli.common import fail, require_file

NAME = "carriers"
app = typer.Typer(
    help="创新载体与人才：按评价模板评分、按认定条件检查（读文件，不需要数据库）。", no_args_is_help=True
)


class Format(enum.StrEnum):
    json = "json"
    csv = "csv"


def _read_csv(path: Path, option: str) -> pl.DataFrame:
    require_file(path, option)
    try:
        return pl.read_csv(path, infer_schema=False, encoding="utf8-lossy")
    except (pl.exceptions.PolarsError, UnicodeDecodeError, OSError) as exc:
        fail(f"{option} 无法读取 CSV 文件 {path}：{str(exc)[:200]}")


def _emit(frame: pl.DataFrame, fmt: Format, output: Path | None) -> None:
    if fmt is Format.csv:
        text = frame.write_csv()
    else:
        text = json.dumps(frame.to_dicts(), ensure_ascii=False, indent=1, default=str)
    if output is None:
        typer.echo(text)
    else:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text, encoding="utf-8")
        typer.echo(f"已写入 {frame.height} 行：{output}", err=True)


@app.command()
def evaluate(
    template: Path = typer.Option(..., "--template", help="评价模板 YAML 文件"),
    input: Path = typer.Option(
        ..., "--input", help="CSV：id、class（类别代码）、level（可选）与模板的各指标列"
    ),
    period: str = typer.Option(..., "--period", help="评价期，如 2025 或 2023-2025"),
    history: Path | None = typer.Option(None, "--history", help="历史评价结果 CSV：id、period、total、grade"),
    fmt: Format = typer.Option(Format.json, "--format", help="输出格式"),
    output: Path | None = typer.Option(None, "--output", help="写入文件（默认输出到屏幕）"),
) -> None:
    """按评价模板为每一行评分、定级、排名，给出较上期变化与提升建议。"""
    from kechuang.engine.evaluation import EvaluationInputError, TemplateError, load_template, score

    require_file(template, "--template")
    try:
        tpl = load_template(template)
    except TemplateError as exc:
        fail(str(exc))
    frame = _read_csv(input, "--input")
    past = _read_csv(history, "--history") if history else None
    try:
        result = score(tpl, frame, period.strip(), past)
    except EvaluationInputError as exc:
        fail(f"{input}：{exc}")
    _emit(result, fmt, output)
    counts = result.group_by("grade_label").len().sort("grade_label")
    summary = "，".join(f"{g} {n}" for g, n in counts.iter_rows())
    typer.echo(
        f"{tpl.name}（{tpl.version}{'，示例' if tpl.sample else ''}）{period}：{result.height} 个，{summary}",
        err=True,
    )


@app.command()
def recognise(
    ruleset: list[Path] = typer.Option(..., "--ruleset", help="认定条件规则集 YAML（可写多次）"),
    input: Path = typer.Option(
        ..., "--input", help="CSV：id 与载体字段（见 kechuang.engine.evaluation.columns）"
    ),
    fmt: Format = typer.Option(Format.json, "--format", help="输出格式"),
    output: Path | None = typer.Option(None, "--output", help="写入文件（默认输出到屏幕）"),
) -> None:
    """按认定条件检查每个载体：符合（yes）/ 可能（possible）/ 不符合（no）/ 数据不全（unknown）。"""
    from kechuang.engine.evaluation.columns import CARRIER_BY_NAME, SHARES
    from kechuang.engine.evaluation.recognise import load_carrier_ruleset
    from kechuang.engine.evaluation.recognise import recognise as run
    from kechuang.engine.rules import RulesetError

    sets = []
    for path in ruleset:
        require_file(path, "--ruleset")
        try:
            sets.append(load_carrier_ruleset(path))
        except RulesetError as exc:
            fail(str(exc))
    frame = _read_csv(input, "--input")
    if "id" not in frame.columns:
        fail(f"{input}：缺少列 id")
    casts = []
    for col in frame.columns:
        spec = CARRIER_BY_NAME.get(col)
        if spec is None or col in SHARES:
            continue
        text = pl.col(col).str.strip_chars().replace("", None)
        if spec.dtype is bool:
            mapping = {
                "是": "true",
                "否": "false",
                "1": "true",
                "0": "false",
                "true": "true",
                "false": "false",
            }
            value = text.str.to_lowercase().replace_strict(mapping, default="?")
            bad = frame.with_row_index("n").filter(text.is_not_null() & (value == "?"))
            cast = (value == "true").alias(col)
        else:
            value = text.cast(pl.Float64, strict=False)
            bad = frame.with_row_index("n").filter(text.is_not_null() & value.is_null())
            cast = value.alias(col)
        if bad.height:
            fail(
                f"{input}：第 {bad['n'][0] + 2} 行 {col}（{spec.header_zh}）：「{str(bad[col][0])[:50]}」不是有效的值"
            )
        casts.append(cast)
    result = run(frame.with_columns(casts), sets)
    _emit(result, fmt, output)
    for rs in sets:
        counts = result.group_by(f"{rs.code}_eligible").len().sort(f"{rs.code}_eligible")
        typer.echo(f"{rs.name}：" + "，".join(f"{e} {n}" for e, n in counts.iter_rows()), err=True)
