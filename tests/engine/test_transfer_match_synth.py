"""The synthetic achievements: the contract's columns, valid values, the same frame for the same seed."""

from __future__ import annotations

from kechuang.engine.transfer.fields import FIELDS
from kechuang.engine.transfer.synth import COLUMNS, STATUSES, achievements

INSTITUTIONS = ["东莞理工学院", "广东医科大学", "松山湖材料实验室"]


def test_columns_values_and_seed():
    frame = achievements(2000, 7, INSTITUTIONS)
    assert tuple(frame.columns) == COLUMNS
    assert frame.height == 2000
    assert frame["code"].n_unique() == 2000
    assert set(frame["field"].unique()) == set(FIELDS)
    assert set(frame["status"].unique()) <= set(STATUSES)
    assert set(frame["institution"].unique()) == set(INSTITUTIONS)
    assert frame["trl"].min() >= 1 and frame["trl"].max() <= 9
    assert frame["patents"].str.contains(r"^(ZL\d{12}\.\d)?$").all()
    assert frame["code"].str.starts_with("DGUT-").any()
    assert achievements(2000, 7, INSTITUTIONS).equals(frame)
    assert not achievements(2000, 8, INSTITUTIONS).equals(frame)
