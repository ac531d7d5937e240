"""项目产出 (issue 12 §3): the holder records papers and products on the project page and through the
API (refused with a Chinese message naming the field, nothing written), another applicant cannot,
the programme officer verifies them, and the portfolio (page, API) counts the verified ones only."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from kechuang.projects.models import ProjectOutput
from tests.projects.test_projects_api_running import funded_project, post

pytestmark = pytest.mark.django_db
PAPER = {
    "out-kind": "paper",
    "out-title": "一种车规级功率芯片的封装方法",
    "out-dated_on": "2026-09-01",
    "out-evidence": "半导体学报；DOI 10.1088/1674-4926/47/9/092301",
}


@pytest.fixture
def project(world):
    return funded_project(world)  # the enterprise persona's (ent_demo) project, started 2026-06-01


@pytest.fixture
def other_applicant(world):
    """An enterprise user of another applicant (the weak enterprise), with no project of its own."""
    from kechuang.accounts.models import User

    user = User(username="weak_user", role="enterprise_user", org=world.weak)
    user.set_password("pw")
    user.save()
    client = Client()
    client.force_login(user)
    return client


def test_the_holder_records_a_paper_on_the_page_and_the_officer_verifies_it(client_for, project):
    holder = client_for("enterprise")
    response = holder.post(f"/projects/list/{project.pk}/outputs/", PAPER)
    assert response.status_code == 302
    (row,) = ProjectOutput.objects.filter(project=project)
    assert (row.kind, row.title, row.dated_on, row.verified) == (
        "paper",
        PAPER["out-title"],
        dt.date(2026, 9, 1),
        False,
    )
    page = holder.get(project.get_absolute_url()).content.decode()
    table = page.split('data-testid="outputs"')[1].split("</table>")[0]
    assert "一种车规级功率芯片的封装方法" in table and "待核验" in table
    assert f"/outputs/{row.pk}/verify/" not in page  # the holder cannot verify
    assert holder.post(f"/projects/list/{project.pk}/outputs/{row.pk}/verify/").status_code == 403
    bureau = client_for("bureau")
    assert bureau.post(f"/projects/list/{project.pk}/outputs/{row.pk}/verify/").status_code == 302
    row.refresh_from_db()
    assert row.verified and row.verified_on is not None
    again = bureau.post(f"/projects/list/{project.pk}/outputs/{row.pk}/verify/", follow=True)
    assert "已于" in again.content.decode() and "核验" in again.content.decode()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"out-evidence": "  "}, "佐证：请填写期刊与 DOI"),
        ({"out-dated_on": "2099-01-01"}, "发表或上市日期：2099-01-01 应在 2000-01-01 至今天"),
        (
            {"out-dated_on": "2026-05-31"},
            "发表或上市日期：2026-05-31 早于项目开始日期 2026-06-01，不是本项目的产出",
        ),
        ({"out-kind": "patent"}, "产出类型："),
        ({"out-dated_on": "2026-13-40"}, "发表或上市日期："),
        ({"out-title": ""}, "名称"),
    ],
)
def test_a_bad_output_is_refused_naming_the_field_and_nothing_is_written(
    client_for, project, change, message
):
    response = client_for("enterprise").post(f"/projects/list/{project.pk}/outputs/", {**PAPER, **change})
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page and "未保存" in page
    assert not ProjectOutput.objects.exists()


def test_another_applicant_cannot_record_or_read_outputs(project, other_applicant):
    assert other_applicant.post(f"/projects/list/{project.pk}/outputs/", PAPER).status_code == 404
    body = {"project": project.code, "kind": "paper", "title": "冒名论文", "dated_on": "2026-09-01",
            "evidence": "DOI 10.1/x"}  # fmt: skip
    refused = post(other_applicant, "outputs", body)
    assert refused.status_code == 400 and "找不到项目" in refused.json()["detail"]
    assert other_applicant.get(f"/api/projects/{project.code}/outputs").status_code == 404
    assert not ProjectOutput.objects.exists()


def test_the_api_records_verifies_and_lists_as_the_page(client_for, project):
    holder, bureau = client_for("enterprise"), client_for("bureau")
    body = {"project": project.code, "kind": "product", "title": "车规级功率模块 DG-P1",
            "dated_on": "2026-10-08", "evidence": "首次销售合同 GH-2026-001"}  # fmt: skip
    made = post(holder, "outputs", body)
    assert made.status_code == 201, made.content
    out = made.json()
    assert (out["kind"], out["kind_label"], out["verified"]) == ("product", "产品", False)
    bad = post(holder, "outputs", {**body, "evidence": ""})
    assert bad.status_code == 400 and bad.json()["detail"].startswith("佐证：")
    assert ProjectOutput.objects.count() == 1
    assert post(holder, "outputs/verify", {"project": project.code, "id": out["id"]}).status_code == 403
    verified = post(bureau, "outputs/verify", {"project": project.code, "id": out["id"]})
    assert verified.status_code == 200 and verified.json()["verified"] is True
    listed = holder.get(f"/api/projects/{project.code}/outputs").json()
    assert [(o["title"], o["verified"]) for o in listed] == [("车规级功率模块 DG-P1", True)]


def test_the_portfolio_counts_verified_papers_and_products_only(client_for, personas, project):
    from kechuang.projects import outputs

    officer = personas["bureau"]
    day = dt.date(2026, 9, 1)
    rows = [
        outputs.record(project, "paper", "论文甲", day, "DOI 10.1/a", by=officer),
        outputs.record(project, "paper", "论文乙", day, "DOI 10.1/b", by=officer),
        outputs.record(project, "product", "产品甲", day, "注册证 X-1", by=officer),
        outputs.record(project, "product", "产品乙", day, "首次销售 Y-1", by=officer),
    ]
    for row in rows[:3]:  # 产品乙 is left unverified
        outputs.verify(row, by=officer)
    page = client_for("bureau").get("/projects/portfolio/").content.decode()
    counts = page.split('data-testid="output-counts">')[1].split("</p>")[0]
    assert "核验的论文 2 篇、产品 1 项" in counts
    assert "论文（篇，已核验）" in page and "产品（项，已核验）" in page
    holder_table = page.split('data-testid="portfolio-holder"')[1].split("</table>")[0]
    # … patents 0, papers 2, products 1, failed 0
    assert '<td class="num">0</td><td class="num">2</td><td class="num">1</td><td class="num">0</td>' in (
        holder_table
    )
    body = client_for("bureau").get("/api/projects/portfolio").json()
    (group,) = [g for g in body["groups"] if g["key"] == "holder"]
    assert (group["papers"], group["products"]) == (2, 1)


def test_the_outputs_read_in_english(client_for, project):
    from tests.foundation.test_english_pages import CJK, english_text

    holder = client_for("enterprise")
    refused = holder.post(
        f"/projects/list/{project.pk}/outputs/", {**PAPER, "out-evidence": ""}, HTTP_ACCEPT_LANGUAGE="en"
    )
    text = english_text(refused.content.decode())
    assert "Evidence: give the journal and DOI" in text and CJK.findall(text) == []
    holder.post(f"/projects/list/{project.pk}/outputs/", PAPER)
    page = holder.get(project.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    section = page.split('<h2 id="outputs"')[1].split('data-testid="output-form"')[0]
    assert "Awaiting verification" in section and CJK.findall(english_text(f"<div>{section}")) == []
