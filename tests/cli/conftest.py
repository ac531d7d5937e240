"""Run `kechuang` the way a user does: the installed script in a subprocess, on a fresh database.

Database choice: every subprocess runs against its own SQLite file in a temporary ``KECHUANG_VAR``
directory, always, also when ``DATABASE_URL`` points at PostgreSQL (CI's second run). The variable is
removed from the child's environment so that a command under test can never write into the
PostgreSQL database that pytest-django or a developer uses, and so that each test starts from a
database nobody else touches. The services these commands call are covered on PostgreSQL by the
in-process tests (pytest-django's test database); what these tests add is the command itself:
arguments, exit codes, messages, files and rows written.

To keep the suite quick, migrations run once per session into a template file (``migrated_var``)
and the demo data is built once (``demo_var``); each test gets a copy (SQLite's backup API, so the
copy is consistent even if the template was left in WAL mode).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.kit import DEMO_ENTERPRISES, copy_database, run_in


@pytest.fixture(scope="session")
def migrated_var(tmp_path_factory) -> Path:
    var = tmp_path_factory.mktemp("migrated")
    result = run_in(var, "manage", "migrate", "--verbosity", "0")
    assert result.returncode == 0, result
    return var


@pytest.fixture(scope="session")
def demo_var(tmp_path_factory, migrated_var) -> Path:
    var = tmp_path_factory.mktemp("demo")
    copy_database(migrated_var, var)
    result = run_in(
        var, "demo", "--no-serve", "--enterprises", DEMO_ENTERPRISES, "--simulate-to", "2027", timeout=300
    )
    assert result.returncode == 0, result
    return var


@pytest.fixture
def empty_var(tmp_path) -> Path:
    """A fresh var directory whose database has not even been migrated."""
    var = tmp_path / "empty-var"
    var.mkdir()
    return var


@pytest.fixture
def fresh_var(tmp_path, migrated_var) -> Path:
    """A migrated, empty database of this test's own."""
    var = tmp_path / "var"
    copy_database(migrated_var, var)
    return var


@pytest.fixture
def loaded_var(tmp_path, migrated_var) -> Path:
    """A database with the Dongguan plan loaded and nothing else."""
    var = tmp_path / "var"
    copy_database(migrated_var, var)
    result = run_in(var, "plan", "load")
    assert result.returncode == 0, result
    return var


@pytest.fixture
def demo_copy(tmp_path, demo_var) -> Path:
    """This test's own copy of the demo database (200 enterprises, simulated values to 2027)."""
    var = tmp_path / "var"
    copy_database(demo_var, var)
    return var


@pytest.fixture
def kc():
    """kc(var, "plan", "load", ...) → Run: the command run in a subprocess on that var directory."""
    return run_in


@pytest.fixture
def node_modules() -> Path:
    path = Path(__file__).resolve().parents[2] / "node_modules"
    if not (path / "htmx.org").exists():
        pytest.skip("node_modules not installed (npm ci)")
    return path
