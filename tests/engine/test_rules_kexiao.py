"""科技型中小企业 (科小): the five conditions, the 100-point table, the direct routes."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.engine.rules_kit import enterprise, failed, one, run, verdict


def kexiao(**changes) -> tuple[str, float | None, float | None, list[str]]:
    row = one(**changes)
    return row["kexiao_eligible"], row["kexiao_score_min"], row["kexiao_score_max"], failed(row, "kexiao")


def test_the_base_enterprise_qualifies_by_score():
    assert kexiao() == ("yes", 82.0, 82.0, [])


@pytest.mark.parametrize(
    ("column", "limit", "condition"),
    [
        ("employees", 500, "size_employees"),
        ("revenue", 20000.0, "size_revenue"),
        ("total_assets", 20000.0, "size_assets"),
    ],
)
def test_size_limits_include_the_limit_itself(column, limit, condition):
    at = {column: {2024: limit}}
    above = {column: {2024: limit + (1 if isinstance(limit, int) else 0.01)}}
    if column == "employees":  # keep the 科技人员 share, which depends on 职工总数
        at["tech_staff"] = above["tech_staff"] = {2024: 100}
    if column == "revenue":  # keep R&D at 5% of revenue, which depends on 销售收入
        at["rd_expense"] = above["rd_expense"] = {2024: 1000.0}
    assert condition not in kexiao(**at)[3]
    status, _, _, fails = kexiao(**above)
    assert status == "no" and fails == [condition]


@pytest.mark.parametrize(
    ("flag", "condition"),
    [
        ("restricted_industry", "industry_allowed"),
        ("abnormal_listed", "not_abnormal_listed"),
        ("serious_incident_1y", "no_serious_incident"),
    ],
)
def test_a_registry_flag_fails_its_condition_and_an_empty_flag_means_false(flag, condition):
    assert kexiao(**{flag: True})[0] == "no"
    assert kexiao(**{flag: True})[3] == [condition]
    assert kexiao(**{flag: None}) == ("yes", 82.0, 82.0, [])


# 科技人员 share with 400 employees; R&D (40) and IP (30) stay, so total = 70 + tech points.
@pytest.mark.parametrize(
    ("tech_staff", "points"),
    [(120, 20), (119, 16), (100, 16), (99, 12), (80, 12), (79, 8), (60, 8), (59, 4), (40, 4), (39, 0)],
)
def test_tech_staff_brackets_include_their_lower_bound(tech_staff, points):
    _, lo, hi, _ = kexiao(employees={2024: 400}, tech_staff={2024: tech_staff})
    assert lo == hi == 70 + points


def test_a_zero_tech_staff_score_fails_even_when_the_total_passes():
    status, lo, _, fails = kexiao(tech_staff={2024: 9})  # 9% → 0 points; total 70 ≥ 60
    assert (status, lo, fails) == ("no", 70.0, ["tech_staff_nonzero"])


def test_sixty_points_pass_and_the_next_lower_total_fails():
    # tech 20% → 12, R&D 4% of revenue → 30, three Ⅱ类 IP → 18: exactly 60.
    sixty = {"rd_expense": {2024: 320.0}, "ip_class1": 0, "ip_class2": 3}
    assert kexiao(**sixty) == ("yes", 60.0, 60.0, [])
    # tech 25% → 16, R&D 4% → 30, two Ⅱ类 → 12: 58, the highest total below 60.
    below = dict(sixty, ip_class2=2, tech_staff={2024: 25})
    assert kexiao(**below) == ("no", 58.0, 58.0, ["score_60"])


@pytest.mark.parametrize(
    ("rd", "cost", "points"),
    [
        (480.0, 7000.0, 50),  # 6% of revenue
        (479.0, 7000.0, 40),  # 5.99%
        (160.0, 7000.0, 10),  # 2% of revenue
        (159.0, 7000.0, 0),  # 1.99% of revenue, 2.3% of cost
        (159.0, 530.0, 50),  # 30% of cost: the higher alternative counts
        (159.0, 531.0, 40),  # 29.9% of cost
    ],
)
def test_rd_input_takes_the_better_of_the_two_ratios(rd, cost, points):
    _, lo, _, _ = kexiao(rd_expense={2024: rd}, total_cost={2024: cost})
    assert lo == 12 + 30 + points


@pytest.mark.parametrize(
    ("class1", "class2", "points"),
    [(1, 0, 30), (1, 9, 30), (0, 5, 24), (0, 4, 24), (0, 3, 18), (0, 2, 12), (0, 1, 6), (0, 0, 0)],
)
def test_ip_table_reads_left_to_right(class1, class2, points):
    _, lo, _, _ = kexiao(ip_class1=class1, ip_class2=class2)
    assert lo == 12 + 40 + points


# A score that fails on its own: tech 5% (0), R&D 1% (0), no IP (0).
WEAK = {"tech_staff": {2024: 5}, "rd_expense": {2024: 80.0}, "ip_class1": 0, "ip_class2": 0}


@pytest.mark.parametrize(
    "route",
    [
        {"hightech_cert_until": dt.date(2024, 12, 31)},
        {"national_award_5y": True},
        {"rd_institution_level": "provincial"},
        {"rd_institution_level": "national"},
        {"led_standard_5y": True},
    ],
)
def test_each_direct_route_qualifies_without_the_score(route):
    assert kexiao(**WEAK)[0] == "no"
    status, lo, hi, fails = kexiao(**WEAK, **route)
    assert (status, lo, hi, fails) == ("yes", 0.0, 0.0, [])


@pytest.mark.parametrize(
    "not_a_route",
    [
        {"hightech_cert_until": dt.date(2024, 12, 30)},  # expired before 31 Dec Y
        {"rd_institution_level": "municipal"},
        {"rd_institution_level": None},
    ],
)
def test_what_is_not_a_direct_route(not_a_route):
    assert kexiao(**WEAK, **not_a_route)[3] == ["score_60", "tech_staff_nonzero"]


def test_a_direct_route_does_not_lift_a_failed_base_condition():
    status, _, _, fails = kexiao(national_award_5y=True, employees={2024: 600}, tech_staff={2024: 120})
    assert (status, fails) == ("no", ["size_employees"])


def test_missing_data_makes_only_its_own_condition_unknown():
    status, lo, hi, fails = kexiao(total_assets={2024: None})
    assert (status, lo, hi, fails) == ("unknown", 82.0, 82.0, ["size_assets:missing"])


def test_missing_employees_leaves_the_score_as_a_range():
    # No 职工总数: the size condition and the 科技人员 item are unknown; R&D + IP already give 70.
    status, lo, hi, fails = kexiao(employees={2024: None})
    assert (status, lo, hi) == ("unknown", 70.0, 90.0)
    assert fails == ["size_employees:missing", "tech_staff_nonzero:missing"]


def test_a_missing_input_that_cannot_change_the_outcome_is_not_reported():
    # 成本费用 missing, but R&D / revenue already scores the maximum 50.
    assert kexiao(total_cost={2024: None}, rd_expense={2024: 480.0}) == ("yes", 92.0, 92.0, [])


def test_a_definite_failure_wins_over_missing_data():
    status, _, _, fails = kexiao(total_assets={2024: None}, abnormal_listed=True)
    assert status == "no" and fails == ["size_assets:missing", "not_abnormal_listed"]


def test_a_zero_denominator_fails_and_is_not_missing():
    status, lo, _, fails = kexiao(employees={2024: 0}, tech_staff={2024: 0})
    assert (status, lo, fails) == ("no", 70.0, ["tech_staff_nonzero"])


def test_only_year_y_counts():
    assert kexiao(employees={2023: 900}, revenue={2022: 90000.0}) == ("yes", 82.0, 82.0, [])
    assert kexiao(year=2023)[0] == "yes"


def test_each_enterprise_is_judged_on_its_own_row():
    rows = run(
        enterprise("A"), enterprise("B", abnormal_listed=True), enterprise("C", employees={2024: None})
    )
    assert [r["credit_code"] for r in rows] == ["A", "B", "C"]
    assert [r["kexiao_eligible"] for r in rows] == ["yes", "no", "unknown"]


def test_explain_gives_the_tech_staff_gap_in_people():
    v = verdict("kexiao", tech_staff={2024: 8})
    cond = next(c for c in v.conditions if c.id == "tech_staff_nonzero")
    assert cond.status == "fail"
    assert cond.text == "科技人员占比 8%，需 ≥ 10%：科技人员还差 2 人"
    score = next(c for c in v.conditions if c.id == "score_60")
    assert score.status == "pass" and score.text == "评价得分 70 分，需 ≥ 60 分：符合"


def test_explain_marks_the_direct_route():
    v = verdict("kexiao", **WEAK, led_standard_5y=True)
    assert v.eligible == "yes" and v.direct_route
    assert [r.status for r in v.routes] == ["fail", "fail", "fail", "pass"]
    assert "满足直接认定条件" in v.summary


def test_the_unverified_ip_definition_is_flagged():
    v = verdict("kexiao")
    ip = next(i for i in v.score_items if i.id == "ip")
    assert ip.verification == "UNVERIFIED"
    assert {"kind": "score_item", "id": "ip", "label": ip.label, "status": "UNVERIFIED"} in v.flagged
