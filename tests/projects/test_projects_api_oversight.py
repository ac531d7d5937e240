"""The programme officer's writes through the API, as on the call and project pages: verifying a
reported milestone (which lets its tranche go), the 赛马制 stage gate, assigning experts around
declared conflicts and the applicants' own organisations, and the funding decision within the
call's budget. The applicant, the expert, the town and the leader are refused (403); a refusal is
a 400 naming the reason and writes nothing."""

from __future__ import annotations

import datetime as dt

import pytest

from kechuang.audit.models import ObjectChange
from kechuang.projects import services
from kechuang.projects.models import Application, Assignment, Conflict, Milestone, Project
from tests.projects.conftest import apply, make_call
from tests.projects.test_projects_api_running import detail, funded_project, logged_in, post

pytestmark = pytest.mark.django_db
NOT_OFFICERS = ("enterprise", "university", "songshanhu", "leader")


# ---------------------------------------------------------------- milestone verification


def test_the_programme_officer_verifies_a_reported_milestone_and_its_tranche_goes(world, client_for):
    project = funded_project(world, make_call("T-DUR", funding_mode="during"))
    bureau = client_for("bureau")
    body = {"project": project.code, "number": 1}
    early = post(bureau, "milestones/verify", body)
    assert early.status_code == 400 and detail(early) == "里程碑 1 尚未报告，不能核验"
    services.report_milestone(project.milestones.get(number=1), 96, on=dt.date(2027, 5, 1))
    for persona in NOT_OFFICERS:  # the holder reports, it does not verify its own report
        assert post(client_for(persona), "milestones/verify", body).status_code == 403
    assert post(logged_in(world.experts[0]), "milestones/verify", body).status_code == 403
    assert not Milestone.objects.filter(verified=True).exists()
    unknown = post(bureau, "milestones/verify", {**body, "number": 9})
    assert unknown.status_code == 400 and detail(unknown) == f"找不到项目「{project.code}」的第 9 个里程碑"
    done = post(bureau, "milestones/verify", body)
    assert done.status_code == 200
    assert done.json()["verified"] is True and done.json()["reported_value"] == 96
    assert done.json()["on_time"] is True
    # audited as the page's change is: who verified it, and what changed
    change = ObjectChange.objects.filter(object_type="projects.milestone", action="update").latest("pk")
    assert change.user_name == "bureau" and change.after["verified"] is True
    # 事中资助: the tranche tied to the milestone may now be released; the holder's report is frozen
    released = post(bureau, "tranches/release", {"project": project.code, "number": 1})
    assert released.status_code == 200
    frozen = post(
        client_for("enterprise"), "milestones/report", {"project": project.code, "number": 1, "value": 99}
    )
    assert frozen.status_code == 400 and "已核验" in detail(frozen)


# ---------------------------------------------------------------- the 赛马制 stage gate


@pytest.fixture
def race(world):
    """Two teams funded in parallel on a call that keeps one; the first reached its first milestone's
    target (良率 96 ≥ 95), the second did not (90)."""
    call = make_call("T-RACE", race_keep=1)
    ahead = funded_project(world, call, world.strong, n=1)
    behind = funded_project(world, call, world.university, n=2)
    for project, value in ((ahead, 96), (behind, 90)):
        services.report_milestone(project.milestones.get(number=1), value, on=dt.date(2027, 5, 1))
    return call, ahead, behind


def test_the_stage_gate_keeps_the_first_team_and_drops_the_other(race, client_for):
    call, ahead, behind = race
    response = post(client_for("bureau"), "calls/gate", {"call": call.code, "on": "2027-06-01"})
    assert response.status_code == 200
    out = response.json()
    assert out["kept"] == [ahead.code] and out["dropped"] == [behind.code] and out["keep"] == 1
    assert [(r["project"], r["position"], r["reached_share"]) for r in out["rows"]] == [
        (ahead.code, 1, 1.0), (behind.code, 2, 0.0)
    ]  # fmt: skip
    assert dict(Project.objects.values_list("code", "stage")) == {
        ahead.code: "running",
        behind.code: "dropped",
    }
    dropped = ObjectChange.objects.get(
        object_type="projects.project", object_id=str(behind.pk), action="update"
    )
    assert dropped.user_name == "bureau" and dropped.after["stage"] == "dropped"
    # the dropped team gets no further money, as on the project page
    refused = post(client_for("bureau"), "tranches/release", {"project": behind.code, "number": 1})
    assert refused.status_code == 400 and "赛马制阶段评估未通过" in detail(refused)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"call": "T-01", "on": "2027-06-01"}, "指南 T-01 未采用赛马制"),
        ({"call": "T-RACE", "on": "2026-07-01"}, "截至 2026-07-01 尚无到期的里程碑，不能进行阶段评估"),
        ({"call": "T-RACE", "on": "1999-12-31"}, "评估日期应在 2000–2100 年之间"),
        ({"call": "T-NONE"}, "找不到指南「T-NONE」"),
    ],
)
def test_a_stage_gate_that_cannot_be_run_is_refused_and_drops_nobody(race, client_for, body, message):
    response = post(client_for("bureau"), "calls/gate", body)
    assert response.status_code == 400 and detail(response) == message
    assert set(Project.objects.values_list("stage", flat=True)) == {"running"}


def test_only_the_programme_officer_runs_the_stage_gate(race, world, client_for):
    call, _ahead, _behind = race
    body = {"call": call.code, "on": "2027-06-01"}
    for persona in NOT_OFFICERS:
        assert post(client_for(persona), "calls/gate", body).status_code == 403
    assert post(logged_in(world.experts[0]), "calls/gate", body).status_code == 403
    assert set(Project.objects.values_list("stage", flat=True)) == {"running"}


# ---------------------------------------------------------------- expert assignment


@pytest.fixture
def submitted(world):
    """The enterprise's application (expert1 declared a conflict on it) and the university's
    (expert2 belongs to the university)."""
    ours = apply(world.call, world.strong, 1)
    theirs = apply(world.call, world.university, 2)
    services.declare_conflict(world.experts[0], ours, "近三年合作")
    return ours, theirs


def test_experts_are_assigned_around_declared_conflicts_and_the_applicants_own_staff(
    world, submitted, client_for
):
    ours, theirs = submitted
    response = post(client_for("bureau"), "calls/assign", {"call": world.call.code, "per_application": 6})
    assert response.status_code == 200
    out = {r["application"]: r for r in response.json()["applications"]}
    everyone = {f"expert{i}" for i in range(1, 7)}
    assert set(out[ours.code]["added"]) == everyone - {"expert1"}  # declared a conflict
    assert set(out[theirs.code]["added"]) == everyone - {"expert2"}  # the university's own staff
    assert out[ours.code]["experts"] == sorted(everyone - {"expert1"})
    assert set(ours.assignments.values_list("expert__username", flat=True)) == everyone - {"expert1"}
    # assigning again adds nobody: every application already has all the experts it may have
    again = post(client_for("bureau"), "calls/assign", {"call": world.call.code, "per_application": 6})
    assert all(r["added"] == [] for r in again.json()["applications"])
    assert Assignment.objects.count() == 10


def test_assignment_is_refused_to_others_and_for_bad_input_and_writes_nothing(world, submitted, client_for):
    body = {"call": world.call.code, "per_application": 3}
    for persona in NOT_OFFICERS:
        assert post(client_for(persona), "calls/assign", body).status_code == 403
    assert post(logged_in(world.experts[0]), "calls/assign", body).status_code == 403
    zero = post(client_for("bureau"), "calls/assign", {**body, "per_application": 0})
    assert zero.status_code == 422 and "per_application" in detail(zero)
    unknown = post(client_for("bureau"), "calls/assign", {**body, "call": "T-NONE"})
    assert unknown.status_code == 400 and detail(unknown) == "找不到指南「T-NONE」"
    assert not Assignment.objects.exists()


# ---------------------------------------------------------------- the funding decision


@pytest.fixture
def scored(world):
    """Three submitted applications scored 85, 80 and 70 asking 400, 300 and 500 of a 1000 budget:
    the third no longer fits under the funding line."""
    apps = [apply(world.call, world.strong, n, requested=r) for n, r in ((1, 400), (2, 300), (3, 500))]
    for application, score in zip(apps, (85, 80, 70), strict=True):
        for expert in world.experts[:3]:
            Assignment.objects.create(expert=expert, application=application, score=score)
    return apps


def test_the_funding_decision_funds_down_the_ranking_within_the_budget(world, scored, client_for):
    response = post(client_for("bureau"), "calls/decide", {"call": world.call.code, "start": "2026-06-01"})
    assert response.status_code == 200
    out = response.json()
    assert out["status"] == "decided" and out["budget"] == 1000 and out["funded"] == 700
    assert out["projects"] == ["T-01-XM001", "T-01-XM002"]
    assert [(r["application"], r["rank"], r["funded"], r["amount"]) for r in out["ranking"]] == [
        ("T-01-SQ001", 1, True, 400), ("T-01-SQ002", 2, True, 300), ("T-01-SQ003", 3, False, 0)
    ]  # fmt: skip
    assert dict(Application.objects.values_list("code", "status")) == {
        "T-01-SQ001": "funded", "T-01-SQ002": "funded", "T-01-SQ003": "not_funded"
    }  # fmt: skip
    assert Project.objects.get(code="T-01-XM001").started_on == dt.date(2026, 6, 1)
    # decided once: neither a second decision nor a new assignment
    again = post(client_for("bureau"), "calls/decide", {"call": world.call.code})
    assert again.status_code == 400 and detail(again) == "指南 T-01 已立项，不能重新分配专家或确定资助"
    assign = post(client_for("bureau"), "calls/assign", {"call": world.call.code})
    assert assign.status_code == 400 and detail(assign) == detail(again)
    assert Project.objects.count() == 2 and Assignment.objects.count() == 9


def test_the_funding_decision_is_the_programme_officers_alone_and_bad_input_writes_nothing(
    world, scored, client_for
):
    body = {"call": world.call.code}
    for persona in NOT_OFFICERS:
        assert post(client_for(persona), "calls/decide", body).status_code == 403
    assert post(logged_in(world.experts[0]), "calls/decide", body).status_code == 403
    early = post(client_for("bureau"), "calls/decide", {**body, "start": "1999-01-01"})
    assert early.status_code == 400 and detail(early) == "开始日期应在 2000–2100 年之间"
    world.call.refresh_from_db()
    assert world.call.status == "open" and not Project.objects.exists()
    assert set(Application.objects.values_list("status", flat=True)) == {"submitted"}


def test_a_conflicted_score_is_left_out_of_the_decision(world, scored, client_for):
    Conflict.objects.create(expert=world.experts[0], application=scored[2], reason="同事")
    out = post(client_for("bureau"), "calls/decide", {"call": world.call.code}).json()
    assert [r["experts"] for r in out["ranking"]] == [3, 3, 2]
