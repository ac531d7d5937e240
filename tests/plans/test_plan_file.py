"""The plan as data: the shipped plan file, its schema's located Chinese errors, hash and diff.

Pure tests: no database, no Django settings.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from kechuang.plans.schema import (
    PlanFile,
    PlanFileError,
    default_plan_path,
    load_plan_file,
    load_plan_text,
    plan_diff,
    reference_departments,
)

SEED_NAME = "dongguan-sti-plan-2026-2030-draft.txt"

# 表1：“十五五”期间东莞科技创新主要目标 — code, name, unit, 现值, 2030 value, target_text, kind
TABLE_1 = [
    ("rd_intensity", "全社会研发投入强度", "%", 4.01, 4.1, "4.1左右", "share"),
    ("basic_research_share", "全社会基础研究经费投入占研发经费比重", "%", 1.58, 2.5, "2.5左右", "share"),
    ("rd_personnel_per_10k_employed", "每万名就业人员中研发人员数", "人年", 247, 250, "超过250", "rate"),
    (
        "high_value_invention_patents_per_10k",
        "每万人口高价值发明专利拥有量",
        "件",
        34.33,
        43,
        "超过43",
        "rate",
    ),
    ("tech_contract_turnover", "技术合同成交额", "亿元", 95.35, 200, "超过200", "total"),
    ("hightech_mfg_share", "高技术制造业增加值占规上工业增加值比重", "%", 41.57, 44, "44", "share"),
    ("digital_economy_share", "数字经济核心产业增加值占GDP比重", "%", None, 25, "25", "share"),
    ("industrial_hightech_enterprises", "规模以上工业高新技术企业数", "家", 5769, 6500, "超过6500", "total"),
    ("science_literacy", "公民具备科学素质比例", "%", None, 20, "超过20", "share"),
]


@pytest.fixture(scope="module")
def plan() -> PlanFile:
    return load_plan_file(default_plan_path())


@pytest.fixture(scope="module")
def plan_text() -> str:
    return default_plan_path().read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def seed() -> str:
    return (default_plan_path().parent / SEED_NAME).read_text(encoding="utf-8")


def seed_body(seed: str) -> list[str]:
    """The seed's non-empty lines without the Word bookmarks."""
    lines = (re.sub(r"\[bookmark: [^\]]*\]", "", line).strip() for line in seed.splitlines())
    return [line for line in lines if line]


def errors_of(text: str) -> list[tuple[str, int | None, str]]:
    with pytest.raises(PlanFileError) as info:
        load_plan_text(text, filename="test.yaml")
    return [(e.path, e.line, e.message) for e in info.value.errors]


def line_of(text: str, needle: str, occurrence: int = 1) -> int:
    """1-based line of the n-th line of `text` containing `needle`."""
    hits = [i for i, line in enumerate(text.splitlines(), 1) if needle in line]
    return hits[occurrence - 1]


# --------------------------------------------------------------------------- the shipped file


def test_the_shipped_plan_loads_with_its_metadata(plan):
    assert plan.plan.code == "dongguan-2026-2030"
    assert plan.plan.name == "东莞市科技创新“十五五”规划"
    assert plan.plan.status == "公开征求意见稿"
    assert (plan.plan.start_year, plan.plan.end_year) == (2026, 2030)
    assert plan.plan.source == SEED_NAME
    assert (default_plan_path().parent / plan.plan.source).is_file()


def test_it_has_exactly_the_nine_indicators_of_table_1(plan):
    got = [
        (i.code, i.name, i.unit, i.baseline_value, i.target_value, i.target_text, i.kind)
        for i in sorted(plan.indicators, key=lambda i: i.seq)
    ]
    assert got == TABLE_1
    assert [i.seq for i in plan.indicators] == list(range(1, 10))
    for ind in plan.indicators:
        assert ind.nature == "预期性"
        assert ind.direction == 1
        assert ind.target_year == 2030
        assert ind.weight == 1
        assert ind.baseline_year == (None if ind.baseline_value is None else 2024)
        assert ind.owner_department in reference_departments()
        assert ind.description


def test_owners_of_the_indicators(plan):
    assert plan.indicator("rd_intensity").owner_department == "tjj"
    assert plan.indicator("high_value_invention_patents_per_10k").owner_department == "scjgj"
    assert plan.indicator("science_literacy").owner_department == "kx"


def test_growth_model_defaults_to_linear_for_percent_and_compound_otherwise(plan, plan_text):
    assert plan.indicator("rd_intensity").effective_growth_model == "linear"
    assert plan.indicator("tech_contract_turnover").effective_growth_model == "compound"
    assert plan.indicator("rd_personnel_per_10k_employed").effective_growth_model == "compound"
    text = plan_text.replace("    kind: total\n", "    kind: total\n    growth_model: linear\n", 1)
    assert load_plan_text(text).indicator("tech_contract_turnover").effective_growth_model == "linear"


def test_it_has_between_60_and_90_tasks_with_unique_codes(plan):
    assert 60 <= len(plan.tasks) <= 90
    assert len({t.code for t in plan.tasks}) == len(plan.tasks)
    assert all(re.fullmatch(rf"T{t.chapter}\.{t.section}\.\d+", t.code) for t in plan.tasks)
    assert not [t for t in plan.tasks if t.chapter == 1], "chapter 1 is background"


def test_every_task_summary_has_an_english_summary_without_chinese(plan):
    """The English task page shows summary_en (decision 0023); a task without one would show Chinese."""
    cjk = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff01-\uff5e]")
    missing = [t.code for t in plan.tasks if t.summary and not t.summary_en]
    assert not missing, f"tasks without summary_en: {missing}"
    assert not [t.code for t in plan.tasks if cjk.search(t.summary_en or "")]


def test_every_task_title_appears_verbatim_in_the_seed(plan, seed):
    for task in plan.tasks:
        assert task.title in seed, task.code
        if task.title_from == "lead":
            assert task.title + "。" in seed, task.code
        if task.title_from == "part":
            assert task.part is not None and task.part.endswith(task.title), task.code
        if task.title_from == "section":
            assert plan.section_of(task)[1].title == task.title, task.code


def test_every_lead_phrase_paragraph_of_the_seed_is_a_task(plan, seed):
    titles = {t.title for t in plan.tasks}
    body = seed_body(seed)
    start = next(i for i, line in enumerate(body) if line.startswith("第二章"))
    leads = []
    for line in body[start:]:
        first = line.split("。", 1)[0]
        if "。" in line and len(first) <= 30 and "，" not in first and not first.startswith("第"):
            leads.append(first)
    assert len(leads) >= 50
    assert [lead for lead in leads if lead not in titles] == []


def test_every_chapter_section_and_part_of_the_seed_appears(plan, seed):
    headings = []
    for line in seed_body(seed):
        if m := re.fullmatch(r"(第[一二三四五六七八九十]+[章节])\s*(\S.*)", line):
            headings.append((m.group(1), m.group(2)))
    ours = []
    for chapter in plan.chapters:
        ours.append((chapter.number, chapter.title))
        ours += [(s.number, s.title) for s in chapter.sections]
    assert ours == headings
    parts = [line for line in seed_body(seed) if re.fullmatch(r"[一二三四五六七八九十]、\S{2,20}", line)]
    assert [p for c in plan.chapters for s in c.sections for p in s.parts] == parts


def test_tasks_are_a_marked_sample_within_the_plan_period(plan):
    assert plan.sample_note and plan.sample_note.startswith("示例分工：")
    departments = reference_departments()
    for task in plan.tasks:
        assert task.sample is True
        assert task.summary.endswith("。")
        assert task.lead_department in departments
        assert set(task.co_departments) <= departments
        assert plan.plan.start_date <= task.start <= task.due <= plan.plan.end_date
        assert 1 <= len(task.milestones) <= 3
        assert all(task.start <= m.due <= task.due for m in task.milestones)


def test_sections_with_sub_headings_give_their_tasks_a_part(plan):
    task = plan.task("T2.4.1")
    assert task.part == "一、加大核心技术攻关实施力度"
    assert plan.task("T3.3.1").title_from == "part"
    assert plan.task("T6.6.1").title_from == "section"


def test_regional_targets_are_samples_for_known_towns(plan):
    keys = {(t.indicator, t.region) for t in plan.regional_targets}
    assert ("rd_intensity", "441900401") in keys
    assert ("rd_intensity", "441900121") in keys
    assert all(t.sample for t in plan.regional_targets)


def test_the_package_copy_of_the_seed_is_the_shared_one(seed):
    shared = Path(__file__).resolve().parents[3] / "shared" / "seed" / SEED_NAME
    if not shared.is_file():
        pytest.skip("../shared is not beside the repository")
    assert shared.read_text(encoding="utf-8") == seed


@pytest.mark.parametrize(
    "module", ["kechuang.plans.schema", "kechuang.plans.monitoring.payload", "kechuang.plans.report.model"]
)
def test_the_pure_modules_import_no_django(module):
    """The plan file's schema, the monitor JSON (kechuang monitor --observations runs without a database)
    and the report's data model."""
    code = f"import sys, {module}; sys.exit(any(m.startswith('django') for m in sys.modules))"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


# --------------------------------------------------------------------------- located errors


def test_a_missing_field_is_reported_with_its_path_and_the_line_of_its_entry(plan_text):
    text = plan_text.replace("    target_text: 4.1左右\n", "", 1)
    assert errors_of(text) == [
        ("indicators[0].target_text", line_of(text, "- code: rd_intensity"), "缺少字段「target_text」")
    ]


def test_a_wrong_type_is_reported_on_its_own_line(plan_text):
    text = plan_text.replace("    target_value: 4.1\n", "    target_value: 四点一\n", 1)
    [(path, line, message)] = errors_of(text)
    assert (path, line) == ("indicators[0].target_value", line_of(text, "target_value: 四点一"))
    assert message.startswith("类型错误：应为数字")


def test_an_unknown_department_is_reported(plan_text):
    text = plan_text.replace("lead_department: sthjj", "lead_department: hbj", 1)
    [(path, line, message)] = errors_of(text)
    assert path.startswith("tasks[") and path.endswith("].lead_department")
    assert line == line_of(text, "lead_department: hbj")
    assert "未知部门代码「hbj」" in message


def test_departments_can_be_passed_in(plan_text):
    with pytest.raises(PlanFileError) as info:
        load_plan_text(plan_text, departments={"kjj"})
    assert any(e.message.startswith("未知部门代码「tjj」") for e in info.value.errors)


def test_a_due_date_before_the_start_is_reported(plan_text):
    old = "    start: 2026-07-01\n    due: 2030-06-30\n"
    assert old in plan_text
    text = plan_text.replace(old, "    start: 2026-07-01\n    due: 2026-03-31\n", 1)
    errors = errors_of(text)
    due_line = line_of(text, "due: 2026-03-31")
    assert ("tasks[2].due", due_line, "完成日期 2026-03-31 早于开始日期 2026-07-01") in errors


def test_a_milestone_outside_its_task_window_is_reported(plan_text):
    text = plan_text.replace("        due: 2026-09-30\n", "        due: 2027-09-30\n", 1)
    [(path, line, message)] = errors_of(text)
    assert path == "tasks[9].milestones[0].due"
    assert line == line_of(text, "due: 2027-09-30")
    assert "不在任务起止期" in message


def test_a_duplicate_task_code_is_reported_on_the_second_one(plan_text):
    text = plan_text.replace("  - code: T2.1.2\n", "  - code: T2.1.1\n", 1)
    assert errors_of(text) == [
        ("tasks[1].code", line_of(text, "- code: T2.1.1", 2), "任务编号「T2.1.1」重复（已见于 tasks[0]）")
    ]


def test_a_duplicate_indicator_code_is_reported(plan_text):
    text = plan_text.replace("  - code: science_literacy\n", "  - code: rd_intensity\n", 1)
    [(path, line, message)] = errors_of(text)
    assert (path, line) == ("indicators[8].code", line_of(text, "- code: rd_intensity", 2))
    assert "指标代码「rd_intensity」重复" in message


def test_a_yaml_syntax_error_is_reported_with_its_line(plan_text):
    text = plan_text.replace("  status: 公开征求意见稿\n", "  status: [公开征求意见稿\n", 1)
    [(path, line, message)] = errors_of(text)
    assert path == ""
    assert line == line_of(text, "status: [") + 1  # PyYAML notices on the next line
    assert message.startswith("YAML 语法错误")


def test_a_bad_indentation_is_a_yaml_syntax_error_on_its_line(plan_text):
    # after a plain value (status_en: draft …), a key indented further reads as part of that value
    text = plan_text.replace("  start_year: 2026\n", "    start_year: 2026\n", 1)
    [(path, line, message)] = errors_of(text)
    assert line == line_of(text, "start_year: 2026")
    assert "此处不能出现「键: 值」" in message
    # after a quoted value (name_en: "…"), it breaks the block
    text = plan_text.replace("  status: 公开征求意见稿\n", "    status: 公开征求意见稿\n", 1)
    [(path, line, message)] = errors_of(text)
    assert line == line_of(text, "status: 公开征求意见稿")
    assert "缩进不一致" in message


@pytest.mark.parametrize(
    ("old", "new", "path", "needle", "message"),
    [
        (
            "    kind: rate\n",
            "    kind: rate\n    colour: red\n",
            "indicators[2].colour",
            "colour: red",
            "未知字段「colour」",
        ),
        (
            "        due: 2026-09-30\n",
            "        due: 2026-02-30\n",
            "tasks[9].milestones[0].due",
            "due: 2026-02-30",
            "日期格式错误",
        ),
        ("    kind: rate\n", "    kind: ratio\n", "indicators[2].kind", "kind: ratio", "取值无效"),
        ("    sample: true\n", "    sample: yes\n", "regional_targets[0].sample", "sample: yes", "类型错误"),
        (
            "    kind: rate\n",
            "    kind: rate\n    kind: total\n",
            "indicators[2].kind",
            "kind: total",
            "重复的键「kind」",
        ),
        (
            "  - indicator: rd_intensity\n",
            "  - indicator: rd_density\n",
            "regional_targets[0].indicator",
            "indicator: rd_density",
            "未知指标代码",
        ),
        (
            '    region: "441900121"',
            '    region: "441900999"',
            "regional_targets[1].region",
            "441900999",
            "未知地区代码",
        ),
    ],
    ids=[
        "unknown-field",
        "bad-date",
        "bad-choice",
        "yes-is-not-a-boolean",
        "duplicate-key",
        "unknown-indicator",
        "unknown-region",
    ],
)
def test_other_bad_inputs_are_located(plan_text, old, new, path, needle, message):
    text = plan_text.replace(old, new, 1)
    errors = errors_of(text)
    assert [(p, ln) for p, ln, _ in errors] == [(path, line_of(text, needle))]
    assert message in errors[0][2]


def test_all_errors_are_reported_at_once(plan_text):
    text = plan_text.replace("    target_text: 4.1左右\n", "", 1).replace(
        "    kind: rate\n", "    kind: 3\n", 1
    )
    assert [p for p, _, _ in errors_of(text)] == ["indicators[0].target_text", "indicators[2].kind"]


def test_the_error_reads_as_chinese_with_file_and_line(plan_text):
    with pytest.raises(PlanFileError) as info:
        load_plan_text(plan_text.replace("    target_text: 4.1左右\n", "", 1), filename="plan.yaml")
    assert "plan.yaml" in str(info.value) and "第 " in str(info.value) and "缺少字段" in str(info.value)


# --------------------------------------------------------------------------- hash and diff


def test_content_hash_is_stable_and_ignores_layout(plan, plan_text):
    again = load_plan_text("# a comment\n" + plan_text)
    assert again.content_hash() == plan.content_hash()
    changed = load_plan_text(plan_text.replace("target_value: 4.1\n", "target_value: 4.2\n", 1))
    assert changed.content_hash() != plan.content_hash()


def test_plan_diff_finds_a_changed_target_and_an_added_task(plan, plan_text):
    added = """
  - code: T6.6.2
    chapter: 6
    section: 6
    title: 加强规划跟踪实施与管理
    title_from: section
    summary: 依据评估结果，适时优化调整规划内容。
    lead_department: kjj
    start: 2028-01-01
    due: 2028-12-31
    milestones:
      - title: 提出规划调整建议
        due: 2028-09-30
    sample: true
"""
    text = plan_text.replace("target_value: 6500\n", "target_value: 6800\n", 1).rstrip("\n") + "\n" + added
    new = load_plan_text(text)
    changes = plan_diff(plan, new)
    summary = [(c.kind, c.entity, c.code, c.field, c.before, c.after) for c in changes if c.kind == "changed"]
    assert summary == [
        ("changed", "indicator", "industrial_hightech_enterprises", "target_value", 6500, 6800)
    ]
    [add] = [c for c in changes if c.kind == "added"]
    assert (add.entity, add.code, add.before, add.after["lead_department"]) == ("task", "T6.6.2", None, "kjj")
    assert len(changes) == 2
    assert "6500" in changes[0].describe() or "6500" in changes[1].describe()
    assert [(c.kind, c.code) for c in plan_diff(new, plan)] == [
        ("changed", changes[0].code),
        ("removed", "T6.6.2"),
    ]


def test_plan_diff_of_a_plan_with_itself_is_empty(plan):
    assert plan_diff(plan, plan) == []
