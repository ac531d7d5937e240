"""The points pages, export and API persona by persona: the bureau sees all, a town its region, an
enterprise its own, a bank nothing here (banks see enterprises only through consent, in finance)."""

from __future__ import annotations

import io
import re

import openpyxl
import polars as pl
import pytest

from tests.personas import ENTERPRISE_CREDIT_CODE

pytestmark = pytest.mark.django_db

PORTRAIT_LINK = re.compile(r'href="/points/enterprise/([0-9A-Z]{18})/')
EVERYONE = ("admin", "bureau", "leader")


def expected_scores(population, year: int) -> pl.DataFrame:
    from kechuang.engine.points import load_model, sample_model_path, score

    return score(population.registry, population.facts, year, load_model(sample_model_path()))


def scored_codes(population, year: int, regions=None) -> set[str]:
    frame = expected_scores(population, year).filter(pl.col("points").is_not_null())
    codes = set(frame["credit_code"].to_list())
    if regions is None:
        return codes
    return codes & set(regions)


@pytest.mark.parametrize("persona", EVERYONE)
def test_the_bureau_sees_every_scored_enterprise(persona, scored, client_for):
    client = client_for(persona)
    response = client.get("/points/ranking/?year=2024")
    body = response.content.decode()
    expected = scored_codes(scored, 2024)
    assert f"共 {len(expected)} 家企业" in body


def test_a_town_sees_its_own_region_only(scored, client_for):
    client = client_for("songshanhu")
    body = client.get("/points/ranking/?year=2024").content.decode()
    shown = set(PORTRAIT_LINK.findall(body))
    assert shown == scored_codes(scored, 2024, scored.songshanhu)
    assert client.get(f"/points/enterprise/{scored.songshanhu[1]}/").status_code == 200
    assert client.get(f"/points/enterprise/{scored.humen[0]}/").status_code == 404
    assert client_for("humen").get(f"/points/enterprise/{scored.songshanhu[1]}/").status_code == 404
    # The export holds the same rows
    book = openpyxl.load_workbook(io.BytesIO(client.get("/points/ranking/export/?year=2024").content))
    codes = {row[2] for row in book.active.iter_rows(min_row=2, values_only=True)}
    assert codes == shown


def test_an_enterprise_sees_its_own_portrait_only(scored, client_for):
    client = client_for("enterprise")
    home = client.get("/points/")
    assert home.status_code == 302 and home["Location"] == f"/points/enterprise/{ENTERPRISE_CREDIT_CODE}/"
    own = client.get(f"/points/enterprise/{ENTERPRISE_CREDIT_CODE}/")
    assert own.status_code == 200
    assert client.get(f"/points/enterprise/{scored.songshanhu[3]}/").status_code == 404
    assert set(PORTRAIT_LINK.findall(client.get("/points/ranking/?year=2024").content.decode())) <= {
        ENTERPRISE_CREDIT_CODE
    }


@pytest.mark.parametrize("persona", ["bank", "university", "reporter"])
def test_a_bank_sees_nothing_here(persona, scored, client_for):
    client = client_for(persona)
    for url in (
        "/points/",
        "/points/model/",
        "/points/ranking/",
        "/points/ranking/export/",
        f"/points/enterprise/{scored.own}/",
        "/api/points/scores",
        "/api/points/runs",
        f"/api/points/enterprises/{scored.own}",
    ):
        assert client.get(url).status_code == 403, url


def test_the_portrait_shows_points_rank_tier_history_and_suggestions(scored, client_for):
    expected = (
        expected_scores(scored, 2024)
        .filter(pl.col("credit_code") == ENTERPRISE_CREDIT_CODE)
        .row(0, named=True)
    )
    body = (
        client_for("bureau").get(f"/points/enterprise/{ENTERPRISE_CREDIT_CODE}/?year=2024").content.decode()
    )
    assert f"{expected['points']:.1f}" in body
    assert f"{expected['rank']} <small>/ {expected['cohort_size']}</small>" in body
    assert 'data-testid="radar"' in body and 'data-testid="improvements"' in body
    history = body.split('data-testid="history"')[1]
    assert "2024" in history and "2023" in history  # both stored years
    assert 'data-testid="sample-mark"' in body


@pytest.mark.parametrize(
    "url", ["/points/", "/points/model/", "/points/ranking/", "/points/ranking/?list=leading"]
)
def test_every_page_marks_the_sample_model(url, scored, client_for):
    response = client_for("bureau").get(url)
    assert response.status_code == 200
    assert 'data-testid="sample-mark"' in response.content.decode()


def test_an_official_model_is_not_marked(scored, client_for, tmp_path):
    from kechuang.engine.points import sample_model_path
    from kechuang.points.services import load_points_model

    official = tmp_path / "official.yaml"
    official.write_text(
        sample_model_path().read_text(encoding="utf-8").replace("status: sample", "status: official")
    )
    load_points_model(official)
    body = client_for("bureau").get("/points/model/").content.decode()
    assert 'data-testid="sample-mark"' not in body


def test_the_export_is_the_list_with_names_and_tiers(scored, client_for):
    response = client_for("bureau").get("/points/ranking/export/?year=2024&list=leading")
    assert response.status_code == 200
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][:3] == ("阶段内排名", "企业名称", "统一社会信用代码")
    expected = expected_scores(scored, 2024).filter(pl.col("tier") == "leading")
    assert {r[2] for r in rows[1:]} == set(expected["credit_code"].to_list())
    assert all(r[9] == "创新领跑" for r in rows[1:])


def test_the_bureau_runs_the_scoring_as_a_job_and_a_town_cannot(population, client_for):
    from kechuang.jobs.models import Job
    from kechuang.points.models import PointsRun

    assert client_for("songshanhu").post("/points/run/", {"year": 2024}).status_code == 403
    response = client_for("bureau").post("/points/run/", {"year": 2024})
    job = Job.objects.get(kind="points_run")
    assert response.status_code == 302 and response["Location"] == f"/jobs/{job.pk}/"
    assert job.status == "succeeded", job.message
    run = PointsRun.objects.get()
    assert (run.year, run.job_id, run.enterprises) == (2024, job.pk, 40)
    nothing = client_for("bureau").post("/points/run/", {"year": 1999})
    assert nothing.status_code == 302 and PointsRun.objects.count() == 1


def test_the_api_is_scoped_like_the_pages(scored, client_for):
    town = client_for("songshanhu").get("/api/points/scores?year=2024&page_size=1000").json()
    assert {i["credit_code"] for i in town["items"]} == set(scored.songshanhu)
    assert town["sample"] is True
    own = client_for("enterprise").get(f"/api/points/enterprises/{ENTERPRISE_CREDIT_CODE}")
    assert own.status_code == 200 and own.json()["score"]["credit_code"] == ENTERPRISE_CREDIT_CODE
    assert client_for("enterprise").get(f"/api/points/enterprises/{scored.humen[0]}").status_code == 404
    runs = client_for("bureau").get("/api/points/runs").json()
    assert sorted(r["year"] for r in runs) == [2023, 2024]


def test_the_enterprise_page_links_the_portrait(scored, client_for):
    body = client_for("bureau").get(f"/enterprises/{ENTERPRISE_CREDIT_CODE}/").content.decode()
    assert 'data-testid="points-block"' in body and f"/points/enterprise/{ENTERPRISE_CREDIT_CODE}/" in body
