"""The 专家评定 template's results are stored (issue 13 §1: results per application and period): the
decision page's 运行 writes one record per application of the cohort — total, suggested class, rank,
points per indicator with the value behind them, when and by whom — the page and the API read it,
only those who decide see it, and running again replaces the run's results while the audit log keeps
the replaced ones."""

from __future__ import annotations

import pytest

from kechuang.audit.models import ObjectChange
from kechuang.carriers import talent_rules
from kechuang.carriers.models import TalentApplication, TalentEvaluation
from tests.carriers.test_carriers_talent_facts import FACTS_29_5, _expert_app

pytestmark = pytest.mark.django_db


def _run(c, app):
    return c.post(f"/carriers/talent/{app.pk}/action/", {"decision": "evaluate"}, follow=True)


def test_the_decision_page_runs_the_template_and_shows_the_stored_result(world, login):
    app = _expert_app(world.users["app_1"], 90, **FACTS_29_5)
    other = _expert_app(world.users["app_2"], 95, **FACTS_29_5)
    c = login("bureau")
    before = c.get(app.get_absolute_url()).content.decode()
    assert "专家评定模板尚未对本批申报运行" in before and 'data-testid="template-total"' not in before
    assert "运行专家评定模板（同批申报）" in before
    page = _run(c, app).content.decode()
    assert "已运行专家评定模板，保存了同批申报的结果（2）" in page
    assert 'data-testid="template-total">83.5<' in page and "同批排名</th><td>2/2" in page
    assert "重新运行专家评定模板（同批申报）" in page and '（<span translate="no">bureau</span>）' in page
    mine = TalentEvaluation.objects.get(application=app)
    assert (mine.total, mine.grade, mine.rank, mine.cohort_size) == (83.5, "C", 2, 2)
    assert mine.period == talent_rules.period_of(app) and mine.computed_by == world.users["bureau"]
    assert mine.template_version == talent_rules.template().version
    # points per indicator with the value behind them, as the page lists them
    assert mine.detail["expert_value"] == 90 and mine.detail["expert_points"] == 54
    assert TalentEvaluation.objects.get(application=other).rank == 1


def test_the_page_reads_what_was_stored_until_run_again_which_replaces_it_and_keeps_the_old_in_the_audit(
    world, login
):
    app = _expert_app(world.users["app_1"], 90, **FACTS_29_5)
    c = login("bureau")
    _run(c, app)
    first = TalentEvaluation.objects.get(application=app)
    TalentApplication.objects.filter(pk=app.pk).update(expert_score=97.5)  # a later expert score
    assert 'data-testid="template-total">83.5<' in c.get(app.get_absolute_url()).content.decode()
    _run(c, app)
    now = TalentEvaluation.objects.get(application=app)
    assert (
        now.total == 88.0 and now.grade == "B" and not TalentEvaluation.objects.filter(pk=first.pk).exists()
    )
    assert 'data-testid="template-total">88<' in c.get(app.get_absolute_url()).content.decode()
    gone = ObjectChange.objects.get(
        object_type__icontains="talentevaluation", object_id=str(first.pk), action="delete"
    )
    assert gone.before["total"] == 83.5 and gone.user_name == "bureau"


def test_who_does_not_decide_can_neither_run_nor_read_it(world, login):
    app = _expert_app(world.users["app_1"], 90, **FACTS_29_5)
    for who in ("app_1", "expert_1"):
        c = login(who)
        _run(c, app)
        page = c.get(app.get_absolute_url()).content.decode()
        assert "运行专家评定模板" not in page and 'data-testid="talent-evaluation"' not in page
    assert not TalentEvaluation.objects.exists()
    talent_rules.store_results(talent_rules.period_of(app))
    for who in ("app_1", "expert_1"):
        page = login(who).get(app.get_absolute_url()).content.decode()
        assert 'data-testid="template-total"' not in page and "同批排名" not in page
    assert login("app_1").get(f"/api/carriers/talent/{app.pk}").json()["evaluation"] is None


def test_the_api_gives_the_stored_result_with_when_and_by_whom(world, login):
    app = _expert_app(world.users["app_1"], 90, **FACTS_29_5)
    c = login("bureau")
    url = f"/api/carriers/talent/{app.pk}"
    assert c.get(url).json()["evaluation"] is None  # not run yet
    _run(c, app)
    ev = c.get(url).json()["evaluation"]
    stored = TalentEvaluation.objects.get(application=app)
    assert (ev["total"], ev["grade"], ev["rank"], ev["period"]) == (83.5, "C", 1, stored.period)
    assert ev["computed_by"] == "bureau" and ev["computed_at"].startswith(
        stored.computed_at.date().isoformat()
    )
    TalentApplication.objects.filter(pk=app.pk).update(expert_score=97.5)
    assert c.get(url).json()["evaluation"]["total"] == 83.5  # what was stored, not computed again
