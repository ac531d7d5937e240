"""`kechuang transfer match` (being built)."""

from __future__ import annotations

import typer


def match() -> None:
    """尚未实现。"""
    typer.echo("尚未实现", err=True)
    raise typer.Exit(1)
