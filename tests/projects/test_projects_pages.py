"""The forms of the project page and the security board, as the officer, the holder and a department use them."""

from __future__ import annotations

import datetime as dt

import pytest

from kechuang.projects import services
from kechuang.projects.models import EthicsCommittee, SecurityIndicator, SecurityReading
from tests.projects.conftest import apply, make_call

pytestmark = pytest.mark.django_db


def _project(world, call):
    application = apply(call, world.strong, 1, requested=400)
    application.granted = application.requested
    application.save()
    return services.open_project(application, dt.date(2026, 6, 1))


def test_the_holder_registers_an_ethics_approval_and_the_officer_can_then_release(world, client_for):
    project = _project(world, make_call("P-01", field="生命科学"))
    first = project.tranches.order_by("number").first()
    bureau = client_for("bureau")
    page = bureau.get(f"/projects/list/{project.pk}/").content.decode()
    assert "须取得已备案伦理委员会的批准" in page
    bureau.post(f"/projects/list/{project.pk}/", {"action": "release", "tranche": first.pk})
    first.refresh_from_db()
    assert first.released_on is None  # refused: no approval yet
    EthicsCommittee.objects.create(name="医学伦理委员会", registration="EC-1", fields=["生命科学"],
                                   valid_until=dt.date(2028, 12, 31))  # fmt: skip
    response = client_for("enterprise").post(
        f"/projects/list/{project.pk}/",
        {"action": "ethics", "committee": "医学伦理委员会", "committee_registration": "EC-1", "number": "PJ-1",
         "approved_on": "2026-06-10"},
    )  # fmt: skip
    assert response.status_code == 302 and project.ethics_approvals.count() == 1
    bureau.post(f"/projects/list/{project.pk}/", {"action": "release", "tranche": first.pk})
    first.refresh_from_db()
    assert first.released_on is not None


def test_only_the_officer_records_acceptance(world, client_for):
    project = _project(world, world.call)
    data = {"action": "acceptance", "decided_on": "2028-06-01", "conditions": "",
            "measured_0": "96", "method_0": "第三方测试", "by_0": "检测院",
            "measured_1": "1.5", "method_1": "真实应用场景考核", "by_1": "用户"}  # fmt: skip
    assert client_for("enterprise").post(f"/projects/list/{project.pk}/", data).status_code == 403
    assert client_for("bureau").post(f"/projects/list/{project.pk}/", data).status_code == 302
    project.refresh_from_db()
    assert project.stage == "conditional" and project.acceptance.results[1]["reached"] is False


def test_a_department_enters_a_reading_and_is_not_allowed_to_overwrite_it(world, client_for):
    indicator = SecurityIndicator.objects.create(code="dep", name="单一境外供应商依赖", yellow=30, red=50)
    reporter = client_for("reporter")
    response = reporter.post(
        "/projects/security/", {"indicator": indicator.pk, "period": "2026", "value": "55"}
    )
    assert response.status_code == 302
    assert SecurityReading.objects.get(indicator=indicator).source == "东莞市统计局填报"
    again = reporter.post("/projects/security/", {"indicator": indicator.pk, "period": "2026", "value": "10"},
                          follow=True).content.decode()  # fmt: skip
    assert "已有数值 55" in again and "未覆盖" in again
    assert SecurityReading.objects.get(indicator=indicator).value == 55
    bad = reporter.post("/projects/security/", {"indicator": indicator.pk, "period": "26", "value": "1"})
    assert bad.status_code == 200 and SecurityReading.objects.count() == 1
    assert "红色预警" in reporter.get("/projects/security/").content.decode()
    assert client_for("enterprise").get("/projects/security/").status_code == 403


def test_the_officer_writes_a_call_and_a_bad_condition_is_refused_naming_the_column(world, client_for):
    form = {"code": "NEW-01", "title": "新指南", "mode": "directed", "project_class": "basic", "field": "新材料",
            "problem": "问题", "goals": '[{"indicator": "论文", "target": 3, "unit": "篇", "higher_is_better": true, "key": true}]',
            "eligibility": "- {id: x, label: 规模, expr: nonsense_column > 1}", "funding_mode": "before",
            "budget": "300", "pass_mark": "60", "opens_on": "2026-01-01", "closes_on": "2026-03-01"}  # fmt: skip
    bureau = client_for("bureau")
    response = bureau.post("/projects/calls/new/", form)
    assert response.status_code == 200 and "nonsense_column" in response.content.decode()
    form["eligibility"] = "- {id: x, label: 规模, expr: employees >= 10}"
    response = bureau.post("/projects/calls/new/", form)
    assert response.status_code == 302
    from kechuang.projects.models import Call

    assert Call.objects.get(code="NEW-01").goals[0]["indicator"] == "论文"
    assert client_for("enterprise").get("/projects/calls/new/").status_code == 403
