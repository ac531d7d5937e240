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

Every shown name has an optional English twin (decision 0023: ``name_en``, ``method_en``, ``note_en``,
``unit_en``, ``grade_en``; ``evidence_en`` and ``periods_en`` are lists in the order of ``evidence`` and
``periods``), read through ``kechuang.web.names``. Evaluations store the Chinese names (they are the
criteria's keys); ``english_names`` gives their English at display time, so an evaluation recorded
before the English existed reads in English too.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from django.utils.translation import gettext, gettext_noop, ngettext
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from kechuang.plans.yamlcheck import (
    locate,
    parse_yaml,
    path_str,
    pydantic_message,
)
from kechuang.web import names

DEFAULT_PATH = Path(__file__).parent / "data" / "evaluation_templates.yaml"
CLASSES = ("basic", "applied", "demonstration")
CYCLES = {"one_off": gettext_noop("一次性评价"), "long": gettext_noop("长周期评价")}


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


def _twins(items: tuple[str, ...], items_en: tuple[str, ...], field: str) -> None:
    if items_en and len(items_en) != len(items):
        raise ValueError(f"{field}_en 应与 {field} 一一对应（{len(items)} 项），现为 {len(items_en)} 项")


class Criterion(_Model):
    name: str = Field(min_length=1, max_length=40)
    name_en: str = ""
    weight: int = Field(gt=0, le=100)
    evidence: tuple[str, ...] = Field(min_length=1)
    evidence_en: tuple[str, ...] = ()  # in the order of evidence

    @model_validator(mode="after")
    def _consistent(self) -> Criterion:
        _twins(self.evidence, self.evidence_en, "evidence")
        return self

    @property
    def evidence_shown(self) -> tuple[str, ...]:
        """The evidence in the interface's language."""
        return self.evidence_en if names.english() and self.evidence_en else self.evidence


class Evidence(_Model):
    name: str = Field(min_length=1, max_length=40)
    name_en: str = ""
    kind: Literal["text", "number", "attachment"]
    unit: str = ""
    unit_en: str = ""
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
    name_en: str = ""
    weight: int = Field(gt=0, le=100)
    evidence: tuple[Evidence, ...] = Field(min_length=1)


class ClassEvaluation(_Model):
    periods: tuple[str, ...] = Field(min_length=1)
    periods_en: tuple[str, ...] = ()  # in the order of periods
    criteria: tuple[EvaluationCriterion, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> ClassEvaluation:
        total = sum(c.weight for c in self.criteria)
        if total != 100:
            raise ValueError(f"评价评分项权重合计应为 100，现为 {total}")
        names = [c.name for c in self.criteria]
        if len(set(names)) != len(names) or len(set(self.periods)) != len(self.periods):
            raise ValueError("评价评分项或评价期次重复")
        _twins(self.periods, self.periods_en, "periods")
        return self

    @property
    def periods_shown(self) -> tuple[str, ...]:
        """The periods in the interface's language."""
        return self.periods_en if names.english() and self.periods_en else self.periods

    def english_names(self) -> dict[str, str]:
        """The English of the periods, criteria and evidence: Chinese name → English (the named ones)."""
        pairs = list(zip(self.periods, self.periods_en, strict=False))
        for c in self.criteria:
            pairs += [(c.name, c.name_en), *((e.name, e.name_en) for e in c.evidence)]
        return {zh: en for zh, en in pairs if en}

    def criterion(self, name: str) -> EvaluationCriterion | None:
        return next((c for c in self.criteria if c.name == name), None)


class Grade(_Model):
    grade: str = Field(min_length=1, max_length=10)
    grade_en: str = ""
    min: float = Field(ge=0, le=100)


DEFAULT_GRADES = (Grade(grade="优秀", grade_en="Excellent", min=85), Grade(grade="良好", grade_en="Good", min=75),
                  Grade(grade="合格", grade_en="Pass", min=60), Grade(grade="不合格", grade_en="Fail", min=0))  # fmt: skip


class ClassTemplate(_Model):
    name: str = Field(min_length=1)
    name_en: str = ""
    method: str = Field(min_length=1)
    method_en: str = ""
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
        """「长周期评价（5 年）」, "Long-cycle evaluation (5 years)" in English."""
        label = gettext(CYCLES[self.cycle])
        if not self.cycle_years:
            return label
        years = ngettext("（%(n)s 年）", "（%(n)s 年）", self.cycle_years) % {"n": self.cycle_years}
        return label + years

    @property
    def sheet(self) -> tuple[tuple[str, int], ...]:
        return tuple((c.name, c.weight) for c in self.criteria)


class Templates(_Model):
    version: str = Field(min_length=1)
    sample: bool = False
    note: str = ""
    note_en: str = ""
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

    def grade_label(self, grade: str) -> str:
        """A stored grade (优秀 …) in the interface's language."""
        found = next((g for g in self.grades if g.grade == grade), None)
        return names.localized(found, "grade") if found else grade


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
