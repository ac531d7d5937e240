"""The funding decision is all or nothing and waits for the call to stop collecting: a failure half
way leaves every application and the call as they were; a call still 征集中 before its deadline is
refused alike on the page, the API and the service, naming the deadline, and nothing is written."""

from __future__ import annotations

import datetime as dt

import pytest

from kechuang.projects import services
from kechuang.projects.models import Application, Assignment, Project
from tests.projects.conftest import apply
from tests.projects.test_projects_api_running import detail, post

pytestmark = pytest.mark.django_db


@pytest.fixture
def scored(world):
    apps = [apply(world.call, world.strong, n, requested=r) for n, r in ((1, 400), (2, 300))]
    for application, score in zip(apps, (85, 80), strict=True):
        for expert in world.experts[:3]:
            Assignment.objects.create(expert=expert, application=application, score=score)
    return apps


def test_a_decision_failing_half_way_writes_nothing(world, scored, monkeypatch):
    opened = []
    real = services.open_project

    def open_then_fail(application, start, **kw):
        if opened:
            raise RuntimeError("磁盘已满")
        opened.append(application.code)
        return real(application, start, **kw)

    monkeypatch.setattr(services, "open_project", open_then_fail)
    with pytest.raises(RuntimeError):
        services.decide(world.call, start=dt.date(2026, 6, 1))
    assert opened == ["T-01-SQ001"]  # the first project had been opened
    assert not Project.objects.exists()
    assert set(Application.objects.values_list("status", flat=True)) == {"submitted"}
    assert set(Application.objects.values_list("rank", flat=True)) == {None}
    world.call.refresh_from_db()
    assert world.call.status == "open"
    monkeypatch.undo()
    services.decide(world.call, start=dt.date(2026, 6, 1))  # and it can be decided afterwards
    assert Project.objects.count() == 2


def test_a_decision_reads_the_status_under_lock_not_a_stale_copy(world, scored):
    stale = type(world.call).objects.get(pk=world.call.pk)
    services.decide(world.call, start=dt.date(2026, 6, 1))
    with pytest.raises(services.ProjectError, match="指南 T-01 已立项"):
        services.decide(stale)  # a second officer's copy read before the first decision
    assert Project.objects.count() == 2


OPEN = "指南 T-01 仍在征集中（2099-12-31 截止申报），截止或停止征集后才能确定资助"


@pytest.fixture
def collecting(world, scored):
    world.call.closes_on = dt.date(2099, 12, 31)
    world.call.save()
    return world.call


def test_the_service_refuses_to_decide_a_call_still_collecting(collecting):
    with pytest.raises(services.ProjectError) as refused:
        services.decide(collecting, today=dt.date(2099, 12, 31))
    assert str(refused.value) == OPEN
    assert not Project.objects.exists()
    services.decide(collecting, today=dt.date(2100, 1, 1))  # the day after its deadline it may
    assert Project.objects.count() == 2


def test_the_api_refuses_to_decide_a_call_still_collecting(collecting, client_for):
    response = post(client_for("bureau"), "calls/decide", {"call": collecting.code})
    assert response.status_code == 400 and detail(response) == OPEN
    collecting.refresh_from_db()
    assert collecting.status == "open" and not Project.objects.exists()
    assert set(Application.objects.values_list("status", flat=True)) == {"submitted"}


def test_the_page_refuses_to_decide_a_call_still_collecting_then_decides_once_closed(collecting, client_for):
    bureau = client_for("bureau")
    url = f"/projects/calls/{collecting.pk}/decide/"
    page = bureau.post(url, {"action": "decide"}, follow=True)
    assert page.status_code == 200 and OPEN in page.content.decode()
    collecting.refresh_from_db()
    assert collecting.status == "open" and not Project.objects.exists()
    bureau.post(url, {"action": "close"})  # 停止征集: now it may be decided
    page = bureau.post(url, {"action": "decide"}, follow=True).content.decode()
    assert "已按排名确定资助：2 项" in page
    collecting.refresh_from_db()
    assert collecting.status == "decided" and Project.objects.count() == 2


def test_the_call_page_tells_the_officer_a_collecting_call_may_be_decided_after_its_deadline(
    world, scored, client_for
):
    """The call is still 征集中 but its deadline (2026-03-31) has passed: the decide form says it may be
    decided without stopping collection first, and deciding from the page does it."""
    page = client_for("bureau").get(f"/projects/calls/{world.call.pk}/").content.decode()
    note = page.split('data-testid="decide-note"')[1].split("</p>")[0]
    assert "截止申报日期（2026-03-31）过后即可按排名确定资助，无须先停止征集" in note
    english = client_for("bureau").get(f"/projects/calls/{world.call.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    assert (
        "may be decided by the ranking once its deadline (2026-03-31) has passed" in english.content.decode()
    )
    assert (
        'data-testid="decide-note"'
        not in client_for("enterprise").get(f"/projects/calls/{world.call.pk}/").content.decode()
    )
    done = client_for("bureau").post(
        f"/projects/calls/{world.call.pk}/decide/", {"action": "decide"}, follow=True
    )
    assert "已按排名确定资助：2 项" in done.content.decode()
    world.call.refresh_from_db()
    assert world.call.status == "decided"
    after = client_for("bureau").get(f"/projects/calls/{world.call.pk}/").content.decode()
    assert 'data-testid="decide-note"' not in after
