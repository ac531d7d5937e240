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
    page = c.get(app.get_absolute_url()).content.decode()
    assert 'data-testid="template-total">83.5<' in page  # what was stored, marked out of date
    assert "结果已过期：专家评分已由 90 变为 97.5，请重新运行" in page
    _run(c, app)
    now = TalentEvaluation.objects.get(application=app)
    assert (
        now.total == 88.0 and now.grade == "B" and not TalentEvaluation.objects.filter(pk=first.pk).exists()
    )
    page = c.get(app.get_absolute_url()).content.decode()
    assert 'data-testid="template-total">88<' in page and "结果已过期" not in page
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
    assert (ev["stale"], ev["stale_reason"], ev["stale_reason_en"]) == (False, "", "")
    stored = TalentEvaluation.objects.get(application=app)
    assert (ev["total"], ev["grade"], ev["rank"], ev["period"]) == (83.5, "C", 1, stored.period)
    assert ev["computed_by"] == "bureau" and ev["computed_at"].startswith(
        stored.computed_at.date().isoformat()
    )
    TalentApplication.objects.filter(pk=app.pk).update(expert_score=97.5)
    ev = c.get(url).json()["evaluation"]
    assert ev["total"] == 83.5  # what was stored, not computed again, and said to be out of date
    assert ev["stale"] and ev["stale_reason"] == "专家评分已由 90 变为 97.5"
    assert ev["stale_reason_en"] == "the expert score changed from 90 to 97.5"


def test_changed_facts_and_a_new_application_in_the_cohort_make_the_result_out_of_date(world, login):
    app = _expert_app(world.users["app_1"], 90, **FACTS_29_5)
    c = login("bureau")
    _run(c, app)
    TalentApplication.objects.filter(pk=app.pk).update(facts=FACTS_29_5 | {"title_level": 3})
    page = c.get(app.get_absolute_url()).content.decode()
    assert "结果已过期：申报事实已变更（专业技术职称），请重新运行" in page
    TalentApplication.objects.filter(pk=app.pk).update(facts=FACTS_29_5)  # back as computed
    assert "结果已过期" not in c.get(app.get_absolute_url()).content.decode()
    other = _expert_app(world.users["app_2"], 95, **FACTS_29_5)  # a new application, same year
    page = c.get(app.get_absolute_url()).content.decode()
    assert "结果已过期：同批申报由 1 件变为 2 件，请重新运行" in page and "同批排名</th><td>1/1" in page
    _run(c, app)
    assert "结果已过期" not in c.get(app.get_absolute_url()).content.decode()
    # another application's later score changes the cohort's ranks: this one's result is out of date too
    TalentApplication.objects.filter(pk=other.pk).update(expert_score=60)
    ev = c.get(f"/api/carriers/talent/{app.pk}").json()["evaluation"]
    assert ev["stale"] and ev["stale_reason"] == "同批其他申报的专家评分或申报事实已变更"
    world.users["bureau"].language = "en"
    world.users["bureau"].save(update_fields=["language"])
    TalentApplication.objects.filter(pk=app.pk).update(expert_score=97.5)
    page = login("bureau").get(app.get_absolute_url()).content.decode()
    assert (
        "Result out of date: the expert score changed from 90 to 97.5; the expert score or stated facts "
        "of another application in the cohort changed; please run again" in page
    )
