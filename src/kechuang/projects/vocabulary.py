"""The words of 重大科技项目, in one place: organisation and funding modes, classes, stages, outcomes,
the negative list of 包干制 spending and the fields that need ethics approval."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from kechuang.engine.projects import running, stakes
from kechuang.projects import evaluation
from kechuang.web import names


class Mode(models.TextChoices):
    COMPETITIVE = "competitive", _("竞争择优")
    OPEN_COMPETITION = "open_competition", _("揭榜挂帅")
    DIRECTED = "directed", _("定向组织")
    OWNER = "owner", _("业主制")
    POST_SUBSIDY = "post_subsidy", _("事后奖补")


class FundingMode(models.TextChoices):
    BEFORE = running.BEFORE, _("事前资助（分期拨付）")
    DURING = running.DURING, _("事中资助（按里程碑拨付）")
    AFTER = running.AFTER, _("事后奖补（成果核验后拨付）")


class ProjectClass(models.TextChoices):
    BASIC = "basic", _("基础研究")
    APPLIED = "applied", _("应用研究与技术开发")
    DEMONSTRATION = "demonstration", _("示范推广")


class CallStatus(models.TextChoices):
    OPEN = "open", _("征集中")
    REVIEW = "review", _("评审中")
    DECIDED = "decided", _("已立项")


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已提交")
    INELIGIBLE = "ineligible", _("资格不符")
    FUNDED = "funded", _("立项资助")
    NOT_FUNDED = "not_funded", _("未立项")


class Stage(models.TextChoices):
    RUNNING = "running", _("实施中")
    ACCEPTANCE = "acceptance", _("待验收")
    PASSED = running.PASSED, _("验收通过")
    CONDITIONAL = running.CONDITIONAL, _("有条件通过")
    FAILED = running.FAILED, _("验收不通过")
    DROPPED = running.DROPPED, _("赛马淘汰")


class Outcome(models.TextChoices):
    PASSED = running.PASSED, _("通过")
    CONDITIONAL = running.CONDITIONAL, _("有条件通过")
    FAILED = running.FAILED, _("不通过")


class Trigger(models.TextChoices):
    START = running.START, _("立项后首期")
    MIDTERM = running.MIDTERM, _("中期检查通过")
    ACCEPTANCE = running.ACCEPTANCE, _("验收通过")
    MILESTONE = running.MILESTONE, _("里程碑核验")
    RESULTS = running.RESULTS, _("成果核验（验收通过）")


class FailureReason(models.TextChoices):
    NONE = "", _("（未认定）")
    TECHNICAL_ROUTE = "technical_route", _("技术路线原因")
    FORCE_MAJEURE = "force_majeure", _("不可抗力")
    OTHER = "other", _("其他原因")


class Level(models.TextChoices):
    GREEN = running.GREEN, _("正常")
    YELLOW = running.YELLOW, _("黄色预警")
    RED = running.RED, _("红色预警")


class ExitKind(models.TextChoices):
    """补改投: how the fund leaves a stake."""

    REPURCHASE = stakes.REPURCHASE, _("企业（创始股东）回购")
    TRANSFER = stakes.TRANSFER, _("股权转让")
    LISTING = stakes.LISTING, _("上市后减持")
    WRITE_OFF = stakes.WRITE_OFF, _("核销")


class StakeStatus(models.TextChoices):
    LOCKED = stakes.LOCKED, _("持有期内")
    DUE = stakes.DUE, _("持有期满待退出")
    PARTLY_EXITED = stakes.PARTLY_EXITED, _("部分退出")
    EXITED = stakes.EXITED, _("已退出")


class ValuationMethod(models.TextChoices):
    FINANCING = "financing", _("最近一轮融资估值")
    APPRAISAL = "appraisal", _("第三方评估")
    NET_ASSETS = "net_assets", _("净资产")


# the fund that holds 补改投 stakes (a sample name until the bureau names its own)
STAKE_FUND = "东莞市科技成果转化引导基金（补改投，示例）"
STAKE_FUND_EN = "Dongguan Technology Transfer Guidance Fund (grant-to-equity, example)"

# 包干制 negative list: what may not be paid from the grant (category code, label, words in a description);
# the labels stay Chinese for the engine (its flags are stored), shown translated in SPENDING_CATEGORIES
NEGATIVE_LIST: tuple[dict, ...] = (
    {"code": "entertainment", "label": gettext_noop("招待、宴请与礼品"), "words": ("宴请", "招待", "礼品")},
    {"code": "fines", "label": gettext_noop("罚款、滞纳金与捐赠"), "words": ("罚款", "滞纳金", "捐赠")},
    {"code": "debt", "label": gettext_noop("偿还债务与对外投资"), "words": ("还贷", "偿还借款", "理财")},
    {"code": "unrelated", "label": gettext_noop("与项目无关的人员与办公支出"), "words": ("装修", "购车")},
)
SPENDING_CATEGORIES: tuple[tuple[str, str], ...] = (
    ("equipment", _("设备费")),
    ("materials", _("材料费")),
    ("testing", _("测试化验加工费")),
    ("labour", _("劳务费")),
    ("consulting", _("专家咨询费")),
    ("travel", _("差旅会议费")),
    *((item["code"], _(item["label"])) for item in NEGATIVE_LIST),
)
# a flag as the engine stores it (Spending.reason) → its negative-list item
NEGATIVE_LIST_REASONS: dict[str, dict] = {f"负面清单：{item['label']}": item for item in NEGATIVE_LIST}


def fund_label(stake) -> str:
    """The fund that holds a stake, in the interface's language: its English name, or for the default
    fund without one, STAKE_FUND_EN."""
    if names.english() and not stake.fund_en and stake.fund == STAKE_FUND:
        return STAKE_FUND_EN
    return names.localized(stake, "fund")


def spending_reason(reason: str) -> str:
    """A stored negative-list flag (the engine's 「负面清单：招待、宴请与礼品」) in the interface's
    language; a reason of no known item as it is."""
    item = NEGATIVE_LIST_REASONS.get(reason)
    if item is None:
        return reason
    return gettext("负面清单：%(label)s") % {"label": gettext(item["label"])}


class AcceptanceMethod(models.TextChoices):
    """How an acceptance result was verified (application-oriented acceptance); the value is stored
    (Acceptance.results) and exchanged in Chinese."""

    THIRD_PARTY = "第三方测试", _("第三方测试")
    SCENARIO = "真实应用场景考核", _("真实应用场景考核")


ACCEPTANCE_METHODS: tuple[str, ...] = tuple(AcceptanceMethod.values)


def acceptance_method_label(method: str) -> str:
    """A stored acceptance method in the interface's language (an unknown one as it is)."""
    return str(dict(AcceptanceMethod.choices).get(method, method))


# an application's eligibility note (Application.eligibility_note, stored in Chinese) when it is not the
# list of the conditions failed: the English interface reads it through ``eligibility_note``
NO_CONDITIONS = "该指南未设企业数据条件"
ALL_MET = "满足全部申报条件"
NOT_IN_REGISTRY = "申报单位不在企业库中（高校院所等），企业数据条件由项目主管处室审核"
ELIGIBILITY_NOTES_EN: dict[str, str] = {
    NO_CONDITIONS: "The call sets no conditions on enterprise data",
    ALL_MET: "Meets every condition of the call",
    NOT_IN_REGISTRY: "The applicant is not in the enterprise registry (a university or institute …); the "
    "programme office checks the conditions on enterprise data",
}


def eligibility_note(note: str) -> str:
    """A stored eligibility note in the interface's language (the conditions failed as recorded)."""
    return names.term(note, ELIGIBILITY_NOTES_EN)


def goal_indicator(goals: list[dict] | None, indicator: str) -> str:
    """A call's target indicator (as stored in acceptance results and milestones) in the interface's
    language: the goal's ``indicator_en`` when English and filled."""
    for goal in goals or ():
        if goal.get("indicator") == indicator:
            return names.localized(goal, "indicator")
    return indicator


# fields whose projects need an approval of a registered ethics committee before funds are released
ETHICS_FIELDS: tuple[str, ...] = ("生命科学", "人工智能", "医学与健康", "生物技术")
# the fields' English, for the English interface (a call's field is stored and exchanged in Chinese)
FIELDS_EN: dict[str, str] = {
    "新一代信息技术": "New-generation information technology",
    "人工智能": "Artificial intelligence",
    "高端装备": "High-end equipment",
    "新材料": "New materials",
    "生命科学": "Life sciences",
    "新能源": "New energy",
    "生物技术": "Biotechnology",
    "医学与健康": "Medicine and health",
}


def field_label(field: str) -> str:
    """A call's technology field in the interface's language (a field without English as it is)."""
    return names.term(field, FIELDS_EN)


FIELDS: tuple[str, ...] = (
    "新一代信息技术",
    "人工智能",
    "高端装备",
    "新材料",
    "生命科学",
    "新能源",
    "生物技术",
)

# scoring sheet per class of project: (criterion, weight in points; the total is 100), from the
# classified-evaluation templates (projects/data/evaluation_templates.yaml, checked on loading)
SCORING_SHEETS: dict[str, tuple[tuple[str, int], ...]] = {
    code: template.sheet for code, template in evaluation.shipped().classes.items()
}
