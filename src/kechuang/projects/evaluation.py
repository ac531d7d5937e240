"""分类评价 templates as data (issue 12 §3): for basic research, applied research and technology
development, and demonstration — how each is evaluated, one-off or over a long cycle, the scoring
criteria with weights (total 100) and the evidence each criterion needs.

The shipped file is ``projects/data/evaluation_templates.yaml``; ``load_templates(path)`` checks any
file with pydantic and raises ``TemplateFileError`` listing every problem in Chinese with its line
and field (``第 12 行 classes.basic.criteria[0].weight：…``). The experts' scoring sheets
(``vocabulary.SCORING_SHEETS``) are the criteria of the shipped file.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from kechuang.plans.yamlcheck import (
    locate,
    parse_yaml,
    path_str,
    pydantic_message,
)

DEFAULT_PATH = Path(__file__).parent / "data" / "evaluation_templates.yaml"
CLASSES = ("basic", "applied", "demonstration")
CYCLES = {"one_off": "一次性评价", "long": "长周期评价"}


class TemplateFileError(ValueError):
    def __init__(self, problems: list[tuple[int | None, str, str]], filename: str) -> None:
        self.problems = problems
        lines = [f"{filename}：分类评价模板有 {len(problems)} 处错误"]
        for line, where, message in problems:
            at = f"第 {line} 行" if line else "（行号未知）"
            lines.append(f"  {at} {where or '（文件）'}：{message}")
        super().__init__("\n".join(lines))


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Criterion(_Model):
    name: str = Field(min_length=1, max_length=40)
    weight: int = Field(gt=0, le=100)
    evidence: tuple[str, ...] = Field(min_length=1)


class ClassTemplate(_Model):
    name: str = Field(min_length=1)
    method: str = Field(min_length=1)
    cycle: Literal["one_off", "long"]
    cycle_years: int | None = Field(None, ge=2, le=10)
    criteria: tuple[Criterion, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> ClassTemplate:
        total = sum(c.weight for c in self.criteria)
        if total != 100:
            raise ValueError(f"评分项权重合计应为 100，现为 {total}")
        names = [c.name for c in self.criteria]
        repeated = sorted({n for n in names if names.count(n) > 1})
        if repeated:
            raise ValueError(f"评分项重复：{'、'.join(repeated)}")
        if self.cycle == "long" and self.cycle_years is None:
            raise ValueError("长周期评价（cycle: long）须填写 cycle_years（2–10 年）")
        if self.cycle == "one_off" and self.cycle_years is not None:
            raise ValueError("一次性评价（cycle: one_off）不填 cycle_years")
        return self

    @property
    def cycle_label(self) -> str:
        years = f"（{self.cycle_years} 年）" if self.cycle_years else ""
        return CYCLES[self.cycle] + years

    @property
    def sheet(self) -> tuple[tuple[str, int], ...]:
        return tuple((c.name, c.weight) for c in self.criteria)


class Templates(_Model):
    version: str = Field(min_length=1)
    sample: bool = False
    note: str = ""
    classes: dict[Literal["basic", "applied", "demonstration"], ClassTemplate]

    @model_validator(mode="after")
    def _all_classes(self) -> Templates:
        missing = [c for c in CLASSES if c not in self.classes]
        if missing:
            raise ValueError(f"缺少类别：{'、'.join(missing)}（三类都须有模板）")
        return self


def load_templates_text(text: str, filename: str = "<模板>") -> Templates:
    root, data, problems = parse_yaml(text)
    if problems:
        raise TemplateFileError(problems, filename)
    try:
        return Templates.model_validate(data)
    except ValidationError as exc:
        problems = []
        errors = exc.errors(include_url=False)
        locs = [
            tuple(p for p in e["loc"] if not (isinstance(p, str) and p.startswith("function-")))
            for e in errors
        ]
        for e, loc in zip(errors, locs, strict=True):
            if any(len(other) > len(loc) and other[: len(loc)] == loc for other in locs):
                continue  # a list is "too short" only because an item inside it failed: name the item
            message = str(e["ctx"]["error"]) if e["type"] == "value_error" else pydantic_message(e)
            problems.append((locate(root, loc), path_str(loc), message))
        raise TemplateFileError(problems, filename) from None


def load_templates(path: str | Path = DEFAULT_PATH) -> Templates:
    path = Path(path)
    return load_templates_text(path.read_text(encoding="utf-8"), path.name)


@lru_cache(maxsize=1)
def shipped() -> Templates:
    """The shipped templates (checked once per process)."""
    return load_templates(DEFAULT_PATH)
