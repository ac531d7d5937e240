"""The report package imports one way: renderers import the model, build imports the model, nothing but
the entry points imports a renderer, there is no cycle, and no import hides inside a function except
the heavy optional libraries (matplotlib, python-docx). Read from the source with ``ast``, nothing run."""

from __future__ import annotations

import ast
from pathlib import Path

import kechuang.plans.report as report_package

PACKAGE = "kechuang.plans.report"
FOLDER = Path(report_package.__file__).parent
RENDERERS = {"docx", "xlsx", "html", "charts"}
ENTRY_POINTS = {"render", "views"}
LAZY_ALLOWED = ("matplotlib", "docx")


def modules() -> dict[str, ast.Module]:
    return {p.stem: ast.parse(p.read_text(encoding="utf-8")) for p in sorted(FOLDER.glob("*.py"))}


def imported(node: ast.AST) -> set[str]:
    """The modules of the report package that ``node`` imports (by their short names)."""
    out = set()
    for n in ast.walk(node):
        if isinstance(n, ast.ImportFrom) and n.module and n.level == 0:
            if n.module == PACKAGE:
                out.update(a.name for a in n.names)
            elif n.module.startswith(PACKAGE + "."):
                out.add(n.module.removeprefix(PACKAGE + ".").split(".")[0])
        elif isinstance(n, ast.ImportFrom) and n.level > 0:
            out.update([n.module.split(".")[0]] if n.module else [a.name for a in n.names])
        elif isinstance(n, ast.Import):
            out.update(
                a.name.removeprefix(PACKAGE + ".").split(".")[0]
                for a in n.names
                if a.name.startswith(PACKAGE + ".")
            )
    return out


def graph() -> dict[str, set[str]]:
    mods = modules()
    return {name: imported(tree) & set(mods) for name, tree in mods.items()}


def reachable(g: dict[str, set[str]], start: str) -> set[str]:
    seen, todo = set(), [start]
    while todo:
        for nxt in g[todo.pop()] - seen:
            seen.add(nxt)
            todo.append(nxt)
    return seen


def test_the_package_has_the_model_build_and_the_renderers():
    assert {"model", "build", "render", *RENDERERS} <= set(modules())


def test_there_is_no_import_cycle():
    g = graph()
    cycles = [name for name in g if name in reachable(g, name)]
    assert not cycles, f"modules on an import cycle: {cycles}"


def test_model_and_build_never_reach_a_renderer():
    g = graph()
    for name in ("model", "text", "fonts", "build"):
        assert not reachable(g, name) & RENDERERS, f"{name} imports a renderer"
    assert g["model"] == set(), "the model imports nothing of the package"
    assert "model" in g["build"]


def test_renderers_import_the_model_and_only_entry_points_import_renderers():
    g = graph()
    for renderer in RENDERERS:
        assert "model" in g[renderer], f"{renderer} does not import the model"
    for name, deps in g.items():
        if deps & RENDERERS and name not in ENTRY_POINTS:
            assert name in RENDERERS and deps & RENDERERS <= {"charts"}, f"{name} imports {deps & RENDERERS}"


def test_no_import_hides_inside_a_function_but_matplotlib_and_docx():
    hidden = []
    for name, tree in modules().items():
        for func in ast.walk(tree):
            if not isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for n in ast.walk(func):
                if isinstance(n, ast.Import):
                    hidden += [
                        f"{name}.{func.name}: {a.name}"
                        for a in n.names
                        if not a.name.startswith(LAZY_ALLOWED)
                    ]
                elif isinstance(n, ast.ImportFrom) and not (n.module or "").startswith(LAZY_ALLOWED):
                    hidden.append(f"{name}.{func.name}: {n.module}")
    assert not hidden
