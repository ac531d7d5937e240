"""The validation rules and reporting calendar of the plan's indicators (plans/data/validation-rules.yaml).

Pydantic-checked; errors are Chinese and name the entry, the field and the line.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Annotated, Literal

import polars as pl
from pydantic import BaseModel, ConfigDict, Field, model_validator

from kechuang.plans.yamlcheck import check_yaml, mtime_cached, unknown_keys

RULES_FILE = "validation-rules.yaml"
DUE_PATTERN = r"^(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"
Level = Literal["block", "warn"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class RangeRule(_Strict):
    kind: Literal["range"]
    level: Level
    min: float | None = None
    max: float | None = None

    @model_validator(mode="after")
    def _bounds(self):
        return RangeRule._check_bounds(self)

    @staticmethod
    def _check_bounds(self):
        if self.min is None and self.max is None:
            raise ValueError("规则至少需要 min 或 max 之一")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"min（{self.min:g}）不能大于 max（{self.max:g}）")
        return self


class JumpRule(_Strict):
    kind: Literal["jump"]
    level: Level
    sigmas: float = Field(gt=0)
    min_changes: int = Field(default=3, ge=2)


class RatioRule(_Strict):
    """This indicator's value over another's (``of``) for the same region and year, within min / max."""

    kind: Literal["ratio"]
    level: Level
    of: str = Field(min_length=1)
    min: float | None = None
    max: float | None = None

    @model_validator(mode="after")
    def _bounds(self):
        return RangeRule._check_bounds(self)


Rule = Annotated[RangeRule | JumpRule | RatioRule, Field(discriminator="kind")]


class IndicatorRules(_Strict):
    due: str | None = Field(default=None, pattern=DUE_PATTERN)
    # false: the towns' values come from a platform registry (the enterprise registry, the technology
    # contract registry), so a town has nothing to report for it even where it has a target
    towns_report: bool = True
    rules: list[Rule] = []


class RulesFile(_Strict):
    default_due: str = Field(pattern=DUE_PATTERN)
    indicators: dict[str, IndicatorRules] = {}


class RulesFileError(Exception):
    def __init__(self, errors: list[str]):
        super().__init__("；".join(errors))
        self.errors = errors


LEVEL_NAMES = {"block": "阻止", "warn": "提醒"}
KIND_NAMES = {"range": "取值范围", "jump": "与上年相比跳变", "ratio": "与相关指标之比"}


@dataclass(frozen=True)
class Rules:
    file: RulesFile

    def due_date(self, indicator_code: str, year: int) -> dt.date:
        """The date the values of ``year`` are due: the indicator's (or default) MM-DD of the next year."""
        entry = self.file.indicators.get(indicator_code)
        month, day = map(int, ((entry and entry.due) or self.file.default_due).split("-"))
        return dt.date(year + 1, month, min(day, 28 if month == 2 else day))

    def towns_report(self, indicator_code: str) -> bool:
        """Do towns report this indicator themselves (or does a registry feed their values)?"""
        entry = self.file.indicators.get(indicator_code)
        return entry.towns_report if entry else True

    def rule(self, indicator_code: str, number: int):
        return self.file.indicators[indicator_code].rules[number]

    def frames(self) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
        """(ranges, jumps, ratios) as the engine's check_values takes them; ``rule`` is the rule's index."""
        ranges, jumps, ratios = [], [], []
        for code, entry in self.file.indicators.items():
            for i, r in enumerate(entry.rules):
                if isinstance(r, RangeRule):
                    ranges.append((code, i, r.level, r.min, r.max))
                elif isinstance(r, RatioRule):
                    ratios.append((code, i, r.level, r.of, r.min, r.max))
                else:
                    jumps.append((code, i, r.level, r.sigmas, r.min_changes))
        from kechuang.engine.observation_rules import JUMP_SCHEMA, RANGE_SCHEMA, RATIO_SCHEMA

        return (
            pl.DataFrame(ranges, schema=RANGE_SCHEMA, orient="row"),
            pl.DataFrame(jumps, schema=JUMP_SCHEMA, orient="row"),
            pl.DataFrame(ratios, schema=RATIO_SCHEMA, orient="row"),
        )


def parse_rules(text: str, known_indicators: set[str] | None = None) -> Rules:
    """Check a rules file's text; raises RulesFileError with Chinese messages (line, entry, field)."""
    parsed, root = check_yaml(
        text,
        RulesFile,
        RulesFileError,
        "文件内容应为映射（default_due、indicators）",
        ("range", "jump", "ratio"),
    )
    if known_indicators is not None:
        referred = {r.of for e in parsed.indicators.values() for r in e.rules if isinstance(r, RatioRule)}
        unknown = (set(parsed.indicators) | referred) - known_indicators
        if unknown:
            raise RulesFileError(unknown_keys(root, "indicators", unknown, "指标"))
    return Rules(parsed)


def rules_path() -> Path:
    return Path(str(resources.files("kechuang.plans").joinpath("data", RULES_FILE)))


# The shipped rules (re-read when the file changes).
load_rules = mtime_cached(rules_path, parse_rules)
