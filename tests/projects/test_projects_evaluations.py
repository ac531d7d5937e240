"""分类评价 of funded projects (issue 12 §3): the engine's total, grade and evidence gaps; the
programme officer records an evaluation on the project page by the class's template (a bad sheet is
refused in Chinese naming the field, nothing written; other roles are refused); the holder and its
town read it; the portfolio and its API show the evaluated counts, mean score and grades."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from kechuang.engine.projects import evaluation as engine
from kechuang.projects import evaluations, services
from kechuang.projects.evaluation import shipped
from kechuang.projects.models import ProjectEvaluation
from tests.projects.conftest import apply, make_call

GRADES = [("优秀", 85), ("良好", 75), ("合格", 60), ("不合格", 0)]
START = dt.date(2026, 6, 1)


# ------------------------------------------------------------------------------------------------
# engine
# ------------------------------------------------------------------------------------------------


def test_totals_and_grades_follow_the_cut_offs():
    scores = pl.DataFrame(
        [(1, "a", 50.0), (1, "b", 35.0), (2, "a", 40.0), (2, "b", 34.9), (3, "a", 30.0), (3, "b", 29.99),
         (4, "a", 0.0), (4, "b", 0.0)],
        schema=engine.SCORES_SCHEMA, orient="row",
    )  # fmt: skip
    rows = engine.totals(scores, GRADES).to_dicts()
    assert [(r["evaluation"], r["total"], r["grade"]) for r in rows] == [
        (1, 85.0, "优秀"),  # exactly on the cut-off
        (2, 74.9, "合格"),  # just below 良好
        (3, 59.99, "不合格"),
        (4, 0.0, "不合格"),
    ]


def test_score_problems_name_the_criterion():
    criteria = pl.DataFrame([("代表作", 40.0), ("团队", 60.0)], schema=engine.CRITERIA_SCHEMA, orient="row")

    def sheet(rows):
        return pl.DataFrame(rows, schema={"criterion": pl.Utf8, "score": pl.Float64}, orient="row")

    assert engine.score_problems(criteria, sheet([("代表作", 40.0), ("团队", 0.0)])) == []
    problems = engine.score_problems(criteria, sheet([("代表作", 41.0), ("经费", 5.0)]))
    assert {"problem": "unknown", "criterion": "经费"} in problems
    assert {"problem": "missing", "criterion": "团队"} in problems
    assert {"problem": "range", "criterion": "代表作", "weight": "40", "score": "41"} in problems


def test_the_evidence_left_empty_is_listed_per_evaluation_in_the_templates_order():
    required = pl.DataFrame(
        [("代表作", "代表作清单"), ("代表作", "代表作数量"), ("团队", "人才培养")],
        schema=engine.REQUIRED_SCHEMA, orient="row",
    )  # fmt: skip
    given = pl.DataFrame(
        [(1, "代表作", "代表作清单", "DB-01"), (1, "代表作", "代表作数量", " "), (1, "团队", "人才培养", None),
         (2, "代表作", "代表作清单", "x"), (2, "代表作", "代表作数量", "3"), (2, "团队", "人才培养", "博士 2 名")],
        schema=engine.GIVEN_SCHEMA, orient="row",
    )  # fmt: skip
    gaps = engine.evidence_gaps(required, given).rows()
    assert gaps == [(1, "代表作", "代表作数量"), (1, "团队", "人才培养")]


def test_the_summary_counts_evaluated_projects_and_grades_per_group():
    frame = pl.DataFrame(
        {"class": ["basic", "basic", "applied"], "total": [90.0, None, 70.0], "grade": ["优秀", None, "合格"]}
    )
    rows = {r["class"]: r for r in engine.summary(frame, "class", GRADES).to_dicts()}
    assert rows["basic"]["evaluated"] == 1 and rows["basic"]["mean_score"] == 90.0
    assert rows["basic"]["grade:优秀"] == 1 and rows["applied"]["grade:合格"] == 1
    assert rows["applied"]["grade:优秀"] == 0


def test_the_shipped_templates_have_an_evaluation_for_each_class():
    templates = shipped()
    basic = templates.classes["basic"].evaluation
    assert basic.periods[:2] == ("中期评价", "结题评价")  # long cycle: several periods
    assert any("代表作" in e.name for c in basic.criteria for e in c.evidence)
    applied = templates.classes["applied"].evaluation
    trl = next(e for c in applied.criteria for e in c.evidence if "TRL" in e.name)
    assert (trl.kind, trl.min, trl.max) == ("number", 1, 9)
    assert templates.classes["demonstration"].evaluation.periods == ("结题评价",)  # one-off
    assert [g.grade for g in templates.grades][0] == "优秀"


# ------------------------------------------------------------------------------------------------
# recording, on the page
# ------------------------------------------------------------------------------------------------


def _project(call, org, n):
    application = apply(call, org, n, requested=300)
    application.granted = application.requested
    application.save()
    return services.open_project(application, START)


@pytest.fixture
def applied(world):
    return _project(world.call, world.strong, 1)  # the enterprise persona's, 松山湖


def full_form(project, **over):
    """A complete POST of the evaluation form (every score at 80 % of its weight, all evidence)."""
    template = evaluations.template_of(project)
    data = {"action": "evaluate", "ev-period": template.periods[0], "ev-evaluated_on": "2027-06-30",
            "ev-comment": "用户评价良好"}  # fmt: skip
    for i, c in enumerate(template.criteria):
        data[f"ev-c{i}"] = str(c.weight * 0.8)
        for j, e in enumerate(c.evidence):
            data[f"ev-c{i}e{j}"] = "7" if e.kind == "number" else f"附件-{i}{j}"
    data.update(over)
    return data


@pytest.mark.django_db
def test_the_officer_records_an_evaluation_and_the_missing_evidence_is_listed(client_for, applied):
    url = f"/projects/list/{applied.pk}/"
    bureau = client_for("bureau")
    page = bureau.get(url).content.decode()
    assert 'data-testid="evaluation-form"' in page and "市场检验与用户评价" in page
    # TRL 7, but no sales contracts recorded: the gap is listed
    form = full_form(applied, **{"ev-c2e1": ""})
    response = bureau.post(url, form, follow=True)
    page = response.content.decode()
    e = ProjectEvaluation.objects.get()
    assert e.total == pytest.approx(80.0) and e.grade == "良好" and e.evaluated_by.username == "bureau"
    assert e.gaps == ["市场检验：销售合同或订单"]
    assert "分类评价已记录：80 分，良好" in page
    assert '<ul data-testid="evaluation-gaps"><li>市场检验：销售合同或订单</li></ul>' in page
    assert "技术就绪水平（TRL）：7 级" in page
    assert 'data-testid="evaluation-form"' not in page  # a one-off evaluation: no period left
    # a one-off evaluation has one period: a second one is refused, nothing written
    again = bureau.post(url, full_form(applied)).content.decode()
    assert "已有结题评价，未覆盖" in again and ProjectEvaluation.objects.count() == 1
    # the holder and its town read it, without the form; another town does not see the project
    for persona in ("enterprise", "songshanhu"):
        seen = client_for(persona).get(url).content.decode()
        assert "市场检验：销售合同或订单" in seen and 'data-testid="evaluation-form"' not in seen
    assert client_for("humen").get(url).status_code in (403, 404)


@pytest.mark.django_db
def test_a_bad_sheet_is_refused_in_chinese_naming_the_field_and_nothing_is_written(client_for, applied):
    url = f"/projects/list/{applied.pk}/"
    bureau = client_for("bureau")
    page = bureau.post(url, full_form(applied, **{"ev-c0": "31"})).content.decode()
    assert "评分项「技术就绪水平」：得分应在 0–30 分之间，收到 31" in page
    assert 'value="31"' in page  # the officer's input is kept
    page = bureau.post(url, full_form(applied, **{"ev-c0e0": "12"})).content.decode()
    assert "评分项「技术就绪水平」的证据「技术就绪水平（TRL）」应在 1–9 之间，收到 12" in page
    page = bureau.post(url, full_form(applied, **{"ev-c1": ""})).content.decode()
    assert "评分项「用户评价」：未填写得分" in page
    assert not ProjectEvaluation.objects.exists()
    with pytest.raises(services.ProjectError, match="评分项「经费绩效」：模板中没有该评分项"):
        evaluations.record(
            applied, period="结题评价", scores={"经费绩效": 5}, evidence={}, evaluated_on=START,
            by=applied.applicant,
        )  # fmt: skip
    with pytest.raises(services.ProjectError, match="评价期次：应为 结题评价 之一"):
        evaluations.record(
            applied, period="中期评价", scores={}, evidence={}, evaluated_on=START, by=applied.applicant
        )
    assert not ProjectEvaluation.objects.exists()


@pytest.mark.django_db
def test_only_the_programme_officers_may_record_an_evaluation(client_for, applied):
    url = f"/projects/list/{applied.pk}/"
    for persona in ("enterprise", "songshanhu", "leader"):
        assert client_for(persona).post(url, full_form(applied)).status_code == 403, persona
    assert not ProjectEvaluation.objects.exists()


@pytest.mark.django_db
def test_a_basic_research_project_is_evaluated_over_a_long_cycle(personas, world):
    call = make_call("B-01", project_class="basic", goals=[], eligibility="")
    project = _project(call, world.university, 1)
    template = evaluations.template_of(project)
    by = personas["bureau"]
    full = {
        c.name: {e.name: "3" if e.kind == "number" else "有" for e in c.evidence} for c in template.criteria
    }
    mid = evaluations.record(
        project, period="中期评价", scores={c.name: c.weight * 0.6 for c in template.criteria},
        evidence=full, evaluated_on=dt.date(2028, 6, 1), by=by,
    )  # fmt: skip
    final = evaluations.record(
        project, period="结题评价", scores={c.name: c.weight * 0.9 for c in template.criteria},
        evidence={**full, "代表作与学术贡献": {"代表作清单": ""}}, evaluated_on=dt.date(2031, 6, 1), by=by,
    )  # fmt: skip
    assert (mid.grade, final.grade) == ("合格", "优秀")
    assert final.gaps == ["代表作与学术贡献：代表作清单", "代表作与学术贡献：代表作数量"]
    assert evaluations.latest()[project.pk] == {"total": 90.0, "grade": "优秀"}


# ------------------------------------------------------------------------------------------------
# portfolio and API
# ------------------------------------------------------------------------------------------------


@pytest.fixture
def evaluated(personas, world, applied):
    """The persona's applied project (松山湖) evaluated 80 and then a 虎门 one evaluated 62."""
    other = _project(world.call, world.weak, 2)
    for project, level in ((applied, 0.8), (other, 0.62)):
        template = evaluations.template_of(project)
        evaluations.record(
            project, period="结题评价", scores={c.name: c.weight * level for c in template.criteria},
            evidence={}, evaluated_on=dt.date(2028, 6, 1), by=personas["bureau"],
        )  # fmt: skip
    return applied, other


@pytest.mark.django_db
def test_the_portfolio_shows_the_evaluation_figures(client_for, evaluated):
    page = client_for("bureau").get("/projects/portfolio/").content.decode()
    assert "已分类评价 2 项，平均得分 71（优秀 0、良好 1、合格 1、不合格 0）" in page
    table = page[page.index('data-testid="portfolio-town"') :]
    table = table[: table.index("</table>")]
    assert '<td class="num">1</td><td class="num">80</td><td>良好 1 </td>' in table
    assert '<td class="num">1</td><td class="num">62</td><td>合格 1 </td>' in table


@pytest.mark.django_db
def test_the_portfolio_api_returns_the_totals_by_group(client_for, evaluated):
    body = client_for("bureau").get("/api/projects/portfolio").json()
    assert body["projects"] == 2 and body["evaluated"] == 2 and body["mean_score"] == pytest.approx(71.0)
    assert body["grades"] == {"优秀": 0, "良好": 1, "合格": 1, "不合格": 0}
    applied_row = next(g for g in body["groups"] if g["key"] == "class" and g["value"] == "applied")
    assert (
        applied_row["projects"] == 2
        and applied_row["evaluated"] == 2
        and applied_row["label"] == "应用研究与技术开发"
    )
    towns = {g["value"]: g for g in body["groups"] if g["key"] == "town"}
    assert towns["441900401"]["mean_score"] == 80.0 and towns["441900121"]["grades"]["合格"] == 1
    for persona in ("enterprise", "songshanhu"):  # as the portfolio page: the bureau's only
        assert client_for(persona).get("/api/projects/portfolio").status_code == 403


@pytest.mark.django_db
def test_the_evaluations_api_is_scoped_by_the_access_module(client_for, evaluated):
    mine, other = evaluated

    def get(persona, project):
        return client_for(persona).get(f"/api/projects/{project.code}/evaluations")

    (row,) = get("bureau", mine).json()
    assert row["total"] == 80.0 and row["grade"] == "良好" and row["period"] == "结题评价"
    assert "市场检验：销售合同或订单" in row["gaps"]  # no evidence was recorded: every item listed
    assert len(get("bureau", other).json()) == 1
    assert len(get("songshanhu", mine).json()) == 1 and get("songshanhu", other).status_code == 404
    assert len(get("humen", other).json()) == 1 and get("humen", mine).status_code == 404
    assert len(get("enterprise", mine).json()) == 1 and get("enterprise", other).status_code == 404
    assert get("bank", mine).status_code == 403


@pytest.mark.django_db
def test_an_english_reader_sees_the_evaluated_count_in_english(client_for, personas, evaluated):
    """Issue 9 §5: '2 projects evaluated', the punctuation after it English too."""
    personas["bureau"].language = "en"
    personas["bureau"].save(update_fields=["language"])
    page = client_for("bureau").get("/projects/portfolio/").content.decode()
    line = page.split('data-testid="portfolio-evaluated">')[1].split("</p>")[0]
    assert line.startswith("2 projects evaluated, ") and " 71 (" in line and "。" not in line
