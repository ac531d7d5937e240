"""Calls, eligibility on submission, conflicts in expert assignment, scoring sheets and the funding line."""

from __future__ import annotations

import datetime as dt

import pytest

from kechuang.projects import services
from kechuang.projects.models import Application, Assignment
from tests.projects.conftest import apply

pytestmark = pytest.mark.django_db


def test_an_applicant_sees_at_once_whether_and_why_it_qualifies(world):
    good = services.check_eligibility(world.call, world.strong)
    assert good.eligible == "yes" and good.note == "满足全部申报条件"
    bad = services.check_eligibility(world.call, world.weak)
    assert bad.eligible == "no"
    assert "职工总数" in bad.note and "8" in bad.note  # the failing condition with the actual value
    statuses = {c["id"]: c["status"] for c in bad.verdict["conditions"]}
    assert statuses == {"employees": "fail", "rd_ratio": "fail"}
    university = services.check_eligibility(world.call, world.university)
    assert university.eligible == "possible" and "企业库" in university.note


def test_eligibility_is_checked_on_submission_and_an_ineligible_application_is_not_ranked(world):
    ok = apply(world.call, world.strong, 1)
    no = apply(world.call, world.weak, 2)
    assert ok.status == "submitted" and ok.eligible == "yes" and ok.submitted_at
    assert no.status == "ineligible" and "职工总数" in no.eligibility_note
    assert services.ranking(world.call)["application"].to_list() == [ok.code]


def test_submission_after_the_deadline_or_above_the_cap_is_refused(world):
    late = apply(world.call, world.strong, 1, submit=False)
    with pytest.raises(services.ProjectError, match="已于 2026-03-31 截止申报"):
        services.submit(late, today=dt.date(2026, 4, 1))
    big = apply(world.call, world.strong, 2, requested=700, submit=False)
    with pytest.raises(services.ProjectError, match="超过单项上限"):
        services.submit(big, today=dt.date(2026, 2, 1))
    assert Application.objects.get(pk=late.pk).status == "draft"


def test_a_bad_eligibility_rule_names_the_call_and_the_column(world):
    world.call.eligibility = "- {id: x, label: 错, expr: no_such_column > 1}"
    with pytest.raises(services.ProjectError, match="T-01.*no_such_column"):
        services.eligibility_ruleset(world.call)


def test_assignment_avoids_declared_conflicts_and_the_applicants_own_organisations(world):
    alone = apply(world.call, world.strong, 1)
    # a 创新联合体 led by the enterprise with 东莞理工学院 as a member: expert2 (东莞理工学院) is barred
    consortium = apply(world.call, world.strong, 2, members=[world.university])
    services.declare_conflict(world.experts[0], alone, "近三年合作")
    services.assign_experts(world.call, world.experts, per_application=6)
    assigned = {
        a.code: set(Assignment.objects.filter(application=a).values_list("expert__username", flat=True))
        for a in (alone, consortium)
    }
    assert "expert1" not in assigned[alone.code] and len(assigned[alone.code]) == 5
    assert "expert2" not in assigned[consortium.code] and len(assigned[consortium.code]) == 5
    # assigning again adds no one twice
    services.assign_experts(world.call, world.experts, per_application=6)
    assert Assignment.objects.filter(application=alone).count() == 5


def _score_all(application, scores):
    sheet_total = {"技术指标先进性": 35, "技术成熟度与可行性": 25, "市场与用户评价": 25, "经费合理性": 15}
    for assignment, total in zip(Assignment.objects.filter(application=application).order_by("expert__username"),
                                 scores, strict=True):  # fmt: skip
        items = {c: w * total / 100 for c, w in sheet_total.items()}
        services.record_score(assignment, items)


def test_the_scoring_sheet_checks_each_criterion(world):
    application = apply(world.call, world.strong, 1)
    services.assign_experts(world.call, world.experts[:1], per_application=1)
    assignment = Assignment.objects.get(application=application)
    with pytest.raises(services.ProjectError, match="「技术指标先进性」应在 0–35 分之间"):
        services.record_score(assignment, {"技术指标先进性": 40, "技术成熟度与可行性": 20, "市场与用户评价": 20,
                                           "经费合理性": 10})  # fmt: skip
    with pytest.raises(services.ProjectError, match="「经费合理性」未填写"):
        services.record_score(
            assignment, {"技术指标先进性": 30, "技术成熟度与可行性": 20, "市场与用户评价": 20}
        )
    services.declare_conflict(assignment.expert, application, "亲属任职")
    with pytest.raises(services.ProjectError, match="已声明回避"):
        services.record_score(assignment, {"技术指标先进性": 30, "技术成熟度与可行性": 20, "市场与用户评价": 20,
                                           "经费合理性": 10})  # fmt: skip


def test_outliers_are_trimmed_conflicts_left_out_and_the_funding_line_drawn(world):
    a = apply(world.call, world.strong, 1, requested=600)
    b = apply(world.call, world.strong, 2, requested=500)
    c = apply(world.call, world.strong, 3, requested=300)
    services.assign_experts(world.call, world.experts, per_application=5)
    _score_all(a, [100, 90, 90, 90, 20])  # trimmed: 90
    _score_all(b, [80, 80, 80, 80, 80])
    _score_all(c, [70, 70, 70, 70, 70])
    # a conflict declared after scoring still removes that score
    late = Assignment.objects.filter(application=c).order_by("expert__username").first()
    services.declare_conflict(late.expert, c, "后来发现的合作关系")
    result = services.decide(world.call, start=dt.date(2026, 6, 1))
    rows = {r["application"]: r for r in result.to_dicts()}
    assert rows[a.code]["score"] == pytest.approx(90) and rows[a.code]["experts"] == 3
    assert rows[c.code]["experts"] == 4
    # 1000 万元: a (600) funded, b (500) does not fit, c (300) still does
    assert [rows[x.code]["funded"] for x in (a, b, c)] == [True, False, True]
    a.refresh_from_db()
    b.refresh_from_db()
    assert a.status == "funded" and a.rank == 1 and a.project.grant == 600
    assert b.status == "not_funded" and not hasattr(b, "project")
