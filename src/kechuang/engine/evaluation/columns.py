"""The carrier and talent column vocabulary for recognition rule sets (the enterprise one is
kechuang.engine.vocabulary). Rule sets of the carriers are loaded with ``carrier_vocabulary()`` and
run by ``recognise`` on one row per carrier; amounts in 万元, areas in ㎡, shares as fractions."""

from __future__ import annotations

from kechuang.engine.vocabulary import Column

CARRIER_COLUMNS: tuple[Column, ...] = (
    # the carrier
    Column("years_operating", "运营年限", float, "年"),
    Column("area", "可自主支配场地面积", float, "㎡"),
    Column("incubation_area", "在孵企业使用面积（含公共服务面积）", float, "㎡"),
    Column("occupancy_rate", "场地使用率", float, "%"),
    Column("incubated_count", "在孵企业数", float, "家"),
    Column("graduated_total", "累计毕业企业数", float, "家"),
    Column("graduated_count", "当年毕业企业数", float, "家"),
    Column("hightech_count", "在孵及毕业企业中的高企数", float, "家"),
    Column("kexiao_count", "在孵企业中的科小数", float, "家"),
    Column("incubation_fund", "孵化资金", float, "万元"),
    Column("invested_count", "载体股权投资（确权实缴）的在孵企业数", float, "家"),
    Column("funded_count", "获得投融资的在孵企业数", float, "家"),
    Column("growing_count", "营业收入或研发投入同比增长超过 20% 的在孵企业数", float, "家"),
    Column("total_income", "载体总收入", float, "万元"),
    Column("non_rent_income", "除房租及物业之外的收入", float, "万元"),
    Column("staff", "载体工作人员数", float, "人"),
    Column("service_staff", "专业孵化服务人员数", float, "人"),
    Column("mentors", "创业导师数", float, "人"),
    # new R&D institutions
    Column("instrument_value", "自有科研仪器设备原价", float, "万元"),
    Column("research_area", "固定科研场地面积", float, "㎡"),
    Column("resident_rd_staff", "常驻研发人员数", float, "人"),
    Column("employees", "职工总数", float, "人"),
    Column("rd_spending", "上年度研发费用", float, "万元"),
    Column("income", "上年度总收入", float, "万元"),
    Column("operating_income", "经营性收入", float, "万元"),
    Column("transfer_income", "成果转化收入", float, "万元"),
    Column("independent_legal_person", "独立法人", bool),
    # shares the engine derives (fractions)
    Column("invested_share", "载体股权投资的在孵企业占比", float, "%"),
    Column("funded_share", "获得投融资的在孵企业占比", float, "%"),
    Column("growing_share", "营收或研发增长超过 20% 的在孵企业占比", float, "%"),
    Column("non_rent_share", "非房租物业收入占总收入比例", float, "%"),
    Column("rd_staff_share", "常驻研发人员占职工总数比例", float, "%"),
    Column("rd_spending_share", "研发费用占总收入比例", float, "%"),
    Column("transfer_share", "成果转化收入占经营性收入比例", float, "%"),
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


def carrier_label(name: str) -> str:
    c = CARRIER_BY_NAME.get(name)
    return c.header_zh if c else name
