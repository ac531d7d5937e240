"""安心屋: a transfer or licence carried through application → legal review → valuation → public notice
→ approval → signing → supervision → closed (vocabulary.STEPS, each with its responsible role).

Rules: steps are done in order (none skipped); only the step's role may do it; the notice cannot end
before its configured days have passed nor while an objection is unanswered; a step refused ends the
case (failed). Every row is audited. ``dossier(case)`` writes the due-diligence exemption record
(尽职免责) as .docx (and ``dossier_pdf.render`` as PDF): each step with who and when, the notice and objections, the conflict-of-interest
declarations, the valuation — and the steps that are missing or late.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kechuang.accounts.models import Role
from kechuang.transfer import vocabulary as v
from kechuang.transfer.models import CaseStep, Objection, TransferCase


class WorkflowError(Exception):
    pass


def done_steps(case: TransferCase) -> list[CaseStep]:
    return list(case.steps.order_by("done_at", "pk"))


def next_step(case: TransferCase) -> v.Step | None:
    """The step to do now (None for a closed or failed case)."""
    if case.state != v.CaseState.OPEN:
        return None
    done = {s.step for s in case.steps.all()}
    for step in v.STEPS:
        if step.code not in done:
            return step
    return None


def _last_done(case: TransferCase) -> date:
    last = case.steps.order_by("-done_at", "-pk").first()
    return timezone.localtime(last.done_at).date() if last else timezone.localdate()


def deadline(case: TransferCase, step: v.Step, after: date | None = None) -> date:
    days = case.notice_days if step.code == "notice" else step.days
    return (after or _last_done(case)) + timedelta(days=days)


def notice_ends(case: TransferCase) -> date | None:
    """The last day of the public notice: notice_days after the valuation was done (None before)."""
    valuation = case.steps.filter(step="valuation").first()
    if valuation is None:
        return None
    return timezone.localtime(valuation.done_at).date() + timedelta(days=case.notice_days)


@transaction.atomic
def open_case(
    achievement,
    kind: str,
    counterparty: str,
    user,
    price=None,
    notice_days: int = 15,
    comment: str = "",
    documents: str = "",
) -> TransferCase:
    """A new case with its application done by ``user`` (a 高校院所用户 of the achievement's institution)."""
    if user.role != Role.UNIVERSITY_USER or user.org_id != achievement.institution_id:
        raise WorkflowError(_("申请须由成果完成单位的高校院所用户提出"))
    case = TransferCase.objects.create(
        achievement=achievement,
        institution_id=achievement.institution_id,
        kind=kind,
        counterparty=counterparty,
        price=price,
        notice_days=notice_days,
        created_by=user,
    )
    _record(case, v.STEP_BY_CODE["application"], user, True, comment, documents, timezone.localdate())
    return case


def _record(
    case,
    step: v.Step,
    user,
    approved: bool,
    comment: str,
    documents: str,
    due: date,
    at: datetime | None = None,
) -> CaseStep:
    return CaseStep.objects.create(
        case=case,
        step=step.code,
        role=step.role,
        due_on=due,
        done_by=user,
        done_by_name=str(user),
        done_at=at or timezone.now(),
        approved=approved,
        comment=comment,
        documents=documents,
    )


@transaction.atomic
def do_step(
    case: TransferCase,
    user,
    step_code: str,
    approved: bool = True,
    comment: str = "",
    documents: str = "",
    valuation: float | None = None,
    valuation_method: str = "",
    today: date | None = None,
) -> CaseStep:
    """Do the case's next step; WorkflowError (Chinese) for a skipped step, a wrong role, a notice not
    yet ended or with unanswered objections, a valuation without an amount."""
    case = TransferCase.objects.select_for_update().get(pk=case.pk)
    today = today or timezone.localdate()
    step = next_step(case)
    if step is None:
        raise WorkflowError(_("该事项已%(s)s，不能再办理") % {"s": case.get_state_display()})
    if step_code != step.code:
        wanted = v.STEP_BY_CODE.get(step_code)
        raise WorkflowError(
            _("不能跳过环节：当前应办理「%(now)s」，不能办理「%(want)s」")
            % {"now": step.label, "want": wanted.label if wanted else step_code}
        )
    if user.role != step.role:
        raise WorkflowError(
            _("「%(step)s」须由%(role)s办理，您的角色是%(mine)s")
            % {"step": step.label, "role": Role(step.role).label, "mine": user.get_role_display()}
        )
    if step.role == Role.UNIVERSITY_USER and user.org_id != case.institution_id:
        raise WorkflowError(_("「%(step)s」须由成果完成单位办理") % {"step": step.label})
    if step.code == "valuation" and approved and valuation is None:
        raise WorkflowError(_("价值评估须填写评估价值"))
    if step.code == "notice" and approved:
        ends = notice_ends(case)
        if ends is not None and today < ends:
            raise WorkflowError(_("公示期至 %(d)s 结束，之前不能结束公示") % {"d": ends.isoformat()})
        open_objections = case.objections.filter(answer="").count()
        if open_objections:
            unanswered = ngettext(
                "还有 %(n)s 条异议未答复，不能结束公示",
                "还有 %(n)s 条异议未答复，不能结束公示",
                open_objections,
            )
            raise WorkflowError(unanswered % {"n": open_objections})
    due = deadline(case, step)
    done = _record(case, step, user, approved, comment, documents, due)
    if step.code == "valuation" and valuation is not None:
        case.valuation, case.valuation_method = valuation, valuation_method
    if not approved:
        case.state = v.CaseState.FAILED
    elif step.code == "closed":
        case.state = v.CaseState.CLOSED
    case.save()
    return done


def add_objection(case: TransferCase, raised_by: str, raised_on: date, text: str) -> Objection:
    step = next_step(case)
    if step is None or step.code != "notice":
        raise WorkflowError(_("只能在公示期间登记异议"))
    return Objection.objects.create(case=case, raised_by=raised_by, raised_on=raised_on, text=text)


def answer_objection(objection: Objection, user, answer: str) -> Objection:
    if user.role != Role.UNIVERSITY_USER or user.org_id != objection.case.institution_id:
        raise WorkflowError(_("异议须由成果完成单位答复"))
    if objection.answer:
        raise WorkflowError(_("该异议已答复，答复不被覆盖"))
    objection.answer, objection.answered_on = answer, timezone.localdate()
    objection.save()
    return objection


# ---------------------------------------------------------------------------------------------
# The record of a case and the exemption dossier
# ---------------------------------------------------------------------------------------------


@dataclass
class StepRow:
    step: v.Step
    done: CaseStep | None
    late_days: int = 0
    missing: bool = False

    @property
    def role_label(self) -> str:
        return Role(self.step.role).label


def review(case: TransferCase) -> list[StepRow]:
    """Every step in order: what was done (late by how many days), and what is missing."""
    done = {s.step: s for s in case.steps.all()}
    rows = []
    for step in v.STEPS:
        s = done.get(step.code)
        if s is None:
            rows.append(StepRow(step, None, missing=case.state != v.CaseState.OPEN))
            continue
        late = (timezone.localtime(s.done_at).date() - s.due_on).days
        rows.append(StepRow(step, s, max(late, 0)))
    return rows


@dataclass
class Block:
    """One piece of the dossier, the same in every format: a title, a heading, a paragraph, a
    bullet, or a table (headers and rows of text)."""

    kind: str  # title | heading | text | bullet | table
    text: str = ""
    headers: tuple[str, ...] = ()
    rows: list[list[str]] = field(default_factory=list)


def dossier_blocks(case: TransferCase) -> list[Block]:
    """The due-diligence exemption record (尽职免责) of a closed or failed case, format-free: each
    step with who and when, missing and late steps listed (never left out), the valuation, the notice
    and objections, the conflict-of-interest declarations."""
    if case.state == v.CaseState.OPEN:
        raise WorkflowError(_("只有已结案或已终止的事项可以生成尽职免责材料"))
    rows = review(case)
    out = [Block("title", _("科技成果转化尽职免责材料"))]
    a = case.achievement
    out.append(
        Block(
            "text",
            _("事项：%(a)s《%(t)s》%(k)s给 %(c)s；完成单位：%(i)s；状态：%(s)s；生成时间：%(now)s")
            % {
                "a": a.code,
                "t": a.title,
                "k": case.get_kind_display(),
                "c": case.counterparty,
                "i": case.institution.name,
                "s": case.get_state_display(),
                "now": timezone.localtime().strftime("%Y-%m-%d %H:%M"),
            },
        )
    )
    problems = [r for r in rows if r.missing or r.late_days]
    out.append(Block("heading", _("缺失或超期的环节")))
    for r in problems:
        text = (
            _("缺失：%(s)s（应由%(role)s办理）")
            if r.missing
            else ngettext(
                "超期 %(d)s 天：%(s)s（时限 %(due)s）", "超期 %(d)s 天：%(s)s（时限 %(due)s）", r.late_days
            )
        )
        out.append(
            Block(
                "bullet",
                text
                % {
                    "s": r.step.label,
                    "role": Role(r.step.role).label,
                    "d": r.late_days,
                    "due": r.done.due_on if r.done else "",
                },
            )
        )
    if not problems:
        out.append(Block("text", _("无：全部环节按顺序、在时限内办理。")))
    out.append(Block("heading", _("办理环节")))
    table = Block(
        "table",
        headers=(_("环节"), _("责任角色"), _("办理人"), _("办理时间"), _("时限"), _("结论"), _("意见与材料")),
    )
    for r in rows:
        if r.done is None:
            missing = _("（缺失）") if r.missing else _("（未到）")
            table.rows.append([str(r.step.label), str(Role(r.step.role).label), missing, "", "", "", ""])
            continue
        s = r.done
        table.rows.append(
            [
                str(r.step.label),
                str(Role(r.step.role).label),
                s.done_by_name,
                timezone.localtime(s.done_at).strftime("%Y-%m-%d %H:%M"),
                s.due_on.isoformat()
                + (
                    ngettext("（超期 %(d)s 天）", "（超期 %(d)s 天）", r.late_days) % {"d": r.late_days}
                    if r.late_days
                    else ""
                ),
                _("通过") if s.approved else _("不通过"),
                "；".join(x for x in (s.comment, s.documents and _("材料：") + s.documents) if x),
            ]
        )
    out.append(table)
    out.append(Block("heading", _("价值评估")))
    if case.valuation is not None:
        out.append(
            Block(
                "text",
                _("评估价值 %(v)s 万元（方法：%(m)s）；交易价格 %(p)s 万元。")
                % {
                    "v": f"{case.valuation:g}",
                    "m": case.valuation_method or "—",
                    "p": f"{case.price:g}" if case.price is not None else "—",
                },
            )
        )
    else:
        out.append(Block("text", _("无评估记录。")))
    out.append(Block("heading", _("公示与异议")))
    ends = notice_ends(case)
    out.append(
        Block(
            "text",
            ngettext("公示 %(n)s 天%(e)s。", "公示 %(n)s 天%(e)s。", case.notice_days)
            % {"n": case.notice_days, "e": _("，至 %(d)s") % {"d": ends} if ends else ""},
        )
    )
    objections = list(case.objections.all())
    if not objections:
        out.append(Block("text", _("公示期间未收到异议。")))
    for o in objections:
        out.append(
            Block(
                "bullet",
                _("%(d)s %(who)s：%(t)s —— 答复（%(ad)s）：%(a)s")
                % {
                    "d": o.raised_on,
                    "who": o.raised_by,
                    "t": o.text,
                    "ad": o.answered_on or "—",
                    "a": o.answer or _("未答复"),
                },
            )
        )
    out.append(Block("heading", _("利益冲突声明")))
    declarations = list(case.declarations.all())
    if not declarations:
        out.append(Block("text", _("无利益冲突声明记录。")))
    for d in declarations:
        out.append(
            Block(
                "bullet",
                _("%(d)s %(p)s：%(c)s %(t)s")
                % {
                    "d": d.declared_on,
                    "p": d.person,
                    "c": _("存在利益冲突") if d.has_conflict else _("无利益冲突"),
                    "t": d.text,
                },
            )
        )
    out.append(Block("text", _("以上内容由平台根据办理记录与审计日志自动生成，办理记录不可修改。")))
    return out


def dossier(case: TransferCase) -> bytes:
    """The due-diligence exemption record (尽职免责) of a closed or failed case, as .docx."""
    from docx import Document
    from docx.shared import Pt

    blocks = dossier_blocks(case)
    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = "SimSun"
    style.font.size = Pt(10.5)
    for b in blocks:
        if b.kind == "title":
            doc.add_heading(b.text, level=0)
        elif b.kind == "heading":
            doc.add_heading(b.text, level=1)
        elif b.kind == "bullet":
            doc.add_paragraph(b.text, style="List Bullet")
        elif b.kind == "table":
            table = doc.add_table(rows=1, cols=len(b.headers))
            table.style = "Table Grid"
            for cell, h in zip(table.rows[0].cells, b.headers, strict=True):
                cell.text = h
            for row in b.rows:
                for cell, text in zip(table.add_row().cells, row, strict=True):
                    cell.text = text
        else:
            doc.add_paragraph(b.text)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
