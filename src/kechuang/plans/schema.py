"""The plan file (规划数据文件): schema, loader with located Chinese errors, content hash, diff.

A plan file is YAML: plan metadata, the chapters and sections of the plan text, the indicators of
its target table, sample town-level targets and the key tasks broken down to departments. Loading
checks it in two passes — structure and types (pydantic), then cross-references (department and
region codes, unique codes, date windows) — and reports every problem with its field path and the
1-based YAML line it sits on.

Pure Python (pydantic + PyYAML): no Django import, no settings. Reference code sets (departments,
regions) are passed in; by default they are read from the package's own reference CSVs.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError
from pydantic_core import PydanticCustomError

from kechuang.plans.yamlcheck import (
    locate,
    parse_yaml,
    path_str,
    pydantic_message,
)
from kechuang.regions import CITY_CODE

PLAN_DIR = Path(__file__).resolve().parent / "data"
REFERENCE_DIR = Path(__file__).resolve().parent.parent / "data"

Loc = tuple[str | int, ...]
Codes = set[str] | frozenset[str]


# --------------------------------------------------------------------------- errors


@dataclass(frozen=True)
class PlanError:
    """One problem in a plan file: where (field path, YAML line) and what (Chinese)."""

    path: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"第 {self.line} 行" if self.line else "（行号未知）"
        return f"{where} {self.path or '（文件）'}：{self.message}"


class PlanFileError(ValueError):
    """A plan file that cannot be accepted; `.errors` lists every problem found."""

    def __init__(self, errors: Sequence[PlanError], filename: str = "<plan>") -> None:
        self.errors = list(errors)
        self.filename = filename
        lines = [f"{filename}：规划数据文件有 {len(self.errors)} 处错误"]
        lines += [f"  {e}" for e in self.errors]
        super().__init__("\n".join(lines))


# --------------------------------------------------------------------------- field types

_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _parse_date(value: Any) -> Any:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str) and _DATE_RE.match(value.strip()):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise PydanticCustomError("plan_date", "日期格式错误：应为 YYYY-MM-DD 形式的有效日期")


def _region_to_str(value: Any) -> Any:
    # A division code written without quotes arrives as an int; accept it as the code.
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value


PlanDate = Annotated[date, BeforeValidator(_parse_date)]
Text = Annotated[str, Field(min_length=1)]
Number = Annotated[float, Field(allow_inf_nan=False)]
Year = Annotated[int, Field(ge=1900, le=2100)]
RegionCode = Annotated[str, BeforeValidator(_region_to_str), Field(pattern=r"^\d{6,12}$")]
DepartmentCode = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]
IndicatorCode = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]
TaskCode = Annotated[str, Field(pattern=r"^[A-Za-z][A-Za-z0-9_.-]*$")]
GrowthModel = Literal["linear", "compound"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, str_strip_whitespace=True)


# --------------------------------------------------------------------------- models


class PlanMeta(_Model):
    code: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]*$")]
    name: Text
    status: Text
    status_en: Text | None = None
    start_year: Year
    end_year: Year
    source: Text
    region: RegionCode = CITY_CODE
    name_en: Text | None = None  # English names: shown when the interface is in English

    @property
    def start_date(self) -> date:
        return date(self.start_year, 1, 1)

    @property
    def end_date(self) -> date:
        return date(self.end_year, 12, 31)


class Section(_Model):
    seq: Annotated[int, Field(ge=1)]
    number: Text  # 第一节
    title: Text
    title_en: Text | None = None
    parts: list[Text] = []  # sub-headings verbatim, e.g. 一、加大核心技术攻关实施力度
    parts_en: list[Text] = []  # the same sub-headings in English, in the same order


class Chapter(_Model):
    seq: Annotated[int, Field(ge=1)]
    number: Text  # 第一章
    title: Text
    title_en: Text | None = None
    sections: Annotated[list[Section], Field(min_length=1)]


class Indicator(_Model):
    code: IndicatorCode
    seq: Annotated[int, Field(ge=1)]
    name: Text
    name_en: Text | None = None
    unit: Text
    unit_en: Text | None = None
    baseline_year: Year | None = None
    baseline_value: Number | None = None
    target_year: Year
    target_value: Number
    target_text: Text
    target_text_en: Text | None = None
    nature: Literal["预期性", "约束性"]
    direction: Literal[1, -1] = 1
    growth_model: GrowthModel | None = None
    kind: Literal["share", "rate", "total"]
    weight: Annotated[float, Field(gt=0, allow_inf_nan=False)] = 1.0
    owner_department: DepartmentCode
    description: Text
    description_en: Text | None = None

    @property
    def effective_growth_model(self) -> GrowthModel:
        """The configured growth model, else linear for an indicator in %, compound otherwise."""
        if self.growth_model is not None:
            return self.growth_model
        return "linear" if self.unit == "%" else "compound"


class RegionalTarget(_Model):
    indicator: IndicatorCode
    region: RegionCode
    target_year: Year
    target_value: Number
    target_text: Text | None = None
    target_text_en: Text | None = None
    sample: bool = False
    note: Text | None = None

    @property
    def key(self) -> str:
        return f"{self.indicator}@{self.region}:{self.target_year}"


class Milestone(_Model):
    title: Text
    title_en: Text | None = None
    due: PlanDate


class Task(_Model):
    code: TaskCode
    chapter: Annotated[int, Field(ge=1)]
    section: Annotated[int, Field(ge=1)]
    part: Text | None = None
    title: Text
    title_en: Text | None = None
    # lead: the paragraph's lead phrase; clause: its opening clause (the draft ends it with a comma);
    # part / section: the paragraphs have no lead phrase, the title is the sub-heading / section heading.
    title_from: Literal["lead", "clause", "part", "section"] = "lead"
    summary: Text
    summary_en: Text | None = None
    lead_department: DepartmentCode
    co_departments: list[DepartmentCode] = []
    start: PlanDate
    due: PlanDate
    milestones: Annotated[list[Milestone], Field(min_length=1, max_length=3)]
    sample: bool = False


class PlanFile(_Model):
    schema_version: Literal[1]
    plan: PlanMeta
    sample_note: Text | None = None
    sample_note_en: Text | None = None
    chapters: Annotated[list[Chapter], Field(min_length=1)]
    indicators: Annotated[list[Indicator], Field(min_length=1)]
    regional_targets: list[RegionalTarget] = []
    tasks: list[Task] = []

    def canonical_json(self) -> str:
        data = self.model_dump(mode="json")
        return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))

    def content_hash(self) -> str:
        """sha256 of the canonical JSON: equal for files with equal content, whatever the layout."""
        return hashlib.sha256(self.canonical_json().encode("utf-8")).hexdigest()

    def indicator(self, code: str) -> Indicator:
        for ind in self.indicators:
            if ind.code == code:
                return ind
        raise KeyError(code)

    def task(self, code: str) -> Task:
        for task in self.tasks:
            if task.code == code:
                return task
        raise KeyError(code)

    def section_of(self, task: Task) -> tuple[Chapter, Section]:
        for chapter in self.chapters:
            if chapter.seq == task.chapter:
                for section in chapter.sections:
                    if section.seq == task.section:
                        return chapter, section
        raise KeyError(f"{task.chapter}.{task.section}")


# --------------------------------------------------------------------------- reference codes


def _read_codes(filename: str) -> frozenset[str]:
    with open(REFERENCE_DIR / filename, encoding="utf-8", newline="") as fh:
        return frozenset(row["code"].strip() for row in csv.DictReader(fh))


@lru_cache(maxsize=1)
def reference_departments() -> frozenset[str]:
    """Department codes of the shipped dongguan-departments.csv."""
    return _read_codes("dongguan-departments.csv")


@lru_cache(maxsize=1)
def reference_regions() -> frozenset[str]:
    """Division codes (city, towns, areas) of the shipped dongguan-towns.csv."""
    return _read_codes("dongguan-towns.csv")


# --------------------------------------------------------------------------- cross-reference checks


def _duplicates(items: Iterable[tuple[Loc, Any]], label: str) -> list[tuple[Loc, str]]:
    seen: dict[Any, Loc] = {}
    out: list[tuple[Loc, str]] = []
    for loc, value in items:
        if value in seen:
            out.append((loc, f"{label}「{value}」重复（已见于 {path_str(seen[value][:-1])}）"))
        else:
            seen[value] = loc
    return out


def _check_departments(loc: Loc, codes: Iterable[str], allowed: Codes):
    for code in codes:
        if code not in allowed:
            yield loc, f"未知部门代码「{code}」（应为部门名录 dongguan-departments.csv 中的代码）"


def _check_task(i: int, task: Task, plan: PlanFile, departments) -> list[tuple[Loc, str]]:
    out: list[tuple[Loc, str]] = []
    at: Loc = ("tasks", i)
    try:
        _, section = plan.section_of(task)
    except KeyError:
        out.append((at + ("section",), f"规划中没有第 {task.chapter} 章第 {task.section} 节"))
    else:
        if task.part is not None and task.part not in section.parts:
            out.append((at + ("part",), f"「{task.part}」不是该节的小标题"))
        if task.part is None and section.parts:
            out.append((at + ("part",), "该节分为若干部分（一、二、三…），须注明 part"))
    out += _check_departments(at + ("lead_department",), [task.lead_department], departments)
    for j, code in enumerate(task.co_departments):
        out += _check_departments(at + ("co_departments", j), [code], departments)
        if code == task.lead_department:
            out.append((at + ("co_departments", j), f"配合部门「{code}」与牵头部门相同"))
    out += _duplicates(
        ((at + ("co_departments", j), c) for j, c in enumerate(task.co_departments)), "配合部门"
    )
    lo, hi = plan.plan.start_date, plan.plan.end_date
    for name in ("start", "due"):
        value = getattr(task, name)
        if not lo <= value <= hi:
            out.append((at + (name,), f"日期 {value} 不在规划期 {lo}—{hi} 内"))
    if task.due < task.start:
        return out + [(at + ("due",), f"完成日期 {task.due} 早于开始日期 {task.start}")]
    for j, ms in enumerate(task.milestones):
        if not task.start <= ms.due <= task.due:
            window = f"{task.start}—{task.due}"
            out.append((at + ("milestones", j, "due"), f"节点日期 {ms.due} 不在任务起止期 {window} 内"))
    return out


def check_plan(
    plan: PlanFile,
    departments: Codes | None = None,
    regions: Codes | None = None,
) -> list[tuple[Loc, str]]:
    """Cross-reference checks on a structurally valid plan; returns (location, Chinese message)."""
    departments = reference_departments() if departments is None else departments
    regions = reference_regions() if regions is None else regions
    meta = plan.plan
    out: list[tuple[Loc, str]] = []
    if meta.end_year < meta.start_year:
        out.append((("plan", "end_year"), f"规划期末年 {meta.end_year} 早于起始年 {meta.start_year}"))
    if meta.region not in regions:
        out.append((("plan", "region"), f"未知地区代码「{meta.region}」"))
    out += _duplicates(((("chapters", i, "seq"), c.seq) for i, c in enumerate(plan.chapters)), "章序号")
    for i, chapter in enumerate(plan.chapters):
        for j, section in enumerate(chapter.sections):
            if section.parts_en and len(section.parts_en) != len(section.parts):
                at_en: Loc = ("chapters", i, "sections", j, "parts_en")
                out.append(
                    (at_en, f"英文小标题 {len(section.parts_en)} 个，与小标题 {len(section.parts)} 个不一致")
                )
        out += _duplicates(
            ((("chapters", i, "sections", j, "seq"), s.seq) for j, s in enumerate(chapter.sections)),
            "节序号",
        )

    out += _duplicates(
        ((("indicators", i, "code"), x.code) for i, x in enumerate(plan.indicators)), "指标代码"
    )
    out += _duplicates(((("indicators", i, "seq"), x.seq) for i, x in enumerate(plan.indicators)), "指标序号")
    for i, ind in enumerate(plan.indicators):
        at: Loc = ("indicators", i)
        out += _check_departments(at + ("owner_department",), [ind.owner_department], departments)
        if (ind.baseline_year is None) != (ind.baseline_value is None):
            missing = "baseline_value" if ind.baseline_value is None else "baseline_year"
            out.append((at + (missing,), "基期年份与现值须同时填写或同时留空"))
        if ind.baseline_year is not None and ind.baseline_year >= ind.target_year:
            out.append((at + ("baseline_year",), f"基期年份 {ind.baseline_year} 应早于目标年份"))
        if not meta.start_year <= ind.target_year <= meta.end_year:
            out.append((at + ("target_year",), f"目标年份 {ind.target_year} 不在规划期内"))

    codes = {ind.code for ind in plan.indicators}
    out += _duplicates(
        ((("regional_targets", i, "target_year"), t.key) for i, t in enumerate(plan.regional_targets)),
        "分解目标",
    )
    for i, target in enumerate(plan.regional_targets):
        at = ("regional_targets", i)
        if target.indicator not in codes:
            out.append((at + ("indicator",), f"未知指标代码「{target.indicator}」"))
        if target.region not in regions:
            out.append((at + ("region",), f"未知地区代码「{target.region}」"))
        elif target.region == meta.region:
            out.append((at + ("region",), "全市目标请在 indicators 中填写，此处只填镇街（园区）目标"))
        if not meta.start_year <= target.target_year <= meta.end_year:
            out.append((at + ("target_year",), f"目标年份 {target.target_year} 不在规划期内"))

    out += _duplicates(((("tasks", i, "code"), t.code) for i, t in enumerate(plan.tasks)), "任务编号")
    for i, task in enumerate(plan.tasks):
        out += _check_task(i, task, plan, departments)

    has_sample = any(t.sample for t in plan.tasks) or any(t.sample for t in plan.regional_targets)
    if has_sample and not plan.sample_note:
        out.append((("sample_note",), "含示例数据（sample: true）时须填写 sample_note 说明"))
    return out


# --------------------------------------------------------------------------- loading


def load_plan_text(
    text: str,
    filename: str = "<plan>",
    departments: Codes | None = None,
    regions: Codes | None = None,
) -> PlanFile:
    """Parse and validate a plan file; raise PlanFileError listing every problem with path and line.

    `departments` / `regions` are the allowed code sets; None means the package's reference CSVs.
    """
    root, data, problems = parse_yaml(text)
    if problems:
        raise PlanFileError([PlanError(where, line, message) for line, where, message in problems], filename)

    try:
        plan = PlanFile.model_validate(data)
    except ValidationError as exc:
        errors = [
            PlanError(path_str(e["loc"]), locate(root, e["loc"]), pydantic_message(e))
            for e in exc.errors(include_url=False)
        ]
        raise PlanFileError(errors, filename) from None

    problems = check_plan(plan, departments, regions)
    if problems:
        errors = [PlanError(path_str(loc), locate(root, loc), msg) for loc, msg in problems]
        raise PlanFileError(errors, filename)
    return plan


def load_plan_file(
    path: str | Path,
    departments: Codes | None = None,
    regions: Codes | None = None,
) -> PlanFile:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PlanFileError([PlanError("", None, f"无法读取文件：{exc}")], str(path)) from None
    return load_plan_text(text, filename=str(path), departments=departments, regions=regions)


def default_plan_path() -> Path:
    """The shipped plan file (东莞市科技创新“十五五”规划)."""
    return PLAN_DIR / "dongguan-2026-2030.yaml"


# --------------------------------------------------------------------------- diff

_ENTITY_ZH = {"plan": "规划", "indicator": "指标", "task": "任务", "regional_target": "分解目标"}
_KIND_ZH = {"added": "新增", "removed": "删除", "changed": "修改"}


@dataclass(frozen=True)
class PlanChange:
    """One difference between two plan versions; values are JSON-ready (dates as ISO text)."""

    kind: Literal["added", "removed", "changed"]
    entity: Literal["plan", "indicator", "task", "regional_target"]
    code: str
    field: str | None = None
    before: Any = None
    after: Any = None

    def describe(self) -> str:
        head = f"{_KIND_ZH[self.kind]}{_ENTITY_ZH[self.entity]}「{self.code}」"
        if self.kind == "changed":
            return f"{head} {self.field}：{self.before!r} → {self.after!r}"
        return head


def _diff_keyed(entity: str, old: dict[str, dict], new: dict[str, dict]) -> list[PlanChange]:
    out: list[PlanChange] = []
    for code, before in old.items():
        if code not in new:
            out.append(PlanChange("removed", entity, code, None, before, None))
    for code, after in new.items():
        before = old.get(code)
        if before is None:
            out.append(PlanChange("added", entity, code, None, None, after))
            continue
        for field in after:
            if before.get(field) != after[field]:
                out.append(PlanChange("changed", entity, code, field, before.get(field), after[field]))
    return out


def plan_diff(old: PlanFile, new: PlanFile) -> list[PlanChange]:
    """What changed from `old` to `new`: plan metadata, indicators, regional targets, tasks."""
    a, b = old.model_dump(mode="json"), new.model_dump(mode="json")
    code = new.plan.code
    out: list[PlanChange] = []
    for field, after in b["plan"].items():
        if a["plan"].get(field) != after:
            out.append(PlanChange("changed", "plan", code, f"plan.{field}", a["plan"].get(field), after))
    for field in ("schema_version", "sample_note", "chapters"):
        if a[field] != b[field]:
            out.append(PlanChange("changed", "plan", code, field, a[field], b[field]))
    out += _diff_keyed(
        "indicator", {x["code"]: x for x in a["indicators"]}, {x["code"]: x for x in b["indicators"]}
    )
    out += _diff_keyed(
        "regional_target",
        {t.key: d for t, d in zip(old.regional_targets, a["regional_targets"], strict=True)},
        {t.key: d for t, d in zip(new.regional_targets, b["regional_targets"], strict=True)},
    )
    out += _diff_keyed("task", {x["code"]: x for x in a["tasks"]}, {x["code"]: x for x in b["tasks"]})
    return out
