"""Names from data in English (issue 9 §5): the officer writes a call's English name, problem and
goals' English indicators; the applicant an application's English name (page and API); a funded
project and its milestones take them over; the API returns the *_en twins beside the Chinese, and
the stored vocabulary (negative-list flags, acceptance methods) in English too."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from kechuang.projects import services
from kechuang.projects.models import Application, Call, Project
from tests.projects.test_projects_calls_admin import FORM

pytestmark = pytest.mark.django_db

GOALS = [
    {"indicator": "耐弯折次数", "indicator_en": "Bending cycles", "target": 200000, "unit": "次",
     "unit_en": "cycles", "higher_is_better": True, "key": True},
]  # fmt: skip
ENGLISH = {**FORM, "title_en": "New display materials", "problem_en": "Flexible substrates break too soon",
           "goals": json.dumps(GOALS, ensure_ascii=False)}  # fmt: skip


def _post(client, path, body):
    return client.post(f"/api/projects/{path}", body, content_type="application/json")


def test_the_officer_writes_the_english_of_a_call_and_a_goal_with_bad_english_is_refused(client_for):
    bureau = client_for("bureau")
    bad = {**ENGLISH, "goals": json.dumps([{**GOALS[0], "indicator_en": 5}])}
    page = bureau.post("/projects/calls/new/", bad).content.decode()
    assert "考核指标的 indicator_en、unit_en 应为文字" in page and not Call.objects.exists()
    assert bureau.post("/projects/calls/new/", ENGLISH).status_code == 302
    call = Call.objects.get()
    assert (call.title_en, call.problem_en, call.goals[0]["indicator_en"]) == (
        "New display materials", "Flexible substrates break too soon", "Bending cycles",
    )  # fmt: skip
    (listed,) = bureau.get("/api/projects/calls").json()
    assert (listed["title"], listed["title_en"]) == ("新型显示材料攻关", "New display materials")
    page = bureau.get(f"/projects/calls/{call.pk}/").content.decode()
    assert "<td>耐弯折次数</td>" in page and "<td>次</td>" in page


def test_the_english_call_page_reads_the_call_in_english(client_for, personas):
    client_for("bureau").post("/projects/calls/new/", ENGLISH)
    call = Call.objects.get()
    personas["enterprise"].language = "en"
    personas["enterprise"].save(update_fields=["language"])
    page = client_for("enterprise").get(f"/projects/calls/{call.pk}/").content.decode()
    assert "<h1>New display materials <small" in page
    assert "<td>Bending cycles</td>" in page and "<td>cycles</td>" in page
    assert "Flexible substrates break too soon" in page


def test_an_application_with_its_english_name_on_the_page_and_through_the_api(client_for, world):
    world.call.opens_on, world.call.closes_on = dt.date(2020, 1, 1), dt.date(2099, 12, 31)
    world.call.save()
    enterprise = client_for("enterprise")
    form = {"title": "柔性基板", "title_en": "Flexible substrates", "requested": "100", "summary": ""}
    assert enterprise.post(f"/projects/calls/{world.call.pk}/apply/", form).status_code == 302
    assert Application.objects.get().title_en == "Flexible substrates"
    body = {"call": world.call.code, "title": "显示驱动", "title_en": "Display drivers\x00", "requested": 100}
    assert _post(enterprise, "applications", body).status_code == 422  # a NUL: refused, nothing written
    assert Application.objects.count() == 1
    response = _post(enterprise, "applications", {**body, "title_en": "Display drivers"})
    assert response.status_code == 201 and response.json()["title_en"] == "Display drivers"
    listed = {a["title"]: a["title_en"] for a in enterprise.get("/api/projects/applications").json()}
    assert listed == {"柔性基板": "Flexible substrates", "显示驱动": "Display drivers"}


def test_a_funded_project_and_its_milestones_take_the_english_names(client_for, world):
    world.call.goals = GOALS + [
        {"indicator": "良率", "target": 95, "unit": "%"}
    ]  # the second without English
    world.call.save()
    application = Application.objects.create(
        code="T-01-SQ001", call=world.call, title="柔性基板", title_en="Flexible substrates",
        applicant=world.strong, requested=100,
    )  # fmt: skip
    project = services.open_project(application, dt.date(2026, 6, 1))
    assert project.title_en == "Flexible substrates"
    assert list(project.milestones.values_list("title", "title_en")) == [
        ("耐弯折次数达标", "Bending cycles: target met"), ("良率达标", ""),
    ]  # fmt: skip
    (row,) = client_for("bureau").get("/api/projects/projects").json()
    assert (row["title"], row["title_en"]) == ("柔性基板", "Flexible substrates")
    holder = client_for("enterprise")
    out = _post(holder, "milestones/report", {"project": project.code, "number": 1, "value": 210000}).json()
    assert (out["title_en"], out["indicator"], out["indicator_en"]) == (
        "Bending cycles: target met", "耐弯折次数", "Bending cycles",
    )  # fmt: skip
    spent = _post(holder, "spending", {"project": project.code, "spent_on": "2026-07-01",
                                       "category": "materials", "description": "答谢宴请", "amount": 1}).json()  # fmt: skip
    assert (spent["reason"], spent["reason_en"]) == (
        "负面清单：招待、宴请与礼品", "Negative list: Hospitality, banquets and gifts",
    )  # fmt: skip
    results = [{"indicator": "耐弯折次数", "measured": 210000, "method": "第三方测试", "by": "某检测院"},
               {"indicator": "良率", "measured": 96, "method": "真实应用场景考核", "by": "某用户"}]  # fmt: skip
    body = {"project": project.code, "decided_on": "2028-06-01", "results": results}
    accepted = _post(client_for("bureau"), "acceptance", body).json()
    assert [(r["method"], r["method_en"], r["indicator_en"]) for r in accepted["results"]] == [
        ("第三方测试", "Third-party test", "Bending cycles"), ("真实应用场景考核", "Real-scenario assessment", ""),
    ]  # fmt: skip
    assert Project.objects.get().acceptance.results[0]["method"] == "第三方测试"  # stored in Chinese
