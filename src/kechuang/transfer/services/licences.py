"""Licences (先用后转) between the database and the engine: what is due, warnings, YAML import and
income distribution (收益分配).

The dues are the engine's (kechuang.engine.transfer.dues.compute_dues), fed with the stored terms
(the contract's YAML dict), revenue reports, payments and milestone events.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import polars as pl
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from kechuang.engine.transfer import income as rules
from kechuang.engine.transfer.dues import KIND_LABELS, STATUS_LABELS, LicenceDues, compute_dues
from kechuang.engine.transfer.licences import LicenceError, parse_licences, validate_licences
from kechuang.transfer import vocabulary as v
from kechuang.transfer.models import (
    Achievement,
    IncomePolicy,
    Licence,
    MilestoneEvent,
    Payment,
    RevenueReport,
)

# The engine's (Django-free) labels of payment kinds and states, marked here for the catalogue.
LABEL_MSGIDS = (
    gettext_noop("入门费"),
    gettext_noop("阶段性支付"),
    gettext_noop("收入提成"),
    gettext_noop("延期支付"),
    gettext_noop("已付清"),
    gettext_noop("逾期"),
    gettext_noop("未到期"),
)

REPORT_SCHEMA = {"licence": pl.Utf8, "period": pl.Utf8, "revenue": pl.Float64}
PAYMENT_SCHEMA = {"licence": pl.Utf8, "paid_on": pl.Date, "amount": pl.Float64}
EVENT_SCHEMA = {"licence": pl.Utf8, "milestone": pl.Utf8, "occurred_on": pl.Date}


def terms_dict(lic) -> dict:
    """A validated engine Licence as the stored JSON (the contract's YAML shape, dates as text)."""
    return lic.model_dump(mode="json", exclude_none=True)


def yaml_shape(licence: Licence) -> dict:
    """The licence as the contract's YAML dict: the stored terms with the row's own identity."""
    return {
        **licence.terms,
        "code": licence.code,
        "achievement": licence.achievement.code,
        "licensee": licence.licensee_code,
        "signed_on": licence.signed_on.isoformat(),
    }


def _frames(licences) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    ids = [lic.pk for lic in licences]
    reports = pl.DataFrame(
        list(
            RevenueReport.objects.filter(licence_id__in=ids).values_list("licence__code", "period", "revenue")
        ),
        schema=REPORT_SCHEMA,
        orient="row",
    )
    payments = pl.DataFrame(
        list(Payment.objects.filter(licence_id__in=ids).values_list("licence__code", "paid_on", "amount")),
        schema=PAYMENT_SCHEMA,
        orient="row",
    )
    events = pl.DataFrame(
        list(
            MilestoneEvent.objects.filter(licence_id__in=ids).values_list(
                "licence__code", "milestone", "occurred_on"
            )
        ),
        schema=EVENT_SCHEMA,
        orient="row",
    )
    return reports, payments, events


def dues_inputs(queryset=None) -> tuple[list[dict], pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """(licences in the contract's YAML shape, reports [licence, period, revenue], payments [licence,
    paid_on, amount], events [licence, milestone, occurred_on]) of the stored licences (all of them,
    or of ``queryset``), for `kechuang transfer dues` without files."""
    rows = list(
        (queryset if queryset is not None else Licence.objects.all())
        .select_related("achievement")
        .order_by("code")
    )
    return ([yaml_shape(lic) for lic in rows], *_frames(rows))


@dataclass
class Schedule:
    licence: Licence
    as_of: date
    dues: LicenceDues
    soon: list = field(default_factory=list)  # open items due within DUE_SOON_DAYS
    overdue: list = field(default_factory=list)

    @property
    def rows(self) -> list[dict]:
        out = []
        for item in self.dues.items:
            row = item.to_json()
            row["kind_label"] = _(KIND_LABELS[item.kind])
            row["status_label"] = _(STATUS_LABELS[item.status])
            row["due_date"] = item.due
            row["soon"] = item in self.soon
            row["reported"] = item.reported
            out.append(row)
        return out


def schedule(licence: Licence, as_of: date | None = None, terms: dict | None = None) -> Schedule:
    """The licence's items as of a date, with the warnings (due soon, overdue).

    ``terms``: other terms to preview (the entry form), with the stored reports, payments, events."""
    as_of = as_of or date.today()
    shape = yaml_shape(licence) if terms is None else terms
    reports, payments, events = _frames([licence]) if licence.pk else (None, None, None)
    dues = compute_dues([shape], reports, payments, events, as_of).licences[0]
    horizon = as_of + timedelta(days=v.DUE_SOON_DAYS)
    soon = [i for i in dues.items if i.status == "open" and i.outstanding > 0 and as_of <= i.due <= horizon]
    overdue = [i for i in dues.items if i.status == "overdue"]
    return Schedule(licence, as_of, dues, soon, overdue)


# Licences whose payments are still expected (a draft is not signed; a completed or terminated
# licence is settled outside the schedule): only these are warned about.
WARNED_STATES = (v.LicenceState.ACTIVE, v.LicenceState.SUSPENDED)


def warnings_for(licences, as_of: date | None = None) -> list[Schedule]:
    """The schedules of these licences (in force or suspended) with something overdue or due soon."""
    licences = list(licences.filter(state__in=WARNED_STATES).select_related("achievement"))
    if not licences:
        return []
    as_of = as_of or date.today()
    reports, payments, events = _frames(licences)
    dues = compute_dues([yaml_shape(lic) for lic in licences], reports, payments, events, as_of)
    horizon = as_of + timedelta(days=v.DUE_SOON_DAYS)
    out = []
    for lic, d in zip(licences, dues.licences, strict=True):
        soon = [i for i in d.items if i.status == "open" and i.outstanding > 0 and as_of <= i.due <= horizon]
        overdue = [i for i in d.items if i.status == "overdue"]
        if soon or overdue:
            out.append(Schedule(lic, as_of, d, soon, overdue))
    return out


# ---------------------------------------------------------------------------------------------
# Import of a licences YAML file (all or nothing)
# ---------------------------------------------------------------------------------------------


class LicenceImportError(Exception):
    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("；".join(problems))


def licensee_name(credit_code: str) -> str | None:
    from kechuang.accounts.models import OrgUnit
    from kechuang.enterprises.models import Enterprise

    name = Enterprise.objects.filter(credit_code=credit_code).values_list("name", flat=True).first()
    return name or OrgUnit.objects.filter(credit_code=credit_code).values_list("name", flat=True).first()


def check_licences_yaml(text: str, achievements, file_name: str) -> list[dict]:
    """The licences of a YAML text ready to create; LicenceImportError lists every problem.

    ``achievements``: the achievements the user may change (the licence's must be one of them)."""
    try:
        parsed = parse_licences(text, file_name)
    except LicenceError as exc:
        raise LicenceImportError(exc.problems) from None
    problems, out = [], []
    by_code = {
        a.code: a for a in achievements.filter(code__in=[p.achievement for p in parsed if p.achievement])
    }
    existing = set(Licence.objects.filter(code__in=[p.code for p in parsed]).values_list("code", flat=True))
    for position, lic in enumerate(parsed, start=1):
        where = _("%(file)s：第 %(n)s 项（%(code)s）") % {"file": file_name, "n": position, "code": lic.code}
        if lic.code in existing:
            problems.append(_("%(where)s code：许可合同编号已存在，未覆盖") % {"where": where})
        if not lic.achievement:
            problems.append(_("%(where)s achievement：平台中须写明成果编号") % {"where": where})
        elif lic.achievement not in by_code:
            problems.append(
                _("%(where)s achievement：成果「%(a)s」不存在或不属于您的单位")
                % {"where": where, "a": lic.achievement}
            )
        name = licensee_name(lic.licensee)
        if name is None:
            problems.append(
                _("%(where)s licensee：被许可方「%(c)s」不在企业库中") % {"where": where, "c": lic.licensee}
            )
        out.append({"lic": lic, "achievement": by_code.get(lic.achievement or ""), "name": name})
    if problems:
        raise LicenceImportError(problems)
    return out


@transaction.atomic
def import_licences(rows: list[dict]) -> list[Licence]:
    """Create the licences ``check_licences_yaml`` found ready, all in one transaction."""
    return [create_licence(row["lic"], row["achievement"], row["name"]) for row in rows]


def create_licence(lic, achievement: Achievement, name: str, state: str = v.LicenceState.ACTIVE) -> Licence:
    terms = terms_dict(lic)
    for key in ("code", "achievement", "licensee", "signed_on"):
        terms.pop(key, None)
    return Licence.objects.create(
        code=lic.code,
        achievement=achievement,
        institution_id=achievement.institution_id,
        licensee_code=lic.licensee,
        licensee_name=name,
        signed_on=lic.signed_on,
        terms=terms,
        state=state,
    )


# A licence whose terms may still be corrected (a completed or terminated one is settled).
EDITABLE_STATES = (v.LicenceState.DRAFT, v.LicenceState.ACTIVE, v.LicenceState.SUSPENDED)


class LicenceEditError(Exception):
    pass


@transaction.atomic
def revise_licence(licence: Licence, lic, reason: str) -> Licence:
    """Correct a licence's terms (and signing date): a new version with its reason. The audit trail
    keeps the previous terms (the row's before/after); the schedule is recomputed from the new terms."""
    if licence.state not in EDITABLE_STATES:
        raise LicenceEditError(_("「%(s)s」的许可合同不能再修改条款") % {"s": licence.get_state_display()})
    locked = Licence.objects.select_for_update().get(pk=licence.pk)
    if locked.version != licence.version:
        raise LicenceEditError(_("该许可合同已被他人修改，请重新打开"))
    terms = terms_dict(lic)
    for key in ("code", "achievement", "licensee", "signed_on"):
        terms.pop(key, None)
    if terms == locked.terms and lic.signed_on == locked.signed_on:
        raise LicenceEditError(_("条款没有变化，未保存新版本"))
    locked.terms, locked.signed_on = terms, lic.signed_on
    locked.version += 1
    locked.revision_note = reason.strip()
    locked.save()
    return locked


def revisions(licence: Licence) -> list[dict]:
    """The licence's earlier versions from the audit trail, newest first: version, who, when, why, and
    the terms as they were before (YAML)."""
    import yaml

    from kechuang.audit.models import Action, ObjectChange

    changes = ObjectChange.objects.filter(
        object_type="transfer.licence", object_id=str(licence.pk), action=Action.UPDATE
    ).order_by("-time", "-pk")
    out = []
    for c in changes:
        before, after = c.before or {}, c.after or {}
        if before.get("terms") == after.get("terms") and before.get("signed_on") == after.get("signed_on"):
            continue  # a change of state, not of terms
        out.append(
            {
                "version": after.get("version"),
                "previous": before.get("version"),
                "by": c.user_name,
                "at": c.time,
                "reason": after.get("revision_note", ""),
                "signed_on": before.get("signed_on"),
                "terms": yaml.safe_dump(before.get("terms") or {}, allow_unicode=True, sort_keys=False),
                "change": c,
            }
        )
    return out


def validate_terms(shape: dict) -> object:
    """One licence's YAML dict validated by the engine (LicenceError in Chinese)."""
    return validate_licences([shape], _("许可合同"))[0]


# ---------------------------------------------------------------------------------------------
# Income distribution (收益分配)
# ---------------------------------------------------------------------------------------------


@dataclass
class Distribution:
    received: float  # payments up to the date
    costs: float
    net: float
    team_share: float
    team: float
    institution: float
    per_inventor: list[tuple[str, float, float]]  # (name, share, amount)
    policy: IncomePolicy | None
    minimum: float
    problem: str = ""  # the policy is below the statutory minimum: refused, the minimum applied


def statutory_minimum(kind: str = "许可") -> float:
    return v.STATUTORY_TEAM_MINIMUM.get(kind, rules.LICENCE_MINIMUM)


def policy_problem(team_share: float, kind: str = "许可") -> str:
    minimum = statutory_minimum(kind)
    if rules.below(team_share, minimum):
        return _(
            "科研团队分配比例 %(share)s 低于法定最低 %(min)s（《促进科技成果转化法》第四十五条，%(kind)s），不予采用"
        ) % {"share": f"{team_share:.0%}", "min": f"{minimum:.0%}", "kind": kind}
    return ""


def distribution(licence: Licence, as_of: date | None = None) -> Distribution:
    as_of = as_of or date.today()
    received = sum(p.amount for p in licence.payments.all() if p.paid_on <= as_of)
    policy = IncomePolicy.objects.filter(institution_id=licence.institution_id).first()
    minimum = statutory_minimum("许可")
    share, refused = rules.effective(policy.team_share if policy else None, minimum)
    problem = policy_problem(policy.team_share) if refused else ""
    costs = received * (policy.cost_rate if policy else 0.0)
    net = received - costs
    team = net * share
    per = rules.per_inventor(licence.achievement.shares(), team)
    return Distribution(received, costs, net, share, team, net - team, per, policy, minimum, problem)
