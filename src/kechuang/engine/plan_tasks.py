"""Key-task evaluation (issue 3, section 3, last paragraph): overdue tasks are red, late milestones yellow.

Pure Polars, no Django.
"""

from __future__ import annotations

from datetime import date

import polars as pl

TASK_SCHEMA: dict[str, pl.DataType] = {
    "code": pl.Utf8(),
    "due": pl.Date(),
    "completed": pl.Boolean(),
    "percent": pl.Float64(),
}
MILESTONE_SCHEMA: dict[str, pl.DataType] = {"task": pl.Utf8(), "due": pl.Date(), "done": pl.Boolean()}
TASK_OUTPUT_SCHEMA: dict[str, pl.DataType] = {
    "code": pl.Utf8(),
    "status": pl.Utf8(),
    "warning": pl.Utf8(),
    "overdue_days": pl.Int64(),
    "late_milestones": pl.Int64(),
}


def _conform(frame: pl.DataFrame, schema: dict[str, pl.DataType], what: str, optional: tuple[str, ...]):
    missing = [c for c in schema if c not in frame.columns and c not in optional]
    if missing:
        raise ValueError(f"{what}: missing column(s) {', '.join(missing)}")
    return frame.lazy().select(
        pl.col(c).cast(t) if c in frame.columns else pl.lit(None, dtype=t).alias(c) for c, t in schema.items()
    )


def evaluate_tasks(tasks: pl.DataFrame, milestones: pl.DataFrame, as_of: date) -> pl.DataFrame:
    """Status of each task on the evaluation date ``as_of``.

    - ``completed`` (green) when the task is marked completed;
    - ``overdue`` (red) when its due date < as_of and it is not completed; overdue_days = as_of − due;
    - ``milestone_late`` (yellow) when one of its milestones is past due (due < as_of) and not done;
    - ``on_time`` (green) otherwise.

    late_milestones counts the late milestones of tasks not completed (0 for completed tasks).
    ``percent`` is accepted but does not decide anything: only ``completed`` closes a task.
    Rows keep the order of ``tasks``.
    """
    t = _conform(tasks, TASK_SCHEMA, "tasks", optional=("percent",))
    m = _conform(milestones, MILESTONE_SCHEMA, "milestones", optional=())
    late = (
        m.filter((pl.col.due < as_of) & ~pl.col.done.fill_null(False))
        .group_by("task")
        .agg(late=pl.len().cast(pl.Int64))
        .rename({"task": "code"})
    )
    completed = pl.col.completed.fill_null(False)
    overdue = ~completed & (pl.col.due < as_of).fill_null(False)
    late_count = pl.when(completed).then(0).otherwise(pl.col.late.fill_null(0))
    return (
        t.with_row_index("_order")
        .join(late, on="code", how="left")
        .with_columns(
            status=pl.when(completed)
            .then(pl.lit("completed"))
            .when(overdue)
            .then(pl.lit("overdue"))
            .when(late_count > 0)
            .then(pl.lit("milestone_late"))
            .otherwise(pl.lit("on_time")),
            overdue_days=pl.when(overdue).then((pl.lit(as_of) - pl.col.due).dt.total_days()).otherwise(0),
            late_milestones=late_count,
        )
        .with_columns(
            warning=pl.when(pl.col.status == "overdue")
            .then(pl.lit("red"))
            .when(pl.col.status == "milestone_late")
            .then(pl.lit("yellow"))
            .otherwise(pl.lit("green"))
        )
        .sort("_order")
        .select(pl.col(name).cast(dtype) for name, dtype in TASK_OUTPUT_SCHEMA.items())
        .collect()
    )
