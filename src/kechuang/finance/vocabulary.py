"""The words of 科技金融 in one place: the fields a bank may see, decisions, loan performance, kinds."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from kechuang.engine.vocabulary import FACT_COLUMNS, REGISTRY_COLUMNS
from kechuang.web.names import column_label, unit

# The enterprise fields an enterprise may share with a bank (consent covers a subset of these), in
# this order: registry attributes, then the yearly figures of the latest year. Points, stage and tier
# are always shown with a consent (they are what the products are about).
SHAREABLE: dict[str, str] = {
    **{c.name: c.header_zh for c in REGISTRY_COLUMNS if c.name != "credit_code"},
    **{c.name: c.header_zh for c in FACT_COLUMNS if c.name not in ("credit_code", "year")},
}
UNITS: dict[str, str] = {c.name: c.unit for c in (*REGISTRY_COLUMNS, *FACT_COLUMNS) if c.unit}
REGISTRY_FIELDS = frozenset(c.name for c in REGISTRY_COLUMNS if c.name != "credit_code")
SHAREABLE_FIELDS = frozenset(SHAREABLE)


def field_label(name: str) -> str:
    """A shareable field's name in the interface's language (SHAREABLE holds the Chinese ones)."""
    return column_label(name) if name in SHAREABLE else name


def field_unit(name: str) -> str:
    """A shareable field's unit in the interface's language."""
    return unit(UNITS.get(name, ""))


PRODUCT_STATUS = {"sample": _("示例"), "confirmed": _("银行已确认")}
PRODUCT_KIND = {"loan": _("贷款"), "guarantee": _("担保")}

SUBMITTED, APPROVED, DECLINED = "submitted", "approved", "declined"
DECISIONS = [(SUBMITTED, _("待审批")), (APPROVED, _("已批准")), (DECLINED, _("已拒绝"))]

PERFORMING, REPAID, OVERDUE, DEFAULT = "performing", "repaid", "overdue", "default"
PERFORMANCE = [
    ("", _("—")),
    (PERFORMING, _("正常还款中")),
    (REPAID, _("已结清")),
    (OVERDUE, _("逾期")),
    (DEFAULT, _("违约")),
]
# Upload headers (Chinese or English) → field.
OUTCOME_HEADERS = {
    "申请编号": "application",
    "application": "application",
    "审批结果": "decision",
    "decision": "decision",
    "批准金额（万元）": "amount",
    "amount": "amount",
    "审批日期": "decided_on",
    "decided_on": "decided_on",
    "贷后表现": "performance",
    "performance": "performance",
    "表现日期": "performance_on",
    "performance_on": "performance_on",
}
# Cell words accepted for decision and performance (Chinese label or code).
DECISION_WORDS = {
    "已批准": APPROVED,
    "批准": APPROVED,
    APPROVED: APPROVED,
    "已拒绝": DECLINED,
    "拒绝": DECLINED,
    DECLINED: DECLINED,
    "待审批": SUBMITTED,
    SUBMITTED: SUBMITTED,
}
PERFORMANCE_WORDS = {
    "正常还款中": PERFORMING,
    "正常": PERFORMING,
    PERFORMING: PERFORMING,
    "已结清": REPAID,
    "结清": REPAID,
    REPAID: REPAID,
    "逾期": OVERDUE,
    OVERDUE: OVERDUE,
    "违约": DEFAULT,
    DEFAULT: DEFAULT,
    "": "",
}

CONSENT_DAYS_DEFAULT = 365
SIMULATED = _("模拟")
