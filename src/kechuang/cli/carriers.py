"""`kechuang carriers evaluate` and `kechuang carriers recognise` (创新载体与人才), without the database.

``kechuang carriers evaluate --template FILE --input FILE.csv --period P [--history FILE.csv]
[--format json|csv] [--output FILE]`` scores every row of the input (columns ``id``, ``class``,
optionally ``level``, and the template's input columns) with an evaluation template: points per
indicator with the value behind them, total, grade, rank in the class, change from the history's
last period, consecutive failures and their consequence, what would lift the grade, rewards.

``kechuang carriers recognise --ruleset FILE [--ruleset FILE …] --input FILE.csv [--format json|csv]
[--output FILE]`` checks recognition conditions (rule sets over the carrier vocabulary) for every
row: yes / possible / no / unknown and the failed conditions. The talent rule sets (人才分类评价 认定,
data/talent_rules, over the people vocabulary) are checked the same way, one row per person with its
stated facts; carrier and talent rule sets are not mixed in one run.

``kechuang carriers run --template CODE --period P`` runs a shipped evaluation template
(incubator_operation, institution_dynamic, instrument_sharing) over the database's carriers — figures
from the enterprise registry, the operators' annual reports and the bookings — and stores the results
of the period (replacing that period's, as the bureau's 运行评价 on the evaluations page does); it
prints each carrier's total, grade, rank, change, consequence and rewards. ``--template
talent_expert`` runs the talent 专家评定 template (the same engine) over the 专家评定 applications
submitted in the period's year — expert averages and stated facts — stores each one's result
(replacing that run's, as the decision page's 运行 does; the audit log keeps the replaced ones) and
prints each one's total, suggested class and rank.

``kechuang carriers withdrawals [--format table|csv|json] [--out FILE]`` lists the database's
withdrawals of recognition (摘牌 / 撤销认定), newest first, also those undone (恢复认定): carrier code
and name, the level withdrawn, the reason, who decided and when, when it was undone and why. Writing
them (withdrawing, undoing) is the pages' and the API's, by the bureau.
"""

from __future__ import annotations

import enum
import json
from pathlib import Path

import polars as pl
import typer

from kechuang.cli.common import as_command, console, fail, make_parent, require_file, setup_django

NAME = "carriers"
app = typer.Typer(
    help="创新载体与人才：按评价模板评分、按认定条件检查（读文件，不需要数据库）；对数据库中的载体运行评价；列出撤销认定记录。",
    no_args_is_help=True,
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


def _emit(frame: pl.DataFrame, fmt: str, output: Path | None, what: str = "行", safe: bool = False) -> None:
    """The frame as CSV or JSON, on the screen or in ``output`` (its folder made; a place it cannot
    write ends the command in Chinese), then "已写入 N {what}：FILE". ``safe``: text cells starting
    with = + - @ neutralised for Excel, as every CSV the platform writes."""
    if fmt == "csv":
        from kechuang.web.xlsx import csv_safe_frame

        text = (csv_safe_frame(frame) if safe else frame).write_csv()
    else:
        text = json.dumps(frame.to_dicts(), ensure_ascii=False, indent=1, default=str) + "\n"
    if output is None:
        typer.echo(text, nl=False)
        return
    make_parent(output)
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        fail(f"无法写入 {output}：{exc.strerror or exc}")
    typer.echo(f"已写入 {frame.height} {what}：{output}", err=True)


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
    """按认定条件检查每个载体（或每位人才的申报事实）：符合（yes）/ 可能（possible）/ 不符合（no）/ 数据不全（unknown）。"""
    from kechuang.engine.evaluation.columns import CARRIER_BY_NAME, SHARES
    from kechuang.engine.evaluation.people import PERSON_BY_NAME
    from kechuang.engine.evaluation.recognise import (
        load_carrier_ruleset,
        load_person_ruleset,
        recognise_people,
    )
    from kechuang.engine.evaluation.recognise import recognise as run
    from kechuang.engine.rules import RulesetError

    sets, kinds = [], set()
    for path in ruleset:
        require_file(path, "--ruleset")
        try:
            sets.append(load_carrier_ruleset(path))
            kinds.add("carrier")
        except RulesetError as exc:
            try:  # a talent rule set (the people vocabulary)
                sets.append(load_person_ruleset(path))
                kinds.add("person")
            except RulesetError as person_exc:  # neither vocabulary takes it: say what each refused
                fail(
                    f"{path}：按载体的列（载体认定条件）：{exc}\n"
                    f"{path}：按人才的列（人才认定条件，kechuang.engine.evaluation.people）：{person_exc}"
                )
    if len(kinds) > 1:
        fail("--ruleset：载体的认定条件与人才的认定条件所用的列不同，不能一起检查，请分开运行", 2)
    people = kinds == {"person"}
    by_name = PERSON_BY_NAME if people else CARRIER_BY_NAME
    bounds, choices = {}, {}
    if people:  # the stated facts are checked as an application's are (talent_rules.clean_facts)
        setup_django(require_database=False)
        from kechuang.carriers.talent_rules import BOUNDS as bounds
        from kechuang.engine.evaluation.people import PERSON_CHOICES

        choices = {
            name: [float(level) for level, _zh, _en in levels] for name, levels in PERSON_CHOICES.items()
        }
    frame = _read_csv(input, "--input")
    if "id" not in frame.columns:
        fail(f"{input}：缺少列 id")
    casts = []
    for col in frame.columns:
        spec = by_name.get(col)
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
        if people and spec.dtype is not bool:
            if col in choices:
                wrong, why = (
                    ~value.is_in(choices[col]),
                    "不在可选范围内（可选 {}）".format("、".join(f"{v:g}" for v in choices[col])),
                )
            else:
                low, high = bounds.get(col, (0, 1e9))
                wrong, why = (value < low) | (value > high), f"须在 {low:g} 到 {high:g} 之间"
            bad = frame.with_row_index("n").filter(value.is_not_null() & wrong)
            if bad.height:
                fail(
                    f"{input}：第 {bad['n'][0] + 2} 行 {col}（{spec.header_zh}）：取值 {str(bad[col][0])[:50]} {why}"
                )
        casts.append(cast)
    result = (recognise_people if people else run)(frame.with_columns(casts), sets)
    _emit(result, fmt, output)
    for rs in sets:
        counts = result.group_by(f"{rs.code}_eligible").len().sort(f"{rs.code}_eligible")
        typer.echo(f"{rs.name}：" + "，".join(f"{e} {n}" for e, n in counts.iter_rows()), err=True)


class ListFormat(enum.StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


@app.command()
def run(
    template: str = typer.Option(
        ...,
        "--template",
        help="评价模板：incubator_operation、institution_dynamic、instrument_sharing 或 talent_expert（人才专家评定）",
    ),
    period: str = typer.Option(..., "--period", help="评价期，如 2025 或 2023-2025"),
) -> None:
    """对数据库中的载体运行评价模板并保存结果（替换该评价期已有结果），列出总分、等级、排名与奖励。"""
    setup_django()
    from rich.markup import escape
    from rich.table import Table

    from kechuang.carriers import services, talent_rules
    from kechuang.carriers.models import Carrier
    from kechuang.engine.evaluation import EvaluationInputError

    known = [*services.TEMPLATES, talent_rules.TALENT_TEMPLATE]
    if template not in known:
        fail(f"--template：不认识的评价模板「{template}」，可用 {'、'.join(known)}", 2)
    if template == talent_rules.TALENT_TEMPLATE:
        m = services.PERIOD.match(period.strip())
        if m is None or (m.group(2) and m.group(2) != m.group(1)):
            fail(
                f"--period：评价期「{period}」应为一个年份（如 2025）：人才专家评定按申报年度分别排名"
                "（与决定页相同）",
                2,
            )
        _run_talent(m.group(1))
        return
    try:
        period = services.evaluation_period(template, period)
    except EvaluationInputError as exc:
        fail(f"--period：{exc}", 2)
    try:
        result = services.run_evaluation(template, period)
    except EvaluationInputError as exc:
        fail(f"评价未运行，没有保存结果：{exc}")
    tpl, rows = result.template, result.results
    if rows.is_empty():
        console.print(f"{tpl.name} {result.period}：没有可评价的载体，未保存结果")
        return
    names = dict(Carrier.objects.filter(code__in=rows["id"].to_list()).values_list("code", "name"))
    classes, grades = tpl.labels(False)
    table = Table(
        title=f"{tpl.name}（{tpl.version}）{result.period}：已保存 {result.stored} 个载体的评价结果"
    )
    for header in (
        "载体编号",
        "载体名称",
        "评价类别",
        "总分",
        "等级",
        "同类排名",
        "较上期变化",
        "触发取消资格",
        "奖励合计（万元）",
    ):
        table.add_column(header, overflow="fold")
    for r in rows.sort(["class", "rank"]).iter_rows(named=True):
        table.add_row(
            escape(r["id"]),
            escape(names.get(r["id"], "")),
            classes.get(r["class"], r["class"]),
            f"{r['total']:g}",
            grades.get(r["grade"], r["grade"]),
            f"{r['rank']}/{r['cohort_size']}",
            "—" if r["change"] is None else f"{r['change']:+g}",
            "是" if r["consequence"] else "",
            f"{r.get('reward_total') or 0:g}",
        )
    console.print(table)
    if tpl.sample:
        console.print(f"注意：{tpl.sample_note}")


def _run_talent(period: str) -> None:
    """The talent 专家评定 template over the period's 专家评定 applications, stored (replacing the
    run's results, as the decision page's 运行 does) and printed."""
    from rich.markup import escape
    from rich.table import Table

    from kechuang.carriers import talent_rules
    from kechuang.carriers.models import TalentEvaluation

    tpl = talent_rules.template()
    if not talent_rules.cohort(period).exists():
        console.print(f"{tpl.name} {period}：没有专家评定途径的申报，未评定")
        return
    with as_command("carriers run"):
        stored = talent_rules.store_results(period, by="cli:carriers run")
    results = TalentEvaluation.objects.filter(
        template=talent_rules.TALENT_TEMPLATE, template_version=tpl.version, period=period
    ).select_related("application")
    _classes, grades = tpl.labels(False)
    table = Table(title=f"{tpl.name}（{tpl.version}）{period}：已保存 {stored} 份申报的评定结果")
    for header in ("申报编号", "姓名", "专家评分（平均）", "总分", "建议类别", "排名", "缺少数据"):
        table.add_column(header, overflow="fold")
    for r in results.order_by("rank", "application_id"):
        expert = r.detail.get("expert_value")
        table.add_row(
            str(r.application_id),
            escape(r.application.person_name),
            "—" if expert is None else f"{expert:g}",
            f"{r.total:g}",
            grades.get(r.grade, r.grade),
            f"{r.rank}/{r.cohort_size}",
            escape(r.missing),
        )
    console.print(table)
    if tpl.sample:
        console.print(f"注意：{tpl.sample_note}")


# column → header of the table (the CSV and JSON keep the column names)
WITHDRAWAL_COLUMNS = {
    "carrier": "载体编号",
    "carrier_name": "载体名称",
    "level": "被取消的级别",
    "reason": "撤销原因",
    "decided_by": "决定人",
    "decided_on": "撤销日期",
    "revoked_at": "恢复认定时间",
    "revoke_reason": "恢复认定原因",
}


@app.command()
def withdrawals(
    fmt: ListFormat = typer.Option(ListFormat.table, "--format", help="输出格式：table（默认）、csv 或 json"),
    out: Path | None = typer.Option(
        None, "--out", help="写入文件（csv 或 json；--format table 时按文件后缀 .csv / .json 决定）"
    ),
) -> None:
    """列出撤销认定（摘牌）记录，最近的在前，含已恢复认定的。"""
    if out is not None and fmt is ListFormat.table:
        suffix = out.suffix.lower().lstrip(".")
        if suffix not in ("csv", "json"):
            fail(f"--out 文件应以 .csv 或 .json 结尾（或用 --format 指定格式）：{out}", 2)
        fmt = ListFormat(suffix)
    setup_django()
    from kechuang.carriers import services
    from kechuang.carriers.models import CarrierWithdrawal

    records = CarrierWithdrawal.objects.select_related("carrier").order_by("-decided_on", "-pk")
    rows = [
        {k: r[k] for k in WITHDRAWAL_COLUMNS}
        | {
            "decided_on": r["decided_on"].isoformat(),
            "revoked_at": r["revoked_at"].strftime("%Y-%m-%d %H:%M") if r["revoked_at"] else "",
        }
        for r in services.withdrawal_rows(records)
    ]
    frame = pl.DataFrame(rows, schema=dict.fromkeys(WITHDRAWAL_COLUMNS, pl.Utf8), orient="row")
    if fmt is ListFormat.table:
        _withdrawal_table(frame)
        return
    _emit(frame, fmt, out, what="条撤销认定记录", safe=True)


def _withdrawal_table(frame: pl.DataFrame) -> None:
    from rich.markup import escape
    from rich.table import Table

    if frame.is_empty():
        console.print("没有撤销认定记录")
        return
    standing = frame.filter(pl.col("revoked_at") == "").height
    table = Table(title=f"撤销认定记录：{frame.height} 条（仍然有效 {standing} 条）")
    for header in WITHDRAWAL_COLUMNS.values():
        table.add_column(header, overflow="fold")
    for row in frame.iter_rows():
        table.add_row(*(escape(v) if v else "—" for v in row))
    console.print(table)
