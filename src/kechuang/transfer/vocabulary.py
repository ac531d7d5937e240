"""The words of technology transfer (成果转化), in one place: statuses, modes, contract types, states,
workflow steps and their responsible roles, and the readiness-level names (read from data/).

The column vocabulary of the files (achievements, licences, contracts) is the data contract
(docs/contracts/transfer-data.md); the Chinese headers the imports accept are here too.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources

from django.db import models
from django.utils.translation import gettext_lazy as _

from kechuang.engine.transfer import income as rules
from kechuang.engine.transfer.fields import FIELDS
from kechuang.web.names import english

TECH_FIELDS = FIELDS  # the eight 国家重点支持的高新技术领域


class AchievementStatus(models.TextChoices):
    PUBLISHED = "可转化", _("可转化")
    NEGOTIATING = "洽谈中", _("洽谈中")
    TRANSFERRED = "已转化", _("已转化")
    WITHDRAWN = "已撤回", _("已撤回")


# Statuses an enterprise (and the public) may see: what is offered or being negotiated.
PUBLIC_STATUSES = (AchievementStatus.PUBLISHED, AchievementStatus.NEGOTIATING)


class Ownership(models.TextChoices):
    INSTITUTION = "单位所有", _("单位所有")
    RESEARCHER_OWNED = "赋予科研人员所有权", _("赋予科研人员所有权")
    RESEARCHER_USE = "赋予科研人员长期使用权", _("赋予科研人员长期使用权")


MODES = ("转让", "许可", "作价投资", "先用后转")
MODE_LABELS = {"转让": _("转让"), "许可": _("许可"), "作价投资": _("作价投资"), "先用后转": _("先用后转")}


class IPKind(models.TextChoices):
    INVENTION = "发明专利", _("发明专利")
    UTILITY = "实用新型专利", _("实用新型专利")
    DESIGN = "外观设计专利", _("外观设计专利")
    SOFTWARE = "软件著作权", _("软件著作权")
    LAYOUT = "集成电路布图设计", _("集成电路布图设计")
    PLANT = "植物新品种", _("植物新品种")
    OTHER = "其他", _("其他")


class LegalStatus(models.TextChoices):
    PENDING = "审查中", _("审查中")
    VALID = "有效", _("有效（授权）")
    LAPSED = "失效", _("失效")
    INVALIDATED = "无效宣告", _("被宣告无效")
    EXPIRED = "期满终止", _("期满终止")


class LicenceState(models.TextChoices):
    DRAFT = "draft", _("草拟")
    ACTIVE = "active", _("履行中")
    SUSPENDED = "suspended", _("暂停")
    COMPLETED = "completed", _("履行完毕")
    TERMINATED = "terminated", _("已终止")


class ContractType(models.TextChoices):
    DEVELOPMENT = "技术开发", _("技术开发")
    TRANSFER = "技术转让", _("技术转让")
    LICENCE = "技术许可", _("技术许可")
    CONSULTING = "技术咨询", _("技术咨询")
    SERVICE = "技术服务", _("技术服务")


class DemandStatus(models.TextChoices):
    OPEN = "open", _("征集中")
    MATCHED = "matched", _("已对接")
    CLOSED = "closed", _("已关闭")


class MatchState(models.TextChoices):
    PROPOSED = "proposed", _("待对接")
    CONTACTED = "contacted", _("已联系")
    NEGOTIATING = "negotiating", _("洽谈中")
    SIGNED = "signed", _("已签约")
    DROPPED = "dropped", _("已放弃")


# The order a match moves along (a technology manager moves it one step at a time, or drops it).
MATCH_NEXT = {
    MatchState.PROPOSED: MatchState.CONTACTED,
    MatchState.CONTACTED: MatchState.NEGOTIATING,
    MatchState.NEGOTIATING: MatchState.SIGNED,
}


class ScenarioStage(models.TextChoices):
    CALL = "call", _("征集")
    SCORING = "scoring", _("专家评分")
    SELECTION = "selection", _("遴选")
    PUBLISHED = "published", _("已发布")


SCENARIO_NEXT = {
    ScenarioStage.CALL: ScenarioStage.SCORING,
    ScenarioStage.SCORING: ScenarioStage.SELECTION,
    ScenarioStage.SELECTION: ScenarioStage.PUBLISHED,
}


# ---------------------------------------------------------------------------------------------
# 安心屋: the steps of a transfer, in order, with the role responsible for each
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    code: str
    label: str
    role: str  # accounts.models.Role value
    days: int  # deadline: days after the previous step was done (notice: the configured days)


STEPS: tuple[Step, ...] = (
    Step("application", _("申请"), "university_user", 0),
    Step("legal_review", _("法律审查"), "tech_manager", 10),
    Step("valuation", _("价值评估"), "expert", 15),
    Step("notice", _("公示"), "university_user", 15),
    Step("approval", _("审批"), "bureau_staff", 10),
    Step("signing", _("签约"), "university_user", 30),
    Step("supervision", _("履约监督"), "university_user", 365),
    Step("closed", _("结案"), "bureau_staff", 30),
)
STEP_BY_CODE = {s.code: s for s in STEPS}
STEP_CODES = tuple(s.code for s in STEPS)


class CaseState(models.TextChoices):
    OPEN = "open", _("办理中")
    CLOSED = "closed", _("已结案")
    FAILED = "failed", _("未通过（终止）")


class CaseKind(models.TextChoices):
    TRANSFER = "转让", _("转让")
    LICENCE = "许可", _("许可")
    INVESTMENT = "作价投资", _("作价投资")


class OwnUseMode(models.TextChoices):
    OWN = "自行实施", _("自行实施")
    JOINT = "合作实施", _("与他人合作实施")


# Statutory minimum share of the research team (促进科技成果转化法 第四十五条, shared/rules/transfer.md §3)
# (the figures are the engine's, kechuang.engine.transfer.income).
STATUTORY_TEAM_MINIMUM = {
    "转让": rules.LICENCE_MINIMUM,
    "许可": rules.LICENCE_MINIMUM,
    "作价投资": rules.INVESTMENT_MINIMUM,
}

# Warnings on the licence pages: a due date within this many days.
DUE_SOON_DAYS = 30


# ---------------------------------------------------------------------------------------------
# Readiness levels: names as data (NASA/DoD scale until GB/T 22900-2022's names are known)
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReadinessLevel:
    level: int
    name_zh: str
    name_en: str
    scale: str

    @property
    def name(self) -> str:
        """The Chinese name; with name_en the pair the |en filter reads."""
        return self.name_zh


@cache
def readiness_levels() -> tuple[ReadinessLevel, ...]:
    text = resources.files("kechuang.transfer").joinpath("data/trl_levels.csv").read_text(encoding="utf-8")
    return tuple(
        ReadinessLevel(int(r["level"]), r["name_zh"], r["name_en"], r["scale"])
        for r in csv.DictReader(text.splitlines())
    )


def readiness_name(level: int | None) -> str:
    for r in readiness_levels():
        if r.level == level:
            return r.name_zh
    return ""


def readiness_label(level: int | None) -> str:
    """A readiness level's name in the interface's language (readiness_name is the Chinese one)."""
    for r in readiness_levels():
        if r.level == level:
            return r.name_en if english() else r.name_zh
    return ""


def readiness_choices() -> list[tuple[int, str]]:
    return [(r.level, f"{r.level} · {readiness_label(r.level)}") for r in readiness_levels()]


READINESS_SCALE_NOTE = _("等级名称采用 NASA/DoD 技术就绪水平量表（GB/T 22900-2022 的等级名称待核实后替换）")


# Chinese headers of the contract's files (imports accept either)
ACHIEVEMENT_HEADERS = {
    "code": "成果编号",
    "institution": "完成单位",
    "title": "成果名称",
    "abstract": "成果简介",
    "field": "技术领域",
    "keywords": "关键词",
    "inventors": "完成人",
    "patents": "专利号",
    "trl": "技术就绪水平",
    "ownership": "权属",
    "modes": "转化方式",
    "asking_price": "意向价格",
    "status": "状态",
}
CONTRACT_HEADERS = {
    "registration_no": "登记编号",
    "registered_on": "登记日期",
    "type": "合同类型",
    "seller": "卖方名称",
    "seller_code": "卖方统一社会信用代码",
    "seller_region": "卖方所属镇街",
    "buyer": "买方名称",
    "buyer_region": "买方所在地",
    "amount": "合同成交额",
    "tech_amount": "技术交易额",
    "field": "技术领域",
}
