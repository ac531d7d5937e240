"""The engine's validation rules on frames: range, jump versus past changes, ratio to another indicator."""

from __future__ import annotations

import polars as pl

from kechuang.engine.observation_rules import JUMP_SCHEMA, RANGE_SCHEMA, RATIO_SCHEMA, check_values

EMPTY_RANGES = pl.DataFrame(schema=RANGE_SCHEMA)
EMPTY_JUMPS = pl.DataFrame(schema=JUMP_SCHEMA)


def rows(*values):
    return pl.DataFrame(
        [(i + 2, ind, reg, year, v) for i, (ind, reg, year, v) in enumerate(values)],
        schema=["row", "indicator", "region_code", "year", "value"],
        orient="row",
    )


def history(*values):
    return pl.DataFrame(list(values), schema=["indicator", "region_code", "year", "value"], orient="row")


def test_ratio_of_a_part_to_its_whole_at_its_limit():
    ratios = pl.DataFrame([("part", 0, "block", "whole", None, 0.5)], schema=RATIO_SCHEMA, orient="row")
    hist = history(("whole", "R", 2025, 10.0))
    at_limit = check_values(rows(("part", "R", 2025, 5.0)), hist, EMPTY_RANGES, EMPTY_JUMPS, ratios)
    assert at_limit.height == 0
    over = check_values(rows(("part", "R", 2025, 5.01)), hist, EMPTY_RANGES, EMPTY_JUMPS, ratios)
    assert over.select("kind", "level", "of_value").row(0) == ("ratio", "block", 10.0)
    # the whole in the same file takes precedence over the stored one
    both = check_values(
        rows(("part", "R", 2025, 5.01), ("whole", "R", 2025, 20.0)), hist, EMPTY_RANGES, EMPTY_JUMPS, ratios
    )
    assert both.height == 0


def test_jump_needs_enough_past_changes():
    jumps = pl.DataFrame([("x", 0, "warn", 2.0, 3)], schema=JUMP_SCHEMA, orient="row")
    two = history(("x", "R", 2020, 1.0), ("x", "R", 2021, 1.1), ("x", "R", 2022, 1.3))
    assert check_values(rows(("x", "R", 2023, 9.0)), two, EMPTY_RANGES, jumps).height == 0  # 2 changes only
    three = history(*two.rows(), ("x", "R", 2023, 1.4))
    broken = check_values(rows(("x", "R", 2024, 9.0)), three, EMPTY_RANGES, jumps)
    assert broken.select("kind", "previous_year", "previous_value").row(0) == ("jump", 2023, 1.4)
