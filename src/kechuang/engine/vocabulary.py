"""The enterprise-data column vocabulary (shared/contracts/enterprise-data.md) as data.

One place that knows every column, its Chinese header, its type and its unit. Import, rule
validation, synthetic data and exports all read from here.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl


@dataclass(frozen=True)
class Column:
    name: str
    header_zh: str
    dtype: type[pl.DataType] | pl.DataType
    unit: str = ""  # 万元, 人, 件, 项 … ; empty for text, dates, flags
    note: str = ""


REGISTRY_COLUMNS: tuple[Column, ...] = (
    Column("credit_code", "统一社会信用代码", pl.Utf8, note="GB 32100-2015, checksum verified; the key"),
    Column("name", "企业名称", pl.Utf8),
    Column("registered_on", "成立日期", pl.Date),
    Column("region", "所属镇街", pl.Utf8, note="name or code from dongguan-towns.csv"),
    Column("industry_code", "行业代码", pl.Utf8, note="GB/T 4754-2017 class, e.g. C3971"),
    Column("tech_field", "技术领域", pl.Utf8, note="one of the eight 国家重点支持的高新技术领域, or empty"),
    Column("hightech_cert_until", "高企证书有效期至", pl.Date),
    Column("kexiao_registered_year", "科技型中小企业入库年度", pl.Int32),
    Column("rd_institution_level", "研发机构级别", pl.Utf8, note="none / municipal / provincial / national"),
    Column("national_award_5y", "近五年国家级科技奖励（前三）", pl.Boolean),
    Column("led_standard_5y", "近五年主导制定国际/国家/行业标准", pl.Boolean),
    Column("abnormal_listed", "列入经营异常名录或严重违法失信名单", pl.Boolean),
    Column("serious_incident_1y", "近一年重大安全、质量事故或严重环境违法", pl.Boolean),
    Column("restricted_industry", "产品属于禁止、限制和淘汰类", pl.Boolean),
)

FACT_COLUMNS: tuple[Column, ...] = (
    Column("credit_code", "统一社会信用代码", pl.Utf8),
    Column("year", "年度", pl.Int32),
    Column("revenue", "营业收入", pl.Float64, "万元"),
    Column("main_business_revenue", "主营业务收入", pl.Float64, "万元"),
    Column("hightech_revenue", "高新技术产品（服务）收入", pl.Float64, "万元"),
    Column("total_cost", "成本费用支出总额", pl.Float64, "万元"),
    Column("rd_expense", "研究开发费用", pl.Float64, "万元"),
    Column("rd_expense_domestic", "境内研究开发费用", pl.Float64, "万元"),
    Column("employees", "职工总数", pl.Int64, "人"),
    Column("tech_staff", "科技人员数", pl.Int64, "人"),
    Column("rd_staff", "研发人员数", pl.Int64, "人"),
    Column("total_assets", "资产总额", pl.Float64, "万元"),
    Column("net_assets", "净资产", pl.Float64, "万元", note="may be negative"),
    Column("net_profit", "净利润", pl.Float64, "万元", note="may be negative"),
    Column("tax_paid", "纳税总额", pl.Float64, "万元"),
    Column("ip_class1", "I类知识产权数（有效）", pl.Int64, "件"),
    Column("ip_class2", "II类知识产权数（有效）", pl.Int64, "件"),
    Column("invention_patents", "有效发明专利数", pl.Int64, "件"),
    Column("high_value_invention_patents", "高价值发明专利数", pl.Int64, "件"),
    Column("conversions", "科技成果转化数（当年）", pl.Int64, "项"),
    Column("equity_financing", "股权融资额（当年）", pl.Float64, "万元"),
    Column("tech_contract_income", "技术合同成交额（当年）", pl.Float64, "万元"),
    Column("standards_led", "主导制定标准数（当年）", pl.Int64, "项"),
    Column("funded_projects", "承担省级以上科技计划项目数（当年）", pl.Int64, "项"),
)

# Facts that may legitimately be negative; every other amount and count must be >= 0.
SIGNED_FACTS = frozenset({"net_assets", "net_profit"})

# Derived columns the engine computes for an evaluation year Y (contract, last section).
DERIVED_COLUMNS: dict[str, str] = {
    "revenue_3y": "近三年营业收入合计（万元）",
    "rd_expense_3y": "近三年研究开发费用合计（万元）",
    "rd_expense_domestic_3y": "近三年境内研究开发费用合计（万元）",
    "rd_ratio_3y": "近三年研究开发费用占营业收入比例",
    "domestic_rd_share_3y": "近三年境内研发费用占比",
    "hightech_revenue_share": "高新技术产品（服务）收入占比",
    "tech_staff_share": "科技人员占职工总数比例",
    "rd_to_revenue": "当年研发费用占营业收入比例",
    "rd_to_cost": "当年研发费用占成本费用支出比例",
    "net_asset_growth": "净资产增长率",
    "revenue_growth": "营业收入增长率",
    "years_since_registration": "成立年限",
    "is_industrial": "是否工业企业",
    "hightech_cert_valid": "高企证书有效",
    # Added for the qualification rule sets (kechuang.engine.rules.derive).
    "years_used": "高企计算所用年数（近三年或实际经营期）",
    "conversions_avg_3y": "近三年科技成果转化年均数（项）",
    "standards_led_3y": "近三年主导制定标准数合计（项）",
    "revenue_base": "营业收入（Y−2 年，万元）",
    "revenue_yoy": "营业收入同比增长率（Y 对 Y−1）",
    "revenue_cagr_2y": "营业收入两年复合增长率（Y−2 至 Y）",
}

TECH_FIELDS: tuple[str, ...] = (
    "电子信息",
    "生物与新医药",
    "航空航天",
    "新材料",
    "高技术服务",
    "新能源与节能",
    "资源与环境",
    "先进制造与自动化",
)

RD_INSTITUTION_LEVELS: tuple[str, ...] = ("none", "municipal", "provincial", "national")

REGISTRY_BY_NAME = {c.name: c for c in REGISTRY_COLUMNS}
FACTS_BY_NAME = {c.name: c for c in FACT_COLUMNS}


def header_map(columns: tuple[Column, ...]) -> dict[str, str]:
    """Every accepted header (English name or Chinese header) → the English column name."""
    out: dict[str, str] = {}
    for c in columns:
        out[c.name] = c.name
        out[c.header_zh] = c.name
    return out


def rule_vocabulary() -> frozenset[str]:
    """The names a rule expression may use: registry, facts and derived columns."""
    return frozenset(REGISTRY_BY_NAME) | frozenset(FACTS_BY_NAME) | frozenset(DERIVED_COLUMNS)
