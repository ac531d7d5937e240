"""Every `kechuang` command has a test that runs it as a user does; a new command without one fails here.

The walk reads the command tree the way `kechuang --help` shows it, so a sub-command added later
(a new module in kechuang.cli with NAME and app) must be listed below with the test file that runs it.
"""

from __future__ import annotations

from pathlib import Path

import click
import typer.main

from kechuang.cli.main import app

TESTS = Path(__file__).resolve().parents[1]

# command → the test file that runs it in a subprocess with a good and a bad input
COVERED = {
    "demo": "cli/test_platform.py",
    "serve": "cli/test_platform.py",
    "manage": "cli/test_platform.py",
    "assets": "cli/test_platform.py",
    "plan load": "cli/test_plan.py",
    "plan versions": "cli/test_plan.py",
    "plan remind": "cli/test_plans_remind.py",
    "observations import": "cli/test_observations.py",
    "monitor": "cli/test_monitor.py",
    "report annual": "cli/test_report_cli.py",
    "synth enterprises": "cli/test_synth_cli.py",
    "enterprises tiers": "cli/test_pools_cli.py",
    "enterprises import": "cli/test_enterprises_import_cli.py",
    "pools feed-plan": "cli/test_pools_cli.py",
    "pools list": "cli/test_pools_cli.py",
    "qualify": "cli/test_qualify_cli.py",
    "points score": "cli/test_points_cli.py",
    "points load": "cli/test_points_cli.py",
    "points run": "cli/test_points_cli.py",
    "backup": "ops/test_backup_restore.py",
    "restore": "ops/test_backup_restore.py",
    "i18n missing": "foundation/test_i18n.py",
    "i18n sync": "foundation/test_i18n.py",
    "i18n add": "foundation/test_i18n.py",
    "finance load": "cli/test_finance_cli.py",
    "finance validate": "cli/test_finance_validate_cli.py",
    "worker": "jobs/test_worker_kill.py",
    "transfer match": "cli/test_transfer_match_cli.py",
    "jobs list": "cli/test_jobs_cli.py",
    "jobs show": "cli/test_jobs_cli.py",
    "jobs cancel": "cli/test_jobs_cli.py",
    "carriers evaluate": "carriers/test_carriers_cli.py",
    "carriers recognise": "carriers/test_carriers_cli.py",
    "carriers withdrawals": "cli/test_carriers_withdrawals_cli.py",
    "carriers run": "cli/test_carriers_run_cli.py",
    "transfer dues": "cli/test_transfer_dues_cli.py",
    "projects rank": "cli/test_projects_cli.py",
    "projects calls": "cli/test_projects_db_cli.py",
    "projects ranking": "cli/test_projects_db_cli.py",
    "projects portfolio": "cli/test_projects_db_cli.py",
    "projects security load": "cli/test_projects_security_cli.py",
    "projects security board": "cli/test_projects_security_cli.py",
}


def leaf_commands() -> list[str]:
    found = []

    def walk(command: click.Command, path: list[str]) -> None:
        subs = getattr(command, "commands", None)
        if subs:
            for name, sub in subs.items():
                walk(sub, [*path, name])
        else:
            found.append(" ".join(path))

    walk(typer.main.get_command(app), [])
    return sorted(found)


def test_every_command_has_a_test_that_runs_it():
    commands = leaf_commands()
    assert "plan load" in commands and "demo" in commands
    missing = [c for c in commands if c not in COVERED]
    assert not missing, f"commands without a test that runs them: {missing} (add them to COVERED)"
    for command, test_file in COVERED.items():
        if command.split()[0] not in {c.split()[0] for c in commands}:
            continue  # a command that no longer exists
        text = (TESTS / test_file).read_text(encoding="utf-8")
        for word in command.split():
            assert f'"{word}"' in text, f"{test_file} does not run `kechuang {command}`"


def test_the_help_lists_every_group(kc, empty_var):
    result = kc(empty_var, "--help")
    assert result.returncode == 0, result
    for group in {c.split()[0] for c in leaf_commands()}:
        assert group in result.stdout
