"""Applications (融资申请): an enterprise applies for a product; the bank records its decision and the
loan's performance — one at a time (page, API) or a whole Excel file (all or nothing)."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kechuang import access
from kechuang.finance import vocabulary as v
from kechuang.finance.models import Application, Product
from kechuang.finance.services import consent as consents
from kechuang.finance.services import products as products_service


class ApplicationError(ValueError):
    """An application or decision that cannot be recorded (Chinese message)."""


@transaction.atomic
def apply(
    user,
    enterprise,
    product_code: str,
    scored,
    amount_requested: float | None = None,
    grant_consent: bool = False,
    simulated: bool = False,
) -> Application:
    """Apply for a product. The product's bank must hold a consent in force covering the product's
    fields; with ``grant_consent`` the enterprise grants it here (one year, the product's fields plus
    those of a consent in force)."""
    product = Product.objects.filter(code=product_code, is_active=True).select_related("bank").first()
    offer = next(iter(products_service.offers(Product.objects.filter(pk=product.pk)))) if product else None
    if offer is None:
        raise ApplicationError(_("找不到金融产品 %(code)s") % {"code": product_code})
    candidate = Application(enterprise=enterprise, product=product, bank=product.bank)
    access.deny_unless(access.can_create(user, "loan", candidate), _("无权以该企业名义申请"))
    if amount_requested is not None and (not math.isfinite(amount_requested) or amount_requested <= 0):
        raise ApplicationError(_("申请金额须为正数（万元）"))
    needed = list(offer.content.fields)
    if consents.covering(enterprise, product.bank, needed) is None:
        if not grant_consent:
            raise ApplicationError(
                _("申请前须授权 %(bank)s 查看以下字段：%(fields)s")
                % {"bank": product.bank.name, "fields": _("、").join(v.field_label(f) for f in needed)}
            )
        from kechuang.finance.models import Consent

        current = Consent.objects.filter(Consent.active_q(), enterprise=enterprise, bank=product.bank).first()
        fields = sorted(set(needed) | set(current.fields if current else []), key=list(v.SHAREABLE).index)
        until = timezone.localdate() + dt.timedelta(days=v.CONSENT_DAYS_DEFAULT)
        consents.grant(user, enterprise, product.bank, fields, until, simulated=simulated)
    rec = products_service.recommendations(scored, [offer], enterprise.credit_code)[0]
    row = scored.scores.filter(pl.col("credit_code") == enterprise.credit_code)
    first = row.row(0, named=True) if row.height else {}
    candidate.product_version = offer.version
    candidate.year = scored.year
    candidate.model_version_id = scored.version_id
    candidate.points = first.get("points")
    candidate.stage = first.get("stage") or ""
    candidate.tier = first.get("tier") or ""
    candidate.line = rec.line
    candidate.amount_requested = amount_requested
    candidate.applied_by = getattr(user, "username", "")
    candidate.simulated = simulated
    candidate.save()
    return candidate


@dataclass
class Decision:
    decision: str
    amount: float | None = None
    decided_on: dt.date | None = None
    performance: str = ""
    performance_on: dt.date | None = None


def check_decision(d: Decision) -> list[tuple[str, str]]:
    """(field, Chinese problem) for every problem of one decision."""
    problems = []
    if d.decision not in (v.SUBMITTED, v.APPROVED, v.DECLINED):
        problems.append(("decision", _("审批结果须为 已批准、已拒绝 或 待审批")))
    if d.decision == v.APPROVED:
        if d.amount is None or not math.isfinite(d.amount) or d.amount <= 0:
            problems.append(("amount", _("已批准时批准金额须为正数（万元）")))
        if d.decided_on is None:
            problems.append(("decided_on", _("已批准时须填写审批日期")))
    elif d.amount is not None:
        problems.append(("amount", _("只有已批准的申请才有批准金额")))
    if d.decision == v.DECLINED and d.decided_on is None:
        problems.append(("decided_on", _("已拒绝时须填写审批日期")))
    if d.performance not in dict(v.PERFORMANCE):
        problems.append(("performance", _("贷后表现须为 正常还款中、已结清、逾期 或 违约")))
    elif d.performance and d.decision != v.APPROVED:
        problems.append(("performance", _("只有已批准的申请才有贷后表现")))
    elif d.performance and d.performance_on is None:
        problems.append(("performance_on", _("填写贷后表现时须填写表现日期")))
    if d.decided_on and d.performance_on and d.performance_on < d.decided_on:
        problems.append(("performance_on", _("表现日期不能早于审批日期")))
    today = timezone.localdate()
    for name, day in (("decided_on", d.decided_on), ("performance_on", d.performance_on)):
        if day and day > today:
            problems.append((name, _("日期不能晚于今天")))
    return problems


def _apply_decision(app: Application, d: Decision) -> Application:
    app.decision, app.amount, app.decided_on = d.decision, d.amount, d.decided_on
    app.performance, app.performance_on = d.performance, d.performance_on
    app.save()
    return app


@transaction.atomic
def decide(user, application_id, d: Decision) -> Application:
    app = access.changeable(user, "loan_decision", Application.objects.filter(pk=application_id)).first()
    if app is None:
        raise ApplicationError(_("找不到该申请，或无权处理"))
    problems = check_decision(d)
    if problems:
        names = {f.name: str(f.verbose_name) for f in Application._meta.fields}
        raise ApplicationError("；".join(f"{names.get(f, f)}：{m}" for f, m in problems))
    return _apply_decision(app, d)


# ----------------------------------------------------------------------------------------------
# The Excel upload of decisions and outcomes: every row checked, all or nothing
# ----------------------------------------------------------------------------------------------

UPLOAD_COLUMNS = ("申请编号", "审批结果", "批准金额（万元）", "审批日期", "贷后表现", "表现日期")


@dataclass
class UploadCheck:
    rows: list[dict] = field(default_factory=list)  # application id + Decision fields (JSON-able)
    errors: list[dict] = field(default_factory=list)  # row, column, value, message


def _date(text: str | None) -> dt.date | None:
    if text is None or not str(text).strip():
        return None
    s = str(text).strip()[:19]
    for fmt in ("%Y-%m-%d", "%Y/%m/%d", "%Y-%m-%d %H:%M:%S", "%Y%m%d"):
        try:
            return dt.datetime.strptime(s, fmt).date()
        except ValueError:
            continue
    raise ValueError(_("日期格式须为 YYYY-MM-DD"))


def check_upload(user, path: Path) -> UploadCheck:
    """Read an outcomes file and check every row against the user's applications."""
    from kechuang.engine.tables import TableReadError, read_table

    out = UploadCheck()
    try:
        table = read_table(path)
    except TableReadError as exc:
        out.errors.append({"row": "", "column": "", "value": "", "message": str(exc)})
        return out
    columns = {c: v.OUTCOME_HEADERS.get(c.strip()) for c in table.columns}
    missing = [
        h
        for h, key in zip(UPLOAD_COLUMNS, ("application", "decision"), strict=False)
        if key not in columns.values()
    ]
    if missing:
        out.errors.append(
            {
                "row": 1,
                "column": "、".join(missing),
                "value": "",
                "message": _("缺少必需的列（表头须为：%(h)s）") % {"h": "、".join(UPLOAD_COLUMNS)},
            }
        )
        return out
    if table.height == 0:
        out.errors.append({"row": "", "column": "", "value": "", "message": _("文件没有数据行")})
        return out
    table = table.rename({c: k for c, k in columns.items() if k}).select([k for k in columns.values() if k])
    ids = [r for r in table["application"].to_list()]
    numeric = [int(x) for x in ids if x is not None and str(x).strip().isdigit()]
    mine = set(
        access.changeable(user, "loan_decision", Application.objects.filter(pk__in=numeric)).values_list(
            "pk", flat=True
        )
    )
    seen: dict[int, int] = {}
    header = dict(
        zip(
            ("application", "decision", "amount", "decided_on", "performance", "performance_on"),
            UPLOAD_COLUMNS,
            strict=True,
        )
    )
    for n, row in enumerate(table.iter_rows(named=True), start=2):  # a file's rows: the upload itself

        def err(col, message, _n=n, _row=row):
            out.errors.append(
                {"row": _n, "column": header[col], "value": _row.get(col) or "", "message": message}
            )

        raw_id = (row.get("application") or "").strip()
        if not raw_id.isdigit() or int(raw_id) not in mine:
            err("application", _("找不到该申请编号，或该申请不属于本机构（或企业已撤回授权）"))
            continue
        app_id = int(raw_id)
        if app_id in seen:
            err("application", _("申请编号与第 %(r)s 行重复") % {"r": seen[app_id]})
            continue
        seen[app_id] = n
        d = Decision(decision="")
        word = (row.get("decision") or "").strip()
        d.decision = v.DECISION_WORDS.get(word, word)
        amount = (row.get("amount") or "").strip()
        if amount:
            try:
                d.amount = float(amount)
            except ValueError:
                err("amount", _("须为数字（万元）"))
                continue
        bad_date = False
        for key in ("decided_on", "performance_on"):
            try:
                setattr(d, key, _date(row.get(key)))
            except ValueError as exc:
                err(key, str(exc))
                bad_date = True
        if bad_date:
            continue
        word = (row.get("performance") or "").strip()
        d.performance = v.PERFORMANCE_WORDS.get(word, word)
        problems = check_decision(d)
        for col, message in problems:
            err(col, message)
        if not problems:
            out.rows.append(
                {
                    "id": app_id,
                    "decision": d.decision,
                    "amount": d.amount,
                    "decided_on": d.decided_on.isoformat() if d.decided_on else None,
                    "performance": d.performance,
                    "performance_on": d.performance_on.isoformat() if d.performance_on else None,
                }
            )
    return out


@transaction.atomic
def apply_upload(user, rows: list[dict]) -> int:
    """Write checked rows (all or nothing; each row is checked again against the user's scope)."""
    ids = [r["id"] for r in rows]
    apps = {a.pk: a for a in access.changeable(user, "loan_decision", Application.objects.filter(pk__in=ids))}
    if len(apps) != len(set(ids)):
        raise ApplicationError(_("部分申请已不在您的权限范围内（企业可能已撤回授权），未写入任何数据"))
    for r in rows:
        d = Decision(
            decision=r["decision"],
            amount=r["amount"],
            decided_on=dt.date.fromisoformat(r["decided_on"]) if r["decided_on"] else None,
            performance=r["performance"],
            performance_on=dt.date.fromisoformat(r["performance_on"]) if r["performance_on"] else None,
        )
        if check_decision(d):
            raise ApplicationError(_("数据已变化，请重新上传"))
        _apply_decision(apps[r["id"]], d)
    return len(rows)
