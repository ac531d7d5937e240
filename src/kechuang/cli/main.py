"""The `kechuang` command. Sub-commands live in the modules of kechuang.cli; a module that defines
``app`` (a typer.Typer) and ``NAME`` is registered under that name."""

from __future__ import annotations

import importlib
import os
import pkgutil

import typer

import kechuang.cli as cli_package

app = typer.Typer(help="科创 kechuang：东莞科技创新规划实施平台的命令行。", no_args_is_help=True)


def setup_django() -> None:
    """Configure Django for commands that need the database (idempotent)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kechuang.settings")
    import django

    django.setup()


def _register_subcommands() -> None:
    for info in pkgutil.iter_modules(cli_package.__path__):
        if info.name in {"main", "common"} or info.name.startswith("_"):
            continue
        module = importlib.import_module(f"kechuang.cli.{info.name}")
        sub = getattr(module, "app", None)
        name = getattr(module, "NAME", None)
        if isinstance(sub, typer.Typer) and name:
            app.add_typer(sub, name=name)
        register = getattr(module, "register", None)
        if callable(register):
            register(app)


_register_subcommands()


if __name__ == "__main__":
    app()
