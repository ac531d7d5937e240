"""伦理审查 with the committee registry: an approval must come from a registered committee valid on the
approval date and covering the project's field; funds wait for one; the projects still without one are
listed on the security board and the registry page; earlier free-text approvals become committees."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
from django.apps import apps as django_apps

from kechuang.projects import services
from kechuang.projects.models import EthicsApproval, EthicsCommittee
from tests.projects.conftest import apply, make_call

pytestmark = pytest.mark.django_db
START = dt.date(2026, 6, 1)


def _project(world, code="E-01", field="人工智能"):
    application = apply(make_call(code, field=field), world.strong, 1, requested=400)
    application.granted = application.requested
    application.save()
    return services.open_project(application, START)


def _committee(registration="AI-01", fields=("人工智能",), until=dt.date(2027, 12, 31)):
    return EthicsCommittee.objects.create(
        name="东莞市人工智能伦理委员会", registration=registration, institution="东莞理工学院",
        fields=list(fields), valid_until=until,
    )  # fmt: skip


def _approve(project, registration="AI-01", on=dt.date(2026, 6, 10)):
    return services.add_ethics_approval(project, "东莞市人工智能伦理委员会", registration, "EC-2026-01", on)


def test_an_unregistered_expired_or_other_field_committee_is_refused_and_funds_stay_held(world):
    project = _project(world)
    first = project.tranches.order_by("number").first()
    with pytest.raises(services.ProjectError, match="委员会备案号「AI-01」未在伦理委员会名录中登记"):
        _approve(project)
    _committee("MED-01", fields=("生命科学", "医学与健康"))
    with pytest.raises(services.ProjectError) as refused:
        _approve(project, "MED-01")
    assert (
        str(refused.value)
        == "伦理委员会「东莞市人工智能伦理委员会」的审查领域不含「人工智能」（可审查：生命科学、医学与健康）"
    )
    _committee("AI-OLD", until=dt.date(2026, 6, 9))
    with pytest.raises(services.ProjectError) as expired:
        _approve(project, "AI-OLD")
    assert "备案有效期至 2026-06-09，批准日期 2026-06-10 时已失效" in str(expired.value)
    assert not EthicsApproval.objects.exists()
    assert services.release_blockers(first)  # still held
    # valid on the approval date (its last day) and covering the field: registered, funds may go
    _approve(project, "AI-OLD", on=dt.date(2026, 6, 9))
    approval = EthicsApproval.objects.get()
    assert approval.registered_committee.registration == "AI-OLD"
    assert services.release_blockers(first) == []


def test_the_board_and_the_registry_list_the_projects_missing_an_approval(world, client_for):
    waiting = _project(world, "E-01")
    approved = _project(world, "E-02")
    _project(world, "E-03", field="新材料")  # not a listed field
    _committee()
    _approve(approved)
    board = client_for("bureau").get("/projects/security/").content.decode()
    listed = board.split('data-testid="ethics-missing"')[1].split("</table>")[0]
    assert waiting.code in listed and approved.code not in listed and "E-03" not in listed
    page = client_for("bureau").get("/projects/ethics/committees/")
    assert page.status_code == 200
    body = page.content.decode()
    assert 'data-registration="AI-01" data-state="valid"' in body and waiting.code in body
    # a department sees the board but not the projects; an enterprise neither page
    assert (
        'data-testid="ethics-missing"'
        not in client_for("reporter").get("/projects/security/").content.decode()
    )
    assert client_for("reporter").get("/projects/ethics/committees/").status_code == 403
    assert client_for("enterprise").get("/projects/ethics/committees/").status_code == 403


def test_the_migration_turns_free_text_approvals_into_committees(world):
    project = _project(world, "E-01", field="生命科学")
    other = _project(world, "E-02", field="医学与健康")
    for p, number in ((project, "YL-1"), (other, "YL-2")):
        EthicsApproval.objects.create(project=p, committee="广东医科大学医学伦理委员会", committee_registration="GDYK-07",
                                      number=number, approved_on=START)  # fmt: skip
    migration = importlib.import_module("kechuang.projects.migrations.0007_ethics_committees_from_approvals")
    migration.forwards(django_apps, None)
    committee = EthicsCommittee.objects.get()
    assert (committee.name, committee.registration) == ("广东医科大学医学伦理委员会", "GDYK-07")
    assert sorted(committee.fields) == sorted(["生命科学", "医学与健康"]) and committee.valid_until is None
    assert set(committee.approvals.values_list("number", flat=True)) == {"YL-1", "YL-2"}
    # its validity is unknown until the bureau records it: a new approval naming it is refused
    third = _project(world, "E-03", field="生命科学")
    with pytest.raises(services.ProjectError, match="备案有效期未登记"):
        services.add_ethics_approval(third, "广东医科大学医学伦理委员会", "GDYK-07", "YL-3", START)
