"""Fast bulk writes for the enterprise registry: executemany on SQLite, COPY on PostgreSQL.

Django's bulk_create builds a model instance per row; at a million rows that is the bottleneck, so
imports hand rows straight to the database driver here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import polars as pl
from django.db import connection

CHUNK = 50_000


def insert_frame(table: str, frame: pl.DataFrame, progress: Callable[[int], None] | None = None) -> int:
    """Insert every row of frame (columns = table columns) into table; returns the row count."""
    if frame.is_empty():
        return 0
    columns = frame.columns
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    total = 0
    with connection.cursor() as cursor:
        for chunk in frame.iter_slices(CHUNK):
            rows = chunk.rows()
            if connection.vendor == "postgresql":
                raw = cursor.cursor  # the psycopg cursor under Django's wrapper
                with raw.copy(f"COPY {connection.ops.quote_name(table)} ({quoted}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(columns))
                cursor.executemany(
                    f"INSERT INTO {connection.ops.quote_name(table)} ({quoted}) VALUES ({marks})", rows
                )
            total += len(rows)
            if progress:
                progress(len(rows))
    return total


def update_frame(table: str, frame: pl.DataFrame, key: str = "id") -> int:
    """UPDATE table SET <other columns> WHERE key = … for every row of frame."""
    if frame.is_empty():
        return 0
    columns = [c for c in frame.columns if c != key]
    assignments = ", ".join(f"{connection.ops.quote_name(c)} = %s" for c in columns)
    sql = f"UPDATE {connection.ops.quote_name(table)} SET {assignments} WHERE {connection.ops.quote_name(key)} = %s"
    with connection.cursor() as cursor:
        for chunk in frame.select([*columns, key]).iter_slices(CHUNK):
            cursor.executemany(sql, chunk.rows())
    return frame.height


def read_frame(sql: str, params: Iterable = (), schema: dict | None = None) -> pl.DataFrame:
    """Run a query and return its rows as a frame (column names from the cursor)."""
    with connection.cursor() as cursor:
        cursor.execute(sql, list(params))
        names = [d[0] for d in cursor.description]
        rows = cursor.fetchall()
    return pl.DataFrame(rows, schema=schema or names, orient="row")
