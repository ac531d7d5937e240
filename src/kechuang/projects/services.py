"""What the pages, the API and the demo do with major projects. Scope is decided by kechuang.access
before these are called; these check the domain rules (deadlines, eligibility, conflicts, ethics)."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from decimal import Decimal

import polars as pl
import yaml
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy, gettext_noop

from kechuang.engine.projects import running
from kechuang.engine.projects.ranking import rank_applications
from kechuang.engine.rules.ruleset import SAFE_LOADER, Ruleset, RulesetError, check_ruleset
from kechuang.projects.models import (
    Acceptance,
    Application,
    Assignment,
    Call,
    Conflict,
    Milestone,
    Project,
    SecurityIndicator,
    SecurityReading,
    Spending,
    Tranche,
)
from kechuang.projects.vocabulary import (
    ACCEPTANCE_METHODS,
    ALL_MET,
    ELIGIBILITY_NOTES_EN,
    ETHICS_FIELDS,
    NEGATIVE_LIST,
    NO_CONDITIONS,
    NOT_IN_REGISTRY,
    SCORING_SHEETS,
    SPENDING_CATEGORIES,
    ApplicationStatus,
    CallStatus,
    FundingMode,
    Level,
    Outcome,
    Stage,
)
from kechuang.web import names

REVIEWED = (ApplicationStatus.SUBMITTED, ApplicationStatus.FUNDED, ApplicationStatus.NOT_FUNDED)
ELIGIBLE_WORDS = {
    "yes": gettext_noop("符合"),
    "possible": gettext_noop("可能符合"),
    "unknown": gettext_noop("数据不全"),
    "no": gettext_noop("不符合"),
}


class ProjectError(ValueError):
    """A request the domain rules refuse; the message is Chinese and says why."""


# ---------------------------------------------------------------------------------------------------
# Eligibility: the call's conditions are a rule set over the enterprise vocabulary


def eligibility_ruleset(call: Call) -> Ruleset | None:
    """The call's conditions as a rule set (None when the call has none); ProjectError if invalid."""
    text = (call.eligibility or "").strip()
    if not text:
        return None
    try:
        conditions = yaml.load(text, Loader=SAFE_LOADER)
    except yaml.YAMLError as exc:
        raise ProjectError(
            gettext("指南 %(call)s 的申报条件不是合法的 YAML：%(why)s") % {"call": call.code, "why": exc}
        ) from exc
    if not isinstance(conditions, list):
        raise ProjectError(
            gettext("指南 %(call)s 的申报条件应为条件列表（每条含 id、label、expr）") % {"call": call.code}
        )
    try:
        rs = Ruleset.model_validate(
            {
                "code": "call",
                "name": f"{call.title} 申报条件",
                "name_en": f"{call.title_en or call.title}: eligibility conditions",
                "version": call.code,
                "effective_from": dt.date(2000, 1, 1),
                "conditions": conditions,
            }
        )
        return check_ruleset(rs)
    except RulesetError as exc:
        raise ProjectError(str(exc).replace("规则集 call", f"指南 {call.code} ")) from exc
    except ValueError as exc:  # pydantic's ValidationError
        raise ProjectError(
            gettext("指南 %(call)s 的申报条件格式错误：%(why)s") % {"call": call.code, "why": exc}
        ) from exc


@dataclass
class Eligibility:
    eligible: str  # yes / possible / unknown / no
    note: str
    verdict: dict | None = None  # enterprises.portrait.present() of the verdict, for the page
    year: int | None = None
    note_en: str = ""  # the note in English (the rule set's English texts where it has them)

    @property
    def note_shown(self) -> str:
        """The note in the interface's language."""
        return (names.english() and self.note_en) or self.note

    @property
    def label(self) -> str:
        return gettext(ELIGIBLE_WORDS[self.eligible])


def check_eligibility(call: Call, org) -> Eligibility:
    """Whether and why an organisation qualifies for a call, by the same engine as 资格自测."""
    rs = eligibility_ruleset(call)
    if rs is None:
        return Eligibility("yes", NO_CONDITIONS, note_en=ELIGIBILITY_NOTES_EN[NO_CONDITIONS])
    from kechuang.engine.rules.gaps import explain
    from kechuang.enterprises import portrait
    from kechuang.enterprises.models import Enterprise
    from kechuang.enterprises.qualification import latest_year, qualification_frames

    enterprise = Enterprise.objects.filter(credit_code=org.credit_code).first() if org.credit_code else None
    if enterprise is None:
        return Eligibility("possible", NOT_IN_REGISTRY, note_en=ELIGIBILITY_NOTES_EN[NOT_IN_REGISTRY])
    year = call.eligibility_year or latest_year()
    registry, facts = qualification_frames(year, [enterprise.pk])
    verdict = explain(
        (registry.drop("enterprise_id"), facts), [rs], year, credit_code=enterprise.credit_code
    )[0]
    failed = [c for c in verdict.conditions if c.status in ("fail", "missing")]
    note = "；".join(c.text for c in failed) if failed else ALL_MET
    note_en = "; ".join(c.text_en or c.text for c in failed) if failed else ELIGIBILITY_NOTES_EN[ALL_MET]
    return Eligibility(verdict.eligible, note, portrait.present([verdict])[0], year, note_en)


def registry_eligibility(call: Call, year: int | None = None) -> pl.DataFrame:
    """credit_code, eligible for every enterprise of the registry (vectorised, one pass)."""
    from kechuang.engine.rules.qualify import qualify
    from kechuang.enterprises.qualification import latest_year, qualification_frames

    rs = eligibility_ruleset(call)
    year = year or call.eligibility_year or latest_year()
    registry, facts = qualification_frames(year)
    if rs is None or registry.is_empty():
        return registry.select("credit_code").with_columns(pl.lit("yes").alias("eligible"))
    out = qualify(registry.drop("enterprise_id"), facts, year, [rs])
    return out.select("credit_code", pl.col(f"{rs.code}_eligible").alias("eligible"))


# ---------------------------------------------------------------------------------------------------
# Applications


def new_application(
    call: Call, org, title: str, requested, summary: str = "", member_codes=(), title_en: str = ""
) -> Application:
    """An unsaved draft of ``org`` for an open call, with its code, and the member organisations
    (saved by ``save_application``); ProjectError (Chinese) when the call is closed, the request is
    not positive or a member code is unknown. Whether the user may file it is for kechuang.access."""
    from kechuang.accounts.models import OrgUnit

    if call.status != CallStatus.OPEN:
        raise ProjectError(
            gettext("指南 %(call)s 当前不接受申报（%(status)s）")
            % {"call": call.code, "status": call.get_status_display()}
        )
    if not title.strip():
        raise ProjectError(gettext("请填写项目名称"))
    requested = Decimal(str(requested))
    if not requested.is_finite() or requested <= 0:
        raise ProjectError(gettext("申请资助须大于 0 万元"))
    codes = list(dict.fromkeys(c.strip() for c in member_codes if c.strip()))
    orgs = {o.code: o for o in OrgUnit.objects.filter(code__in=codes)}
    unknown = [c for c in codes if c not in orgs]
    if unknown:
        raise ProjectError(gettext("找不到机构代码：%(codes)s") % {"codes": gettext("、").join(unknown)})
    if org.code in orgs:
        raise ProjectError(gettext("牵头单位不能同时是联合体成员"))
    count = Application.objects.filter(call=call).count() + 1
    code = f"{call.code}-SQ{count:03d}"
    while Application.objects.filter(code=code).exists():
        count += 1
        code = f"{call.code}-SQ{count:03d}"
    application = Application(
        code=code, call=call, title=title.strip(), title_en=title_en.strip(), applicant=org,
        region_code=org.region_code, consortium=bool(codes), requested=requested, summary=summary,
    )  # fmt: skip
    application.member_orgs = [orgs[c] for c in codes]
    return application


def save_application(application: Application) -> Application:
    """Save a draft made by ``new_application`` with its members (inside the caller's transaction)."""
    application.save()
    for org in getattr(application, "member_orgs", []):
        application.members.create(org=org)
    return application


def submit(application: Application, today: dt.date | None = None) -> Eligibility:
    """Submit an application: the deadline, the request and eligibility are checked now."""
    today = today or timezone.localdate()
    call = application.call
    if application.status not in (ApplicationStatus.DRAFT, ApplicationStatus.INELIGIBLE):
        raise ProjectError(gettext("申报 %(code)s 已提交，不能重复提交") % {"code": application.code})
    if today > call.closes_on:
        raise ProjectError(
            gettext("指南 %(call)s 已于 %(date)s 截止申报")
            % {"call": call.code, "date": f"{call.closes_on:%Y-%m-%d}"}
        )
    if today < call.opens_on:
        raise ProjectError(
            gettext("指南 %(call)s 将于 %(date)s 开始申报")
            % {"call": call.code, "date": f"{call.opens_on:%Y-%m-%d}"}
        )
    if call.max_per_project is not None and application.requested > call.max_per_project:
        raise ProjectError(
            gettext("申请资助 %(requested)s 万元超过单项上限 %(cap)s 万元")
            % {"requested": f"{application.requested:g}", "cap": f"{call.max_per_project:g}"}
        )
    result = check_eligibility(call, application.applicant)
    application.eligible = result.eligible
    application.eligibility_note = result.note
    application.submitted_at = timezone.now()
    application.status = (
        ApplicationStatus.INELIGIBLE if result.eligible == "no" else ApplicationStatus.SUBMITTED
    )
    application.save()
    return result


def set_call_open(call: Call, reopen: bool, today: dt.date | None = None) -> Call:
    """Close a call (征集中 → 评审中: no more applications) or reopen it before its deadline."""
    today = today or timezone.localdate()
    if call.status == CallStatus.DECIDED:
        raise ProjectError(gettext("指南 %(call)s 已立项，不能再开放或关闭") % {"call": call.code})
    if reopen:
        if call.status == CallStatus.OPEN:
            raise ProjectError(gettext("指南 %(call)s 正在征集中") % {"call": call.code})
        if call.closes_on < today:
            raise ProjectError(
                gettext("指南 %(call)s 已过截止日期 %(date)s，请先修改截止日期")
                % {"call": call.code, "date": f"{call.closes_on:%Y-%m-%d}"}
            )
        if Assignment.objects.filter(application__call=call).exists():
            raise ProjectError(
                gettext("指南 %(call)s 已分配评审专家，不能重新开放申报") % {"call": call.code}
            )
        call.status = CallStatus.OPEN
    else:
        if call.status != CallStatus.OPEN:
            raise ProjectError(gettext("指南 %(call)s 已停止征集") % {"call": call.code})
        call.status = CallStatus.REVIEW
    call.save()
    return call


# ---------------------------------------------------------------------------------------------------
# Review


def declare_conflict(expert, application: Application, reason: str) -> Conflict:
    """An expert's conflict declaration; an assignment on that application is withdrawn (its score
    is left out of the ranking either way)."""
    if not reason.strip():
        raise ProjectError(gettext("请填写回避原因"))
    conflict, _ = Conflict.objects.get_or_create(
        expert=expert, application=application, defaults={"reason": reason}
    )
    return conflict


def _orgs_of(application: Application) -> set[int]:
    return {application.applicant_id, *application.members.values_list("org_id", flat=True)}


def expert_pool():
    """The active reviewers (role 评审专家) that assignments are drawn from."""
    from kechuang.accounts.models import User

    return User.objects.filter(role="expert", is_active=True).order_by("username")


def refuse_if_decided(call: Call) -> None:
    """ProjectError once the call is decided (立项): experts are no longer assigned nor funding decided."""
    if call.status == CallStatus.DECIDED:
        raise ProjectError(gettext("指南 %(call)s 已立项，不能重新分配专家或确定资助") % {"call": call.code})


def refuse_if_collecting(call: Call, today: dt.date | None = None) -> None:
    """ProjectError while the call still collects applications (征集中, on or before its deadline):
    funding is decided once it is closed or its deadline has passed."""
    today = today or timezone.localdate()
    if call.status == CallStatus.OPEN and today <= call.closes_on:
        raise ProjectError(
            gettext("指南 %(call)s 仍在征集中（%(date)s 截止申报），截止或停止征集后才能确定资助")
            % {"call": call.code, "date": f"{call.closes_on:%Y-%m-%d}"}
        )


def assign_experts(call: Call, experts, per_application: int = 5) -> dict[str, list[str]]:
    """Assign experts to every submitted application of the call, never one who declared a conflict
    on it or who belongs to the applicant (or a consortium member); the least loaded first.
    Returns application code → expert user names newly assigned; ProjectError once decided."""
    refuse_if_decided(call)
    experts = list(experts)
    load = {e.pk: Assignment.objects.filter(expert=e, application__call=call).count() for e in experts}
    done: dict[str, list[str]] = {}
    applications = call.applications.filter(status=ApplicationStatus.SUBMITTED).order_by("code")
    for application in applications:
        have = set(application.assignments.values_list("expert_id", flat=True))
        barred = set(application.conflicts.values_list("expert_id", flat=True))
        orgs = _orgs_of(application)
        free = [e for e in experts if e.pk not in have | barred and e.org_id not in orgs]
        free.sort(key=lambda e: (load[e.pk], e.username))
        added = []
        for expert in free[: max(per_application - len(have), 0)]:
            Assignment.objects.create(expert=expert, application=application)
            load[expert.pk] += 1
            added.append(expert.username)
        done[application.code] = added
    return done


def record_score(assignment: Assignment, items: dict[str, float], comment: str = "") -> Assignment:
    """Score an assignment on its class's sheet: each criterion 0..its weight, the total 0–100."""
    if Conflict.objects.filter(expert=assignment.expert, application=assignment.application).exists():
        raise ProjectError(gettext("您已声明回避该申报，不能评分"))
    sheet = SCORING_SHEETS[assignment.application.call.project_class]
    unknown = [str(c) for c in items if c not in dict(sheet)]
    if unknown:
        raise ProjectError(
            gettext("评分项「%(criteria)s」不在该类项目的评分表中")
            % {"criteria": gettext("、").join(unknown)}
        )
    clean = {}
    for criterion, weight in sheet:
        value = items.get(criterion)
        if value is None:
            raise ProjectError(gettext("评分项「%(criterion)s」未填写") % {"criterion": criterion})
        value = float(value)
        if not 0 <= value <= weight:
            raise ProjectError(
                gettext("评分项「%(criterion)s」应在 0–%(weight)s 分之间，收到 %(value)s")
                % {"criterion": criterion, "weight": weight, "value": f"{value:g}"}
            )
        clean[criterion] = value
    assignment.items = clean
    assignment.score = sum(clean.values())
    assignment.comment = comment
    assignment.scored_at = timezone.now()
    assignment.save()
    return assignment


def ranking(call: Call) -> pl.DataFrame:
    """The call's ranking and funding line by the ranking contract (kechuang projects rank)."""
    apps = list(call.applications.filter(status__in=REVIEWED).values_list("code", "requested"))
    applications = pl.DataFrame(
        {"application": [a for a, _ in apps], "requested": [float(r) for _, r in apps]},
        schema={"application": pl.Utf8, "requested": pl.Float64},
    )
    scored = list(
        Assignment.objects.filter(application__call=call, score__isnull=False).values_list(
            "application__code", "expert__username", "score"
        )
    )
    scores = pl.DataFrame(
        scored, schema={"application": pl.Utf8, "expert": pl.Utf8, "score": pl.Float64}, orient="row"
    )
    declared = list(
        Conflict.objects.filter(application__call=call).values_list("expert__username", "application__code")
    )
    conflicts = pl.DataFrame(declared, schema={"expert": pl.Utf8, "application": pl.Utf8}, orient="row")
    return rank_applications(applications, scores, conflicts, float(call.budget), float(call.pass_mark))


def decide(call: Call, start: dt.date | None = None, today: dt.date | None = None) -> pl.DataFrame:
    """Store the ranking on the applications, fund the ones above the line and open their projects,
    all or nothing, the call locked meanwhile (a second decision waits, then is refused);
    ProjectError when the call is already decided or still collecting applications."""
    with transaction.atomic():
        call.status = Call.objects.select_for_update().values_list("status", flat=True).get(pk=call.pk)
        refuse_if_decided(call)
        refuse_if_collecting(call, today)
        result = ranking(call)
        by_code = {a.code: a for a in call.applications.all()}
        for row in result.iter_rows(named=True):
            application = by_code[row["application"]]
            application.score = row["score"]
            application.rank = row["rank"]
            application.granted = Decimal(str(row["amount"])) if row["funded"] else None
            application.status = ApplicationStatus.FUNDED if row["funded"] else ApplicationStatus.NOT_FUNDED
            application.save()
            if row["funded"] and not hasattr(application, "project"):
                open_project(application, start or call.closes_on + dt.timedelta(days=60))
        call.status = CallStatus.DECIDED
        call.save()
    return result


def milestone_title_en(goal: dict) -> str:
    """The English name of the milestone a call's goal becomes (blank when the goal has no English)."""
    indicator = goal.get("indicator_en") or ""
    if indicator and goal.get("target") is not None:
        return f"{indicator}: target met"
    return indicator


def open_project(application: Application, start: dt.date, months: int = 24) -> Project:
    """A project for a funded application: milestones from the call's goals, tranches by funding mode."""
    call = application.call
    ends = start + dt.timedelta(days=30 * months)
    project = Project.objects.create(
        code=application.code.replace("SQ", "XM"),
        application=application,
        title=application.title,
        title_en=application.title_en,
        applicant=application.applicant,
        region_code=application.region_code,
        grant=application.granted or application.requested,
        started_on=start,
        ends_on=ends,
    )
    goals = call.goals or [{"indicator": "阶段成果", "indicator_en": "Interim results", "target": None}]
    step = (ends - start) / len(goals)
    milestones = [
        Milestone.objects.create(
            project=project,
            number=i,
            title=f"{goal['indicator']}达标" if goal.get("target") is not None else goal["indicator"],
            title_en=milestone_title_en(goal),
            indicator=goal["indicator"],
            target=goal.get("target"),
            due_on=start + step * i,
        )
        for i, goal in enumerate(goals, start=1)
    ]
    for t in running.tranche_plan(call.funding_mode, float(project.grant), len(milestones)):
        Tranche.objects.create(
            project=project,
            number=t.number,
            amount=Decimal(str(t.amount)),
            trigger=t.trigger,
            milestone=milestones[t.milestone - 1] if t.milestone else None,
        )
    return project


# ---------------------------------------------------------------------------------------------------
# Running a project


def needs_ethics(project: Project) -> bool:
    return project.application.call.field in ETHICS_FIELDS


def ethics_missing(project: Project) -> list[str]:
    """What is missing before funds may be released on ethics grounds (empty: nothing)."""
    from kechuang.projects.ethics import COUNTS, validity_unknown

    if not needs_ethics(project):
        return []
    if project.ethics_approvals.filter(COUNTS).exists():
        return []
    held = []
    for a in project.ethics_approvals.select_related("registered_committee").order_by("approved_on", "pk"):
        committee = a.registered_committee.name if a.registered_committee else a.committee
        if validity_unknown(a):
            # a committee whose validity is unknown (有效期待补录): its approval does not count yet
            held.append(
                gettext(
                    "伦理审查批件 %(number)s 的出具单位「%(committee)s」备案有效期待补录，补录前该批准不计入拨付条件"
                )
                % {"number": a.number, "committee": committee}
            )
        else:  # the committee's registration had ended before the approval was given
            held.append(
                gettext(
                    "伦理审查批件 %(number)s 的出具单位「%(committee)s」备案有效期至 %(until)s，"
                    "批准日期 %(on)s 时已失效，该批准不计入拨付条件"
                )
                % {
                    "number": a.number,
                    "committee": committee,
                    "until": f"{a.registered_committee.valid_until:%Y-%m-%d}",
                    "on": f"{a.approved_on:%Y-%m-%d}",
                }
            )
    if held:
        return held
    call = project.application.call
    return [
        gettext("「%(field)s」领域项目须取得已备案伦理委员会的批准（伦理审查批件）后方可拨付经费")
        % {"field": call.field_label}
    ]


def race_gate(call: Call, on: dt.date) -> pl.DataFrame:
    """赛马制 stage gate: the call's running projects compared on the milestones due by ``on``; the
    first ``call.race_keep`` go on, the others are dropped (no further tranche is released)."""
    if not call.race_keep:
        raise ProjectError(gettext("指南 %(call)s 未采用赛马制") % {"call": call.code})
    projects = Project.objects.filter(application__call=call, stage=Stage.RUNNING)
    rows = list(
        Milestone.objects.filter(project__in=projects, due_on__lte=on).values_list(
            "project__code", "target", "reported_value", "indicator"
        )
    )
    if not rows:
        raise ProjectError(
            gettext("截至 %(date)s 尚无到期的里程碑，不能进行阶段评估") % {"date": f"{on:%Y-%m-%d}"}
        )
    better = {g["indicator"]: g.get("higher_is_better", True) for g in call.goals or []}
    frame = pl.DataFrame(
        [(code, target, value, better.get(indicator, True)) for code, target, value, indicator in rows],
        schema={"project": pl.Utf8, "target": pl.Float64, "reported_value": pl.Float64,
                "higher_is_better": pl.Boolean},
        orient="row",
    )  # fmt: skip
    result = running.stage_gate(frame, call.race_keep)
    dropped = set(result.filter(~pl.col("kept"))["project"].to_list())
    for project in projects.filter(code__in=dropped):  # one by one, so that each change is audited
        project.stage = Stage.DROPPED
        project.save()
    return result


def release_blockers(tranche: Tranche) -> list[str]:
    """Why this tranche cannot be released now (Chinese); empty = it can."""
    project = tranche.project
    reasons = list(ethics_missing(project))
    if project.stage == Stage.DROPPED:
        reasons.append(gettext("赛马制阶段评估未通过，已停止拨付"))
    if project.stage == Stage.FAILED:
        reasons.append(gettext("项目验收不通过，已停止拨付"))
    if tranche.released_on:
        reasons.append(
            gettext("第 %(n)s 期已于 %(date)s 拨付")
            % {"n": tranche.number, "date": f"{tranche.released_on:%Y-%m-%d}"}
        )
    earlier = project.tranches.filter(number__lt=tranche.number, released_on__isnull=True)
    if earlier.exists():
        reasons.append(gettext("前一期尚未拨付"))
    trigger = tranche.trigger
    if trigger == running.MIDTERM:
        total = project.milestones.count()
        verified = project.milestones.filter(verified=True).count()
        if total and verified * 2 < total:
            reasons.append(
                gettext("中期检查要求至少一半里程碑已核验（目前 %(verified)s/%(total)s）")
                % {"verified": verified, "total": total}
            )
    elif trigger == running.MILESTONE:
        if tranche.milestone and not tranche.milestone.verified:
            reasons.append(
                gettext("里程碑 %(n)s「%(title)s」尚未核验")
                % {"n": tranche.milestone.number, "title": names.localized(tranche.milestone, "title")}
            )
    elif trigger in (running.ACCEPTANCE, running.RESULTS):
        acceptance = getattr(project, "acceptance", None)
        if acceptance is None or acceptance.outcome == Outcome.FAILED:
            reasons.append(gettext("须验收通过（成果核验）后拨付"))
    return reasons


def release(tranche: Tranche, on: dt.date | None = None) -> Tranche:
    reasons = release_blockers(tranche)
    if reasons:
        raise ProjectError(gettext("不能拨付：%(why)s") % {"why": gettext("；").join(reasons)})
    tranche.released_on = on or timezone.localdate()
    tranche.save()
    return tranche


def report_milestone(milestone: Milestone, value: float | None, on: dt.date | None = None) -> Milestone:
    if milestone.verified:
        raise ProjectError(gettext("里程碑 %(n)s 已核验，不能再修改报告值") % {"n": milestone.number})
    milestone.reported_value = value
    milestone.reported_on = on or timezone.localdate()
    milestone.save()
    return milestone


def verify_milestone(milestone: Milestone) -> Milestone:
    if milestone.reported_on is None:
        raise ProjectError(gettext("里程碑 %(n)s 尚未报告，不能核验") % {"n": milestone.number})
    milestone.verified = True
    milestone.save()
    return milestone


def flag(rows: list[dict]) -> list[dict]:
    """Rows of category, description (+ anything) with flagged and reason from the negative list."""
    if not rows:
        return []
    frame = pl.DataFrame(rows, schema_overrides={"category": pl.Utf8, "description": pl.Utf8})
    return running.flag_spending(frame, NEGATIVE_LIST).to_dicts()


def add_spending(project: Project, spent_on: dt.date, category: str, description: str, amount) -> Spending:
    """Record a payment; one that touches the negative list is flagged (kept, and shown), not refused.
    An unknown category, an empty description or an amount not above 0 is refused (ProjectError)."""
    if category not in dict(SPENDING_CATEGORIES):
        raise ProjectError(
            gettext("支出类别「%(category)s」不在可选类别中：%(known)s")
            % {"category": category, "known": gettext("、").join(dict(SPENDING_CATEGORIES))}
        )
    if not description.strip():
        raise ProjectError(gettext("请填写支出摘要"))
    value = Decimal(str(amount))
    if not value.is_finite() or value <= 0:
        raise ProjectError(gettext("支出金额须大于 0"))
    (row,) = flag([{"category": category, "description": description}])
    return Spending.objects.create(
        project=project,
        spent_on=spent_on,
        category=category,
        description=description.strip(),
        amount=value,
        flagged=row["flagged"],
        reason=row["reason"] or "",
    )


def acceptance_results(project: Project, entries: list[dict]) -> list[dict]:
    """The rows ``record_acceptance`` takes, one per target indicator of the call, from what was
    entered per indicator (``indicator``, ``measured`` or None, ``method``, ``by``); the target, the
    direction and whether it is key come from the call. ProjectError (Chinese, naming the indicator)
    when the call has no indicators, one is missing, unknown or twice, a method is not one of
    ACCEPTANCE_METHODS or the verifying body is empty."""
    goals = project.application.call.goals or []
    if not goals:
        raise ProjectError(
            gettext("指南 %(call)s 未设考核指标，不能按指标验收") % {"call": project.application.call.code}
        )
    names = [g["indicator"] for g in goals]
    given: dict[str, dict] = {}
    for entry in entries:
        name = entry.get("indicator")
        if name not in names:
            raise ProjectError(
                gettext("指标「%(name)s」不是该项目的考核指标（%(names)s）")
                % {"name": name, "names": gettext("、").join(names)}
            )
        if name in given:
            raise ProjectError(gettext("指标「%(name)s」重复填写") % {"name": name})
        given[name] = entry
    missing = [n for n in names if n not in given]
    if missing:
        raise ProjectError(
            gettext("缺少考核指标的验收结果：%(names)s") % {"names": gettext("、").join(missing)}
        )
    rows = []
    for goal in goals:
        entry = given[goal["indicator"]]
        if entry.get("method") not in ACCEPTANCE_METHODS:
            raise ProjectError(
                gettext("指标「%(name)s」的核验方式应为%(methods)s")
                % {"name": goal["indicator"], "methods": gettext("或").join(ACCEPTANCE_METHODS)}
            )
        if not (entry.get("by") or "").strip():
            raise ProjectError(gettext("指标「%(name)s」请填写核验机构") % {"name": goal["indicator"]})
        rows.append(
            {"indicator": goal["indicator"], "target": goal.get("target"), "measured": entry.get("measured"),
             "higher_is_better": goal.get("higher_is_better", True), "key": goal.get("key", True),
             "method": entry["method"], "by": entry["by"].strip()}
        )  # fmt: skip
    return rows


def record_acceptance(project: Project, results: list[dict], on: dt.date, conditions: str = "") -> Acceptance:
    """Acceptance by the call's indicators: third-party tests and real-scenario assessments."""
    frame = pl.DataFrame(
        results,
        schema={"indicator": pl.Utf8, "target": pl.Float64, "measured": pl.Float64,
                "higher_is_better": pl.Boolean, "key": pl.Boolean, "method": pl.Utf8, "by": pl.Utf8},
    )  # fmt: skip
    outcome, rows = running.acceptance_outcome(frame)
    acceptance, _ = Acceptance.objects.update_or_create(
        project=project,
        defaults={"results": rows.to_dicts(), "outcome": outcome, "decided_on": on, "conditions": conditions},
    )
    project.stage = outcome
    project.save()
    return acceptance


def exemption_evidence(project: Project) -> running.ExemptionEvidence:
    milestones = list(project.milestones.all())
    on_time = sum(1 for m in milestones if m.reported_on and m.reported_on <= m.due_on)
    return running.ExemptionEvidence(
        milestones=len(milestones),
        reported_on_time=on_time,
        procedures_followed=project.procedures_followed,
        failure_reason=project.failure_reason,
        failure_explanation=project.failure_explanation,
        flagged_spending=project.spending.filter(flagged=True).count(),
        ethics_ok=not ethics_missing(project),
    )


def exemption_gaps(project: Project) -> list[str]:
    """What the records lack for a liability exemption, in the interface's language (the dossier
    stays Chinese)."""
    return [
        gettext(m) % v if v else gettext(m)
        for m, v in running.exemption_gap_messages(exemption_evidence(project))
    ]


def exemption_dossier(project: Project) -> bytes:
    """责任豁免 dossier (.docx): the project, the evidence of due diligence, and every gap."""
    from docx import Document

    if project.stage != Stage.FAILED:
        raise ProjectError(
            gettext("项目 %(code)s 未被认定为验收不通过，无需责任豁免材料") % {"code": project.code}
        )
    e = exemption_evidence(project)
    gaps = running.exemption_gaps(e)
    doc = Document()
    doc.add_heading(f"责任豁免材料：{project.title}", level=1)
    doc.add_paragraph(
        f"项目编号 {project.code}；承担单位 {project.applicant.name}；资助 {project.grant:g} 万元；"
        f"实施期 {project.started_on:%Y-%m-%d} 至 {project.ends_on:%Y-%m-%d}。"
    )
    doc.add_heading("一、勤勉尽责的证据", level=2)
    table = doc.add_table(rows=1, cols=5)
    table.style = "Table Grid"
    for cell, text in zip(
        table.rows[0].cells, ("里程碑", "计划完成", "报告日期", "报告值 / 目标", "按期"), strict=True
    ):
        cell.text = text
    for m in project.milestones.all():
        cells = table.add_row().cells
        cells[0].text = f"{m.number}. {m.title}"
        cells[1].text = f"{m.due_on:%Y-%m-%d}"
        cells[2].text = f"{m.reported_on:%Y-%m-%d}" if m.reported_on else "未报告"
        cells[3].text = f"{_num(m.reported_value)} / {_num(m.target)}"
        cells[4].text = "是" if m.reported_on and m.reported_on <= m.due_on else "否"
    doc.add_paragraph(f"按期报告里程碑：{e.reported_on_time}/{e.milestones}")
    doc.add_paragraph(f"按规定程序履行手续：{'是' if e.procedures_followed else '否'}")
    doc.add_paragraph(f"失败原因认定：{project.get_failure_reason_display() or '未认定'}")
    doc.add_paragraph(f"失败原因说明：{project.failure_explanation or '（无）'}")
    doc.add_paragraph(f"触及负面清单的支出：{e.flagged_spending} 笔")
    acceptance = getattr(project, "acceptance", None)
    if acceptance:
        doc.add_paragraph(f"验收结论：{acceptance.get_outcome_display()}（{acceptance.decided_on:%Y-%m-%d}）")
    doc.add_heading("二、缺项（须补充，不得隐去）", level=2)
    if gaps:
        for gap in gaps:
            doc.add_paragraph(gap, style="List Bullet")
    else:
        doc.add_paragraph("无缺项：记录显示项目勤勉尽责，建议按容错机制予以责任豁免。")
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _num(v) -> str:
    return "—" if v is None else f"{v:g}"


# ---------------------------------------------------------------------------------------------------
# Technology-security warning


COMPUTED = {
    "ethics_missing": "敏感领域在研项目未取得伦理批准的数量",
    "key_core_overdue": "关键核心技术攻关项目逾期未报告的里程碑数量",
    "patent_concentration": "重点领域发明专利前五名持有人集中度",
}
TOP_HOLDERS = 5  # patent concentration: the share of a field's invention patents held by its top five


@dataclass
class Computed:
    """A value the platform computes from its own data, as of ``period``; ``detail`` says what it
    stands for where that is not obvious (the technology field a concentration was found in)."""

    value: float
    period: str
    detail: str = ""


def patent_concentration() -> Computed | None:
    """The registry's latest year with invention patents: the most concentrated technology field
    among those with more holders than TOP_HOLDERS (with fewer, the share is 100 % by construction);
    None without patents or without such a field."""
    from django.db.models import Max

    from kechuang.engine.projects.security import patent_concentration as by_field
    from kechuang.enterprises.models import Fact

    year = Fact.objects.filter(invention_patents__gt=0).aggregate(y=Max("year"))["y"]
    if year is None:
        return None
    rows = Fact.objects.filter(year=year, invention_patents__gt=0).values_list(
        "enterprise_id", "enterprise__tech_field", "invention_patents"
    )
    frame = pl.DataFrame(
        list(rows), schema={"holder": pl.Int64, "field": pl.Utf8, "patents": pl.Int64}, orient="row"
    )
    ranked = by_field(frame, top=TOP_HOLDERS).filter(pl.col("holders") > TOP_HOLDERS)
    if ranked.is_empty():
        return None
    top = ranked.row(0, named=True)
    return Computed(float(top["share"]), str(year), top["field"])


def computed_values(today: dt.date | None = None) -> dict[str, Computed]:
    """The indicators the platform computes from its own data (an indicator without data is left out)."""
    today = today or timezone.localdate()
    from kechuang.projects.ethics import missing_approval

    running_projects = Project.objects.filter(stage__in=[Stage.RUNNING, Stage.ACCEPTANCE])
    overdue = Milestone.objects.filter(
        project__in=running_projects, project__application__call__key_core=True, reported_on__isnull=True,
        due_on__lt=today,
    )  # fmt: skip
    now = str(today.year)
    values = {
        "ethics_missing": Computed(float(missing_approval(running_projects).count()), now),
        "key_core_overdue": Computed(float(overdue.count()), now),
    }
    concentration = patent_concentration()
    if concentration is not None:
        values["patent_concentration"] = concentration
    return values


def record_reading(indicator: SecurityIndicator, period: str, value: float, source: str) -> SecurityReading:
    """A department's figure for an indicator the platform cannot compute; an existing figure for the
    same period is not overwritten."""
    if indicator.computed:
        raise ProjectError(
            gettext("指标「%(indicator)s」由平台数据计算，无需填报") % {"indicator": indicator.name}
        )
    existing = SecurityReading.objects.filter(indicator=indicator, period=period).first()
    if existing is not None:
        raise ProjectError(
            gettext("指标「%(indicator)s」%(period)s 已有数值 %(value)s（%(source)s），未覆盖")
            % {
                "indicator": indicator.name,
                "period": period,
                "value": f"{existing.value:g}",
                "source": existing.source,
            }
        )
    return SecurityReading.objects.create(indicator=indicator, period=period, value=value, source=source)


ETHICS_MISSING = {
    "committee": gettext_lazy("请填写伦理委员会"),
    "committee_registration": gettext_lazy("请填写委员会备案号"),
    "number": gettext_lazy("请填写批件号"),
}


def add_ethics_approval(
    project: Project, committee: str, committee_registration: str, number: str, approved_on: dt.date
):
    """Register an ethics committee's approval of the project (funds in a listed field wait for one);
    ProjectError (Chinese, naming the field) for an empty text or an approval dated in the future."""
    from kechuang.projects.models import EthicsApproval

    texts = {"committee": committee, "committee_registration": committee_registration, "number": number}
    for name, text in texts.items():
        if not (text or "").strip():
            raise ProjectError(str(ETHICS_MISSING[name]))
    if approved_on > timezone.localdate():
        raise ProjectError(gettext("批准日期 %(date)s 晚于今天") % {"date": f"{approved_on:%Y-%m-%d}"})
    from kechuang.projects.ethics import committee_for

    registered = committee_for(project, committee_registration, approved_on)  # valid, covers the field
    values = {k: v.strip() for k, v in texts.items()} | {"committee": registered.name}
    return EthicsApproval.objects.create(
        project=project, approved_on=approved_on, registered_committee=registered, **values
    )


@dataclass
class WarningRow:
    indicator: SecurityIndicator
    value: float | None
    period: str
    level: str | None
    level_label: str = ""
    history: list = field(default_factory=list)
    detail: str = ""  # what a computed value stands for (the field it was found in)


def security_board(today: dt.date | None = None) -> list[WarningRow]:
    """Every indicator with its latest value (computed ones now) and its warning level."""
    indicators = list(SecurityIndicator.objects.all())
    computed = computed_values(today)
    latest: dict[int, tuple[str, float]] = {}
    for r in SecurityReading.objects.order_by("indicator_id", "period"):
        latest[r.indicator_id] = (r.period, r.value)
    rows = []
    for ind in indicators:
        if ind.computed and ind.code in computed:
            c = computed[ind.code]
            period, value, detail = c.period, c.value, c.detail
        else:
            (period, value), detail = latest.get(ind.pk, ("", None)), ""
        rows.append({"indicator": ind.code, "value": value, "period": period, "detail": detail})
    frame = pl.DataFrame(
        rows, schema={"indicator": pl.Utf8, "value": pl.Float64, "period": pl.Utf8, "detail": pl.Utf8}
    )
    table = pl.DataFrame(
        [(i.code, i.yellow, i.red, i.higher_is_worse) for i in indicators],
        schema=["code", "yellow", "red", "higher_is_worse"],
        orient="row",
    )
    levels = running.warning_levels(frame, table) if indicators else frame
    labels = dict(Level.choices)
    by_code = {i.code: i for i in indicators}
    return [
        WarningRow(
            by_code[r["indicator"]],
            r["value"],
            r["period"],
            r["level"],
            str(labels.get(r["level"], "—")),
            detail=r["detail"],
        )
        for r in levels.iter_rows(named=True)
    ]


def portfolio(holders: bool = False, extra: dict[int, dict] | None = None) -> dict:
    """Money and counts by class, mode, field and town (and by holder: the institution or enterprise
    that carries the project) — committed, released and failed, and the 分类评价 figures (each
    project's latest evaluation); with ``extra`` (project pk → {"returned", "contracts",
    "contract_amount", "licences", "patents", "papers", "products"}: the 补改投 money returned to the
    fund, the holder's technology contracts, licences and patents since the project started, and the
    project's verified papers and products, projects.outputs) also those, summed per group. One
    aggregation per dimension."""
    from django.db.models import Sum

    from kechuang.engine.projects import evaluation as evaluation_engine
    from kechuang.projects import evaluations

    columns = {"pk": pl.Int64, "class": pl.Utf8, "mode": pl.Utf8, "field": pl.Utf8, "town": pl.Utf8,
               "holder": pl.Utf8, "grant": pl.Float64, "stage": pl.Utf8}  # fmt: skip
    rows = Project.objects.values_list(
        "pk", "application__call__project_class", "application__call__mode", "application__call__field",
        "region_code", "applicant__name", "grant", "stage",
    )  # fmt: skip
    frame = pl.DataFrame([(*r[:6], float(r[6]), r[7]) for r in rows], schema=columns, orient="row")
    released = (
        Tranche.objects.filter(released_on__isnull=False).values("project_id").annotate(s=Sum("amount"))
    )
    extra = extra or {}
    more = pl.DataFrame(
        [(r["project_id"], float(r["s"]), 0.0, 0, 0.0, 0, 0, 0, 0) for r in released]
        + [(pk, 0.0, float(e["returned"]), len(e["contracts"]), float(e["contract_amount"]),
            len(e.get("licences", ())), len(e.get("patents", ())), e.get("papers", 0), e.get("products", 0))
           for pk, e in extra.items()],
        schema={"pk": pl.Int64, "released": pl.Float64, "returned": pl.Float64, "contracts": pl.Int64,
                "contract_amount": pl.Float64, "licences": pl.Int64, "patents": pl.Int64,
                "papers": pl.Int64, "products": pl.Int64},
        orient="row",
    ).group_by("pk").sum()  # fmt: skip
    # 分类评价: each project's latest evaluation (total, grade), null when never evaluated
    scored = pl.DataFrame(
        [(pk, e["total"], e["grade"]) for pk, e in evaluations.latest().items()],
        schema={"pk": pl.Int64, "total": pl.Float64, "grade": pl.Utf8}, orient="row",
    )  # fmt: skip
    frame = frame.join(more, on="pk", how="left").fill_null(0).join(scored, on="pk", how="left")
    grades = evaluations.grades()
    figures = {
        "n": pl.len(), "committed": pl.col("grant").sum(), "released": pl.col("released").sum(),
        "returned": pl.col("returned").sum(), "contracts": pl.col("contracts").sum(),
        "contract_amount": pl.col("contract_amount").sum(), "licences": pl.col("licences").sum(),
        "patents": pl.col("patents").sum(), "papers": pl.col("papers").sum(),
        "products": pl.col("products").sum(), "failed": (pl.col("stage") == Stage.FAILED).sum(),
        **evaluation_engine.summary_columns(grades),
    }  # fmt: skip
    keys = ["class", "mode", "field", "town"] + (["holder"] if holders else [])
    by = {}
    for key in keys:
        grouped = frame.group_by(key).agg(**figures).sort(key)
        by[key] = [
            {**r, "label": _label(key, r[key]), "grades": [(g, r[f"grade:{g}"]) for g, _ in grades]}
            for r in grouped.iter_rows(named=True)
        ]
    return {
        "by": by,
        "committed": frame["grant"].sum(),
        "released": frame["released"].sum(),
        "returned": frame["returned"].sum(),
        "count": frame.height,
        "evaluated": frame["total"].is_not_null().sum(),
        "mean_score": frame["total"].mean(),
        "grades": [(g, (frame["grade"] == g).sum()) for g, _ in grades],
    }


def _label(key: str, code: str) -> str:
    from kechuang.projects.vocabulary import Mode, ProjectClass, field_label
    from kechuang.regions import region_names

    if key == "class":
        return str(dict(ProjectClass.choices).get(code, code))
    if key == "mode":
        return str(dict(Mode.choices).get(code, code))
    if key == "town":
        return region_names().get(code, code or "—")
    if key == "field":
        return field_label(code)
    return code


def funding_mode_label(code: str) -> str:
    return str(dict(FundingMode.choices).get(code, code))
