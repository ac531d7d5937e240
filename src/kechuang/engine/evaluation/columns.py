"""The carrier and talent column vocabulary for recognition rule sets (the enterprise one is
kechuang.engine.vocabulary). Rule sets of the carriers are loaded with ``carrier_vocabulary()`` and
run by ``recognise`` on one row per carrier; amounts in 万元, areas in ㎡, shares as fractions."""

from __future__ import annotations

from kechuang.engine.vocabulary import Column, column_label

CARRIER_COLUMNS: tuple[Column, ...] = (
    # the carrier
    Column("years_operating", "运营年限", float, "年", header_en="Years of operation"),
    Column("area", "可自主支配场地面积", float, "㎡", header_en="Floor space at its own disposal"),
    Column(
        "incubation_area",
        "在孵企业使用面积（含公共服务面积）",
        float,
        "㎡",
        header_en="Floor space used by incubated enterprises (with shared service space)",
    ),
    Column("occupancy_rate", "场地使用率", float, "%", header_en="Occupancy rate"),
    Column("incubated_count", "在孵企业数", float, "家", header_en="Incubated enterprises"),
    Column("graduated_total", "累计毕业企业数", float, "家", header_en="Graduated enterprises (cumulative)"),
    Column("graduated_count", "当年毕业企业数", float, "家", header_en="Enterprises graduated this year"),
    Column(
        "hightech_count",
        "在孵及毕业企业中的高企数",
        float,
        "家",
        header_en="High-tech enterprises among incubated and graduated enterprises",
    ),
    Column(
        "kexiao_count",
        "在孵企业中的科小数",
        float,
        "家",
        header_en="S&T SMEs among incubated enterprises",
    ),
    Column("incubation_fund", "孵化资金", float, "万元", header_en="Incubation fund"),
    Column(
        "invested_count",
        "载体股权投资（确权实缴）的在孵企业数",
        float,
        "家",
        header_en="Incubated enterprises with the carrier's equity investment (registered, paid in)",
    ),
    Column(
        "funded_count",
        "获得投融资的在孵企业数",
        float,
        "家",
        header_en="Incubated enterprises that received investment or financing",
    ),
    Column(
        "growing_count",
        "营业收入或研发投入同比增长超过 20% 的在孵企业数",
        float,
        "家",
        header_en="Incubated enterprises whose revenue or R&D spending grew by more than 20%",
    ),
    Column("total_income", "载体总收入", float, "万元", header_en="Total income of the carrier"),
    Column(
        "non_rent_income",
        "除房租及物业之外的收入",
        float,
        "万元",
        header_en="Income other than rent and property management",
    ),
    Column("staff", "载体工作人员数", float, "人", header_en="Carrier staff"),
    Column(
        "service_staff", "专业孵化服务人员数", float, "人", header_en="Professional incubation service staff"
    ),
    Column("mentors", "创业导师数", float, "人", header_en="Mentors"),
    # new R&D institutions
    Column(
        "instrument_value",
        "自有科研仪器设备原价",
        float,
        "万元",
        header_en="Original value of own research instruments and equipment",
    ),
    Column("research_area", "固定科研场地面积", float, "㎡", header_en="Dedicated research space"),
    Column("resident_rd_staff", "常驻研发人员数", float, "人", header_en="Resident R&D staff"),
    Column("employees", "职工总数", float, "人", header_en="Total employees"),
    Column("rd_spending", "上年度研发费用", float, "万元", header_en="R&D expenses of last year"),
    Column("income", "上年度总收入", float, "万元", header_en="Total income of last year"),
    Column("operating_income", "经营性收入", float, "万元", header_en="Operating income"),
    Column(
        "transfer_income",
        "成果转化收入",
        float,
        "万元",
        header_en="Income from commercialising research results",
    ),
    Column("independent_legal_person", "独立法人", bool, header_en="Independent legal person"),
    # shares the engine derives (fractions)
    Column(
        "invested_share",
        "载体股权投资的在孵企业占比",
        float,
        "%",
        header_en="Share of incubated enterprises with the carrier's equity investment",
    ),
    Column(
        "funded_share",
        "获得投融资的在孵企业占比",
        float,
        "%",
        header_en="Share of incubated enterprises that received investment or financing",
    ),
    Column(
        "growing_share",
        "营收或研发增长超过 20% 的在孵企业占比",
        float,
        "%",
        header_en="Share of incubated enterprises growing revenue or R&D by more than 20%",
    ),
    Column(
        "non_rent_share",
        "非房租物业收入占总收入比例",
        float,
        "%",
        header_en="Income other than rent and property management as a share of total income",
    ),
    Column(
        "rd_staff_share",
        "常驻研发人员占职工总数比例",
        float,
        "%",
        header_en="Resident R&D staff as a share of total employees",
    ),
    Column(
        "rd_spending_share",
        "研发费用占总收入比例",
        float,
        "%",
        header_en="R&D expenses as a share of total income",
    ),
    Column(
        "transfer_share",
        "成果转化收入占经营性收入比例",
        float,
        "%",
        header_en="Income from commercialising research results as a share of operating income",
    ),
)

CARRIER_BY_NAME = {c.name: c for c in CARRIER_COLUMNS}

# derived share → (numerator, denominator)
SHARES: dict[str, tuple[str, str]] = {
    "invested_share": ("invested_count", "incubated_count"),
    "funded_share": ("funded_count", "incubated_count"),
    "growing_share": ("growing_count", "incubated_count"),
    "non_rent_share": ("non_rent_income", "total_income"),
    "rd_staff_share": ("resident_rd_staff", "employees"),
    "rd_spending_share": ("rd_spending", "income"),
    "transfer_share": ("transfer_income", "operating_income"),
}


def carrier_vocabulary() -> frozenset[str]:
    """The names a carrier rule expression may use."""
    return frozenset(CARRIER_BY_NAME)


def carrier_label(name: str, english: bool = False) -> str:
    """What a page calls a carrier column, in Chinese or (``english``) in English."""
    return column_label(CARRIER_BY_NAME, name, english)
