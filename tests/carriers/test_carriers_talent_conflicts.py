"""人才分类评价: conflict-of-interest declarations (回避声明) before scoring. An expert declares first;
one who declares a conflict, or who belongs to the applicant's employer, cannot score and its score
is left out; the pages offer each step only to those kechuang.access lets take it."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from kechuang.carriers import services
from kechuang.carriers.models import ExpertScore, TalentConflict

pytestmark = pytest.mark.django_db


@pytest.fixture
def recommended(world):
    """An expert-route application of the institution's employee, recommended by the employer."""
    app = services.submit_application(
        world.users["app_1"],
        "110101199001011234",
        person_name="张三",
        employer_name="丙研究院",
        employer_org=world.institution.operator,
        region_code="441900401",
        route="expert",
        claimed_class="B",
        criterion="B02",
    )
    return services.recommend(app, "同意推荐")


def _expert(username: str, org_code: str = "441900"):
    from kechuang.accounts.models import OrgUnit, User

    return User.objects.create(username=username, role="expert", org=OrgUnit.objects.get(code=org_code))


def test_no_score_before_a_declaration(world, recommended):
    with pytest.raises(ValidationError, match="评分前请先作回避声明"):
        services.add_score(recommended, world.users["expert_1"], 80)
    services.declare(recommended, world.users["expert_1"], False)
    services.add_score(recommended, world.users["expert_1"], 80)
    assert recommended.expert_score == 80 and recommended.status == "scored"


def test_a_declared_conflict_bars_scoring_and_leaves_an_earlier_score_out(world, recommended):
    first, second = world.users["expert_1"], _expert("ex_2")
    services.declare(recommended, first, False)
    services.add_score(recommended, first, 90)
    services.declare(recommended, second, True, "近三年合作发表论文")
    with pytest.raises(ValidationError, match="已声明回避"):
        services.add_score(recommended, second, 60)
    with pytest.raises(ValidationError, match="请填写回避原因"):
        services.declare(recommended, _expert("ex_3"), True, " ")
    with pytest.raises(ValidationError, match="已对该申请作过回避声明"):
        services.declare(recommended, second, False)  # a declaration stands
    # a score recorded before (e.g. by the admin) is left out of the mean and the ranking
    ExpertScore.objects.create(application=recommended, expert=second, score=10)
    assert (
        services.talent_ranking(type(recommended).objects.filter(pk=recommended.pk))[recommended.pk][1] == 90
    )


def test_an_expert_of_the_applicants_employer_has_a_conflict_whatever_it_declares(world, recommended):
    colleague = _expert("ex_same", world.institution.operator.code)
    made = services.declare(recommended, colleague, False)
    assert made.conflict and made.reason == "与申报人同一单位"
    with pytest.raises(ValidationError, match="同一单位"):
        services.add_score(recommended, colleague, 95)
    assert not ExpertScore.objects.filter(expert=colleague).exists()


def test_the_page_asks_for_the_declaration_then_offers_the_score(world, recommended, login):
    c = login("expert_1")
    url = f"/carriers/talent/{recommended.pk}/"
    page = c.get(url).content.decode()
    assert 'data-testid="talent-declare"' in page and 'value="score"' not in page
    c.post(f"{url}action/", {"decision": "score", "score": "80"})  # not offered yet: refused
    assert not ExpertScore.objects.exists()
    c.post(f"{url}action/", {"decision": "declare_none"})
    page = c.get(url).content.decode()
    assert 'data-testid="talent-declare"' not in page and 'value="score"' in page
    c.post(f"{url}action/", {"decision": "score", "score": "80"})
    recommended.refresh_from_db()
    assert recommended.expert_score == 80


def test_a_conflict_declared_on_the_page_shows_to_the_bureau_and_ends_scoring(world, recommended, login):
    c = login("expert_1")
    url = f"/carriers/talent/{recommended.pk}/"
    c.post(f"{url}action/", {"decision": "declare_conflict", "text": "亲属关系"})
    assert TalentConflict.objects.get(expert=world.users["expert_1"]).conflict
    page = c.get(url).content.decode()
    assert 'data-testid="own-declaration"' in page and 'value="score"' not in page
    c.post(f"{url}action/", {"decision": "score", "score": "80"})
    assert not ExpertScore.objects.exists()
    bureau = login("bureau").get(url).content.decode()
    assert 'data-testid="declarations"' in bureau and "亲属关系" in bureau


def test_the_steps_offered_follow_the_access_module(world, recommended, login):
    url = f"/carriers/talent/{recommended.pk}/"
    # the employer recommended already; the bureau decides; the applicant takes no step
    assert 'data-testid="talent-action"' not in login("app_1").get(url).content.decode()
    bureau = login("bureau").get(url).content.decode()
    assert 'value="revoke"' in bureau and 'data-testid="talent-declare"' not in bureau
    assert 'value="approve"' not in bureau  # 专家评定: no decision before an expert's score
    _expert_scores(recommended, world)
    bureau = login("bureau").get(url).content.decode()
    assert 'value="approve"' in bureau and 'value="reject"' in bureau
    employer = login("op_inst").get(url).content.decode()
    assert 'data-testid="talent-action"' not in employer  # recommended: nothing left for it
    assert 'value="approve"' not in employer


def _expert_scores(app, world):
    services.declare(app, world.users["expert_1"], False)
    services.add_score(app, world.users["expert_1"], 80)


def test_a_revoked_application_offers_no_further_step(world, recommended, login):
    services.revoke_for_fraud(recommended, "材料造假")
    page = login("bureau").get(f"/carriers/talent/{recommended.pk}/").content.decode()
    assert 'data-testid="talent-action"' not in page


def test_the_page_reads_the_experts_declaration_once(world, recommended, login):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    c = login("expert_1")
    c.post(f"/carriers/talent/{recommended.pk}/action/", {"decision": "declare_none"})
    with CaptureQueriesContext(connection) as queries:
        page = c.get(f"/carriers/talent/{recommended.pk}/").content.decode()
    assert 'value="score"' in page and 'data-testid="own-declaration"' in page
    table = TalentConflict._meta.db_table
    assert sum(table in q["sql"] for q in queries.captured_queries) == 1
