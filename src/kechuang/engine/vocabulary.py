"""The enterprise-data column vocabulary (shared/contracts/enterprise-data.md) as data.

One place that knows every column, its Chinese header, its type and its unit. Import, rule
validation, synthetic data and exports all read from here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import polars as pl


@dataclass(frozen=True)
class Column:
    name: str
    header_zh: str
    dtype: type[pl.DataType] | pl.DataType
    unit: str = ""  # 万元, 人, 件, 项 … ; empty for text, dates, flags
    note: str = ""
    header_en: str = ""  # what the English interface calls the column (files keep the Chinese header)

    @property
    def header(self) -> str:
        """The Chinese header; with ``header_en`` the pair kechuang.web.names.localized(col, "header") reads."""
        return self.header_zh


REGISTRY_COLUMNS: tuple[Column, ...] = (
    Column(
        "credit_code",
        "统一社会信用代码",
        pl.Utf8,
        note="GB 32100-2015, checksum verified; the key",
        header_en="Unified social credit code",
    ),
    Column("name", "企业名称", pl.Utf8, header_en="Enterprise name"),
    Column("registered_on", "成立日期", pl.Date, header_en="Date of registration"),
    Column("region", "所属镇街", pl.Utf8, note="name or code from dongguan-towns.csv", header_en="Town"),
    Column(
        "industry_code",
        "行业代码",
        pl.Utf8,
        note="GB/T 4754-2017 class, e.g. C3971",
        header_en="Industry code",
    ),
    Column(
        "tech_field",
        "技术领域",
        pl.Utf8,
        note="one of the eight 国家重点支持的高新技术领域, or empty",
        header_en="Technology field",
    ),
    Column("hightech_cert_until", "高企证书有效期至", pl.Date, header_en="High-tech certificate valid until"),
    Column(
        "kexiao_registered_year",
        "科技型中小企业入库年度",
        pl.Int32,
        header_en="Year entered as a tech-based SME",
    ),
    Column(
        "rd_institution_level",
        "研发机构级别",
        pl.Utf8,
        note="none / municipal / provincial / national",
        header_en="R&D institution level",
    ),
    Column(
        "national_award_5y",
        "近五年国家级科技奖励（前三）",
        pl.Boolean,
        header_en="National S&T award in the last five years (top three)",
    ),
    Column(
        "led_standard_5y",
        "近五年主导制定国际/国家/行业标准",
        pl.Boolean,
        header_en="Led an international, national or industry standard in the last five years",
    ),
    Column(
        "abnormal_listed",
        "列入经营异常名录或严重违法失信名单",
        pl.Boolean,
        header_en="On the abnormal-operations or serious-dishonesty list",
    ),
    Column(
        "serious_incident_1y",
        "近一年重大安全、质量事故或严重环境违法",
        pl.Boolean,
        header_en="Major safety or quality accident or serious environmental violation in the last year",
    ),
    Column(
        "restricted_industry",
        "产品属于禁止、限制和淘汰类",
        pl.Boolean,
        header_en="Products in a prohibited, restricted or phased-out category",
    ),
)

FACT_COLUMNS: tuple[Column, ...] = (
    Column("credit_code", "统一社会信用代码", pl.Utf8, header_en="Unified social credit code"),
    Column("year", "年度", pl.Int32, header_en="Year"),
    Column("revenue", "营业收入", pl.Float64, "万元", header_en="Operating revenue"),
    Column("main_business_revenue", "主营业务收入", pl.Float64, "万元", header_en="Main business revenue"),
    Column(
        "hightech_revenue",
        "高新技术产品（服务）收入",
        pl.Float64,
        "万元",
        header_en="High-tech products (services) revenue",
    ),
    Column("total_cost", "成本费用支出总额", pl.Float64, "万元", header_en="Total costs and expenses"),
    Column("rd_expense", "研究开发费用", pl.Float64, "万元", header_en="R&D expenses"),
    Column("rd_expense_domestic", "境内研究开发费用", pl.Float64, "万元", header_en="Domestic R&D expenses"),
    Column("employees", "职工总数", pl.Int64, "人", header_en="Employees"),
    Column("tech_staff", "科技人员数", pl.Int64, "人", header_en="S&T staff"),
    Column("rd_staff", "研发人员数", pl.Int64, "人", header_en="R&D staff"),
    Column("total_assets", "资产总额", pl.Float64, "万元", header_en="Total assets"),
    Column("net_assets", "净资产", pl.Float64, "万元", note="may be negative", header_en="Net assets"),
    Column("net_profit", "净利润", pl.Float64, "万元", note="may be negative", header_en="Net profit"),
    Column("tax_paid", "纳税总额", pl.Float64, "万元", header_en="Taxes paid"),
    Column("ip_class1", "I类知识产权数（有效）", pl.Int64, "件", header_en="Class I IP rights (valid)"),
    Column("ip_class2", "II类知识产权数（有效）", pl.Int64, "件", header_en="Class II IP rights (valid)"),
    Column("invention_patents", "有效发明专利数", pl.Int64, "件", header_en="Valid invention patents"),
    Column(
        "high_value_invention_patents",
        "高价值发明专利数",
        pl.Int64,
        "件",
        header_en="High-value invention patents",
    ),
    Column(
        "conversions",
        "科技成果转化数（当年）",
        pl.Int64,
        "项",
        header_en="S&T results commercialised (this year)",
    ),
    Column(
        "equity_financing", "股权融资额（当年）", pl.Float64, "万元", header_en="Equity financing (this year)"
    ),
    Column(
        "tech_contract_income",
        "技术合同成交额（当年）",
        pl.Float64,
        "万元",
        header_en="Technology contract turnover (this year)",
    ),
    Column("standards_led", "主导制定标准数（当年）", pl.Int64, "项", header_en="Standards led (this year)"),
    Column(
        "funded_projects",
        "承担省级以上科技计划项目数（当年）",
        pl.Int64,
        "项",
        header_en="Provincial or higher S&T projects undertaken (this year)",
    ),
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

# The English names of the derived columns (the English interface's labels; issue 9 §5).
DERIVED_COLUMNS_EN: dict[str, str] = {
    "revenue_3y": "Operating revenue, last three years (CNY 10k)",
    "rd_expense_3y": "R&D expenses, last three years (CNY 10k)",
    "rd_expense_domestic_3y": "Domestic R&D expenses, last three years (CNY 10k)",
    "rd_ratio_3y": "R&D expenses as a share of revenue, last three years",
    "domestic_rd_share_3y": "Domestic share of R&D expenses, last three years",
    "hightech_revenue_share": "High-tech products (services) revenue share",
    "tech_staff_share": "S&T staff as a share of employees",
    "rd_to_revenue": "R&D expenses as a share of revenue this year",
    "rd_to_cost": "R&D expenses as a share of costs this year",
    "net_asset_growth": "Net asset growth",
    "revenue_growth": "Revenue growth",
    "years_since_registration": "Years since registration",
    "is_industrial": "Industrial enterprise",
    "hightech_cert_valid": "High-tech certificate valid",
    "years_used": "Years used for the high-tech figures (last three or years in operation)",
    "conversions_avg_3y": "S&T results commercialised, yearly average of the last three years",
    "standards_led_3y": "Standards led, last three years",
    "revenue_base": "Operating revenue (year Y−2, CNY 10k)",
    "revenue_yoy": "Operating revenue growth (Y over Y−1)",
    "revenue_cagr_2y": "Two-year compound growth of operating revenue (Y−2 to Y)",
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

# 国家重点支持的高新技术领域 in English (the values stored and exchanged stay Chinese).
TECH_FIELDS_EN: dict[str, str] = {
    "电子信息": "Electronic information",
    "生物与新医药": "Biotechnology and new medicine",
    "航空航天": "Aerospace",
    "新材料": "New materials",
    "高技术服务": "High-tech services",
    "新能源与节能": "New energy and energy saving",
    "资源与环境": "Resources and environment",
    "先进制造与自动化": "Advanced manufacturing and automation",
}

# GB/T 4754-2017 门类 (the letter that starts an industry code), with their English names.
INDUSTRY_SECTIONS: dict[str, str] = {
    "A": "农、林、牧、渔业",
    "B": "采矿业",
    "C": "制造业",
    "D": "电力、热力、燃气及水生产和供应业",
    "E": "建筑业",
    "F": "批发和零售业",
    "G": "交通运输、仓储和邮政业",
    "H": "住宿和餐饮业",
    "I": "信息传输、软件和信息技术服务业",
    "J": "金融业",
    "K": "房地产业",
    "L": "租赁和商务服务业",
    "M": "科学研究和技术服务业",
    "N": "水利、环境和公共设施管理业",
    "O": "居民服务、修理和其他服务业",
    "P": "教育",
    "Q": "卫生和社会工作",
    "R": "文化、体育和娱乐业",
    "S": "公共管理、社会保障和社会组织",
    "T": "国际组织",
}
INDUSTRY_SECTIONS_EN: dict[str, str] = {
    "A": "Agriculture, forestry, animal husbandry and fishery",
    "B": "Mining",
    "C": "Manufacturing",
    "D": "Production and supply of electricity, heat, gas and water",
    "E": "Construction",
    "F": "Wholesale and retail trade",
    "G": "Transport, storage and postal services",
    "H": "Accommodation and catering",
    "I": "Information transmission, software and information technology services",
    "J": "Finance",
    "K": "Real estate",
    "L": "Leasing and business services",
    "M": "Scientific research and technical services",
    "N": "Water conservancy, environment and public facilities management",
    "O": "Resident services, repair and other services",
    "P": "Education",
    "Q": "Health and social work",
    "R": "Culture, sports and entertainment",
    "S": "Public administration, social security and social organisations",
    "T": "International organisations",
}

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


def column_label(by_name: Mapping[str, Column], name: str, english: bool = False) -> str:
    """What a page calls a column of a vocabulary (``by_name``: name → Column), in Chinese or
    (``english``) in English; an unknown name as it is."""
    c = by_name.get(name)
    if c is None:
        return name
    return (english and c.header_en) or c.header_zh
