"""`kechuang carriers run` run as a user runs it: the installed script on a real database — it scores
the database's carriers with a shipped template (figures from the operators' reports), stores the
period's results and prints them; a bad template or period is refused in Chinese and nothing is
stored."""

from __future__ import annotations

import pytest

SETUP = """
from kechuang.accounts.models import OrgKind, OrgUnit
from kechuang.carriers.models import Carrier, CarrierReport
org = OrgUnit.objects.create(code="op_cli", name="运营方", kind=OrgKind.CARRIER)
good = Carrier.objects.create(code="CA", name="甲孵化器", kind="incubator", level="国家级", operator=org,
                              region_code="441900401", evaluation_class="comprehensive")
weak = Carrier.objects.create(code="CB", name="乙孵化器", kind="incubator", level="市级", operator=org,
                              region_code="441900121", evaluation_class="comprehensive")
CarrierReport.objects.create(carrier=good, year=2025, occupancy_rate=95, mentors=0, total_income=100,
                             non_rent_income=60, industry_share=80)
CarrierReport.objects.create(carrier=weak, year=2025, occupancy_rate=40, total_income=100,
                             non_rent_income=5, industry_share=20)
"""

COUNT = """
from kechuang.carriers.models import EvaluationResult
print("stored", EvaluationResult.objects.count())
for r in EvaluationResult.objects.order_by("carrier__code"):
    print(r.carrier.code, r.period, r.grade, r.rank, r.total)
"""


@pytest.fixture
def with_carriers(kc, fresh_var):
    made = kc(fresh_var, "manage", "shell", "-c", SETUP)
    assert made.returncode == 0, made
    return fresh_var


def test_run_stores_the_periods_results_and_prints_them(kc, with_carriers):
    run = kc(with_carriers, "carriers", "run", "--template", "incubator_operation", "--period", "2025")
    assert run.returncode == 0, run
    assert "孵化载体年度运营评价" in run.stdout and "已保存 2 个载体的评价结果" in run.stdout
    for text in ("CA", "甲孵化器", "CB", "乙孵化器", "不合格", "1/2", "2/2", "示例"):
        assert text in run.stdout
    stored = kc(with_carriers, "manage", "shell", "-c", COUNT).stdout
    assert "stored 2" in stored and "CA 2025" in stored and "CB 2025 D 2" in stored
    # a second run replaces the period's results instead of adding rows
    again = kc(with_carriers, "carriers", "run", "--template", "incubator_operation", "--period", "2025")
    assert again.returncode == 0 and "stored 2" in kc(with_carriers, "manage", "shell", "-c", COUNT).stdout


def test_a_bad_template_or_period_is_refused_and_nothing_is_stored(kc, with_carriers):
    run = kc(with_carriers, "carriers", "run", "--template", "incubator", "--period", "2025")
    assert run.returncode == 2
    assert "--template：不认识的评价模板「incubator」，可用 incubator_operation" in run.stderr
    run = kc(with_carriers, "carriers", "run", "--template", "incubator_operation", "--period", "2025年")
    assert run.returncode == 2
    assert "--period：评价期「2025年」应为年份（如 2025）或年份区间（如 2023-2025）" in run.stderr
    run = kc(with_carriers, "carriers", "run", "--template", "institution_dynamic", "--period", "2025-2023")
    assert run.returncode == 2 and "评价期「2025-2023」" in run.stderr
    assert "stored 0" in kc(with_carriers, "manage", "shell", "-c", COUNT).stdout
    # a span of another length than the template's period is refused, nothing stored
    run = kc(with_carriers, "carriers", "run", "--template", "institution_dynamic", "--period", "2024-2025")
    assert run.returncode == 2, run
    assert "--period：评价期「2024-2025」：该评价模板的评价期为 3 年（如 2023-2025）" in run.stderr
    run = kc(with_carriers, "carriers", "run", "--template", "incubator_operation", "--period", "2024-2025")
    assert run.returncode == 2 and "该评价模板的评价期为 1 年（如 2025）" in run.stderr
    assert "stored 0" in kc(with_carriers, "manage", "shell", "-c", COUNT).stdout
