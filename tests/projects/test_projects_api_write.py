"""The write API of 重大项目: an applicant files (and submits) an application, alone or as a 创新联合体,
and reports its milestones; the bureau reads the 补改投 stakes. Scope as on the pages; a refusal is
a 400 with the Chinese reason and nothing written."""

from __future__ import annotations

import datetime as dt

import pytest

from kechuang.audit.models import ObjectChange
from kechuang.projects import services, stakes
from kechuang.projects.models import Application
from tests.projects.conftest import apply

pytestmark = pytest.mark.django_db


@pytest.fixture
def open_call(world):
    world.call.opens_on, world.call.closes_on = dt.date(2020, 1, 1), dt.date(2099, 12, 31)
    world.call.save()
    return world.call


def post(client, path, body):
    return client.post(f"/api/projects/{path}", body, content_type="application/json")


def test_an_applicant_files_a_consortium_application_and_submits_it_at_once(client_for, open_call):
    enterprise = client_for("enterprise")
    body = {
        "call": open_call.code,
        "title": "联合攻关",
        "requested": 200,
        "members": ["univ_dgut", "nowhere"],
    }
    refused = post(enterprise, "applications", body)
    assert refused.status_code == 400 and "找不到机构代码：nowhere" in refused.json()["detail"]
    assert not Application.objects.exists()
    response = post(enterprise, "applications", {**body, "members": ["univ_dgut"], "submit": True})
    assert response.status_code == 201
    out = response.json()
    assert out["status"] == "submitted" and out["eligible"] == "yes" and out["members"] == ["univ_dgut"]
    application = Application.objects.get(code=out["code"])
    assert application.consortium and application.applicant.code == "ent_demo"
    assert ObjectChange.objects.filter(object_repr__contains=application.code).exists()
    listed = client_for("enterprise").get("/api/projects/applications").json()
    assert [a["code"] for a in listed] == [out["code"]]


def test_who_may_not_apply_is_refused_and_a_closed_call_takes_nothing(client_for, open_call):
    body = {"call": open_call.code, "title": "申报", "requested": 100}
    assert post(client_for("bank"), "applications", body).status_code == 403
    assert post(client_for("enterprise"), "applications", {**body, "requested": 0}).status_code == 400
    open_call.status = "review"
    open_call.save()
    closed = post(client_for("enterprise"), "applications", body)
    assert closed.status_code == 400 and "当前不接受申报" in closed.json()["detail"]
    assert not Application.objects.exists()


def test_only_the_applicant_submits_its_draft(client_for, world, open_call):
    draft = apply(open_call, world.strong, 1, submit=False)
    other = post(client_for("humen"), "applications/submit", {"application": draft.code})
    assert other.status_code in (400, 403)
    mine = post(client_for("enterprise"), "applications/submit", {"application": draft.code})
    assert mine.status_code == 200 and mine.json()["status"] == "submitted"
    again = post(client_for("enterprise"), "applications/submit", {"application": draft.code})
    assert again.status_code == 400 and "不能重复提交" in again.json()["detail"]


def test_the_holder_reports_a_milestone_and_a_verified_one_is_kept(client_for, world):
    application = apply(world.call, world.strong, 1, requested=400)
    application.granted = application.requested
    application.save()
    project = services.open_project(application, dt.date(2026, 6, 1))
    body = {"project": project.code, "number": 1, "value": 96.5, "reported_on": "2026-09-01"}
    response = post(client_for("enterprise"), "milestones/report", body)
    assert response.status_code == 200 and response.json()["reported_value"] == 96.5
    assert response.json()["on_time"] is True
    assert post(client_for("humen"), "milestones/report", body).status_code in (400, 403)
    services.verify_milestone(project.milestones.get(number=1))
    kept = post(client_for("enterprise"), "milestones/report", {**body, "value": 1})
    assert kept.status_code == 400 and "已核验" in kept.json()["detail"]
    assert project.milestones.get(number=1).reported_value == 96.5
    stakes.convert(project, amount=400, share=0.04, converted_on=dt.date(2026, 7, 1), holding_years=3)
    rows = client_for("bureau").get("/api/projects/stakes").json()
    assert [(r["project"], r["status"]) for r in rows] == [(project.code, "locked")]
    assert client_for("enterprise").get("/api/projects/stakes").status_code == 403
