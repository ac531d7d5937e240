"""The task board, a task's page, progress reports and the department scorecard, as the personas use them."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kechuang.plans import asof
from kechuang.plans.models import Milestone, Task, TaskReport
from kechuang.plans.tasks import services as task_service
from tests.personas import PERSONAS

READERS = {"admin", "bureau", "reporter", "songshanhu", "humen", "leader"}
PAGES = [
    ("/plans/tasks/", READERS),
    ("/plans/tasks/?view=department", READERS),
    ("/plans/tasks/T2.1.1/", READERS),
    ("/plans/departments/", READERS),
]
OWN_TASK = "T3.1.2"  # led by 市科技局, 统计局 co-leads it
OTHER_TASK = "T2.1.1"  # 市科技局 with 发改、财政: nothing to do with 统计局


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def report(client, code, **data):
    post = {"percent": 30, "text": "已完成调研"}
    post.update(data)
    return client.post(f"/plans/tasks/{code}/report/", post)


# ---------------------------------------------------------------- who may open what


@pytest.mark.parametrize(("url", "allowed"), PAGES)
@pytest.mark.parametrize("persona", sorted(PERSONAS))
def test_page_access(plan, client_for, persona, url, allowed):
    response = client_for(persona).get(url)
    assert response.status_code == (200 if persona in allowed else 403), f"{persona} → {url}"
    if response.status_code == 200:
        assert "示例分工" in response.content.decode()


@pytest.mark.parametrize(("url", "_allowed"), PAGES)
def test_outsider_is_sent_to_login(plan, client_for, url, _allowed):
    response = client_for("outsider").get(url)
    assert response.status_code == 302 and response["Location"].startswith("/login/")


@pytest.mark.parametrize("persona", sorted(PERSONAS))
def test_who_may_report_on_a_task_of_another_department(plan, client_for, persona):
    response = client_for(persona).get(f"/plans/tasks/{OTHER_TASK}/report/")
    expected = 200 if persona in {"admin", "bureau"} else (403 if persona != "outsider" else 302)
    assert response.status_code == expected


# ---------------------------------------------------------------- the board


def test_board_by_chapter_and_by_department(plan, client_for):
    client = client_for("bureau")
    html = client.get("/plans/tasks/").content.decode()
    assert "第二章 强化高质量科技供给" in html and "加快重大科技基础设施建设" in html
    assert "市科技局" in html and "2030-12-31" in html
    board = client.get("/plans/tasks/?view=department").context["board"]
    assert board.groups[0][0] == "市科技局"
    assert sum(len(rows) for _, rows in board.groups) == Task.objects.filter(plan=plan, active=True).count()


def test_board_filters(plan, client_for):
    client = client_for("reporter")
    rows = client.get("/plans/tasks/", {"department": "tjj"}).context["board"].rows
    assert {r.task.code for r in rows} == {"T3.1.2", "T3.1.5", "T3.5.1", "T6.6.1"}
    assert {r.role for r in rows} == {"co"}
    html = client.get("/plans/tasks/", {"department": "tjj"}).content.decode()
    assert html.count('data-testid="filtered-department">市统计局<') == 4
    rows = client.get("/plans/tasks/", {"chapter": "2"}).context["board"].rows
    assert rows and {r.task.chapter for r in rows} == {2}
    Task.objects.filter(code="T2.1.2").update(due=date(2020, 1, 1))
    rows = client.get("/plans/tasks/", {"status": "overdue"}).context["board"].rows
    assert [r.task.code for r in rows] == ["T2.1.2"] and rows[0].warning == "red"
    assert "逾期" in client.get("/plans/tasks/", {"status": "overdue"}).content.decode()


def test_board_statuses_follow_the_engine(plan, client_for):
    Milestone.objects.filter(task__code="T2.1.3", seq=1).update(due=date(2021, 6, 30))
    Task.objects.filter(code="T2.1.1").update(completed=True)
    rows = {r.task.code: r for r in client_for("leader").get("/plans/tasks/").context["board"].rows}
    assert (rows["T2.1.3"].status, rows["T2.1.3"].warning, rows["T2.1.3"].status_label) == (
        "milestone_late",
        "yellow",
        "节点滞后",
    )
    assert rows["T2.1.1"].status_label == "已完成"


def test_board_as_of_date(plan, client_for):
    rows = client_for("bureau").get("/plans/tasks/", {"as_of": "2031-01-31"}).context["board"].rows
    assert {r.status for r in rows} == {"overdue"}


def test_board_query_count_does_not_grow_with_reports(plan, client_for, personas):
    client = client_for("bureau")
    client.get("/plans/tasks/")  # warm caches (content types, sessions)
    with CaptureQueriesContext(connection) as before:
        assert client.get("/plans/tasks/").status_code == 200
    for task in Task.objects.filter(plan=plan)[:30]:
        for pct in (10, 40):
            TaskReport.objects.create(
                task=task,
                department=task.lead_department,
                percent=pct,
                text="x",
                submitted_by=personas["bureau"],
            )
        task.milestones.update(done=True)
    with CaptureQueriesContext(connection) as after:
        response = client.get("/plans/tasks/?view=department")
    assert len(after) == len(before) <= 15, [q["sql"] for q in after.captured_queries]
    rows = {r.task.code: r for r in response.context["board"].rows}
    assert rows["T2.1.1"].percent == 40  # the latest report, not the largest


# ---------------------------------------------------------------- reports


def test_reporter_reports_on_own_task(plan, client_for, personas):
    client = client_for("reporter")
    page = client.get(f"/plans/tasks/{OWN_TASK}/").content.decode()
    assert 'data-testid="report-form"' in page
    response = report(client, OWN_TASK, department="tjj", percent=40, text="统计口径已确定")
    assert response.status_code == 302
    saved = TaskReport.objects.get(task__code=OWN_TASK)
    assert (saved.department, saved.percent, saved.submitted_by) == ("tjj", 40, personas["reporter"])
    html = client.get(f"/plans/tasks/{OWN_TASK}/").content.decode()
    assert "统计口径已确定" in html and "40%" in html


def test_reporter_gets_403_on_another_departments_task(plan, client_for):
    client = client_for("reporter")
    page = client.get(f"/plans/tasks/{OTHER_TASK}/").content.decode()
    assert 'data-testid="report-form"' not in page and 'data-testid="report-not-allowed"' in page
    assert report(client, OTHER_TASK, department="kjj").status_code == 403
    assert report(client, OTHER_TASK, department="tjj").status_code == 403
    assert not TaskReport.objects.filter(task__code=OTHER_TASK).exists()


def test_reporter_cannot_report_for_the_lead_department(plan, client_for):
    response = report(client_for("reporter"), OWN_TASK, department="kjj", percent=100)
    assert response.status_code == 200 and "有效的选项" in response.content.decode()
    assert not TaskReport.objects.filter(task__code=OWN_TASK).exists()
    assert not Task.objects.get(code=OWN_TASK).completed


def test_report_marks_milestones_done(plan, client_for):
    client = client_for("reporter")
    assert report(client, OWN_TASK, department="tjj", milestones=["1"]).status_code == 302
    done = dict(Task.objects.get(code=OWN_TASK).milestones.values_list("seq", "done"))
    assert done[1] is True and not any(v for k, v in done.items() if k != 1)
    assert TaskReport.objects.get(task__code=OWN_TASK).milestones_done == "1"
    html = client.get(f"/plans/tasks/{OWN_TASK}/").content.decode()
    assert 'data-done="1"' in html


def test_hundred_percent_from_a_co_department_does_not_complete(plan, client_for):
    report(client_for("reporter"), OWN_TASK, department="tjj", percent=100)
    assert not Task.objects.get(code=OWN_TASK).completed


def test_hundred_percent_from_the_lead_department_completes(plan, client_for):
    client = client_for("bureau")  # 市科技局 leads the task
    response = report(client, OWN_TASK, department="kjj", percent=100, text="全部完成")
    assert response.status_code == 302
    assert Task.objects.get(code=OWN_TASK).completed
    rows = {r.task.code: r for r in client.get("/plans/tasks/").context["board"].rows}
    assert rows[OWN_TASK].status == "completed" and rows[OWN_TASK].status_label == "已完成"


@pytest.mark.parametrize(
    ("data", "message"),
    [({"percent": 101}, "0–100"), ({"text": ""}, "请填写进展情况"), ({"percent": ""}, "请填写")],
)
def test_report_errors_are_chinese(plan, client_for, data, message):
    response = report(client_for("reporter"), OWN_TASK, department="tjj", **data)
    assert response.status_code == 200 and message in response.content.decode()
    assert not TaskReport.objects.exists()


def test_evidence_upload_is_stored_and_served_to_readers(plan, client_for, media):
    evidence = SimpleUploadedFile("进展佐证.pdf", b"%PDF-1.4 evidence", content_type="application/pdf")
    response = report(client_for("reporter"), OWN_TASK, department="tjj", evidence=evidence)
    assert response.status_code == 302
    saved = TaskReport.objects.get(task__code=OWN_TASK)
    assert saved.evidence.name.startswith("task-evidence/") and saved.evidence.name.endswith(".pdf")
    assert (media / saved.evidence.name).read_bytes() == b"%PDF-1.4 evidence"
    html = client_for("bureau").get(f"/plans/tasks/{OWN_TASK}/").content.decode()
    assert f"/plans/task-reports/{saved.pk}/evidence/" in html
    download = client_for("leader").get(f"/plans/task-reports/{saved.pk}/evidence/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"%PDF-1.4 evidence"
    assert client_for("bank").get(f"/plans/task-reports/{saved.pk}/evidence/").status_code == 403
    assert client_for("outsider").get(f"/plans/task-reports/{saved.pk}/evidence/").status_code == 302


def test_evidence_of_an_unsupported_type_is_refused(plan, client_for, media):
    evidence = SimpleUploadedFile("run.exe", b"MZ")
    response = report(client_for("reporter"), OWN_TASK, department="tjj", evidence=evidence)
    assert response.status_code == 200 and "不支持的文件类型" in response.content.decode()
    assert not TaskReport.objects.exists()


def test_too_large_evidence_is_refused(plan, client_for, media, settings):
    settings.MAX_UPLOAD_MB = 0
    evidence = SimpleUploadedFile("big.pdf", b"%PDF" * 100)
    response = report(client_for("reporter"), OWN_TASK, department="tjj", evidence=evidence)
    assert response.status_code == 200 and "超过上传大小上限" in response.content.decode()
    assert not TaskReport.objects.exists()


# ---------------------------------------------------------------- the scorecard


def test_scorecard_counts(plan, client_for, personas):
    today = date.today()
    fgj_tasks = list(Task.objects.filter(plan=plan, lead_department="fgj").order_by("id"))
    Task.objects.filter(pk=fgj_tasks[0].pk).update(due=today - timedelta(days=10))  # overdue
    Task.objects.filter(pk=fgj_tasks[1].pk).update(completed=True)
    Milestone.objects.filter(task__lead_department="fgj").update(due=today + timedelta(days=400), done=False)
    late = Milestone.objects.filter(task=fgj_tasks[2]).order_by("seq").first()
    Milestone.objects.filter(pk=late.pk).update(due=today - timedelta(days=5))
    TaskReport.objects.create(
        task=fgj_tasks[2], department="fgj", percent=60, text="x", submitted_by=personas["bureau"]
    )
    Task.objects.filter(lead_department="fgj").exclude(pk=fgj_tasks[0].pk).update(
        due=today + timedelta(days=400)
    )
    # the default year (2024, the latest official data), tasks judged today
    when = dataclasses.replace(asof.resolve(plan), task_date=today)
    rows, year = task_service.scorecard(personas["bureau"], plan, when)
    fgj = next(r for r in rows if r["code"] == "fgj")
    assert fgj["led"] == len(fgj_tasks)
    assert fgj["co_led"] == Task.objects.filter(plan=plan, co_departments__department="fgj").count()
    assert (fgj["completed"], fgj["overdue"], fgj["milestones_late"]) == (1, 1, 1)
    assert fgj["avg_percent"] == pytest.approx(60 / len(fgj_tasks))
    tjj = next(r for r in rows if r["code"] == "tjj")
    assert tjj["led"] == 0 and tjj["co_led"] == 4
    assert [i["indicator"].code for i in tjj["indicators"]] == ["rd_intensity", "hightech_mfg_share"]
    assert all(i["warning"] in {"green", "yellow", "red", "grey"} for i in tjj["indicators"])
    assert year == 2024
    html = client_for("reporter").get("/plans/departments/").content.decode()
    assert 'data-department="fgj"' in html and "全社会研发投入强度" in html and "市统计局" in html


# ---------------------------------------------------------------- progress: one definition


def test_progress_is_the_latest_report_on_the_board_the_task_page_the_scorecard_and_the_report(
    plan, client_for, personas
):
    """80% reported in March, 60% in June (a correction), and 90% entered later but dated January: the
    task's progress is 60% everywhere — the latest by report date, then id — not the maximum."""
    from datetime import datetime

    from django.utils import timezone

    from kechuang.plans.report.build import build_report
    from kechuang.plans.services import task_frames

    task = Task.objects.get(plan=plan, code=OWN_TASK)
    for percent, month in [(80, 3), (60, 6), (90, 1)]:
        r = TaskReport.objects.create(
            task=task, department="kjj", percent=percent, text="进展", submitted_by=personas["bureau"]
        )
        moment = timezone.make_aware(datetime(2026, month, 1, 9, 0))
        TaskReport.objects.filter(pk=r.pk).update(submitted_at=moment)

    assert Task.objects.with_progress().get(pk=task.pk).progress == 60
    client = client_for("bureau")
    board = client.get("/plans/tasks/").context["board"]
    assert next(r for r in board.rows if r.task.code == OWN_TASK).percent == 60
    assert client.get(f"/plans/tasks/{OWN_TASK}/").context["page"].row.percent == 60
    report = build_report(plan, 2026, today=date(2026, 11, 27))
    assert next(t for t in report.tasks if t.code == OWN_TASK).percent == 60
    frame = task_frames(plan)[0]
    assert frame.filter(code=OWN_TASK)["percent"].to_list() == [60.0]
    rows, _year = task_service.scorecard(personas["bureau"], plan)
    kjj = next(r for r in rows if r["code"] == "kjj")
    led = Task.objects.filter(plan=plan, active=True, lead_department="kjj").count()
    assert kjj["avg_percent"] == pytest.approx(60 / led)


def test_of_two_reports_at_the_same_moment_the_later_id_is_the_latest(plan, personas):
    task = Task.objects.get(plan=plan, code=OWN_TASK)
    first = TaskReport.objects.create(
        task=task, department="kjj", percent=70, text="a", submitted_by=personas["bureau"]
    )
    second = TaskReport.objects.create(
        task=task, department="tjj", percent=20, text="b", submitted_by=personas["bureau"]
    )
    TaskReport.objects.filter(pk__in=[first.pk, second.pk]).update(submitted_at=first.submitted_at)
    assert Task.objects.with_progress().get(pk=task.pk).progress == 20


def test_a_tasks_days_overdue_read_as_english_does():
    """The task badge says "1 day overdue" and "2 days overdue" to an English reader (issue 9 §5)."""
    from django.template.loader import render_to_string
    from django.utils.translation import override

    def badge(days: int, language: str) -> str:
        row = {"warning": "red", "status": "overdue", "status_label": "逾期未完成", "overdue_days": days}
        with override(language):
            return render_to_string("plans/tasks_status.html", {"row": row})

    assert "1 day overdue" in badge(1, "en") and "1 days" not in badge(1, "en")
    assert "2 days overdue" in badge(2, "en")
    assert "逾期 1 天" in badge(1, "zh-hans") and "逾期 2 天" in badge(2, "zh-hans")


def test_a_tasks_late_milestones_read_as_english_does():
    """The badge's title says "1 milestone late" and "2 milestones late" to an English reader (issue 9 §5)."""
    from django.template.loader import render_to_string
    from django.utils.translation import override

    def badge(late: int, language: str) -> str:
        row = {
            "warning": "yellow",
            "status": "milestone_late",
            "status_label": "节点滞后",
            "late_milestones": late,
        }
        with override(language):
            return render_to_string("plans/tasks_status.html", {"row": row})

    assert 'title="1 milestone late"' in badge(1, "en")
    assert 'title="2 milestones late"' in badge(2, "en")
    assert 'title="1 个节点滞后"' in badge(1, "zh-hans") and 'title="2 个节点滞后"' in badge(2, "zh-hans")
