"""The overview's chart of the plan index ranks the towns only; the city is their reference line
(issue 9 §2: the city index is not ranked in the same chart as the towns' indices)."""

import json
import re

CITY_NAME, SONGSHANHU_NAME = "东莞市", "松山湖高新技术产业开发区"


def index_chart(client):
    response = client.get("/plans/?as_of=2027")
    assert response.status_code == 200
    html = response.content.decode()
    found = re.search(r'<script id="index-chart" type="application/json">(.*?)</script>', html, re.S)
    kpi = re.search(r'data-testid="plan-index">\s*([\d.]+)', html)
    return (json.loads(found[1]) if found else None), (float(kpi[1]) if kpi else None)


def test_the_bureau_sees_the_towns_ranked_and_the_city_as_a_line(simulated_plan, client_for):
    chart, city_index = index_chart(client_for("bureau"))
    towns = chart["yAxis"]["data"]
    assert CITY_NAME not in towns and SONGSHANHU_NAME in towns and len(towns) == 7
    bars = chart["series"][0]["data"]
    assert bars == sorted(bars)  # drawn bottom up: the highest town on top
    [line] = chart["series"][0]["markLine"]["data"]
    assert abs(line["xAxis"] - city_index) < 0.06  # the city's figure on the same page


def test_a_town_officer_sees_their_town_against_the_city(simulated_plan, client_for):
    chart, _ = index_chart(client_for("songshanhu"))
    assert chart["yAxis"]["data"] == [SONGSHANHU_NAME]
    assert chart["series"][0]["markLine"]["data"][0]["xAxis"] is not None
