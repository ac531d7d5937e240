"""Matching a demand to achievements: tokens, BM25, the ranking rules and the quality floors on the
labelled set in tests/engine/data/transfer_match (demands written both as a researcher and as an
enterprise writes them, each with its relevant achievement codes)."""

from __future__ import annotations

from pathlib import Path

import bm25s
import numpy as np
import polars as pl
import pytest

from kechuang.engine.transfer import match as matching
from kechuang.engine.transfer.achievements import empty_frame, read_achievements
from kechuang.engine.transfer.match import MatchIndex, Vocabulary, bm25_weights, evaluate

DATA = Path(__file__).parent / "data" / "transfer_match"

# Measured on the labelled set (docs/benchmarks.md); a floor just below each, so a regression fails.
FLOORS_ALL = {"precision": 0.49, "recall": 0.92, "mrr": 0.95}
FLOORS_PLAIN = {"precision": 0.48, "recall": 0.92, "mrr": 0.94}


@pytest.fixture(scope="module")
def labelled():
    frame, errors = read_achievements(DATA / "achievements.csv")
    assert not errors, list(errors)
    demands = pl.read_csv(DATA / "demands.csv")
    return frame, MatchIndex(frame), demands


def _pairs(demands: pl.DataFrame) -> list[tuple[str, set[str]]]:
    return [(r["demand"], set(r["relevant"].split("；"))) for r in demands.iter_rows(named=True)]


def test_the_labelled_set_covers_every_field_and_plain_wording(labelled):
    frame, _, demands = labelled
    assert frame.height >= 300
    assert demands.height >= 50
    assert demands["field"].n_unique() == 8
    assert demands.filter(pl.col("style") == "企业").height >= 20
    codes = set(frame["code"].to_list())
    for relevant in demands["relevant"].str.split("；").to_list():
        assert set(relevant) <= codes


def test_quality_floors(labelled):
    _, index, demands = labelled
    measured = evaluate(index, _pairs(demands))
    for name, floor in FLOORS_ALL.items():
        assert measured[name] >= floor, (name, measured)
    plain = evaluate(index, _pairs(demands.filter(pl.col("style") == "企业")))
    for name, floor in FLOORS_PLAIN.items():
        assert plain[name] >= floor, (name, plain)


def test_a_plain_demand_finds_the_technical_achievement(labelled):
    _, index, _ = labelled
    found = index.search("装配线招工难，工资又高，想用机器换人", top=3)
    assert "协作机器人" in found[0]["title"]
    assert "工业机器人" in found[0]["terms"] or "协作机器人" in found[0]["terms"]
    found = index.search("手机用久了发烫", top=1)
    assert "导热膜" in found[0]["title"]


def test_results_best_first_with_shared_terms(labelled):
    frame, index, _ = labelled
    found = index.search("电镀废水重金属超标", top=5)
    assert len(found) == 5
    scores = [r["score"] for r in found]
    assert scores == sorted(scores, reverse=True)
    titles = dict(zip(frame["code"], frame["title"], strict=True))
    for item in found:
        assert set(item) == {"achievement", "title", "score", "terms"}
        assert item["title"] == titles[item["achievement"]]
        assert isinstance(item["score"], float)
        assert item["terms"] and all(isinstance(t, str) for t in item["terms"])
    assert "电镀废水" in found[0]["terms"]
    assert index.search("电镀废水重金属超标", top=5) == found  # deterministic


def test_every_shown_term_is_in_the_achievement_as_written(labelled):
    frame, index, demands = labelled
    text = {
        r["code"]: " ".join(r[c] or "" for c in ("title", "keywords", "abstract"))
        for r in frame.iter_rows(named=True)
    }
    for demand in demands["demand"].to_list():
        for item in index.search(demand, top=5):
            assert all(term in text[item["achievement"]] for term in item["terms"]), (demand, item)
    found = MatchIndex(pl.DataFrame({"code": ["X"], "title": ["NB-IoT低功耗5G模组"]})).search("nb-iot 5g")
    assert sorted(found[0]["terms"]) == ["5G", "NB-IoT"]


def test_only_published_achievements_and_the_field_restriction(labelled):
    frame, index, _ = labelled
    status = dict(zip(frame["code"], frame["status"], strict=True))
    field = dict(zip(frame["code"], frame["field"], strict=True))
    found = index.search("锂离子电池 能量密度 储能", top=50)
    assert found and all(status[r["achievement"]] in (None, "可转化") for r in found)
    restricted = index.search("锂离子电池 能量密度 储能", field="新能源及节能技术", top=50)
    assert restricted and all(field[r["achievement"]] == "新能源与节能" for r in restricted)
    assert len(restricted) < len(found)
    with pytest.raises(ValueError, match="未知技术领域"):
        index.search("储能", field="化工")


def test_no_shared_term_no_result(labelled):
    _, index, _ = labelled
    assert index.search("的了吗呢") == []
    assert index.search("qwertyuiop") == []
    assert MatchIndex(empty_frame()).search("电池") == []  # an empty library


def test_ties_by_code_and_readiness_bonus():
    frame = pl.DataFrame(
        {
            "code": ["B-2", "A-1", "C-3", "D-4"],
            "title": ["石墨烯导热膜"] * 4,
            "field": ["新材料"] * 4,
            "trl": [5, 5, 9, 2],
            "status": ["可转化", "可转化", None, "已转化"],
        }
    )
    found = MatchIndex(frame).search("石墨烯导热膜")
    assert [r["achievement"] for r in found] == ["C-3", "A-1", "B-2"]
    assert found[1]["score"] == found[2]["score"] < found[0]["score"]


def test_the_index_and_a_query_cut_text_the_same_way(labelled, monkeypatch):
    frame, index, _ = labelled
    texts = pl.concat([frame["title"], frame["abstract"].fill_null(""), frame["keywords"].fill_null("")])
    vocabulary = index.vocabulary

    def counts():
        found = vocabulary.token_counts(texts).group_by("row", "token").agg(pl.col("count").sum())
        return found.sort("row", "token")

    by_python = counts()
    monkeypatch.setattr(matching, "AUTOMATON_CHARS", 0)  # the Aho-Corasick path of large corpora
    by_automaton = counts()
    assert by_automaton.equals(by_python)
    one = vocabulary.cut(texts[0])
    assert sorted(set(one)) == by_python.filter(pl.col("row") == 0)["token"].sort().to_list()
    assert "锂离子电池" in Vocabulary().cut("高能量密度锂离子电池")
    assert {"5g", "led"} <= set(Vocabulary().cut("５Ｇ基站与LED照明"))


def test_bm25_is_lucene_bm25_as_bm25s_computes_it():
    corpus = [
        ["石墨烯", "导热", "导热", "手机"],
        ["电池", "储能"],
        ["石墨烯", "电池", "负极", "电池"],
        ["手机"],
    ]
    docs = pl.DataFrame(
        [(d, t) for d, tokens in enumerate(corpus) for t in tokens], schema=["doc", "token"], orient="row"
    )
    docs = docs.group_by("doc", "token").agg(tf=pl.len().cast(pl.Float64))
    weights = bm25_weights(docs, len(corpus))
    retriever = bm25s.BM25(k1=matching.K1, b=matching.B, method="lucene")
    retriever.index(corpus, show_progress=False)
    for query in (["石墨烯"], ["电池", "手机"], ["导热", "负极", "储能"]):
        ours = np.zeros(len(corpus))
        for row in weights.filter(pl.col("token").is_in(query)).iter_rows(named=True):
            ours[row["doc"]] += row["weight"]
        np.testing.assert_allclose(ours, retriever.get_scores(query), rtol=1e-5)
