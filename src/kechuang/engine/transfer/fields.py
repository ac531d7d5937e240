"""The eight 国家重点支持的高新技术领域 as data, and the other ways people write them.

The canonical names are kechuang.engine.vocabulary.TECH_FIELDS (the enterprise registry uses the same
eight). ``canonical_field`` maps a user's spelling (e.g. 电子信息技术, 新能源及节能技术) to one of them.
"""

from __future__ import annotations

from kechuang.engine.vocabulary import TECH_FIELDS

FIELDS: tuple[str, ...] = TECH_FIELDS

# Other spellings seen in forms, the 认定办法's own wording and department files.
FIELD_ALIASES: dict[str, str] = {
    "电子信息技术": "电子信息",
    "生物与新医药技术": "生物与新医药",
    "生物医药": "生物与新医药",
    "航空航天技术": "航空航天",
    "新材料技术": "新材料",
    "高技术服务业": "高技术服务",
    "新能源及节能技术": "新能源与节能",
    "新能源与节能技术": "新能源与节能",
    "新能源及节能": "新能源与节能",
    "资源与环境技术": "资源与环境",
    "资源环境": "资源与环境",
    "先进制造与自动化技术": "先进制造与自动化",
    "先进制造": "先进制造与自动化",
}


def canonical_field(text: str | None) -> str | None:
    """One of FIELDS for a name or alias (spaces ignored), else None."""
    if text is None:
        return None
    name = "".join(str(text).split())
    if name in FIELDS:
        return name
    return FIELD_ALIASES.get(name)
