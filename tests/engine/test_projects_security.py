"""Patent concentration per field (科技安全: 重点领域发明专利前五名持有人集中度)."""

import polars as pl
import pytest

from kechuang.engine.projects.security import patent_concentration


def test_the_share_of_the_top_holders_per_field_most_concentrated_first():
    frame = pl.DataFrame(
        {
            "holder": ["a", "b", "c", "d", "e", "f", "g", "x", "y", "n", "z"],
            "field": ["电子信息"] * 7 + ["新材料"] * 2 + ["电子信息", ""],
            "patents": [50, 20, 10, 10, 5, 3, 2, 9, 1, None, 99],
        }
    )
    out = patent_concentration(frame, top=5).to_dicts()
    assert [r["field"] for r in out] == ["新材料", "电子信息"]  # 100 % before 95 %
    assert out[0] == {"field": "新材料", "holders": 2, "patents": 10, "top_patents": 10, "share": 100.0}
    # 电子信息: 7 holders with patents (n has none; z has no field), the top five hold 95 of 100
    assert out[1] == {"field": "电子信息", "holders": 7, "patents": 100, "top_patents": 95, "share": 95.0}


def test_ties_at_the_cut_are_broken_by_holder_so_the_figure_is_reproducible():
    frame = pl.DataFrame({"holder": ["b", "a", "c"], "field": ["f"] * 3, "patents": [5, 5, 5]})
    (row,) = patent_concentration(frame, top=2).to_dicts()
    assert row["top_patents"] == 10 and row["share"] == pytest.approx(66.7)
