"""Reporting discipline: validation of values, approval and locking, completeness and reminders.

Who may see or change what is kechuang.access's question (resources ``observation`` and
``submission_approval``); this module computes and writes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl
from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy, override

from kechuang.accounts.departments import department_names
from kechuang.engine.observation_rules import check_values
from kechuang.engine.tables import RowError
from kechuang.plans.discipline.config import KIND_NAMES, LEVEL_NAMES, Rules, load_rules
from kechuang.plans.models import Indicator, Observation, Plan, RegionalTarget, SubmissionApproval
from kechuang.regions import CITY_CODE, region_names
from kechuang.web.names import localized, unit


@dataclass(frozen=True)
class Finding:
    """One broken rule on one value."""

    row: int
    indicator: Indicator
    region_code: str
    region_name: str
    year: int
    value: float
    level: str  # block | warn
    rule_name: str
    facts: dict  # the engine's record of the broken rule (value, bounds, history) behind ``detail``
    kind: str = "range"

    @property
    def detail(self) -> str:
        """What is wrong with the value, in the active language."""
        return _detail(self.facts, self.indicator)

    @property
    def rule_label(self):
        return KIND_LABELS[self.kind]

    def message(self, with_row: bool) -> str:
        where = f"第 {self.row} 行：" if with_row else ""
        with override("zh-hans"):  # an error message, in Chinese
            detail = self.detail
        return (
            f"{where}指标「{self.indicator.name}」· 地区「{self.region_name}」· {self.year} 年：{detail}"
            f"（规则：{self.rule_name}，{LEVEL_NAMES[self.level]}）"
        )


def _fmt(x: float) -> str:
    return f"{x:.4g}"


def _detail(rec: dict, indicator: Indicator) -> str:
    if rec["kind"] in ("range", "ratio"):
        facts = {
            "value": _fmt(rec["value"]),
            "unit": unit(indicator.unit, indicator.unit_en),
            "min": _fmt(rec["min"]) if rec["min"] is not None else "—",
            "max": _fmt(rec["max"]) if rec["max"] is not None else "—",
        }
        if rec["kind"] == "range":
            return gettext("数值 %(value)s %(unit)s 超出允许范围 %(min)s–%(max)s") % facts
        return gettext(
            "数值 %(value)s %(unit)s 与同地区同年「%(of)s」%(of_value)s 之比 %(ratio)s 超出允许范围 %(min)s–%(max)s"
        ) % {
            **facts,
            "of": localized(rec["of_name"]) if rec["of_name"] else rec["of"],
            "of_value": _fmt(rec["of_value"]),
            "ratio": _fmt(rec["ratio"]),
        }
    return gettext(
        "数值 %(value)s %(unit)s 较 %(year)s 年的 %(previous)s 每年变化 %(change)s，"
        "偏离历年变化均值 %(mean)s 超过 %(sigmas)s 个标准差（标准差 %(std)s）"
    ) % {
        "value": _fmt(rec["value"]),
        "unit": unit(indicator.unit, indicator.unit_en),
        "year": rec["previous_year"],
        "previous": _fmt(rec["previous_value"]),
        "change": f"{rec['change']:+.4g}",
        "mean": f"{rec['mean']:+.4g}",
        "sigmas": _fmt(rec["sigmas"]),
        "std": _fmt(rec["std"]),
    }


def _history(plan: Plan, indicator_codes: list[str]) -> pl.DataFrame:
    rows = Observation.objects.filter(
        indicator__plan=plan, indicator__code__in=indicator_codes, is_latest=True, value__isnull=False
    ).values_list("indicator__code", "region_code", "year", "value")
    return pl.DataFrame(
        list(rows),
        schema={"indicator": pl.Utf8, "region_code": pl.Utf8, "year": pl.Int64, "value": pl.Float64},
        orient="row",
    )


def findings(plan: Plan, rows: pl.DataFrame, rules: Rules | None = None) -> list[Finding]:
    """The rules ``rows`` (row, indicator, region_code, year, value) break, against the stored history."""
    rules = rules or load_rules()
    if not rows.height:
        return []
    codes = rows["indicator"].unique().to_list()
    ranges, jumps, ratios = rules.frames()
    codes_with_parts = sorted(set(codes) | set(ratios["of"].to_list()))
    broken = check_values(
        rows.select("row", "indicator", "region_code", "year", "value"),
        _history(plan, codes_with_parts),
        ranges,
        jumps,
        ratios,
    )
    if not broken.height:
        return []
    indicators = {i.code: i for i in Indicator.objects.filter(plan=plan, code__in=codes_with_parts)}
    names = region_names()
    out = []
    for rec in broken.iter_rows(named=True):  # only the broken rules: a handful of rows
        ind = indicators[rec["indicator"]]
        rec["of_name"] = indicators.get(rec["of"])  # the indicator a ratio is taken of
        out.append(
            Finding(
                row=rec["row"],
                indicator=ind,
                region_code=rec["region_code"],
                region_name=names.get(rec["region_code"], rec["region_code"]),
                year=rec["year"],
                value=rec["value"],
                level=rec["level"],
                rule_name=KIND_NAMES[rec["kind"]],
                facts=rec,
                kind=rec["kind"],
            )
        )
    return out


# ---------------------------------------------------------------- locks


def owner_name(kind: str, code: str) -> str:
    if kind == SubmissionApproval.DEPARTMENT:
        return department_names([code]).get(code, code)
    return region_names().get(code, code)


def locked_cells(plan: Plan, rows: pl.DataFrame) -> list[tuple[int, str, str, int, SubmissionApproval]]:
    """(row, indicator, region, year, approval) of each row an approved, locked submission covers."""
    years = rows["year"].unique().to_list() if rows.height else []
    locks = list(SubmissionApproval.objects.filter(plan=plan, locked=True, year__in=years))
    if not locks:
        return []
    owners = dict(Indicator.objects.filter(plan=plan).values_list("code", "owner_department"))
    by_key = {(a.owner_kind, a.owner_code, a.year): a for a in locks}
    out = []
    for rec in rows.select("row", "indicator", "region_code", "year").iter_rows(named=True):
        approval = by_key.get(
            (SubmissionApproval.DEPARTMENT, owners.get(rec["indicator"]), rec["year"])
        ) or by_key.get((SubmissionApproval.TOWN, rec["region_code"], rec["year"]))
        if approval is not None:
            out.append((rec["row"], rec["indicator"], rec["region_code"], rec["year"], approval))
    return out


def check_rows(plan: Plan, clean: pl.DataFrame, with_row: bool = True) -> tuple[list[RowError], list[str]]:
    """Errors (locked cells, broken ``block`` rules: nothing is written) and warnings (``warn`` rules)."""
    rows = clean.select("row", "indicator", "region_code", "year", "value")
    errors, warnings = [], []
    names = region_names()
    indicators = {i.code: i for i in Indicator.objects.filter(plan=plan)}
    current = {
        (code, region, year): value
        for code, region, year, value in Observation.objects.filter(
            indicator__plan=plan, is_latest=True, year__in=rows["year"].unique().to_list()
        ).values_list("indicator__code", "region_code", "year", "value")
    }
    values = {r: v for r, v in rows.select("row", "value").iter_rows()}
    for row, code, region, year, approval in locked_cells(plan, rows):
        if current.get((code, region, year)) == values[row]:
            continue  # the value already stored: no change to refuse
        where = f"第 {row} 行：" if with_row else ""
        errors.append(
            RowError(
                row,
                "数值",
                code,
                f"{where}指标「{indicators[code].name}」· 地区「{names.get(region, region)}」· {year} 年的数据"
                f"已审核锁定（{owner_name(approval.owner_kind, approval.owner_code)} {year} 年度报送，"
                f"{approval.approved_by_name} 审核），不能修改；如需修改，请联系市科技局解锁并说明原因",
            )
        )
    for f in findings(plan, rows):
        if f.level == "block":
            errors.append(RowError(f.row, "数值", _fmt(f.value), f.message(with_row)))
        else:
            warnings.append(f.message(with_row))
    errors.sort(key=lambda e: e.row)
    return errors, warnings


def outliers(user, plan: Plan) -> list[Finding]:
    """The current values (latest revisions the user may see) that break a rule."""
    from kechuang import access

    qs = access.visible(
        user,
        "observation",
        Observation.objects.filter(indicator__plan=plan, is_latest=True, value__isnull=False),
    )
    rows = pl.DataFrame(
        list(qs.values_list("id", "indicator__code", "region_code", "year", "value")),
        schema={
            "row": pl.Int64,
            "indicator": pl.Utf8,
            "region_code": pl.Utf8,
            "year": pl.Int64,
            "value": pl.Float64,
        },
        orient="row",
    )
    return findings(plan, rows)


def approve(user, plan: Plan, year: int, owner_kind: str, owner_code: str) -> SubmissionApproval:
    """Approve and lock a submission (again, after an unlock)."""
    approval = SubmissionApproval.objects.filter(
        plan=plan, year=year, owner_kind=owner_kind, owner_code=owner_code
    ).first()
    name = user.get_username()
    if approval is None:
        return SubmissionApproval.objects.create(
            plan=plan,
            year=year,
            owner_kind=owner_kind,
            owner_code=owner_code,
            locked=True,
            approved_by_name=name,
            approved_at=timezone.now(),
        )
    approval.locked = True
    approval.approved_by_name = name
    approval.approved_at = timezone.now()
    approval.save()
    return approval


class UnlockError(ValueError):
    pass


def unlock(user, approval: SubmissionApproval, reason: str) -> SubmissionApproval:
    reason = (reason or "").strip()
    if len(reason) < 4:
        raise UnlockError("请填写解锁原因（至少 4 个字），原因记入审计日志")
    if not approval.locked:
        raise UnlockError("该报送未锁定，无需解锁")
    approval.locked = False
    approval.unlock_reason = reason[:500]
    approval.unlocked_by_name = user.get_username()
    approval.unlocked_at = timezone.now()
    approval.save()
    return approval


# ---------------------------------------------------------------- calendar and completeness

REPORTED, IN_PROGRESS, LATE, NOT_STARTED = "reported", "in_progress", "late", "not_started"
STATUS_NAMES = {REPORTED: "已报送", IN_PROGRESS: "填报中", LATE: "逾期", NOT_STARTED: "未开始"}
# The same words for pages (translated); the messages and e-mails above stay Chinese.
STATUS_LABELS = {
    REPORTED: gettext_lazy("已报送"),
    IN_PROGRESS: gettext_lazy("填报中"),
    LATE: gettext_lazy("逾期"),
    NOT_STARTED: gettext_lazy("未开始"),
}
KIND_LABELS = {
    "range": gettext_lazy("取值范围"),
    "jump": gettext_lazy("与上年相比跳变"),
    "ratio": gettext_lazy("与相关指标之比"),
}


@dataclass
class OwnerStatus:
    kind: str
    code: str
    name: str
    expected: list[Indicator]
    reported: list[Indicator]
    missing: list[Indicator]
    due: dt.date  # the earliest due date among the missing indicators (else among all)
    status: str
    approval: SubmissionApproval | None

    @property
    def status_name(self) -> str:
        return STATUS_NAMES[self.status]

    @property
    def status_label(self):
        return STATUS_LABELS[self.status]


def _expected(plan: Plan, rules: Rules) -> list[tuple[str, str, str, list[Indicator]]]:
    """(kind, owner code, region code, indicators) of every owner: departments report the city value
    of the indicators they own; towns the indicators with a target for their town, except those a
    registry feeds (``towns_report: false`` in the rules file)."""
    indicators = list(Indicator.objects.filter(plan=plan, active=True).order_by("seq"))
    out = []
    for dept in sorted({i.owner_department for i in indicators}):
        out.append(
            (
                SubmissionApproval.DEPARTMENT,
                dept,
                CITY_CODE,
                [i for i in indicators if i.owner_department == dept],
            )
        )
    targets = RegionalTarget.objects.filter(indicator__plan=plan, indicator__active=True)
    by_town: dict[str, set[int]] = {}
    for region, ind_id in targets.values_list("region_code", "indicator_id"):
        by_town.setdefault(region, set()).add(ind_id)
    for town in sorted(by_town):
        own = [i for i in indicators if i.id in by_town[town] and rules.towns_report(i.code)]
        if own:
            out.append((SubmissionApproval.TOWN, town, town, own))
    return out


def completeness(plan: Plan, year: int, today: dt.date, rules: Rules | None = None) -> list[OwnerStatus]:
    """For each department and town: which of its values for ``year`` are reported (official, not
    simulated), and its state on ``today``: reported, late (a missing value past its due date),
    in progress, not started."""
    rules = rules or load_rules()
    present = set(
        Observation.objects.filter(
            indicator__plan=plan, year=year, is_latest=True, simulated=False, value__isnull=False
        ).values_list("indicator_id", "region_code")
    )
    approvals = {
        (a.owner_kind, a.owner_code): a for a in SubmissionApproval.objects.filter(plan=plan, year=year)
    }
    names = {**region_names(), **department_names()}
    out = []
    for kind, code, region, inds in _expected(plan, rules):
        reported = [i for i in inds if (i.id, region) in present]
        missing = [i for i in inds if (i.id, region) not in present]
        due = min(rules.due_date(i.code, year) for i in (missing or inds))
        if not missing:
            status = REPORTED
        elif today > due:
            status = LATE
        elif reported:
            status = IN_PROGRESS
        else:
            status = NOT_STARTED
        out.append(
            OwnerStatus(
                kind,
                code,
                names.get(code, code),
                inds,
                reported,
                missing,
                due,
                status,
                approvals.get((kind, code)),
            )
        )
    return out


def owner_of(user) -> tuple[str, str] | None:
    """The (kind, code) a reporter reports as: a department reporter its department, a town its town."""
    org = getattr(user, "org", None)
    if org is None:
        return None
    if user.role == "dept_reporter":
        return SubmissionApproval.DEPARTMENT, org.code
    if user.role == "town_admin" and org.region_code:
        return SubmissionApproval.TOWN, org.region_code
    return None


def reporting_year(today: dt.date) -> int:
    """The year whose values are being reported on ``today``: the previous calendar year."""
    return today.year - 1


def notice_for(user, plan: Plan, today: dt.date) -> OwnerStatus | None:
    """The user's own unfinished submission for the year being reported (for the entry page's notice)."""
    owner = owner_of(user)
    if owner is None:
        return None
    for s in completeness(plan, reporting_year(today), today):
        if (s.kind, s.code) == owner and s.status != REPORTED:
            return s
    return None


@dataclass
class Reminder:
    owner: OwnerStatus
    recipients: list[str]
    subject: str
    body: str


def reminders(plan: Plan, year: int, today: dt.date) -> list[Reminder]:
    """One reminder per department or town whose values for ``year`` are not all reported."""
    from kechuang.accounts.models import User

    out = []
    for s in completeness(plan, year, today):
        if s.status == REPORTED:
            continue
        if s.kind == SubmissionApproval.DEPARTMENT:
            users = User.objects.filter(role="dept_reporter", org__code=s.code)
        else:
            users = User.objects.filter(role="town_admin", org__region_code=s.code)
        recipients = sorted(u.email for u in users.filter(is_active=True).exclude(email=""))
        state = f"已逾期（截止 {s.due:%Y-%m-%d}）" if s.status == LATE else f"截止 {s.due:%Y-%m-%d}"
        subject = f"【科创平台】{s.name} {year} 年度指标数据报送提醒：{STATUS_NAMES[s.status]}"
        body = "\n".join(
            [
                f"{s.name}：",
                f"{plan.name} {year} 年度指标数据尚有 {len(s.missing)} 项未报送，{state}：",
                *[f"  · {i.name}（{i.unit}）" for i in s.missing],
                "",
                "请登录科创平台「指标数据填报」页面填报或上传。",
            ]
        )
        out.append(Reminder(s, recipients, subject, body))
    return out


def send_reminders(items: list[Reminder]) -> int:
    """E-mail each reminder with recipients through Django's mail backend; returns the number sent."""
    sent = 0
    for r in items:
        if r.recipients:
            sent += send_mail(r.subject, r.body, settings.DEFAULT_FROM_EMAIL, r.recipients)
    return sent
