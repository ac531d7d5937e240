"""The three-yearly dynamic assessment of new R&D institutions reads the three annual reports of the
period (issue 13 §3): invention patents summed, staff and spin-offs the latest year's, the shares the
mean of the years'; the result page names the years used and flags a missing one."""

from __future__ import annotations

import pytest

from kechuang.carriers import services
from kechuang.carriers.models import CarrierReport, EvaluationResult

pytestmark = pytest.mark.django_db


def _report(carrier, year, **kw):
    fields = dict(
        resident_rd_staff=60,
        employees=100,
        rd_spending=400,
        income=1000,
        operating_income=800,
        transfer_income=80,
    )
    return CarrierReport.objects.create(carrier=carrier, year=year, **(fields | kw))


def _indicators(result):
    return {d["id"]: (d["value"], d["points"]) for d in result.detail["indicators"]}


def test_a_missing_year_is_flagged_and_the_reports_there_are_aggregated(world, login):
    inst = world.institution  # its 2025 report: 10 patents, 3 spin-offs, 20 staff, 20% R&D, 30% transfer
    _report(inst, 2023, patents=35, spinoffs=1)  # 40% R&D, 10% transfer
    services.run_evaluation("institution_dynamic", "2023-2025")
    result = EvaluationResult.objects.get(carrier=inst, template="institution_dynamic")
    assert (result.detail["years_used"], result.detail["years_missing"]) == ([2023, 2025], [2024])
    got = _indicators(result)
    assert got["output"] == (45, 14)  # 35 + 10 = 45 patents over the period: 70% of 20 points
    assert got["contribution"][0] == 3 and got["talent"][0] == 20  # the latest year's stocks
    assert got["rd_input"][0] == pytest.approx(30.0)  # (40% + 20%) / 2
    assert got["transfer"][0] == pytest.approx(20.0)  # (10% + 30%) / 2
    page = login("bureau").get(f"/carriers/evaluations/{result.pk}/").content.decode()
    assert 'data-testid="years-used">评估期使用的年度报告：2023、2025' in page
    assert "缺少 2024 年度报告" in page
    assert '研发费用占总收入比例 <span class="muted">（评估期平均）</span>' in page
    assert '评估期内发明专利授权数 <span class="muted">（评估期合计）</span>' in page


def test_three_reports_reach_the_next_threshold_and_nothing_is_flagged(world, login):
    inst = world.institution
    _report(inst, 2023, patents=35, spinoffs=1)
    _report(inst, 2024, patents=44, spinoffs=2)
    services.run_evaluation("institution_dynamic", "2025")  # a year: the three years ending in it
    result = EvaluationResult.objects.get(carrier=inst, template="institution_dynamic")
    assert result.detail["years_used"] == [2023, 2024, 2025] and result.detail["years_missing"] == []
    assert _indicators(result)["output"] == (89, 14)  # one short of 90
    CarrierReport.objects.filter(carrier=inst, year=2024).update(patents=45)
    services.run_evaluation("institution_dynamic", "2025")
    result.refresh_from_db()
    assert _indicators(result)["output"] == (90, 20)
    page = login("bureau").get(f"/carriers/evaluations/{result.pk}/").content.decode()
    assert "评估期使用的年度报告：2023、2024、2025" in page and 'data-testid="years-missing"' not in page
    world.users["bureau"].language = "en"
    world.users["bureau"].save(update_fields=["language"])
    page = login("bureau").get(f"/carriers/evaluations/{result.pk}/").content.decode()
    assert "Annual reports used for the period: 2023, 2024, 2025" in page
    assert (
        'R&amp;D spending as a share of total income <span class="muted"> (mean over the period)</span>'
        in page
    )


def test_a_period_is_stored_in_one_form_and_an_older_spelling_becomes_it(world):
    inst = world.institution
    assert services.evaluation_period("institution_dynamic", " 2025 ") == "2023-2025"
    assert services.evaluation_period("incubator_operation", "2025-2025") == "2025"
    services.run_evaluation("institution_dynamic", "2025")
    services.run_evaluation("institution_dynamic", "2023-2025")  # the same period: no "previous" one
    result = EvaluationResult.objects.get(carrier=inst, template="institution_dynamic")
    assert result.period == "2023-2025" and result.previous_grade == "" and result.change is None
    # a result stored under the year alone (before the one form) is that period's, replaced in place
    EvaluationResult.objects.filter(pk=result.pk).update(period="2025")
    services.run_evaluation("institution_dynamic", "2023-2025")
    assert list(EvaluationResult.objects.filter(carrier=inst).values_list("pk", "period")) == [
        (result.pk, "2023-2025")
    ]


@pytest.mark.parametrize(
    "code, period, message",
    [
        (
            "institution_dynamic",
            "2024-2025",
            "评价期「2024-2025」：该评价模板的评价期为 3 年（如 2023-2025）",
        ),
        ("incubator_operation", "2024-2025", "评价期「2024-2025」：该评价模板的评价期为 1 年（如 2025）"),
        ("institution_dynamic", "2025-2023", "评价期「2025-2023」应为年份（如 2025）或年份区间"),
        ("instrument_sharing", "2025x", "评价期「2025x」应为年份（如 2025）或年份区间"),
    ],
)
def test_a_bad_period_is_refused_on_the_page_in_chinese_and_nothing_is_stored(
    world, login, code, period, message
):
    r = login("bureau").post("/carriers/evaluations/run/", {"template": code, "period": period}, follow=True)
    assert r.status_code == 200 and message in r.content.decode()
    assert not EvaluationResult.objects.exists()


def test_the_api_finds_the_three_yearly_assessment_by_its_last_year(world, login):
    """The run page takes 2025 for 2023-2025; the API's filter reads the period the same way."""
    services.run_evaluation("institution_dynamic", "2025")
    c = login("bureau")
    for query in ("template=institution_dynamic&period=2025", "template=institution_dynamic&period=2023-2025",
                  "period=2025"):  # fmt: skip
        got = c.get(f"/api/carriers/evaluations?{query}").json()
        assert {e["period"] for e in got if e["template"] == "institution_dynamic"} == {"2023-2025"}, query
    assert c.get("/api/carriers/evaluations?template=institution_dynamic&period=2024").json() == []
    bad = c.get("/api/carriers/evaluations?template=institution_dynamic&period=2024-2025")
    assert bad.status_code == 400 and "该评价模板的评价期为 3 年" in bad.json()["detail"]


def test_a_missing_year_is_in_the_results_missing_data_and_its_export(world, login):
    import io

    import openpyxl

    inst = world.institution
    _report(inst, 2023, patents=35, spinoffs=1)  # 2024 not reported
    services.run_evaluation("institution_dynamic", "2023-2025")
    result = EvaluationResult.objects.get(carrier=inst, template="institution_dynamic")
    said = "缺少 2024 年度报告：研发费用占总收入比例、评估期内发明专利授权数"
    assert result.missing.startswith(said) and result.missing.endswith("按已有年度计算")
    assert "累计孵化企业数" in result.missing  # the latest year's stock is read over the years there are
    c = login("bureau")
    page = c.get(f"/carriers/evaluations/{result.pk}/").content.decode()
    assert f'data-testid="missing">缺少数据：{said}' in page
    sheet = openpyxl.load_workbook(
        io.BytesIO(c.get("/carriers/evaluations/export/?template=institution_dynamic").content)
    ).active
    rows = list(sheet.iter_rows(values_only=True))
    column = rows[0].index("缺少数据")
    assert next(r for r in rows[1:] if r[0] == inst.code)[column] == result.missing
    api = c.get("/api/carriers/evaluations?template=institution_dynamic").json()
    items = api["items"] if isinstance(api, dict) else api
    assert next(r for r in items if r["carrier"] == inst.code)["missing"] == result.missing
    # with every report there, nothing is said missing
    _report(inst, 2024, patents=1)
    services.run_evaluation("institution_dynamic", "2023-2025")
    result.refresh_from_db()
    assert "年度报告" not in result.missing
