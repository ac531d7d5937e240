"""分类评价 templates as data (issue 12 §3): for basic research, applied research and technology
development, and demonstration — how each is evaluated, one-off or over a long cycle, the scoring
criteria with weights (total 100) and the evidence each criterion needs.

The shipped file is ``projects/data/evaluation_templates.yaml``; ``load_templates(path)`` checks any
file with pydantic and raises ``TemplateFileError`` listing every problem in Chinese with its line
and field (``第 12 行 classes.basic.criteria[0].weight：…``). The experts' scoring sheets
(``vocabulary.SCORING_SHEETS``) are the criteria of the shipped file.

Each class's ``evaluation`` is the classified evaluation of a funded project (分类评价 of running and
finished projects, kechuang.projects.evaluations): its periods (one for a one-off evaluation, two or
more for a long cycle, e.g. 中期评价 and 结题评价), criteria with weights (total 100) and the evidence
each needs, typed ``text``, ``number`` (with optional bounds, e.g. TRL 1–9) or ``attachment`` (a
document's number or file name). ``grades`` are the cut-offs of the grade (优秀 ≥ 85 …).
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


class Evidence(_Model):
    name: str = Field(min_length=1, max_length=40)
    kind: Literal["text", "number", "attachment"]
    unit: str = ""
    min: float | None = None
    max: float | None = None

    @property
    def bounds(self) -> str:
        if self.min is not None and self.max is not None:
            return f"{self.min:g}–{self.max:g}"
        if self.min is not None:
            return f"≥ {self.min:g}"
        return f"≤ {self.max:g}" if self.max is not None else ""


class EvaluationCriterion(_Model):
    name: str = Field(min_length=1, max_length=40)
    weight: int = Field(gt=0, le=100)
    evidence: tuple[Evidence, ...] = Field(min_length=1)


class ClassEvaluation(_Model):
    periods: tuple[str, ...] = Field(min_length=1)
    criteria: tuple[EvaluationCriterion, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> ClassEvaluation:
        total = sum(c.weight for c in self.criteria)
        if total != 100:
            raise ValueError(f"评价评分项权重合计应为 100，现为 {total}")
        names = [c.name for c in self.criteria]
        if len(set(names)) != len(names) or len(set(self.periods)) != len(self.periods):
            raise ValueError("评价评分项或评价期次重复")
        return self

    def criterion(self, name: str) -> EvaluationCriterion | None:
        return next((c for c in self.criteria if c.name == name), None)


class Grade(_Model):
    grade: str = Field(min_length=1, max_length=10)
    min: float = Field(ge=0, le=100)


DEFAULT_GRADES = (Grade(grade="优秀", min=85), Grade(grade="良好", min=75), Grade(grade="合格", min=60),
                  Grade(grade="不合格", min=0))  # fmt: skip


class ClassTemplate(_Model):
    name: str = Field(min_length=1)
    method: str = Field(min_length=1)
    cycle: Literal["one_off", "long"]
    cycle_years: int | None = Field(None, ge=2, le=10)
    criteria: tuple[Criterion, ...] = Field(min_length=1)
    evaluation: ClassEvaluation | None = None

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
        if self.evaluation is not None:
            n = len(self.evaluation.periods)
            if self.cycle == "one_off" and n != 1:
                raise ValueError(f"一次性评价只有一个评价期次，现为 {n} 个")
            if self.cycle == "long" and n < 2:
                raise ValueError("长周期评价须有两个以上评价期次（如中期评价、结题评价）")
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
    grades: tuple[Grade, ...] = DEFAULT_GRADES

    @model_validator(mode="after")
    def _all_classes(self) -> Templates:
        missing = [c for c in CLASSES if c not in self.classes]
        if missing:
            raise ValueError(f"缺少类别：{'、'.join(missing)}（三类都须有模板）")
        if not any(g.min == 0 for g in self.grades):
            raise ValueError("等级分数线须有一档从 0 分起（min: 0）")
        if len({g.min for g in self.grades}) != len(self.grades):
            raise ValueError("等级分数线重复")
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
