"""The engine stays pure: importing any of it loads no Django, and no engine file names Django."""

import ast
import os
import subprocess
import sys
from pathlib import Path

import kechuang.engine

ENGINE_DIR = Path(kechuang.engine.__file__).parent


def engine_modules() -> list[str]:
    mods = []
    for path in sorted(ENGINE_DIR.rglob("*.py")):
        rel = path.relative_to(ENGINE_DIR.parent.parent).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__":
            parts.pop()
        mods.append(".".join(parts))
    return mods


def test_no_engine_file_imports_django():
    offenders = []
    for path in ENGINE_DIR.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            names += [n for n in names if n.startswith("kechuang.") and not n.startswith("kechuang.engine")]
            if any(
                n.split(".")[0] == "django"
                or (n.startswith("kechuang.") and not n.startswith("kechuang.engine"))
                for n in names
            ):
                offenders.append(f"{path.name}:{node.lineno}")
    assert offenders == []


def test_importing_the_whole_engine_loads_no_django():
    modules = engine_modules()
    assert len(modules) > 1
    code = (
        "import importlib, sys\n"
        f"for m in {modules!r}: importlib.import_module(m)\n"
        "bad = sorted(m for m in sys.modules if m == 'django' or m.startswith('django.'))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"},
    )
    assert out.stdout.strip() == ""
