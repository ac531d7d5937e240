"""The bureau registers and edits ethics committees on /projects/ethics/committees/ (access: the
programme officers, who also record approvals), audited, refused in Chinese naming the field; and an
approval from a committee whose validity is unknown (有效期待补录, made from earlier approvals by
migration 0007) does not count for releasing funds until the validity is filled (docs/decisions/0031)."""

from __future__ import annotations

import datetime as dt

import pytest

from kechuang.audit.models import ObjectChange
from kechuang.projects import services
from kechuang.projects.models import EthicsApproval, EthicsCommittee
from tests.projects.test_projects_ethics import _project

pytestmark = pytest.mark.django_db
NEW = {
    "name": "松山湖人工智能科技伦理委员会",
    "registration": "SSL-AIEC-2026-01",
    "institution": "松山湖材料实验室",
    "fields": ["人工智能"],
    "valid_until": "2029-06-30",
}


def test_the_officer_registers_a_committee_and_it_is_audited(client_for):
    bureau = client_for("bureau")
    page = bureau.get("/projects/ethics/committees/").content.decode()
    assert 'data-testid="committee-new"' in page
    response = bureau.post("/projects/ethics/committees/new/", NEW)
    assert response.status_code == 302
    committee = EthicsCommittee.objects.get(registration="SSL-AIEC-2026-01")
    assert (committee.fields, committee.valid_until) == (["人工智能"], dt.date(2029, 6, 30))
    assert ObjectChange.objects.filter(
        object_type="projects.ethicscommittee", object_id=str(committee.pk), action="create"
    ).exists()
    listed = bureau.get("/projects/ethics/committees/").content.decode()
    assert 'data-registration="SSL-AIEC-2026-01" data-state="valid"' in listed


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"valid_until": ""}, "请填写备案有效期至"),
        ({"fields": []}, "请填写可审查领域"),
        ({"registration": " "}, "请填写备案号"),
        ({"valid_until": "2200-01-01"}, "备案有效期应在 2000–2100 年之间"),
    ],
)
def test_a_bad_committee_is_refused_in_chinese_and_nothing_is_written(client_for, change, message):
    response = client_for("bureau").post("/projects/ethics/committees/new/", {**NEW, **change})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not EthicsCommittee.objects.exists()


def test_only_the_bureau_may_register_or_edit(client_for):
    committee = EthicsCommittee.objects.create(name="甲委员会", registration="A-1", fields=["人工智能"])
    for persona in ("enterprise", "university", "leader", "songshanhu"):
        client = client_for(persona)
        assert client.post("/projects/ethics/committees/new/", NEW).status_code == 403, persona
        edit = client.post(f"/projects/ethics/committees/{committee.pk}/edit/", NEW)
        assert edit.status_code == 403, persona
    assert EthicsCommittee.objects.count() == 1
    assert "committee-new" not in client_for("leader").get("/projects/ethics/committees/").content.decode()


def test_a_registration_with_approvals_cannot_be_renamed(world, client_for):
    project = _project(world)
    committee = EthicsCommittee.objects.create(
        name="东莞市人工智能伦理委员会",
        registration="AI-01",
        fields=["人工智能"],
        valid_until=dt.date(2027, 1, 1),
    )
    services.add_ethics_approval(project, committee.name, "AI-01", "EC-1", dt.date(2026, 6, 10))
    response = client_for("bureau").post(
        f"/projects/ethics/committees/{committee.pk}/edit/", {**NEW, "registration": "AI-02"}
    )
    assert response.status_code == 200
    assert "该委员会已出具伦理审查批准，备案号「AI-01」不能修改" in response.content.decode()
    committee.refresh_from_db()
    assert committee.registration == "AI-01"


def _legacy(project):
    """An approval as migration 0007 left it: its committee made from the free text, validity unknown."""
    committee = EthicsCommittee.objects.create(
        name="东莞市人工智能伦理委员会", registration="OLD-AI-01", fields=["人工智能"]
    )
    return EthicsApproval.objects.create(
        project=project, registered_committee=committee, committee=committee.name,
        committee_registration="OLD-AI-01", number="EC-2025-09", approved_on=dt.date(2026, 6, 5),
    )  # fmt: skip


def test_an_approval_from_a_committee_of_unknown_validity_holds_the_funds_until_it_is_filled(
    world, client_for
):
    project = _project(world)
    approval = _legacy(project)
    first = project.tranches.order_by("number").first()
    (reason,) = services.release_blockers(first)
    assert reason == (
        "伦理审查批件 EC-2025-09 的出具单位「东莞市人工智能伦理委员会」备案有效期待补录，补录前该批准不计入拨付条件"
    )
    with pytest.raises(services.ProjectError, match="不能拨付：伦理审查批件 EC-2025-09"):
        services.release(first)
    assert services.computed_values()["ethics_missing"].value == 1.0
    bureau = client_for("bureau")
    registry = bureau.get("/projects/ethics/committees/").content.decode()
    missing = registry.split('data-testid="ethics-missing"')[1].split("</table>")[0]
    assert project.code in missing
    pending = registry.split('data-testid="ethics-pending"')[1].split("</ul>")[0]
    assert (
        "EC-2025-09" in pending
        and f"/projects/ethics/committees/{approval.registered_committee_id}/edit/" in (pending)
    )
    board = bureau.get("/projects/security/").content.decode()
    assert project.code in board.split('data-testid="ethics-missing"')[1].split("</table>")[0]
    assert 'data-testid="ethics-pending"' in board
    # the officer fills the validity: the approval counts, the funds may go, the lists are clear
    committee = approval.registered_committee
    form = bureau.get(f"/projects/ethics/committees/{committee.pk}/edit/").content.decode()
    assert 'data-testid="validity-unknown"' in form
    filled = {**NEW, "name": committee.name, "registration": "OLD-AI-01", "valid_until": "2028-12-31"}
    assert bureau.post(f"/projects/ethics/committees/{committee.pk}/edit/", filled).status_code == 302
    committee.refresh_from_db()
    assert committee.valid_until == dt.date(2028, 12, 31)
    assert services.release_blockers(first) == []
    assert services.computed_values()["ethics_missing"].value == 0.0
    after = bureau.get("/projects/ethics/committees/").content.decode()
    assert 'data-testid="ethics-pending"' not in after
    assert project.code not in after.split('data-testid="ethics-missing"')[1].split("</table>")[0]


def test_the_committee_pages_read_in_english(world, client_for):
    from tests.foundation.test_english_pages import CJK, english_text

    project = _project(world)
    approval = _legacy(project)
    bureau = client_for("bureau")
    registry = bureau.get("/projects/ethics/committees/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    for part in ('data-testid="committees"', 'data-testid="ethics-pending"'):
        section = registry.split(part)[1].split("</table>")[0].split("</ul>")[0]
        assert CJK.findall(english_text(f"<div {section}")) == [], part
    pages = [
        "/projects/ethics/committees/new/",
        f"/projects/ethics/committees/{approval.registered_committee_id}/edit/",
    ]
    for url in pages:
        page = bureau.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert CJK.findall(english_text(page)) == [], url
    refused = bureau.post(
        "/projects/ethics/committees/new/", {**NEW, "valid_until": ""}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert CJK.findall(english_text(refused.content.decode())) == []


def test_a_validity_filled_that_ended_before_the_approval_still_holds_the_funds(world, client_for):
    # The registration must have been valid on the approval's date, whenever the date is filled in.
    project = _project(world)
    approval = _legacy(project)  # approved 2026-06-05
    first = project.tranches.order_by("number").first()
    committee = approval.registered_committee
    bureau = client_for("bureau")
    expired = {**NEW, "name": committee.name, "registration": "OLD-AI-01", "valid_until": "2025-12-31"}
    assert bureau.post(f"/projects/ethics/committees/{committee.pk}/edit/", expired).status_code == 302
    (reason,) = services.release_blockers(first)
    assert reason == (
        "伦理审查批件 EC-2025-09 的出具单位「东莞市人工智能伦理委员会」备案有效期至 2025-12-31，"
        "批准日期 2026-06-05 时已失效，该批准不计入拨付条件"
    )
    with pytest.raises(services.ProjectError, match="已失效"):
        services.release(first)
    assert first.released_on is None
    registry = bureau.get("/projects/ethics/committees/").content.decode()
    assert project.code in registry.split('data-testid="ethics-missing"')[1].split("</table>")[0]
    assert 'data-testid="ethics-pending"' not in registry  # not waiting for a date: it needs a new approval
    # the same day is still valid
    valid = {**expired, "valid_until": "2026-06-05"}
    assert bureau.post(f"/projects/ethics/committees/{committee.pk}/edit/", valid).status_code == 302
    assert services.release_blockers(first) == []


def test_a_field_an_approval_relies_on_cannot_be_dropped(world, client_for):
    project = _project(world)  # a 人工智能 project
    approval = _legacy(project)
    committee = approval.registered_committee
    dropped = {**NEW, "name": committee.name, "registration": "OLD-AI-01", "fields": ["生命科学"]}
    response = client_for("bureau").post(f"/projects/ethics/committees/{committee.pk}/edit/", dropped)
    assert response.status_code == 200
    assert (
        f"项目「{project.code}」的伦理审查批件 EC-2025-09 依据本委员会对「人工智能」领域的审查资格，不能去掉该领域"
        in response.content.decode()
    )
    committee.refresh_from_db()
    assert committee.fields == ["人工智能"] and committee.valid_until is None
