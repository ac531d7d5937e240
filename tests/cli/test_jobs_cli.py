"""`kechuang jobs list|show|cancel` run as a user runs them: the installed script, a real database
whose jobs were made by real `kechuang enterprises import` runs (one that succeeded, one refused)."""

from __future__ import annotations

import re

import pytest

from tests.cli.kit import db_rows, run_in


@pytest.fixture(scope="module")
def population(tmp_path_factory, migrated_var):
    out = tmp_path_factory.mktemp("synth-jobs")
    run = run_in(migrated_var, "synth", "enterprises", "--count", 20, "--years", "2024", "--seed", 3,
                 "--out", out)  # fmt: skip
    assert run.returncode == 0, run
    return out


@pytest.fixture
def with_jobs(kc, fresh_var, population):
    """A succeeded import (job 1) and a refused one (job 2: a bad credit code in row 4)."""
    good = kc(fresh_var, "enterprises", "import", population / "registry.csv")
    assert good.returncode == 0, good
    lines = (population / "facts.csv").read_text(encoding="utf-8").splitlines()
    code = lines[3].split(",", 1)[0]
    lines[3] = "91440000BADCODE000" + lines[3][len(code) :]
    bad_file = fresh_var.parent / "年度数据-有错.csv"
    bad_file.write_text("\n".join(lines) + "\n", encoding="utf-8")
    bad = kc(fresh_var, "enterprises", "import", bad_file)
    assert bad.returncode == 1, bad
    return fresh_var


def test_list_shows_recent_jobs_with_state_who_and_when(kc, with_jobs):
    result = kc(with_jobs, "jobs", "list")
    assert result.returncode == 0, result
    out = result.stdout
    assert "企业数据导入" in out and "已完成" in out and "失败" in out
    assert "cli:enterprises import" in out
    ids = [int(m) for m in re.findall(r"^[│|]\s*(\d+)\s*[│|]", out, flags=re.M)]
    assert ids == [2, 1], out  # newest first
    only_active = kc(with_jobs, "jobs", "list", "--active")
    assert only_active.returncode == 0 and "没有后台任务" in only_active.stdout


def test_show_prints_the_result_or_the_whole_error_report(kc, with_jobs):
    ok = kc(with_jobs, "jobs", "show", "1")
    assert ok.returncode == 0, ok
    assert "已完成" in ok.stdout and '"registry_created": 20' in ok.stdout
    failed = kc(with_jobs, "jobs", "show", "2")
    assert failed.returncode == 0, failed
    assert "失败" in failed.stdout and "错误报告 — 年度数据-有错.csv" in failed.stdout
    assert "第 4 行" in failed.stdout and "91440000BADCODE000" in failed.stdout
    missing = kc(with_jobs, "jobs", "show", "99")
    assert missing.returncode == 1 and "找不到后台任务 #99" in missing.stderr


def test_cancel_a_queued_job_and_refuse_a_finished_one(kc, with_jobs):
    made = kc(
        with_jobs, "manage", "shell", "-c",
        "from kechuang.jobs.models import Job; print(Job.objects.create(kind='enterprise_import', "
        "lock='enterprise_import', title='排队的导入', status='queued').pk)",
    )  # fmt: skip
    assert made.returncode == 0, made
    pk = made.stdout.strip().splitlines()[-1]
    result = kc(with_jobs, "jobs", "cancel", pk)
    assert result.returncode == 0, result
    assert f"任务 #{pk} 已取消" in result.stdout
    assert db_rows(with_jobs, "SELECT status FROM jobs_job WHERE id = ?", (int(pk),)) == [("cancelled",)]
    again = kc(with_jobs, "jobs", "cancel", pk)
    assert again.returncode == 1 and "已经结束" in again.stderr and "无法取消" in again.stderr
    assert kc(with_jobs, "jobs", "cancel", "x").returncode == 2
