"""`kechuang carriers run --template talent_expert` run as a user runs it: the talent 专家评定 template
(the one evaluation engine) over the database's 专家评定 applications of the period — expert averages
and the stated facts — stored one record per application (replacing the run's results, the audit log
keeping the replaced ones) and printed with total, suggested class and rank; a period without such
applications says so."""

from __future__ import annotations

import pytest

SETUP = """
import datetime as dt
from django.utils import timezone
from kechuang.accounts.models import User
from kechuang.carriers.models import TalentApplication
u = User.objects.create(username="app_cli", role="individual")
facts = {"title_level": 4, "programme_level": 2, "projects_led": 1, "patents_as_inventor": 3, "years_in_dongguan": 5}
for name, score in (("张三", 97.5), ("李四", 97.4), ("王五", None)):
    TalentApplication.objects.create(applicant=u, person_name=name, id_number_hash=name, employer_name="丙研究院",
        region_code="441900401", route="expert", claimed_class="B", expert_score=score, status="scored", facts=facts)
TalentApplication.objects.create(applicant=u, person_name="赵六", id_number_hash="z", employer_name="丙研究院",
    region_code="441900401", route="recognition", claimed_class="F", facts=facts)
TalentApplication.objects.update(submitted_at=timezone.make_aware(dt.datetime(2025, 6, 1)))
"""

COUNT = """
from kechuang.audit.models import ObjectChange
from kechuang.carriers.models import EvaluationResult, TalentEvaluation
print("carriers", EvaluationResult.objects.count())
for r in TalentEvaluation.objects.order_by("rank"):
    print("stored", r.application.person_name, r.period, r.total, r.grade, r.rank, r.computed_by_name)
print("replaced", ObjectChange.objects.filter(object_type__icontains="talentevaluation", action="delete").count())
"""


@pytest.fixture
def with_talent(kc, fresh_var):
    made = kc(fresh_var, "manage", "shell", "-c", SETUP)
    assert made.returncode == 0, made
    return fresh_var


def test_the_talent_template_scores_the_periods_expert_applications(kc, with_talent):
    run = kc(with_talent, "carriers", "run", "--template", "talent_expert", "--period", "2025")
    assert run.returncode == 0, run
    out = run.stdout
    assert "人才专家评定（2026.1-示例）2025：已保存 3 份申报的评定结果" in out
    lines = {
        name: next(line for line in out.splitlines() if name in line) for name in ("张三", "李四", "王五")
    }
    # 97.5 × 0.6 + 29.5 = 88: B on the line; 97.4 → 87.94: C; no expert score yet → facts only
    assert (
        "97.5" in lines["张三"]
        and "88" in lines["张三"]
        and "B类" in lines["张三"]
        and "1/3" in lines["张三"]
    )
    assert "87.94" in lines["李四"] and "C类" in lines["李四"] and "2/3" in lines["李四"]
    assert "未达到评定分数线" in lines["王五"] and "专家评分" in lines["王五"]
    assert "赵六" not in out  # a 认定 application is not scored by the template
    assert "注意：《东莞市人才分类评价目录》与专家评定的评分标准未找到" in out
    stored = kc(with_talent, "manage", "shell", "-c", COUNT).stdout
    assert "stored 张三 2025 88.0 B 1 cli:carriers run" in stored and "stored 李四 2025 87.94 C 2" in stored
    assert "stored 王五" in stored and "赵六" not in stored and "carriers 0" in stored
    assert "replaced 0" in stored
    # running again replaces the run's three results; the audit log keeps the replaced ones
    again = kc(with_talent, "carriers", "run", "--template", "talent_expert", "--period", "2025")
    assert again.returncode == 0, again
    stored = kc(with_talent, "manage", "shell", "-c", COUNT).stdout
    assert stored.count("stored ") == 3 and "replaced 3" in stored


def test_a_period_without_expert_applications_or_a_bad_period_is_said_so(kc, with_talent):
    run = kc(with_talent, "carriers", "run", "--template", "talent_expert", "--period", "2024")
    assert run.returncode == 0 and "人才专家评定 2024：没有专家评定途径的申报，未评定" in run.stdout
    assert "stored " not in kc(with_talent, "manage", "shell", "-c", COUNT).stdout
    run = kc(with_talent, "carriers", "run", "--template", "talent", "--period", "2025")
    assert (
        run.returncode == 2 and "不认识的评价模板「talent」" in run.stderr and "talent_expert" in run.stderr
    )
    run = kc(with_talent, "carriers", "run", "--template", "talent_expert", "--period", "今年")
    assert run.returncode == 2 and "--period：评价期「今年」应为一个年份" in run.stderr
    # the decision page ranks each submission year apart: a span of years is refused
    run = kc(with_talent, "carriers", "run", "--template", "talent_expert", "--period", "2024-2025")
    assert run.returncode == 2 and "--period：评价期「2024-2025」应为一个年份（如 2025）" in run.stderr
    assert "人才专家评定按申报年度分别排名" in run.stderr and "张三" not in run.stdout
