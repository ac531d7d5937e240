"""`kechuang plan remind --year Y [--on DATE] [--dry-run]`: reporting reminders by e-mail (console backend)."""

from __future__ import annotations

from tests.cli.kit import db_rows

MAKE_USERS = """
from kechuang.accounts.models import OrgUnit, User
from kechuang.accounts.services import load_org_tree
load_org_tree()
for name, role, org, email in [
    ("tjj", "dept_reporter", "tjj", "tjj@example.cn"),
    ("kjj-reporter", "dept_reporter", "kjj", "kjj@example.cn"),
    ("humen", "town_admin", "441900121", ""),
]:
    User.objects.create(username=name, role=role, org=OrgUnit.objects.get(code=org), email=email)
"""


def test_remind_mails_the_late_and_dry_run_mails_nothing(kc, loaded_var):
    made = kc(loaded_var, "manage", "shell", "-c", MAKE_USERS)
    assert made.returncode == 0, made

    dry = kc(loaded_var, "plan", "remind", "--year", "2025", "--on", "2026-05-01", "--dry-run")
    assert dry.returncode == 0, dry
    assert "逾期，未报 2 项 → tjj@example.cn" in dry.stdout
    assert "（无邮箱，未发送）" in dry.stdout  # 虎门镇: no address
    assert "试运行，未发送邮件" in dry.stdout and "Subject:" not in dry.stdout

    real = kc(loaded_var, "plan", "remind", "--year", "2025", "--on", "2026-05-01")
    assert real.returncode == 0, real
    # the console backend prints each message: subject (MIME-encoded), recipient, body
    assert "To: tjj@example.cn" in real.stdout and "To: kjj@example.cn" in real.stdout
    assert "年度指标数据尚有 2 项未报送，已逾期（截止 2026-04-30）" in real.stdout
    # and the key tasks' progress reports of the first quarter (task-calendar.yaml): 统计局 co-operates on
    # T6.6.1 (due 04-10), 科技局 leads it and others (due 04-15/04-20)
    assert "市统计局（重点任务进展）：逾期" in dry.stdout
    assert "T6.6.1 加强规划跟踪实施与管理（配合，2026 年第 1 季度，截止 2026-04-10，逾期）" in real.stdout
    assert "已发送 4 封提醒邮件" in real.stdout
    assert db_rows(loaded_var, "SELECT COUNT(*) FROM plans_submissionapproval") == [(0,)]


def test_remind_refuses_a_bad_year_or_date(kc, loaded_var):
    bad = kc(loaded_var, "plan", "remind", "--year", "1999")
    assert bad.returncode == 2 and "年份无效：1999" in bad.stderr, bad
    bad_date = kc(loaded_var, "plan", "remind", "--year", "2025", "--on", "2026-13-01")
    assert bad_date.returncode == 2 and "日期无效：2026-13-01" in bad_date.stderr, bad_date
