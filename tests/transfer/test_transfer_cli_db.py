"""`kechuang transfer dues` and `kechuang transfer match` without files read the database (the transfer
app's dues_inputs and achievement_frame): run as a user runs them, in a subprocess, on a database with
a licence, its payments and reports, and published and withdrawn achievements."""

from __future__ import annotations

import json

import pytest

from tests.cli.conftest import fresh_var, migrated_var  # noqa: F401 — the CLI tests' databases
from tests.cli.kit import run_in
from tests.personas import ENTERPRISE_CREDIT_CODE

SETUP = f"""
from datetime import date
from kechuang.accounts.models import OrgUnit
from kechuang.accounts.services import load_org_tree
from kechuang.transfer.models import Achievement, Licence, Payment, RevenueReport, MilestoneEvent
load_org_tree()
dgut = OrgUnit.objects.get(code="univ_dgut")
def add(code, title, status, keywords):
    return Achievement.objects.create(institution=dgut, code=code, title=title, abstract=title, field="先进制造与自动化",
        keywords=keywords, inventors="王伟", trl=6, ownership="单位所有", modes=["许可"], status=status)
a = add("DGUT-CLI-1", "基于机器视觉的产品表面缺陷自动检测系统", "可转化", "机器视觉；缺陷检测；表面划痕")
add("DGUT-CLI-2", "基于机器视觉的表面缺陷检测（已撤回）", "已撤回", "机器视觉；缺陷检测")
add("DGUT-CLI-3", "高比能固态锂电池电解质", "可转化", "固态电池；电解质")
terms = {{"upfront": {{"amount": 10, "due": "2026-02-28"}},
         "milestones": [{{"code": "mass", "name": "批量生产", "amount": 50, "event": "mass_production", "days_after": 60}}],
         "royalty": {{"rate": 0.03, "period": "year", "start": "2026-01-01", "end": "2030-12-31", "floor": 5, "cap": 40}}}}
lic = Licence.objects.create(code="L-CLI-1", achievement=a, institution=dgut, licensee_code="{ENTERPRISE_CREDIT_CODE}",
    licensee_name="东莞示例科技有限公司", signed_on=date(2026, 1, 10), terms=terms)
Payment.objects.create(licence=lic, paid_on=date(2026, 2, 20), amount=10)
RevenueReport.objects.create(licence=lic, period="2026", revenue=1000)
MilestoneEvent.objects.create(licence=lic, milestone="mass_production", occurred_on=date(2026, 10, 1))
"""


@pytest.fixture
def db_var(fresh_var):  # noqa: F811
    done = run_in(fresh_var, "manage", "shell", "-c", SETUP)
    assert done.returncode == 0, done
    return fresh_var


def test_dues_from_the_database(db_var):
    run = run_in(db_var, "transfer", "dues", "--as-of", "2027-03-31", "--format", "json")
    assert run.returncode == 0, run
    out = json.loads(run.stdout)
    assert out["as_of"] == "2027-03-31"
    (lic,) = out["licences"]
    items = {i["ref"]: i for i in lic["items"]}
    assert lic["code"] == "L-CLI-1"
    assert items["upfront"]["status"] == "paid"
    assert items["mass"]["due"] == "2026-11-30" and items["mass"]["status"] == "overdue"
    assert items["2026"]["amount"] == 30 and items["2026"]["reported"] is True
    assert lic["paid"] == 10 and lic["overdue"] == 80  # the milestone 50 and the 2026 royalty 30


def test_dues_refuses_a_bad_date_without_writing(db_var):
    run = run_in(db_var, "transfer", "dues", "--as-of", "2027-02-30", "--format", "json")
    assert run.returncode != 0 and "2027-02-30" in run.output and not run.stdout.strip().startswith("{")


def test_match_from_the_database_offers_only_published_achievements(db_var):
    run = run_in(
        db_var,
        "transfer",
        "match",
        "--demand",
        "手机外壳表面有划痕，人工目检漏检多，想用机器视觉自动检测缺陷",
        "--format",
        "json",
    )
    assert run.returncode == 0, run
    results = json.loads(run.stdout)
    codes = [r["achievement"] for r in results]
    assert codes[0] == "DGUT-CLI-1"
    assert "DGUT-CLI-2" not in codes  # withdrawn: not offered
    assert results[0]["terms"]


def test_match_refuses_an_unknown_field(db_var):
    run = run_in(db_var, "transfer", "match", "--demand", "机器视觉", "--field", "火星技术")
    assert run.returncode == 2 and "火星技术" in run.output
