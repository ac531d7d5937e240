"""The words of the points pages (创新积分制), in one place. Model-specific names (stages, indicators,
groups, exclusions, tiers) come from the model file itself; these are the words around them."""

from __future__ import annotations

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from kechuang.engine.points import NO_FACTS
from kechuang.web.names import localized

SAMPLE = _("示例")
SAMPLE_NOTE = _("该积分模型为示例模型：指标与权重未经市科技局确认，结果仅供演示，须加载正式模型后使用。")
NO_FACTS_LABEL = _("无当年数据")
NO_STAGE_LABEL = _("未归入阶段")
NO_RUN = _("尚未计算该年度的积分")


def list_name(tier_name: str) -> str:
    """创新领跑 → 创新领跑榜 (the ranking list of a tier)."""
    return gettext("%(tier)s榜") % {"tier": tier_name}


def names(model) -> dict[str, dict[str, str]]:
    """code → name for the model's stages, tiers, exclusions (with no_facts), groups and indicators,
    in the interface's language (the model's ``name_en`` when the interface is English)."""
    return {
        "stage": {s.code: localized(s) for s in model.stages},
        "tier": {t.code: localized(t) for t in model.tiers},
        "excluded": {e.code: localized(e) for e in model.exclusions} | {NO_FACTS: str(NO_FACTS_LABEL)},
        "group": {g.code: localized(g) for g in model.group_list()},
        "indicator": {i.code: localized(i) for i in model.indicators},
    }
