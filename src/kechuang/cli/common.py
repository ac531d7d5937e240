"""Helpers every command shares: Django set-up, the console, acting as a named actor."""

from __future__ import annotations

import contextlib
import sys

from rich.console import Console

console = Console(width=None if sys.stdout.isatty() else 160)
err_console = Console(stderr=True, width=None if sys.stderr.isatty() else 160)


def setup_django() -> None:
    from kechuang.cli.main import setup_django as _setup

    _setup()


@contextlib.contextmanager
def as_command(name: str):
    """Audit changes made inside as made by this command (there is no person at a terminal login)."""
    from kechuang.audit.context import acting_as

    with acting_as(None, name=f"cli:{name}") as actor:
        yield actor
