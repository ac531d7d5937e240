"""The projects module in English (issue 9 §5): the classified-evaluation templates, the experts'
scoring sheets, evaluations and grades read in English from the template's English twins — also an
evaluation stored before the template had English (it stores the Chinese names) — and the refusals
name the criterion in English; the Chinese interface reads as before."""

from __future__ import annotations

import datetime as dt
import html

import pytest
from django.test import Client

from kechuang.projects import evaluations, services
from kechuang.projects.models import Assignment, ProjectEvaluation
from tests.foundation.test_english_pages import CJK, english_text
from tests.projects.conftest import apply
from tests.projects.test_projects_evaluations import _project, applied, evaluated, full_form  # noqa: F401

pytestmark = pytest.mark.django_db


def _english(personas, *names):
    for name in names:
        personas[name].language = "en"
        personas[name].save(update_fields=["language"])


def _between(page: str, start: str, end: str) -> str:
    part = page[page.index(start) :]
    return part[: part.index(end)]


def _text(fragment: str) -> str:
    return html.unescape(english_text(f"<div>{fragment}</div>"))


def test_the_call_page_shows_the_class_template_in_english(client_for, personas, world):
    _english(personas, "enterprise")
    page = client_for("enterprise").get(f"/projects/calls/{world.call.pk}/").content.decode()
    template = _text(_between(page, 'data-testid="evaluation-template"', "</table>"))
    assert CJK.findall(template) == [], template
    assert "Applied research and technology development: " in template
    assert "Market test and users' assessment" in template and "One-off evaluation" in template
    assert "Third-party test report, Comparison with the specifications" in template


def test_a_long_cycle_reads_its_years_in_english(client_for, personas, world):
    from tests.projects.conftest import make_call

    call = make_call("B-01", project_class="basic", goals=[], eligibility="")
    _english(personas, "enterprise")
    page = client_for("enterprise").get(f"/projects/calls/{call.pk}/").content.decode()
    template = _text(_between(page, 'data-testid="evaluation-template"', "</table>"))
    assert "Long-cycle evaluation (5 years)" in template and CJK.findall(template) == []
    chinese = client_for("bureau").get(f"/projects/calls/{call.pk}/").content.decode()
    assert "评价周期 长周期评价（5 年）" in chinese and "研究计划书、国内外研究现状综述" in chinese


def _evaluation_section(page: str) -> str:
    """The project page's 分类评价 section: from its heading to the next one."""
    part = page[page.index('id="evaluation"') :]
    return part[: part.find("<h2", 1)] if "<h2" in part[1:] else part


def test_an_evaluation_stored_in_chinese_reads_in_english(client_for, personas, evaluated):  # noqa: F811
    mine, _other = evaluated
    stored = ProjectEvaluation.objects.get(project=mine)
    assert stored.period == "结题评价" and stored.items[0]["criterion"] == "技术就绪水平"  # no English stored
    _english(personas, "bureau")
    page = client_for("bureau").get(f"/projects/list/{mine.pk}/").content.decode()
    text = _text(_evaluation_section(page))
    assert CJK.findall(text) == [], text
    assert "Technology readiness level (TRL): " in text and "Market test: Sales contracts or orders" in text
    assert "Market test and users' assessment (One-off evaluation); Evaluation period" in text


def test_the_evaluation_form_in_english(client_for, personas, applied):  # noqa: F811
    _english(personas, "bureau")
    page = html.unescape(client_for("bureau").get(f"/projects/list/{applied.pk}/").content.decode())
    text = _text(_evaluation_section(page))
    assert CJK.findall(text) == [], text
    assert "Technology readiness level (0–30)" in text and "New sales revenue (CNY 10k, ≥ 0)" in text
    assert (
        '<option value="结题评价" selected>Final evaluation</option>' in page
    )  # the value stays the template's


def test_the_evaluation_header_and_grade_in_english_and_chinese(client_for, personas, evaluated):  # noqa: F811
    mine, _other = evaluated
    chinese = client_for("bureau").get(f"/projects/list/{mine.pk}/").content.decode()
    assert '<span class="badge grey" data-testid="evaluation-grade">良好</span>' in chinese
    assert "<h3>结题评价（2028-06-01）：" in chinese
    _english(personas, "bureau")
    page = client_for("bureau").get(f"/projects/list/{mine.pk}/").content.decode()
    assert '<span class="badge grey" data-testid="evaluation-grade">Good</span>' in page
    assert "<h3>Final evaluation (2028-06-01): " in page


def test_a_refused_sheet_names_the_criterion_in_english(client_for, personas, applied):  # noqa: F811
    _english(personas, "bureau")
    url = f"/projects/list/{applied.pk}/"
    page = html.unescape(
        client_for("bureau").post(url, full_form(applied, **{"ev-c0": "31"})).content.decode()
    )
    assert (
        'Criterion "Technology readiness level": the score should be between 0 and 30 points, got 31' in page
    )
    page = html.unescape(
        client_for("bureau").post(url, full_form(applied, **{"ev-c0e0": "12"})).content.decode()
    )
    assert (
        'Criterion "Technology readiness level": evidence "Technology readiness level (TRL)" should be '
        "within 1–9, got 12" in page
    )
    assert not ProjectEvaluation.objects.exists()


def test_the_recorded_message_gives_the_grade_in_english(client_for, personas, applied):  # noqa: F811
    _english(personas, "bureau")
    page = client_for("bureau").post(f"/projects/list/{applied.pk}/", full_form(applied), follow=True)
    assert "Good" in page.content.decode() and "良好" not in _text(page.content.decode())
    assert ProjectEvaluation.objects.get().grade == "良好"  # stored as the template's code


def test_the_portfolio_grades_read_in_english(client_for, personas, evaluated):  # noqa: F811
    _english(personas, "bureau")
    page = client_for("bureau").get("/projects/portfolio/").content.decode()
    line = _between(page, 'data-testid="portfolio-evaluated">', "</p>")
    assert "(Excellent 0, Good 1, Pass 1, Fail 0)" in line and "良好" not in line, line
    table = _between(page, 'data-testid="portfolio-town"', "</table>")
    assert "<td>Good 1 </td>" in table and "<td>Pass 1 </td>" in table and "良好" not in table


def test_the_api_gives_the_english_twins(client_for, evaluated):  # noqa: F811
    mine, _other = evaluated
    (row,) = client_for("bureau").get(f"/api/projects/{mine.code}/evaluations").json()
    assert (row["period"], row["period_en"], row["grade"], row["grade_en"]) == (
        "结题评价", "Final evaluation", "良好", "Good",
    )  # fmt: skip
    assert (
        "市场检验：销售合同或订单" in row["gaps"]
        and "Market test: Sales contracts or orders" in row["gaps_en"]
    )
    trl = row["items"][0]
    assert (trl["criterion"], trl["criterion_en"]) == ("技术就绪水平", "Technology readiness level")
    assert (trl["evidence"][0]["name_en"], trl["evidence"][0]["unit_en"]) == (
        "Technology readiness level (TRL)", "level",
    )  # fmt: skip
    body = client_for("bureau").get("/api/projects/portfolio").json()
    assert body["grades_en"] == {"Excellent": 0, "Good": 1, "Pass": 1, "Fail": 0}
    assert body["grades"] == {"优秀": 0, "良好": 1, "合格": 1, "不合格": 0}


def test_the_experts_scoring_sheet_in_english(personas, world):
    application = apply(world.call, world.strong, 1)
    expert = world.experts[0]
    expert.language = "en"
    expert.save(update_fields=["language"])
    assignment = Assignment.objects.create(expert=expert, application=application)
    client = Client()
    client.force_login(expert)
    page = html.unescape(client.get(f"/projects/reviews/{assignment.pk}/").content.decode())
    form = _text(_between(page, 'data-testid="score-form"', "</form>"))
    assert "Advanced technical specifications (0–35)" in form and "Soundness of the budget (0–15)" in form
    assert CJK.findall(form) == [], form
    assert CJK.findall(english_text(page)) == []  # the whole page, titles and names marked translate="no"
    response = client.post(f"/projects/reviews/{assignment.pk}/", {"item_0": "36", "item_1": "1"})
    assert response.status_code == 200 and Assignment.objects.get().score is None


def test_a_refusal_outside_a_request_is_chinese_as_before(applied):  # noqa: F811
    with pytest.raises(services.ProjectError, match="评分项「技术就绪水平」：得分应在 0–30 分之间，收到 31"):
        evaluations.record(
            applied, period="结题评价", scores={"技术就绪水平": 31}, evidence={}, evaluated_on=dt.date(2027, 1, 1),
            by=applied.applicant,
        )  # fmt: skip


def test_the_api_refuses_in_the_readers_language(client_for, personas, applied):  # noqa: F811
    response = client_for("bureau").get("/api/projects/NOPE/evaluations")
    assert response.status_code == 404 and "找不到项目「NOPE」，或无权查看" in response.json()["detail"]
    _english(personas, "bureau")
    response = client_for("bureau").get("/api/projects/NOPE/evaluations")
    assert response.json()["detail"] == 'Project "NOPE" not found, or you may not see it'


def test_the_services_refusals_read_in_english(applied):  # noqa: F811
    from django.utils import translation

    from kechuang.projects import stakes

    def refusal(**over):
        args = {"amount": 10_000, "share": 0.05, "converted_on": dt.date(2027, 1, 1), "holding_years": 5}
        with pytest.raises(services.ProjectError) as info:
            stakes.convert(applied, **{**args, **over})
        return str(info.value)

    assert refusal() == f"转股金额 10000 万元超过资助金额 {applied.grant:g} 万元"
    assert refusal(amount=100, share=1.5) == "持股比例应在 0 与 100% 之间，收到 150.0000%"
    with translation.override("en"):
        assert (
            refusal()
            == f"The converted amount of 10000 (CNY 10k) exceeds the grant of {applied.grant:g} (CNY 10k)"
        )
        assert refusal(amount=100, share=1.5) == "The share held should be between 0 and 100%, got 150.0000%"
        tranche = applied.tranches.order_by("number").last()
        reasons = services.release_blockers(tranche)
        assert reasons and not any(CJK.findall(r) for r in reasons), reasons


def test_the_field_and_spending_categories_read_in_english(client_for, personas, evaluated):  # noqa: F811
    mine, _other = evaluated
    chinese = client_for("bureau").get(f"/projects/list/{mine.pk}/").content.decode()
    assert " · 新一代信息技术 · " in chinese and ">招待、宴请与礼品</option>" in chinese
    assert (
        '<td class="row-label">新一代信息技术</td>'
        in client_for("bureau").get("/projects/portfolio/").content.decode()
    )
    _english(personas, "bureau")
    page = client_for("bureau").get(f"/projects/list/{mine.pk}/").content.decode()
    assert " · New-generation information technology · " in page
    assert ">Hospitality, banquets and gifts</option>" in page and '<option value="entertainment"' in page
    header = _text(_between(page, '<section class="card">', "</section>"))
    assert CJK.findall(header) == [], header
    portfolio = client_for("bureau").get("/projects/portfolio/").content.decode()
    assert ">New-generation information technology</td>" in _between(
        portfolio, 'data-testid="portfolio-field"', "</table>"
    )
