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


# ------------------------------------------------------------------------------------------------
# Duplicates are refused; a mistaken entry is withdrawn (holder) or rejected (programme officer)
# ------------------------------------------------------------------------------------------------


def test_a_duplicate_is_refused_on_the_page_naming_the_field_and_the_entry(client_for, project):
    holder = client_for("enterprise")
    assert holder.post(f"/projects/list/{project.pk}/outputs/", PAPER).status_code == 302
    (first,) = ProjectOutput.objects.all()
    # the double submit, and the same title with other spaces
    for title in (PAPER["out-title"], " 一种车规级功率芯片 的封装方法 "):
        again = holder.post(f"/projects/list/{project.pk}/outputs/", {**PAPER, "out-title": title})
        page = again.content.decode()
        assert again.status_code == 200 and "未保存" in page
        assert f"名称：该论文已登记（编号 {first.pk}，2026-09-01，待核验），请勿重复登记" in page
    # another title with the same evidence (case and full-width letters aside)
    same_evidence = {**PAPER, "out-title": "另一篇论文", "out-evidence": PAPER["out-evidence"].upper()}
    page = holder.post(f"/projects/list/{project.pk}/outputs/", same_evidence).content.decode()
    assert f"佐证：已用于编号 {first.pk} 的论文「一种车规级功率芯片的封装方法」（待核验）" in page
    assert ProjectOutput.objects.count() == 1
    # a product of the same name is another output
    product = {**PAPER, "out-kind": "product", "out-evidence": "首次销售合同 GH-1"}
    assert holder.post(f"/projects/list/{project.pk}/outputs/", product).status_code == 302
    assert ProjectOutput.objects.count() == 2


def test_the_api_refuses_a_retry_and_records_again_once_withdrawn(client_for, project):
    holder = client_for("enterprise")
    body = {"project": project.code, "kind": "product", "title": "Power Module DG-P1",
            "dated_on": "2026-10-08", "evidence": "首次销售合同 GH-2026-001"}  # fmt: skip
    first = post(holder, "outputs", body).json()
    retry = post(holder, "outputs", {**body, "title": "power  module ＤＧ-P1"})
    assert retry.status_code == 400
    assert retry.json()["detail"] == (
        f"名称：该产品已登记（编号 {first['id']}，2026-10-08，待核验），请勿重复登记"
    )
    assert ProjectOutput.objects.count() == 1
    withdrawn = post(holder, "outputs/withdraw", {"project": project.code, "id": first["id"]})
    assert withdrawn.status_code == 200, withdrawn.content
    assert (withdrawn.json()["state"], withdrawn.json()["state_label"]) == ("withdrawn", "已撤回")
    assert post(holder, "outputs", body).status_code == 201  # the withdrawn one no longer blocks
    assert ProjectOutput.objects.count() == 2


def test_the_holder_withdraws_a_mistaken_entry_on_the_page_before_verification(
    client_for, project, other_applicant
):
    from kechuang.audit.models import ObjectChange

    holder, bureau = client_for("enterprise"), client_for("bureau")
    holder.post(f"/projects/list/{project.pk}/outputs/", PAPER)
    (row,) = ProjectOutput.objects.all()
    assert f"/outputs/{row.pk}/withdraw/" in holder.get(project.get_absolute_url()).content.decode()
    assert other_applicant.post(f"/projects/list/{project.pk}/outputs/{row.pk}/withdraw/").status_code == 404
    leader = client_for("leader")  # reads every project, changes none
    assert leader.post(f"/projects/list/{project.pk}/outputs/{row.pk}/withdraw/").status_code == 403
    row.refresh_from_db()
    assert row.state == "pending"
    done = holder.post(f"/projects/list/{project.pk}/outputs/{row.pk}/withdraw/", follow=True)
    assert "产出已撤回，不计入项目组合：一种车规级功率芯片的封装方法" in done.content.decode()
    row.refresh_from_db()
    assert row.state == "withdrawn" and row.withdrawn_on is not None
    table = done.content.decode().split('data-testid="outputs"')[1].split("</table>")[0]
    assert 'data-state="withdrawn"' in table and "已撤回" in table and "/withdraw/" not in table
    change = ObjectChange.objects.filter(object_type="projects.projectoutput", action="update").latest("pk")
    assert change.user_name == "enterprise" and change.after["withdrawn_on"]
    # a withdrawn output cannot be verified, and a verified one cannot be withdrawn
    refused = bureau.post(f"/projects/list/{project.pk}/outputs/{row.pk}/verify/", follow=True)
    assert "已于" in refused.content.decode() and "撤回" in refused.content.decode()
    holder.post(f"/projects/list/{project.pk}/outputs/", PAPER)
    fresh = ProjectOutput.objects.latest("pk")
    bureau.post(f"/projects/list/{project.pk}/outputs/{fresh.pk}/verify/")
    late = holder.post(f"/projects/list/{project.pk}/outputs/{fresh.pk}/withdraw/", follow=True)
    assert "核验，不能撤回；如登记有误，请联系科技局退回" in late.content.decode()
    fresh.refresh_from_db()
    assert fresh.state == "verified"


def test_the_officer_rejects_an_output_with_a_reason_on_the_page(client_for, project):
    holder, bureau = client_for("enterprise"), client_for("bureau")
    holder.post(f"/projects/list/{project.pk}/outputs/", PAPER)
    (row,) = ProjectOutput.objects.all()
    url = f"/projects/list/{project.pk}/outputs/{row.pk}/reject/"
    assert 'data-testid="output-reject"' in bureau.get(project.get_absolute_url()).content.decode()
    assert 'data-testid="output-reject"' not in holder.get(project.get_absolute_url()).content.decode()
    assert holder.post(url, {"reason": "自己退回"}).status_code == 403
    empty = bureau.post(url, {"reason": "  "}, follow=True).content.decode()
    assert "未通过原因：请填写，承担单位将看到此原因" in empty
    row.refresh_from_db()
    assert row.state == "pending" and row.rejection == ""
    bureau.post(url, {"reason": "DOI 查无此文"})
    row.refresh_from_db()
    assert (row.state, row.rejection, row.rejected_by.username) == ("rejected", "DOI 查无此文", "bureau")
    page = holder.get(project.get_absolute_url()).content.decode()
    table = page.split('data-testid="outputs"')[1].split("</table>")[0]
    assert (
        "未通过核验" in table
        and '<span translate="no" data-testid="output-rejection">DOI 查无此文</span>' in table
    )
    again = bureau.post(url, {"reason": "再退一次"}, follow=True).content.decode()
    assert "已于" in again and "退回（未通过核验：DOI 查无此文）" in again
    row.refresh_from_db()
    assert row.rejection == "DOI 查无此文"


def test_the_api_rejects_and_withdraws_only_for_who_may(client_for, project, other_applicant):
    holder, bureau = client_for("enterprise"), client_for("bureau")
    body = {"project": project.code, "kind": "paper", "title": "论文甲", "dated_on": "2026-09-01",
            "evidence": "DOI 10.1/a"}  # fmt: skip
    made = post(holder, "outputs", body).json()
    ref = {"project": project.code, "id": made["id"]}
    assert post(holder, "outputs/reject", {**ref, "reason": "x"}).status_code == 403
    refused = post(other_applicant, "outputs/withdraw", ref)
    assert refused.status_code == 400 and "找不到项目" in refused.json()["detail"]
    assert post(client_for("leader"), "outputs/withdraw", ref).status_code == 403
    assert post(client_for("leader"), "outputs/reject", {**ref, "reason": "x"}).status_code == 403
    missing = post(bureau, "outputs/reject", {**ref, "id": made["id"] + 99, "reason": "x"})
    assert missing.status_code == 400 and "找不到项目" in missing.json()["detail"]
    no_reason = post(bureau, "outputs/reject", ref)
    assert no_reason.status_code == 400 and no_reason.json()["detail"].startswith("未通过原因：请填写")
    assert ProjectOutput.objects.get().state == "pending"
    rejected = post(bureau, "outputs/reject", {**ref, "reason": "与编号 1 重复"})
    assert rejected.status_code == 200
    out = rejected.json()
    assert (out["state"], out["state_label"], out["rejection"]) == ("rejected", "未通过核验", "与编号 1 重复")
    late = post(holder, "outputs/withdraw", ref)
    assert late.status_code == 400 and "退回（未通过核验：与编号 1 重复）" in late.json()["detail"]
    listed = holder.get(f"/api/projects/{project.code}/outputs").json()
    assert [(o["state"], o["rejection"]) for o in listed] == [("rejected", "与编号 1 重复")]


def test_the_portfolio_does_not_count_withdrawn_or_rejected_outputs(client_for, personas, project):
    from kechuang.projects import outputs

    officer = personas["bureau"]
    day = dt.date(2026, 9, 1)
    kept = outputs.record(project, "paper", "论文甲", day, "DOI 10.1/a", by=officer)
    twice = outputs.record(project, "paper", "论文乙", day, "DOI 10.1/b", by=officer)
    mistaken = outputs.record(project, "product", "产品甲", day, "注册证 X-1", by=officer)
    for row in (kept, twice):
        outputs.verify(row, by=officer)
    outputs.reject(twice, "与论文甲为同一篇", by=officer)  # rejected after verification
    outputs.withdraw(mistaken, by=officer)
    assert outputs.verified_counts([project]) == {project.pk: {"papers": 1, "products": 0}}
    page = client_for("bureau").get("/projects/portfolio/").content.decode()
    assert "核验的论文 1 篇、产品 0 项" in page.split('data-testid="output-counts">')[1].split("</p>")[0]
    (group,) = [g for g in client_for("bureau").get("/api/projects/portfolio").json()["groups"]
                if g["key"] == "holder"]  # fmt: skip
    assert (group["papers"], group["products"]) == (1, 0)


def test_withdrawal_and_rejection_read_in_english(client_for, project):
    from tests.foundation.test_english_pages import CJK, english_text

    holder, bureau = client_for("enterprise"), client_for("bureau")
    holder.post(f"/projects/list/{project.pk}/outputs/", PAPER, follow=True)  # its message read
    again = holder.post(f"/projects/list/{project.pk}/outputs/", PAPER, HTTP_ACCEPT_LANGUAGE="en")
    text = english_text(again.content.decode())
    assert "Name: this" in text and "is already recorded" in text and CJK.findall(text) == []
    (row,) = ProjectOutput.objects.all()
    bureau.post(f"/projects/list/{project.pk}/outputs/{row.pk}/reject/", {"reason": "DOI 查无此文"})
    page = holder.get(project.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    section = page.split('<h2 id="outputs"')[1].split('data-testid="output-form"')[0]
    assert "Not verified" in section and CJK.findall(english_text(f"<div>{section}")) == []
