"""The people vocabulary (人才分类评价): the facts a talent application states, declared like the
carrier vocabulary (kechuang.engine.vocabulary.Column) so that talent recognition rule sets are SQL
over these names, run by the rule engine (yes / possible / no / unknown with gaps) and read by the
evaluation templates. Pure: no Django import.

Levels are ordinals so that "at least" is a comparison: ``PERSON_CHOICES`` gives each level's words
(Chinese, English). A fact not stated is null and makes a condition that needs it unknown."""

from __future__ import annotations

from kechuang.engine.vocabulary import Column, column_label

PERSON_COLUMNS: tuple[Column, ...] = (
    Column("age", "年龄", float, "岁", header_en="Age"),
    Column("degree_level", "最高学历学位", float, header_en="Highest degree"),
    Column("title_level", "专业技术职称", float, header_en="Professional title"),
    Column("skill_level", "职业技能等级", float, header_en="Vocational skill level"),
    Column("academician", "中国科学院或中国工程院院士", bool, header_en="Academician (CAS or CAE)"),
    Column(
        "top_international_award",
        "国际顶尖科技奖项获得者",
        bool,
        header_en="Winner of a top international science award",
    ),
    Column(
        "national_award",
        "国家科学技术奖（最高）",
        float,
        header_en="State Science and Technology Award (highest)",
    ),
    Column(
        "national_award_rank",
        "国家科学技术奖完成人排名",
        float,
        "位",
        header_en="Rank among the contributors of the State award",
    ),
    Column(
        "provincial_award",
        "省级科学技术奖（最高）",
        float,
        header_en="Provincial Science and Technology Award (highest)",
    ),
    Column(
        "provincial_award_rank",
        "省级科学技术奖完成人排名",
        float,
        "位",
        header_en="Rank among the contributors of the provincial award",
    ),
    Column(
        "programme_level", "入选人才计划的最高级别", float, header_en="Highest talent programme selected for"
    ),
    Column(
        "chief_scientist",
        "国家重大科技项目首席科学家",
        bool,
        header_en="Chief scientist of a major national S&T project",
    ),
    Column(
        "projects_led",
        "主持省级及以上科技计划项目数",
        float,
        "项",
        header_en="Provincial or higher S&T projects led",
    ),
    Column(
        "patents_as_inventor",
        "作为发明人的授权发明专利数",
        float,
        "件",
        header_en="Granted invention patents as inventor",
    ),
    Column("years_in_dongguan", "在莞工作年限", float, "年", header_en="Years working in Dongguan"),
    Column("full_time_dongguan", "在莞全职工作", bool, header_en="Works full time in Dongguan"),
    Column(
        "key_employer",
        "工作单位为“8+8+4”领域重点企业或大科学装置",
        bool,
        header_en='Employer is a key enterprise of the "8+8+4" fields or a large science facility',
    ),
    Column("annual_salary", "上年度工资薪金收入", float, "万元", header_en="Wages and salary of last year"),
)

PERSON_BY_NAME = {c.name: c for c in PERSON_COLUMNS}

# level → (Chinese, English), lowest first; the stored value is the level's number
PERSON_CHOICES: dict[str, tuple[tuple[int, str, str], ...]] = {
    "degree_level": (
        (0, "其他", "Other"),
        (1, "大专", "College diploma"),
        (2, "学士", "Bachelor's"),
        (3, "硕士", "Master's"),
        (4, "博士", "Doctorate"),
    ),
    "title_level": (
        (0, "无", "None"),
        (1, "初级", "Junior"),
        (2, "中级", "Intermediate"),
        (3, "副高级", "Associate senior"),
        (4, "正高级", "Full senior"),
    ),
    "skill_level": (
        (0, "无", "None"),
        (1, "五级/初级工", "Level 5 (junior worker)"),
        (2, "四级/中级工", "Level 4 (intermediate worker)"),
        (3, "三级/高级工", "Level 3 (senior worker)"),
        (4, "二级/技师", "Level 2 (technician)"),
        (5, "一级/高级技师", "Level 1 (senior technician)"),
    ),
    "national_award": (
        (0, "无", "None"),
        (1, "二等奖", "Second class"),
        (2, "一等奖及以上", "First class or higher"),
    ),
    "provincial_award": (
        (0, "无", "None"),
        (1, "三等奖", "Third class"),
        (2, "二等奖", "Second class"),
        (3, "一等奖及以上", "First class or higher"),
    ),
    "programme_level": (
        (0, "无", "None"),
        (1, "市级", "Municipal"),
        (2, "省级", "Provincial"),
        (3, "国家级", "National"),
    ),
}


def person_vocabulary() -> frozenset[str]:
    """The names a talent rule expression may use."""
    return frozenset(PERSON_BY_NAME)


def person_label(name: str, english: bool = False) -> str:
    """What a page calls a person column, in Chinese or (``english``) in English."""
    return column_label(PERSON_BY_NAME, name, english)


def person_value_text(name: str, value: object, english: bool = False) -> str:
    """A stated fact as words: a level by its name, a flag 是/否, a number with its unit."""
    if value is None:
        return ""
    if name in PERSON_CHOICES:
        for level, zh, en in PERSON_CHOICES[name]:
            if level == value:
                return en if english else zh
    c = PERSON_BY_NAME.get(name)
    if c is not None and c.dtype is bool:
        return ("Yes" if value else "No") if english else ("是" if value else "否")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    unit = c.unit if c is not None else ""
    if english and unit:
        unit = {"岁": "", "位": "", "项": "", "件": "", "年": "years", "万元": "CNY 10k"}.get(unit, unit)
    return f"{value} {unit}".strip() if english else f"{value}{unit}"
