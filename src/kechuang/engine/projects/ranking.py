"""The review's ranking contract (评审排序与资助线).

``rank_applications(applications, scores, conflicts, budget, pass_mark)`` →
one row per application, in ranking order, with the columns
``application, score, experts, rank, funded, amount`` (and ``requested``):

- Scores by an expert who declared a conflict on that application are left out.
- An application's score is the mean of its remaining experts' scores, after dropping one highest and
  one lowest when five or more remain; with no score left it is null.
- Rank by score, highest first; scores within ``TOLERANCE`` of the next higher one share its rank
  (competition ranking: 1, 2, 2, 4). Null scores share the rank after the last scored application
  (the number of scored applications + 1).
- Order: by rank, then smaller request, then application code (null scores last, by request then
  code). Funding goes down this order and funds each application whose score reaches the pass mark
  (within the tolerance) and whose request fits in what is left of the budget; one that does not fit
  is skipped and the next one is considered.

``read_rank_inputs(applications_csv, scores_csv, conflicts_csv=None)`` reads and checks the three CSV
files (UTF-8 with or without BOM; header cells may carry surrounding whitespace) and raises
``RankingInputError`` with every problem, in Chinese, naming file, row (the line in the file, the
header being line 1) and column.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

TOLERANCE = 1e-9
MAX_SCORE = 100.0
TRIM_FROM = 5  # with this many scores or more, one highest and one lowest are dropped
LINE = "_line"

APPLICATION_COLUMNS = ("application", "requested")
SCORE_COLUMNS = ("application", "expert", "score")
CONFLICT_COLUMNS = ("expert", "application")
OUTPUT_COLUMNS = ("application", "score", "experts", "rank", "funded", "amount")


@dataclass
class RankingInputError(Exception):
    """Every problem found in the input files (Chinese, one line each)."""

    errors: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return "\n".join(self.errors)


# ---------------------------------------------------------------------------------------------------
# the computation


def _usable_scores(scores: pl.DataFrame, conflicts: pl.DataFrame | None) -> pl.DataFrame:
    usable = scores.select("application", "expert", pl.col("score").cast(pl.Float64))
    if conflicts is not None and conflicts.height:
        declared = conflicts.select("application", "expert").unique()
        usable = usable.join(declared, on=["application", "expert"], how="anti")
    return usable


def _trimmed_means(usable: pl.DataFrame) -> pl.DataFrame:
    """application → score (trimmed mean), experts (how many scores it used)."""
    n = pl.len().over("application")
    position = pl.col("score").rank("ordinal").over("application")
    kept = usable.filter((n < TRIM_FROM) | ((position > 1) & (position < n)))
    return kept.group_by("application").agg(
        pl.col("score").mean().alias("score"), pl.len().cast(pl.Int64).alias("experts")
    )


def _ranks(scored: pl.DataFrame) -> pl.DataFrame:
    """Competition ranks with a tolerance: sorted highest first, a score within TOLERANCE of the one
    before it joins that one's group; a group's rank is its first position (1, 2, 2, 4)."""
    ordered = scored.sort("score", descending=True).with_row_index("_position", offset=1)
    gap = pl.col("score").shift(1) - pl.col("score")
    starts = gap.is_null() | (gap > TOLERANCE)
    group_rank = pl.when(starts).then(pl.col("_position")).otherwise(None).forward_fill()
    return ordered.select("application", group_rank.cast(pl.Int64).alias("rank"))


def _funding_line(requested: list[float], score: list[float | None], budget: float, pass_mark: float):
    """Down the list: fund what passes and fits in what is left; skip what does not fit."""
    left = budget
    funded = []
    for want, got in zip(requested, score, strict=True):
        ok = got is not None and got >= pass_mark - TOLERANCE and want <= left + TOLERANCE
        if ok:
            left -= want
        funded.append(ok)
    return funded


def rank_applications(
    applications: pl.DataFrame,
    scores: pl.DataFrame,
    conflicts: pl.DataFrame | None = None,
    budget: float = 0.0,
    pass_mark: float = 60.0,
) -> pl.DataFrame:
    """The ranking and funding line (see the module's description). ``applications``: application,
    requested; ``scores``: application, expert, score; ``conflicts``: expert, application."""
    apps = applications.select(pl.col("application").cast(pl.Utf8), pl.col("requested").cast(pl.Float64))
    usable = _usable_scores(scores.with_columns(pl.col("application", "expert").cast(pl.Utf8)), conflicts)
    means = _trimmed_means(usable)
    table = apps.join(means, on="application", how="left").with_columns(pl.col("experts").fill_null(0))
    scored = table.filter(pl.col("score").is_not_null())
    table = table.join(_ranks(scored), on="application", how="left").with_columns(
        pl.col("rank").fill_null(scored.height + 1)
    )
    table = table.sort(["rank", "requested", "application"])
    funded = _funding_line(table["requested"].to_list(), table["score"].to_list(), budget, pass_mark)
    table = table.with_columns(pl.Series("funded", funded, dtype=pl.Boolean))
    table = table.with_columns(
        pl.when(pl.col("funded")).then(pl.col("requested")).otherwise(0.0).alias("amount")
    )
    return table.select(*OUTPUT_COLUMNS, "requested")


def as_records(result: pl.DataFrame) -> list[dict]:
    """The result as the JSON records of ``kechuang projects rank`` (score a number or None)."""
    return result.select(OUTPUT_COLUMNS).to_dicts()


# ---------------------------------------------------------------------------------------------------
# reading and checking the CSV files


def _read_csv(path: Path, label: str, required: tuple[str, ...], errors: list[str]) -> pl.DataFrame | None:
    """The file's rows as strings (stripped) with the line each came from; None after an error."""
    try:
        text = Path(path).read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        errors.append(f"{label} {path}：不是 UTF-8 编码的 CSV 文件")
        return None
    except OSError as exc:
        errors.append(f"{label} {path}：无法读取（{exc.strerror or exc}）")
        return None
    reader = csv.reader(io.StringIO(text, newline=""))
    header: list[str] | None = None
    rows: list[list[str]] = []
    lines: list[int] = []
    try:
        for row in reader:
            if header is None:
                if not any(cell.strip() for cell in row):
                    continue
                header = [cell.strip() for cell in row]
                continue
            if not any(cell.strip() for cell in row):
                continue
            rows.append([cell.strip() for cell in row])
            lines.append(reader.line_num)
    except csv.Error as exc:
        errors.append(f"{label} {path} 第 {reader.line_num} 行：CSV 格式错误（{exc}）")
        return None
    if header is None:
        errors.append(f"{label} {path}：文件为空，应有表头 {', '.join(required)}")
        return None
    missing = [c for c in required if c not in header]
    if missing:
        errors.append(
            f"{label} {path} 第 1 行（表头）：缺少列 {'、'.join(missing)}（应有 {', '.join(required)}）"
        )
        return None
    index = {c: header.index(c) for c in required}
    data = {c: [row[index[c]] if index[c] < len(row) else "" for row in rows] for c in required}
    frame = pl.DataFrame({**data, LINE: lines}, schema={**dict.fromkeys(required, pl.Utf8), LINE: pl.Int64})
    return frame


def _report(frame: pl.DataFrame, bad: pl.Expr, message: pl.Expr, errors: list[str]) -> None:
    errors.extend(frame.filter(bad).sort(LINE).select(message.alias("m"))["m"].to_list())


def _where(label: str, path: Path, column: str) -> pl.Expr:
    return pl.format(f"{label} {path} 第 {{}} 行，列 {column}：", pl.col(LINE))


def _check_blank(frame: pl.DataFrame, label: str, path: Path, columns: tuple[str, ...], errors: list[str]):
    for column in columns:
        _report(frame, pl.col(column) == "", pl.format("{}为空", _where(label, path, column)), errors)


def _number(column: str) -> pl.Expr:
    return pl.col(column).cast(pl.Float64, strict=False)


def _check_applications(frame: pl.DataFrame, path: Path, errors: list[str]) -> None:
    label = "申请文件"
    _check_blank(frame, label, path, ("application",), errors)
    value = _number("requested")
    where = _where(label, path, "requested")
    _report(
        frame,
        value.is_null() | ~value.is_finite(),
        pl.format("{}申请金额「{}」不是数字", where, pl.col("requested")),
        errors,
    )
    _report(
        frame,
        value.is_finite() & (value < 0),
        pl.format("{}申请金额 {} 为负数", where, pl.col("requested")),
        errors,
    )
    frame = frame.with_columns(pl.col(LINE).min().over("application").alias("_first"))
    _report(
        frame,
        (pl.col("application") != "") & (pl.col(LINE) != pl.col("_first")),
        pl.format(
            "{}申请编号「{}」重复（第 {} 行已出现）",
            _where(label, path, "application"),
            pl.col("application"),
            pl.col("_first"),
        ),  # fmt: skip
        errors,
    )


def _check_known(frame: pl.DataFrame, known: pl.Series | None, label: str, path: Path, errors: list[str]):
    if known is None:  # the applications file itself could not be read
        return
    _report(
        frame,
        (pl.col("application") != "") & ~pl.col("application").is_in(known.implode()),
        pl.format(
            "{}申请编号「{}」不在申请文件中", _where(label, path, "application"), pl.col("application")
        ),
        errors,
    )


def _check_scores(frame: pl.DataFrame, path: Path, known: pl.Series | None, errors: list[str]) -> None:
    label = "评分文件"
    _check_blank(frame, label, path, ("application", "expert"), errors)
    _check_known(frame, known, label, path, errors)
    value = _number("score")
    where = _where(label, path, "score")
    _report(
        frame,
        value.is_null() | ~value.is_finite(),
        pl.format("{}评分「{}」不是数字", where, pl.col("score")),
        errors,
    )
    _report(
        frame,
        value.is_finite() & ((value < 0) | (value > MAX_SCORE)),
        pl.format("{}评分 {} 不在 0–100 之间", where, pl.col("score")),
        errors,
    )
    frame = frame.with_columns(pl.col(LINE).min().over("application", "expert").alias("_first"))
    _report(
        frame,
        (pl.col("application") != "") & (pl.col("expert") != "") & (pl.col(LINE) != pl.col("_first")),
        pl.format(
            "{}专家「{}」对申请「{}」的评分重复（第 {} 行已出现）",
            _where(label, path, "expert"),
            pl.col("expert"),
            pl.col("application"),
            pl.col("_first"),
        ),  # fmt: skip
        errors,
    )


def _check_conflicts(frame: pl.DataFrame, path: Path, known: pl.Series | None, errors: list[str]) -> None:
    label = "回避声明文件"
    _check_blank(frame, label, path, ("expert", "application"), errors)
    _check_known(frame, known, label, path, errors)


def read_rank_inputs(
    applications: Path, scores: Path, conflicts: Path | None = None
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame | None]:
    """(applications, scores, conflicts) frames with typed columns, or RankingInputError."""
    errors: list[str] = []
    apps = _read_csv(applications, "申请文件", APPLICATION_COLUMNS, errors)
    marks = _read_csv(scores, "评分文件", SCORE_COLUMNS, errors)
    declared = _read_csv(conflicts, "回避声明文件", CONFLICT_COLUMNS, errors) if conflicts else None
    known = None
    if apps is not None:
        _check_applications(apps, applications, errors)
        known = apps.filter(pl.col("application") != "")["application"]
    if marks is not None:
        _check_scores(marks, scores, known, errors)
    if declared is not None:
        _check_conflicts(declared, conflicts, known, errors)
    if errors:
        raise RankingInputError(errors)
    apps = apps.select("application", _number("requested").alias("requested"))
    marks = marks.select("application", "expert", _number("score").alias("score"))
    if declared is not None:
        declared = declared.select("expert", "application")
    return apps, marks, declared


def check_amount(text: str, option: str, allow_negative: bool = False) -> tuple[float | None, str | None]:
    """(value, None) for a finite number (non-negative unless allowed); else (None, Chinese error)."""
    try:
        value = float(str(text).strip())
    except ValueError:
        return None, f"{option} 应为数字，收到「{text}」"
    if not math.isfinite(value):
        return None, f"{option} 应为有限的数字，收到「{text}」"
    if value < 0 and not allow_negative:
        return None, f"{option} 不能为负数，收到 {text}"
    return value, None
