"""The enterprise API answers like the pages: same scope, same verdicts, what-if without saving."""

from __future__ import annotations

import pytest
from django.utils.html import escape

from tests.enterprises.conftest import HUMEN, import_facts
from tests.enterprises.test_registry_pages import listed
from tests.personas import ENTERPRISE_CREDIT_CODE

pytestmark = pytest.mark.django_db

VIEWERS = ("admin", "bureau", "reporter", "leader", "songshanhu", "humen", "enterprise")


def api_codes(client, query: str = "") -> set[str]:
    response = client.get(f"/api/enterprises/{query}")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["count"] == len(body["items"])  # page_size 50 > 40 enterprises
    return {item["credit_code"] for item in body["items"]}


@pytest.mark.parametrize("persona", VIEWERS)
def test_list_has_the_same_scope_as_the_page(persona, population, client_for):
    client = client_for(persona)
    assert api_codes(client) == listed(client)
    assert api_codes(client, f"?region={HUMEN}") == listed(client, f"?region={HUMEN}")


@pytest.mark.parametrize("persona", ["bank", "university"])
def test_bank_and_university_get_403(persona, population, client_for):
    client = client_for(persona)
    assert client.get("/api/enterprises/").status_code == 403
    assert client.get(f"/api/enterprises/{population.own}").status_code == 403
    assert client.get("/api/enterprises/uploads").status_code == 403


def test_outsider_gets_401(population, client_for):
    assert client_for("outsider").get("/api/enterprises/").status_code == 401


def test_filters_and_pagination(population, client_for):
    client = client_for("bureau")
    assert api_codes(client, "?q=东莞示例") == {population.own}
    body = client.get("/api/enterprises/?page_size=15&page=3").json()
    assert (body["count"], body["pages"], body["page"], len(body["items"])) == (40, 3, 3, 10)
    assert client.get("/api/enterprises/?region=nowhere").status_code == 422
    own = client.get("/api/enterprises/?q=东莞示例").json()["items"][0]
    assert own["tier"] == "kexiao" and own["tier_label"] == "科技型中小企业" and own["region_name"]


def test_detail_outside_scope_is_404(population, client_for):
    assert client_for("songshanhu").get(f"/api/enterprises/{population.humen[0]}").status_code == 404
    assert client_for("enterprise").get(f"/api/enterprises/{population.songshanhu[1]}").status_code == 404
    assert client_for("enterprise").get(f"/api/enterprises/{population.own}/verdicts").status_code == 200
    assert client_for("humen").get(f"/api/enterprises/{population.own}/verdicts").status_code == 404
    response = client_for("humen").post(
        f"/api/enterprises/{population.own}/selfcheck", {}, "application/json"
    )
    assert response.status_code == 404


def test_detail_has_registry_facts_and_their_sources(population, client_for, tmp_path):
    own_2024 = population.facts.filter(
        (population.facts["credit_code"] == population.own) & (population.facts["year"] == 2024)
    )
    import_facts(own_2024.with_columns(own_2024["rd_expense"] * 0 + 450.0), tmp_path / "x", "修订.csv")
    body = client_for("enterprise").get(f"/api/enterprises/{population.own}").json()
    assert body["name"] == "东莞示例科技有限公司" and body["region_code"] == "441900401"
    assert [f["year"] for f in body["facts"]] == [2022, 2023, 2024]
    latest = body["facts"][-1]
    assert latest["values"]["revenue"] == 10000 and latest["values"]["rd_expense"] == 450
    uploads = {s["upload_id"]: s for s in body["sources"]}
    assert uploads[latest["sources"]["rd_expense"]]["file_name"] == "修订.csv"
    assert uploads[latest["sources"]["revenue"]]["file_name"] == "企业年度数据.csv"
    region = next(f for f in body["registry"] if f["field"] == "region_code")
    assert uploads[region["source_upload"]]["file_name"] == "企业名录.csv"


def test_verdicts_match_the_page(population, client_for):
    client = client_for("enterprise")
    verdicts = client.get(f"/api/enterprises/{population.own}/verdicts?year=2024").json()
    assert [v["code"] for v in verdicts] == ["kexiao", "gaoqi", "guishang", "gazelle", "lingjun"]
    gaoqi = next(v for v in verdicts if v["code"] == "gaoqi")
    rd = next(c for c in gaoqi["conditions"] if c["id"] == "rd_ratio")
    assert rd["status"] == "fail" and rd["shortfall"] == pytest.approx(300)
    html = client.get(f"/enterprises/{population.own}/?year=2024").content.decode()
    for v in verdicts:
        for c in v["conditions"]:
            assert escape(c["text"]) in html
    assert (
        verdicts == client.get(f"/api/enterprises/{population.own}/verdicts").json()
    )  # default: latest year


def test_selfcheck_is_a_what_if_that_saves_nothing(population, client_for, snapshot):
    before = snapshot()
    response = client_for("enterprise").post(
        f"/api/enterprises/{ENTERPRISE_CREDIT_CODE}/selfcheck",
        {"year": 2024, "rd_expense": 600, "rd_expense_domestic": 600},
        "application/json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["saved"] is False and body["overrides"] == {"rd_expense": 600, "rd_expense_domestic": 600}
    gaoqi = next(v for v in body["verdicts"] if v["code"] == "gaoqi")
    assert next(c for c in gaoqi["conditions"] if c["id"] == "rd_ratio")["status"] == "pass"
    assert snapshot() == before


def test_selfcheck_refuses_negative_amounts(population, client_for):
    response = client_for("enterprise").post(
        f"/api/enterprises/{ENTERPRISE_CREDIT_CODE}/selfcheck", {"revenue": -1}, "application/json"
    )
    assert response.status_code == 422


def test_uploads_follow_the_department_scope(population, client_for, tmp_path):
    own = population.facts.filter(population.facts["credit_code"] == population.own).head(1)
    import_facts(own, tmp_path / "y", "统计局报送.csv", department="tjj")
    everything = {
        u["file_name"] for u in client_for("bureau").get("/api/enterprises/uploads").json()["items"]
    }
    reporter = {
        u["file_name"] for u in client_for("reporter").get("/api/enterprises/uploads").json()["items"]
    }
    assert everything == {"企业名录.csv", "企业年度数据.csv", "统计局报送.csv"}
    assert reporter == {"统计局报送.csv"}
    assert client_for("songshanhu").get("/api/enterprises/uploads").status_code == 403


def test_api_list_query_count_is_bounded(population, client_for, django_assert_max_num_queries):
    client = client_for("bureau")
    client.get("/")
    with django_assert_max_num_queries(6):
        client.get("/api/enterprises/?page_size=40")
    with django_assert_max_num_queries(6):
        client.get("/api/enterprises/uploads")


# ---------------------------------------------------------------- bounded inputs (schemathesis found 500s)


def error_fields(response) -> set[str]:
    assert response.status_code == 422, (response.status_code, response.content[:300])
    body = response.json()
    assert isinstance(body["detail"], str)
    return {e["field"] for e in body["errors"]}


@pytest.mark.parametrize("year", [99999, -1, 1999, 2101])
def test_verdicts_refuse_a_year_out_of_range(year, population, client_for):
    response = client_for("enterprise").get(f"/api/enterprises/{population.own}/verdicts?year={year}")
    assert error_fields(response) == {"year"}


@pytest.mark.parametrize(
    "body, field",
    [
        ({"year": 99999}, "year"),
        ({"year": -1}, "year"),
        ({"ip_class1": 1e300}, "ip_class1"),
        ({"employees": 1e20}, "employees"),
        ({"employees": 1.5}, "employees"),
        ({"revenue": 1e300}, "revenue"),
        ({"net_assets": -1e300}, "net_assets"),
        ({"employees": True}, "employees"),
        ({"revenue": False}, "revenue"),
        ({"revenue": "100"}, "revenue"),
        ({"year": "2024"}, "year"),
    ],
)
def test_selfcheck_refuses_out_of_range_figures(body, field, population, client_for):
    response = client_for("enterprise").post(
        f"/api/enterprises/{ENTERPRISE_CREDIT_CODE}/selfcheck", body, "application/json"
    )
    assert error_fields(response) == {field}


@pytest.mark.parametrize("literal", ["Infinity", "-Infinity", "NaN", "1e999"])
def test_selfcheck_refuses_non_finite_numbers(literal, population, client_for):
    response = client_for("enterprise").post(
        f"/api/enterprises/{ENTERPRISE_CREDIT_CODE}/selfcheck",
        f'{{"revenue": {literal}}}',
        "application/json",
    )
    assert error_fields(response) == {"revenue"}


def test_selfcheck_accepts_the_largest_allowed_figures(population, client_for):
    from kechuang.enterprises.forms import SELFCHECK_AMOUNT_MAX, SELFCHECK_COUNT_MAX

    response = client_for("enterprise").post(
        f"/api/enterprises/{ENTERPRISE_CREDIT_CODE}/selfcheck",
        {"year": 2100, "revenue": SELFCHECK_AMOUNT_MAX, "employees": SELFCHECK_COUNT_MAX, "ip_class1": 0},
        "application/json",
    )
    assert response.status_code == 200, response.content


def test_selfcheck_form_has_the_same_bounds(population):
    from kechuang.enterprises.forms import SelfCheckForm

    form = SelfCheckForm({"year": 99999, "employees": "100000000000000000000", "ip_class1": "1e300"})
    assert not form.is_valid()
    assert {"year", "employees", "ip_class1"} <= set(form.errors)
    assert SelfCheckForm({"year": 2024, "revenue": "1e300"}).errors.keys() == {"revenue"}


@pytest.mark.parametrize("raw", ["[]", "[1, 2]", '"text"', "3"])
def test_selfcheck_body_must_be_an_object(raw, population, client_for):
    response = client_for("enterprise").post(
        f"/api/enterprises/{ENTERPRISE_CREDIT_CODE}/selfcheck", raw, "application/json"
    )
    assert response.status_code == 422, response.content
    assert "JSON 对象" in response.json()["errors"][0]["message"]
