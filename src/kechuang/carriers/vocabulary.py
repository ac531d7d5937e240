"""The words of the innovation-carrier domain (创新载体与人才), in one place."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from kechuang.engine.vocabulary import TECH_FIELDS_EN


class CarrierKind(models.TextChoices):
    MAKER_SPACE = "maker_space", _("众创空间")
    INCUBATOR = "incubator", _("孵化器")
    ACCELERATOR = "accelerator", _("加速器")
    INSTITUTION = "institution", _("新型研发机构")
    PLATFORM = "platform", _("仪器设施共享单位")


INCUBATION_KINDS = (CarrierKind.MAKER_SPACE, CarrierKind.INCUBATOR, CarrierKind.ACCELERATOR)


class ExitReason(models.TextChoices):
    """Why an incubated enterprise left the carrier (the row is kept, dated)."""

    GRADUATED = "graduated", _("毕业")
    MOVED = "moved", _("迁出")
    DEREGISTERED = "deregistered", _("注销")
    MISTAKEN = "mistaken", _("误录")


class Level(models.TextChoices):
    CITY = "市级", _("市级")
    PROVINCE = "省级", _("省级")
    NATIONAL = "国家级", _("国家级")
    STANDARD = "标准级", _("标准级")
    EXCELLENT = "卓越级", _("卓越级")


class EvaluationClass(models.TextChoices):
    """综合 / 专业 incubators score differently (国科火字〔2019〕239号 分类评价)."""

    COMPREHENSIVE = "comprehensive", _("综合")
    SPECIALISED = "specialised", _("专业")


class InstitutionClass(models.TextChoices):
    CO_BUILT = "co_built", _("共建类")
    INNOVATION = "innovation", _("技术创新类")
    TRANSFER = "transfer", _("成果转化类")
    INDUSTRY = "industry", _("产业培育类")


class InstitutionTier(models.TextChoices):
    FIRST = "1", _("第一层级")
    SECOND = "2", _("第二层级")
    THIRD = "3", _("第三层级")


class CarrierStatus(models.TextChoices):
    ACTIVE = "active", _("有效")
    WITHDRAWN = "withdrawn", _("已取消资格")


class BookingStatus(models.TextChoices):
    REQUESTED = "requested", _("待审批")
    APPROVED = "approved", _("已批准")
    REJECTED = "rejected", _("已驳回")
    DONE = "done", _("已完成")


class TalentRoute(models.TextChoices):
    RECOGNITION = "recognition", _("认定")
    EXPERT = "expert", _("专家评定")
    NOMINATION = "nomination", _("举荐自评")


class TalentClass(models.TextChoices):
    A = "A", _("A类")
    B = "B", _("B类")
    C = "C", _("C类")
    D = "D", _("D类")
    E = "E", _("E类")
    F = "F", _("F类")


class TalentStatus(models.TextChoices):
    SUBMITTED = "submitted", _("已申报")
    RECOMMENDED = "recommended", _("单位已推荐")
    SCORED = "scored", _("专家已评分")
    APPROVED = "approved", _("已认定")
    REJECTED = "rejected", _("未通过")
    REVOKED = "revoked", _("已撤销（弄虚作假）")


# A carrier's 专业领域 and an instrument's 类别 are stored in Chinese as written; their English for the
# English interface: the technology fields' (engine.vocabulary) and the carriers' own.
FIELDS_EN: dict[str, str] = {
    **TECH_FIELDS_EN,
    "新能源": "New energy",
    "智能制造": "Intelligent manufacturing",
    "机器人": "Robotics",
    "智能硬件": "Smart hardware",
    "中子散射": "Neutron scattering",
    "电子显微": "Electron microscopy",
    "表面分析": "Surface analysis",
    "材料制备": "Materials preparation",
    "成分分析": "Composition analysis",
    "检测": "Testing",
    "计量": "Metrology",
    "材料计算": "Materials computing",
}

# The status lights of 「一院一策」 targets are the plan indicators' own (kechuang.engine.plan_labels).
TALENT_VALID_YEARS = 3  # 示例：认定结果有效期
FRAUD_BAR_YEARS = 5  # 弄虚作假：五年内不得享受人才政策（南方都市报 2025-10-22 转述）
INSTRUMENT_MIN_VALUE = 50  # 万元：开放共享评价范围 单台(套) ≥ 50 万元
# 全国开放共享评价考核公布的平均值（2025 年度，科技日报转载）：参考线
REFERENCE_WORK_HOURS = 1599
REFERENCE_EXTERNAL_HOURS = 273
