"""The plan API (/api/plans): every persona against every endpoint, scopes, writes, evaluation, tasks."""

import json

import pytest
from django.test import Client

from tests.personas import PERSONAS

PLAN = "dongguan-2026-2030"
BASE = f"/api/plans/{PLAN}"
PLAN_READERS = {"admin", "bureau", "reporter", "songshanhu", "humen", "leader"}
CITY, SONGSHANHU, HUMEN = "441900", "441900401", "441900121"
ENDPOINTS = [
    "/api/plans/",
    BASE,
    f"{BASE}/indicators",
    f"{BASE}/observations",
    f"{BASE}/evaluation",
    f"{BASE}/tasks",
]


def post(client, rows, **extra):
    return client.post(
        f"{BASE}/observations", json.dumps({"rows": rows, **extra}), content_type="application/json"
    )


def approx_tree(value):
    """The same JSON structure, every float compared with pytest.approx."""
    if isinstance(value, dict):
        return {k: approx_tree(v) for k, v in value.items()}
    if isinstance(value, list):
        return [approx_tree(v) for v in value]
    if isinstance(value, float):
        return pytest.approx(value, rel=1e-12, abs=1e-12)
    return value


def observation_count():
    from kechuang.plans.models import Observation

    return Observation.objects.count()


# ---------------------------------------------------------------- who may call what


@pytest.mark.parametrize("url", ENDPOINTS)
@pytest.mark.parametrize("persona", sorted(PERSONAS))
def test_each_persona_gets_the_endpoint_or_403(plan, client_for, persona, url):
    response = client_for(persona).get(url)
    assert response.status_code == (200 if persona in PLAN_READERS else 403), f"{persona} → {url}"
    if response.status_code == 403:
        assert response.json()["detail"]


@pytest.mark.parametrize("url", ENDPOINTS)
def test_anonymous_calls_are_refused(plan, url):
    assert Client().get(url).status_code == 401


def test_scripts_use_a_token(plan, personas):
    from kechuang.accounts.models import ApiToken

    _, token = ApiToken.issue(personas["reporter"], "nightly upload")
    response = Client().get(f"{BASE}/indicators", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200 and len(response.json()) == 9


def test_openapi_lists_the_plan_endpoints(plan):
    paths = Client().get("/api/openapi.json").json()["paths"]
    for path in (
        "/api/plans/",
        "/api/plans/{code}",
        "/api/plans/{code}/observations",
        "/api/plans/{code}/tasks",
    ):
        assert path in paths
    assert {"get", "post"} <= set(paths["/api/plans/{code}/observations"])


# ---------------------------------------------------------------- reading


def test_plans_and_plan_detail(plan, client_for):
    [row] = client_for("bureau").get("/api/plans/").json()
    assert (
        row["code"] == PLAN and row["indicators"] == 9 and row["tasks"] >= 60 and row["current_version"] == 1
    )
    assert "示例分工" in row["sample_note"]
    detail = client_for("bureau").get(BASE).json()
    assert [v["number"] for v in detail["versions"]] == [1]
    assert client_for("bureau").get("/api/plans/no-such-plan").status_code == 404


def test_indicators_carry_department_names_and_regional_targets(plan, client_for):
    data = {i["code"]: i for i in client_for("leader").get(f"{BASE}/indicators").json()}
    rd = data["rd_intensity"]
    assert (rd["unit"], rd["baseline_value"], rd["target_value"]) == ("%", 4.01, 4.1)
    assert rd["owner_department"] == "tjj" and rd["owner_department_name"] == "东莞市统计局"
    assert {t["region_name"] for t in rd["regional_targets"]} == {"松山湖高新技术产业开发区", "虎门镇"}
    assert data["science_literacy"]["baseline_value"] is None


def test_observations_keep_their_sources(plan, client_for):
    rows = client_for("bureau").get(f"{BASE}/observations", {"indicator": "hightech_mfg_share"}).json()
    assert [r["year"] for r in rows] == [2018, 2020, 2022, 2024]
    assert rows[0]["source"] == "https://www.chinanews.com.cn/sh/2019/01-09/8723935.shtml"
    assert all(r["region_name"] == "东莞市" and not r["simulated"] for r in rows)


def test_observation_filters(simulated_plan, client_for):
    client = client_for("bureau")
    rows = client.get(f"{BASE}/observations", {"region": "虎门镇", "year": 2026}).json()
    assert len(rows) == 9 and {r["region"] for r in rows} == {HUMEN} and all(r["simulated"] for r in rows)
    rows = client.get(f"{BASE}/observations", {"indicator": "rd_intensity", "year_from": 2025}).json()
    assert {r["year"] for r in rows} == {2025, 2026, 2027}
    assert client.get(f"{BASE}/observations", {"revisions": "some"}).status_code == 422


def test_a_town_officer_sees_only_their_town_and_the_city(simulated_plan, client_for):
    client = client_for("songshanhu")
    regions = {r["region"] for r in client.get(f"{BASE}/observations").json()}
    assert regions == {CITY, SONGSHANHU}
    assert client.get(f"{BASE}/observations", {"region": HUMEN}).json() == []
    assert [r["code"] for r in client.get(BASE).json()["regions"]] == [CITY, SONGSHANHU]
    assert client.get(f"{BASE}/evaluation", {"region": "虎门镇"}).status_code == 403
    assert client.get(f"{BASE}/evaluation", {"region": "松山湖"}).json()["region"] == SONGSHANHU
    everyone = {r["region"] for r in client_for("bureau").get(f"{BASE}/observations").json()}
    assert len(everyone) == 8


# ---------------------------------------------------------------- writing


def test_a_reporter_enters_an_indicator_of_their_department(plan, client_for, personas):
    from kechuang.plans.models import Observation

    response = post(
        client_for("reporter"),
        [
            {
                "indicator": "rd_intensity",
                "region": "东莞市",
                "year": 2025,
                "value": 4.05,
                "source": "市统计局快报",
            }
        ],
    )
    assert response.status_code == 201, response.content
    assert response.json()["created"] == 1
    row = Observation.objects.get(indicator__code="rd_intensity", region_code=CITY, year=2025)
    assert (row.value, row.source, row.entered_by, row.simulated) == (
        4.05,
        "市统计局快报",
        personas["reporter"],
        False,
    )


def test_a_reporter_cannot_enter_an_indicator_they_do_not_own(plan, client_for):
    before = observation_count()
    rows = [
        {"indicator": "rd_intensity", "region": "东莞市", "year": 2025, "value": 4.05},
        {"indicator": "tech_contract_turnover", "region": "东莞市", "year": 2025, "value": 120},
    ]
    response = post(client_for("reporter"), rows, source="市统计局快报")
    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert error["index"] == 1 and "无权填报" in error["message"] and "技术合同成交额" in error["message"]
    assert observation_count() == before  # all or nothing: the allowed row is not written either


def test_a_town_officer_enters_only_their_own_town(plan, client_for):
    client = client_for("humen")
    row = {"indicator": "rd_intensity", "year": 2025, "value": 3.3, "source": "虎门镇统计办"}
    assert post(client, [{**row, "region": "虎门镇"}]).status_code == 201
    before = observation_count()
    response = post(client, [{**row, "region": "松山湖"}])
    assert response.status_code == 400 and "无权填报" in response.json()["errors"][0]["message"]
    assert observation_count() == before


@pytest.mark.parametrize("persona", ["leader", "enterprise", "bank"])
def test_read_only_roles_cannot_write(plan, client_for, persona):
    row = {"indicator": "rd_intensity", "region": "东莞市", "year": 2025, "value": 4.05, "source": "x"}
    assert post(client_for(persona), [row]).status_code == 403
    assert (
        Client().post(f"{BASE}/observations", {"rows": [row]}, content_type="application/json").status_code
        == 401
    )


def test_bad_rows_are_reported_in_chinese_and_nothing_is_written(plan, client_for):
    before = observation_count()
    rows = [
        {"indicator": "rd_intensity", "region": "东莞市", "year": 2025, "value": 4.05, "source": "快报"},
        {"indicator": "no_such_indicator", "region": "东莞市", "year": 2025, "value": 1, "source": "快报"},
        {
            "indicator": "rd_intensity",
            "region": "火星镇",
            "year": "二〇二五",
            "value": "abc",
            "source": "快报",
        },
        {"indicator": "industrial_hightech_enterprises", "region": "东莞市", "year": 2025, "value": -5},
    ]
    response = post(client_for("bureau"), rows)
    assert response.status_code == 400
    body = response.json()
    assert "数据未写入" in body["detail"]
    found = {(e["index"], e["column"]) for e in body["errors"]}
    assert found == {(1, "指标"), (2, "地区"), (2, "年份"), (2, "数值"), (3, "数值"), (3, "来源")}
    messages = " ".join(e["message"] for e in body["errors"])
    assert (
        "未知指标" in messages
        and "未知地区" in messages
        and "不是数字" in messages
        and "请注明数据来源" in messages
    )
    assert observation_count() == before


def test_a_correction_is_a_new_revision(plan, client_for):
    client = client_for("bureau")
    row = {"indicator": "tech_contract_turnover", "region": "东莞市", "year": 2024, "value": 96.1}
    assert post(client, [row], source="市科技局（更正）").json()["revised"] == 1
    latest = client.get(f"{BASE}/observations", {"indicator": "tech_contract_turnover"}).json()
    assert [(r["value"], r["revision"]) for r in latest] == [(96.1, 2)]
    every = client.get(
        f"{BASE}/observations", {"indicator": "tech_contract_turnover", "revisions": "all"}
    ).json()
    assert [(r["value"], r["revision"], r["is_latest"]) for r in every] == [
        (96.1, 2, True),
        (95.35, 1, False),
    ]
    assert post(client, [row], source="市科技局（更正）").json()["unchanged"] == 1


# ---------------------------------------------------------------- evaluation and tasks


@pytest.mark.parametrize(("as_of", "region"), [(None, None), (2026, None), (2027, SONGSHANHU), (2025, HUMEN)])
def test_evaluation_equals_the_monitor_payload(simulated_plan, client_for, as_of, region):
    from kechuang.plans.evaluation import monitor

    params = {k: v for k, v in {"as_of": as_of, "region": region}.items() if v is not None}
    response = client_for("bureau").get(f"{BASE}/evaluation", params)
    assert response.status_code == 200
    expected = json.loads(json.dumps(monitor(simulated_plan, as_of, region or CITY)))
    # Floats to 1e-12: the engine's grouped sums are not bit-for-bit reproducible between two runs.
    assert response.json() == approx_tree(expected)
    assert len(expected["indicators"]) == 9


def test_evaluation_rejects_unknown_regions_and_years(plan, client_for):
    client = client_for("bureau")
    assert client.get(f"{BASE}/evaluation", {"region": "火星镇"}).status_code == 404
    assert client.get(f"{BASE}/evaluation", {"as_of": 1999}).status_code == 422


def test_tasks_have_status_departments_and_milestones(plan, client_for):
    client = client_for("reporter")
    tasks = client.get(f"{BASE}/tasks", {"as_of": "2026-06-30"}).json()
    assert len(tasks) >= 60
    first = tasks[0]
    assert first["status"] in {"completed", "overdue", "milestone_late", "on_time"} and first["status_label"]
    assert first["lead_department_name"].startswith("东莞市") and 1 <= len(first["milestones"]) <= 3
    assert all(t["sample"] for t in tasks)
    late = client.get(f"{BASE}/tasks", {"as_of": "2031-01-01", "status": "overdue"}).json()
    assert len(late) == len(tasks) and all(t["warning"] == "red" and t["overdue_days"] > 0 for t in late)
    mine = client.get(f"{BASE}/tasks", {"department": "tjj"}).json()
    assert mine and all("tjj" == t["lead_department"] or "tjj" in t["co_departments"] for t in mine)
    assert {t["chapter"] for t in client.get(f"{BASE}/tasks", {"chapter": 3}).json()} == {3}


# ---------------------------------------------------------------- no N+1 queries


@pytest.mark.parametrize(
    "url",
    [
        "/api/plans/",
        BASE,
        f"{BASE}/indicators",
        f"{BASE}/observations?revisions=all",
        f"{BASE}/evaluation",
        f"{BASE}/tasks",
    ],
)
def test_lists_use_a_bounded_number_of_queries(
    simulated_plan, client_for, django_assert_max_num_queries, url
):
    client = client_for("songshanhu")
    client.get(url)
    with django_assert_max_num_queries(12):
        assert client.get(url).status_code == 200
