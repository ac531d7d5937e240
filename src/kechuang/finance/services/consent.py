"""Consent (授权): grant, revoke, and what a bank reads through it (every read is in the audit trail).

A bank sees an enterprise only through a consent in force for that bank (access FILTERS on the
``consent`` and ``loan`` resources), and of that enterprise only the fields the consent lists, plus
its points, stage and tier. Every read of consented data — a page, an export, an API call — is
recorded as an audit entry (object type ``finance.bank_read``) naming the channel, the enterprises
and the fields shown.
"""

from __future__ import annotations

import datetime as dt

import polars as pl
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kechuang import access
from kechuang.audit.models import Action
from kechuang.audit.signals import record
from kechuang.finance import vocabulary as v
from kechuang.finance.models import Consent
from kechuang.web.names import localized, tech_field

MAX_YEARS = 3


class ConsentError(ValueError):
    """A consent that cannot be granted or revoked (Chinese message)."""


def _actor(user) -> str:
    return getattr(user, "username", "") or str(user or "")


def check_fields(fields: list[str]) -> list[str]:
    unknown = [f for f in fields if f not in v.SHAREABLE]
    if unknown:
        raise ConsentError(_("授权字段不认识：%(f)s") % {"f": "、".join(unknown)})
    if not fields:
        raise ConsentError(_("请至少选择一个授权字段"))
    order = list(v.SHAREABLE)
    return sorted(dict.fromkeys(fields), key=order.index)


@transaction.atomic
def grant(
    user, enterprise, bank, fields: list[str], valid_until: dt.date, simulated: bool = False
) -> Consent:
    """A new consent of the enterprise for the bank; a consent in force for the same bank ends now
    (replaced, never edited: the audit trail keeps both)."""
    from kechuang.accounts.models import OrgKind

    if bank is None or bank.kind != OrgKind.BANK:
        raise ConsentError(_("授权对象须为金融机构"))
    fields = check_fields(list(fields))
    today = timezone.localdate()
    if valid_until < today:
        raise ConsentError(_("授权截止日不能早于今天"))
    if valid_until > today.replace(year=today.year + MAX_YEARS):
        longest = ngettext("授权期限最长 %(n)s 年", "授权期限最长 %(n)s 年", MAX_YEARS)
        raise ConsentError(longest % {"n": MAX_YEARS})
    candidate = Consent(enterprise=enterprise, bank=bank, fields=fields, valid_until=valid_until)
    access.deny_unless(access.can_create(user, "consent", candidate), _("无权为该企业授权"))
    for old in Consent.objects.filter(Consent.active_q(), enterprise=enterprise, bank=bank):
        old.revoked_at, old.revoked_by = timezone.now(), _actor(user) + "（由新授权替代）"
        old.save(update_fields=["revoked_at", "revoked_by"])
    candidate.granted_by, candidate.simulated = _actor(user), simulated
    candidate.save()
    return candidate


@transaction.atomic
def revoke(user, consent_id) -> Consent:
    """End a consent at once (only the enterprise's own users; a revoked one stays revoked)."""
    consent = access.changeable(user, "consent", Consent.objects.filter(pk=consent_id)).first()
    if consent is None:
        raise ConsentError(_("找不到该授权，或无权撤回"))
    if consent.revoked_at is not None:
        raise ConsentError(_("该授权已撤回"))
    consent.revoked_at, consent.revoked_by = timezone.now(), _actor(user)
    consent.save(update_fields=["revoked_at", "revoked_by"])
    return consent


def covering(enterprise, bank, fields: list[str]) -> Consent | None:
    """The consent in force of the enterprise for the bank, if it covers every one of ``fields``."""
    consent = Consent.objects.filter(Consent.active_q(), enterprise=enterprise, bank=bank).first()
    if consent is None or not set(fields) <= set(consent.fields):
        return None
    return consent


def record_read(channel: str, where: str, rows: list[dict]) -> None:
    """One audit entry for one read of consented data: channel (page/export/api), the view or
    endpoint, the enterprises and the fields shown."""
    if not rows:
        return
    codes = [r["credit_code"] for r in rows]
    fields = sorted({f for r in rows for f in r["fields"]})
    record(
        Action.EXPORT,
        object_type="finance.bank_read",
        object_id=where[:64],
        object_repr=f"{_('银行读取授权数据')}（{channel}，{len(codes)}）",
        after={"channel": channel, "enterprises": codes, "fields": fields},
    )


def consents_in_force(user, q: str = ""):
    """The consents in force the user may see (a bank: its own), optionally searched by name or code."""
    from django.db.models import Q

    consents = access.scoped(user, "consent", Consent.objects.filter(Consent.active_q()))
    if q:
        consents = consents.filter(Q(enterprise__name__icontains=q) | Q(enterprise__credit_code__icontains=q))
    return consents.select_related("enterprise", "bank").order_by("enterprise__credit_code", "bank__code")


def consented_rows(user, scored, q: str = "", consents=None) -> list[dict]:
    """The enterprises the user may see through consents in force, each with only the consented
    fields (latest year), points, stage and tier. One row per consent; ``consents`` (a page of
    ``consents_in_force``) narrows them further."""
    consents = list(consents if consents is not None else consents_in_force(user, q)[:20000])
    codes = sorted({c.enterprise.credit_code for c in consents})
    wanted = [f for f in v.SHAREABLE if f in scored.derived.columns]
    data = scored.derived.filter(pl.col("credit_code").is_in(codes)).select("credit_code", *wanted)
    scores = scored.scores.filter(pl.col("credit_code").is_in(codes)).select(
        "credit_code", "points", "stage", "tier", "rank", "cohort_size"
    )
    values = {r["credit_code"]: r for r in data.iter_rows(named=True)}  # the consenting few, not the registry
    points = {r["credit_code"]: r for r in scores.iter_rows(named=True)}
    stages = {s.code: localized(s) for s in scored.model.stages}
    tiers = {t.code: localized(t) for t in scored.model.tiers}
    out = []
    for c in consents:
        code = c.enterprise.credit_code
        row, p = values.get(code, {}), points.get(code, {})
        out.append(
            {
                "consent": c,
                "credit_code": code,
                "name": c.enterprise.name if "name" in c.fields else "",
                "bank": c.bank,
                "fields": list(c.fields),
                "values": [(v.field_label(f), _shown(f, row.get(f)), v.field_unit(f)) for f in c.fields],
                "points": p.get("points"),
                "stage": stages.get(p.get("stage") or "", ""),
                "tier": tiers.get(p.get("tier") or "", ""),
                "rank": p.get("rank"),
                "cohort_size": p.get("cohort_size"),
            }
        )
    return out


def _shown(field: str, value):
    if field == "region" and value:
        from kechuang.regions import region_names

        return region_names().get(value, value)
    if field == "tech_field" and value:
        return tech_field(value)
    if isinstance(value, float):
        return round(value, 2)
    return value


def names_shown(user, applications) -> set[int]:
    """The applications whose enterprise name the user may see: enterprises the user may see anyway
    (access resource ``enterprise``), or whose consent in force for the application's bank covers
    企业名称. A bank whose consent lacks the name sees the credit code only."""
    from kechuang.enterprises.models import Enterprise

    apps = list(applications)
    ids = {a.enterprise_id for a in apps}
    seen = set(
        access.visible(user, "enterprise", Enterprise.objects.filter(pk__in=ids)).values_list("pk", flat=True)
    )
    covered = {
        (c.enterprise_id, c.bank_id)
        for c in Consent.objects.filter(Consent.active_q(), enterprise_id__in=ids).only(
            "enterprise_id", "bank_id", "fields"
        )
        if "name" in c.fields
    }
    return {a.pk for a in apps if a.enterprise_id in seen or (a.enterprise_id, a.bank_id) in covered}
