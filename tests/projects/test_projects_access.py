"""Who sees which applications and projects: the applicant its own, an expert those assigned, towns
their own region, the bureau all — through kechuang.access, on the pages and the API."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from kechuang import access
from kechuang.projects import services
from kechuang.projects.models import Application, Assignment, Project
from tests.projects.conftest import apply

pytestmark = pytest.mark.django_db


@pytest.fixture
def two(world):
    """An application of the enterprise persona (松山湖) and one of another enterprise (虎门), both
    funded; expert1 is assigned only to the second."""
    mine = apply(world.call, world.strong, 1, requested=300)
    other = apply(world.call, world.weak, 2, requested=300)
    other.status = "submitted"  # reviewed on the bureau's decision
    other.save()
    Assignment.objects.create(expert=world.experts[0], application=other)
    for a in (mine, other):
        a.granted = a.requested
        a.save()
        services.open_project(a, dt.date(2026, 6, 1))
    return mine, other


def codes(user, resource, model):
    return set(access.visible(user, resource, model.objects.all()).values_list("code", flat=True))


def test_each_role_sees_its_own_applications(personas, world, two):
    mine, other = two
    both = {mine.code, other.code}
    assert codes(personas["bureau"], "project_application", Application) == both
    assert codes(personas["enterprise"], "project_application", Application) == {mine.code}
    assert codes(personas["songshanhu"], "project_application", Application) == {mine.code}
    assert codes(personas["humen"], "project_application", Application) == {other.code}
    assert codes(world.experts[0], "project_application", Application) == {other.code}
    assert codes(world.experts[1], "project_application", Application) == set()
    assert codes(personas["university"], "project_application", Application) == set()
    assert codes(personas["bank"], "project_application", Application) == set()


def test_a_consortium_member_sees_the_application_it_is_part_of(personas, world):
    joint = apply(world.call, world.strong, 3, members=[world.university])
    assert codes(personas["university"], "project_application", Application) == {joint.code}


def test_projects_are_seen_by_their_holder_their_town_and_the_bureau(personas, world, two):
    mine, other = two
    assert codes(personas["enterprise"], "major_project", Project) == {mine.project.code}
    assert codes(personas["humen"], "major_project", Project) == {other.project.code}
    assert len(codes(personas["leader"], "major_project", Project)) == 2
    assert codes(world.experts[0], "major_project", Project) == set()


def test_pages_answer_by_scope(client_for, world, two):
    mine, other = two
    enterprise = client_for("enterprise")
    assert enterprise.get(f"/projects/applications/{mine.pk}/").status_code == 200
    assert enterprise.get(f"/projects/applications/{other.pk}/").status_code == 404
    listing = enterprise.get("/projects/applications/").content.decode()
    assert mine.code in listing and other.code not in listing
    assert enterprise.get(f"/projects/list/{other.project.pk}/").status_code == 404
    assert client_for("bank").get("/projects/applications/").status_code == 403
    expert = Client()
    expert.force_login(world.experts[0])
    assert expert.get(f"/projects/applications/{other.pk}/").status_code == 200
    assert expert.get(f"/projects/applications/{mine.pk}/").status_code == 404
    assert expert.get("/projects/list/").status_code == 403
    bureau = client_for("bureau")
    page = bureau.get(f"/projects/calls/{world.call.pk}/").content.decode()
    assert "评审排序与资助线" in page and "按排名确定资助" in page


def test_the_api_answers_by_scope(client_for, world, two):
    mine, other = two
    rows = client_for("enterprise").get("/api/projects/applications").json()
    assert [r["code"] for r in rows] == [mine.code]
    eligibility = client_for("enterprise").get(f"/api/projects/calls/{world.call.code}/eligibility").json()
    assert eligibility["eligible"] == "yes" and eligibility["label"] == "符合"
    assert client_for("enterprise").get(f"/api/projects/calls/{world.call.code}/ranking").status_code == 403
    ranking = client_for("bureau").get(f"/api/projects/calls/{world.call.code}/ranking").json()
    assert {r["application"] for r in ranking} == {mine.code, other.code}


def test_an_applicant_applies_sees_its_eligibility_and_submits(client_for, world):
    enterprise = client_for("enterprise")
    page = enterprise.get(f"/projects/calls/{world.call.pk}/").content.decode()
    assert "本单位资格" in page and "符合" in page
    response = enterprise.post(
        f"/projects/calls/{world.call.pk}/apply/",
        {"title": "联合攻关", "requested": "200", "summary": "摘要", "members": "univ_dgut, nowhere"},
    )
    assert response.status_code == 200 and "找不到机构代码：nowhere" in response.content.decode()
    assert not Application.objects.exists()  # nothing written
    response = enterprise.post(
        f"/projects/calls/{world.call.pk}/apply/",
        {"title": "联合攻关", "requested": "200", "summary": "摘要", "members": "univ_dgut"},
    )
    application = Application.objects.get()
    assert response.status_code == 302 and application.consortium and application.status == "draft"
    assert application.members.get().org.code == "univ_dgut"
    world.call.closes_on = dt.date(2099, 1, 1)
    world.call.save()
    enterprise.post(f"/projects/applications/{application.pk}/submit/")
    application.refresh_from_db()
    assert application.status == "submitted" and application.eligible == "yes"


def test_the_page_files_through_the_service_refusing_the_lead_as_member_and_keeping_the_attachment(
    client_for, world, settings, tmp_path
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path / "media"
    enterprise = client_for("enterprise")
    lead = world.strong.code
    form = {"title": "联合攻关", "requested": "200", "summary": "摘要"}
    response = enterprise.post(f"/projects/calls/{world.call.pk}/apply/", {**form, "members": lead})
    assert response.status_code == 200 and "牵头单位不能同时是联合体成员" in response.content.decode()
    assert not Application.objects.exists()
    upload = SimpleUploadedFile("申报书.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    response = enterprise.post(f"/projects/calls/{world.call.pk}/apply/", {**form, "attachment": upload})
    application = Application.objects.get()
    assert response.status_code == 302 and not application.consortium
    assert application.code == f"{world.call.code}-SQ001" and application.attachment.name.endswith(".pdf")


def test_an_expert_scores_or_declares_a_conflict_on_the_page(world, two):
    _mine, other = two
    assignment = Assignment.objects.get(application=other)
    expert = Client()
    expert.force_login(world.experts[0])
    response = expert.post(f"/projects/reviews/{assignment.pk}/",
                           {"item_0": 30, "item_1": 20, "item_2": 20, "item_3": 10, "comment": "可行"})  # fmt: skip
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.score == 80
    expert.post(f"/projects/reviews/{assignment.pk}/", {"action": "conflict", "reason": "曾合作"})
    assert other.conflicts.filter(expert=world.experts[0]).exists()
    someone_else = Client()
    someone_else.force_login(world.experts[1])
    assert someone_else.get(f"/projects/reviews/{assignment.pk}/").status_code == 404


def test_a_decided_call_is_not_decided_again(client_for, world, two):
    bureau = client_for("bureau")
    bureau.post(f"/projects/calls/{world.call.pk}/decide/", {"action": "decide"})
    world.call.refresh_from_db()
    assert world.call.status == "decided"
    page = bureau.post(f"/projects/calls/{world.call.pk}/decide/", {"action": "decide"}, follow=True)
    assert "该指南已立项，不能重新分配专家或确定资助" in page.content.decode()
    assert "按排名确定资助" not in bureau.get(f"/projects/calls/{world.call.pk}/").content.decode()


def test_an_english_expert_reads_one_application_and_two_applications_to_review(world, two):
    """The pending reviews count as English does (issue 9 §5); Chinese reads as before."""
    mine, _other = two
    expert = Client()
    expert.force_login(world.experts[0])
    assert "您有 1 项待评审的申报。" in expert.get("/projects/").content.decode()
    world.experts[0].language = "en"
    world.experts[0].save(update_fields=["language"])
    assert "You have 1 application to review." in expert.get("/projects/").content.decode()
    Assignment.objects.create(expert=world.experts[0], application=mine)
    assert "You have 2 applications to review." in expert.get("/projects/").content.decode()
