"""Migrations forward on a copy of the demo database (issue 8 §5): a database built by
`kechuang demo --no-serve` is fully migrated (`migrate` has nothing to do) and the models have no
change without a migration (`makemigrations --check`). The CLI tests run on SQLite; on PostgreSQL
CI's second run creates the test database by running every migration forwards."""

from __future__ import annotations

from tests.cli.kit import run_in, table_counts


def test_the_demo_database_is_migrated_and_the_models_match_the_migrations(kc, demo_copy):
    before = table_counts(demo_copy)
    plan = kc(demo_copy, "manage", "migrate", "--plan")
    assert plan.returncode == 0, plan
    assert "No planned migration operations" in plan.stdout
    migrate = kc(demo_copy, "manage", "migrate")
    assert migrate.returncode == 0 and "No migrations to apply" in migrate.stdout, migrate
    check = run_in(demo_copy, "manage", "makemigrations", "--check", "--dry-run")
    assert check.returncode == 0, f"models changed without a migration:\n{check.output}"
    assert table_counts(demo_copy) == before  # nothing rewritten
