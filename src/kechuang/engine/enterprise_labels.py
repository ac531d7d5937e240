"""The words of enterprise cultivation, one place for each: verdicts, condition states, tiers, rule
sets, recognition levels. Chinese first; pages translate them with gettext at display time (``N_``
only marks them for extraction, the engine imports no Django)."""

from __future__ import annotations


def N_(text: str) -> str:  # noqa: N802 - the conventional name of a no-op gettext marker
    return text


# A rule set's verdict for one enterprise (engine/rules/evaluate.py ELIGIBILITY codes).
ELIGIBILITY_LABELS: dict[str, str] = {
    "yes": N_("符合"),
    "possible": N_("可能符合（取决于专家评审项）"),
    "unknown": N_("数据不全"),
    "no": N_("不符合"),
}

# One condition of a rule set (engine/rules/gaps.py ConditionStatus).
CONDITION_STATUS_LABELS: dict[str, str] = {
    "pass": N_("符合"),
    "fail": N_("不符合"),
    "missing": N_("缺少数据"),
    "possible": N_("待专家评审"),
}

# 科技型企业梯度培育: the ladder, lowest rung first; "none" is an enterprise on no rung.
TIER_LABELS: dict[str, str] = {
    "lingjun": N_("科技领军企业"),
    "guishang_gaoqi": N_("规上高新技术企业"),
    "gaoqi": N_("高新技术企业"),
    "kexiao": N_("科技型中小企业"),
    "none": N_("未入梯队"),
}
TIER_ORDER: list[str] = ["kexiao", "gaoqi", "guishang_gaoqi", "lingjun"]

RULE_LABELS: dict[str, str] = {
    "kexiao": N_("科技型中小企业"),
    "gaoqi": N_("高新技术企业"),
    "guishang": N_("规模以上工业企业"),
    "gazelle": N_("瞪羚企业"),
    "lingjun": N_("科技领军企业"),
}

# Recognition level of a carrier, platform or title held by an enterprise.
LEVEL_LABELS: dict[str, str] = {
    "none": N_("无"),
    "municipal": N_("市级"),
    "provincial": N_("省级"),
    "national": N_("国家级"),
}

# Comparison operators of rule conditions as a sentence shows them.
OPERATOR_SYMBOLS: dict[str, str] = {">=": "≥", ">": ">", "<=": "≤", "<": "<", "=": "=", "!=": "≠"}

# The units of rule conditions and gap texts in English sentences (engine/rules/gaps.py text_en).
UNITS_EN: dict[str, str] = {
    "万元": "CNY 10k",
    "亿元": "CNY 100m",
    "人": "persons",
    "件": "items",
    "项": "items",
    "年": "years",
    "天": "days",
    "分": "points",
    "个": "",
    "㎡": "m²",
}

# The singular of a counted unit, for a count of exactly 1 ("needs ≥ 1 year", not "1 years").
UNITS_EN_ONE: dict[str, str] = {
    "人": "person",
    "件": "item",
    "项": "item",
    "年": "year",
    "天": "day",
    "分": "point",
}


def unit_en(unit: str, value: float | None = None) -> str:
    """The English of a Chinese unit (万元 → CNY 10k), singular when ``value`` is 1 (年 → year)."""
    if value == 1 and unit in UNITS_EN_ONE:
        return UNITS_EN_ONE[unit]
    return UNITS_EN.get(unit, unit)
