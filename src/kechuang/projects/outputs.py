"""项目产出 (issue 12 §3): the papers and products a project produced, recorded by its holder on the
project page or through the API, verified by the programme officer; the portfolio counts the verified
ones per project (``verified_counts``) beside the patents, licences and contracts of the transfer module.

A duplicate is refused (the same kind and title, ignoring case, width and spaces, or the same evidence,
on the same project: an API retry or a double submit). A mistaken entry is taken back: the holder
withdraws it while it is not yet verified, the programme officer rejects it with a reason (kept, shown
as 未通过核验); neither is counted. Both are saved as changes of an audited model.

Each refusal is a Chinese ProjectError naming the field; nothing is written on bad input.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from kechuang.projects.models import OutputKind, Project, ProjectOutput

EARLIEST = dt.date(2000, 1, 1)
KINDS = {"paper": "papers", "product": "products"}  # OutputKind → the portfolio's column
STATES = {  # ProjectOutput.state → its label
    "pending": gettext_lazy("待核验"),
    "verified": gettext_lazy("已核验"),
    "withdrawn": gettext_lazy("已撤回"),
    "rejected": gettext_lazy("未通过核验"),
}
LIVE = Q(withdrawn_on=None, rejected_on=None)  # neither withdrawn nor rejected


def _key(text: str) -> str:
    """``text`` as compared for duplicates: full-width folded (NFKC), case folded, without spaces."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).casefold()


def _duplicate(project: Project, kind: str, title: str, evidence: str) -> None:
    """ProjectError naming the field and the entry when ``project`` already has a live output of
    ``kind`` with this title, or any live output with this evidence."""
    from kechuang.projects.services import ProjectError

    for o in project.outputs.filter(LIVE).order_by("pk"):
        shown = {"id": o.pk, "kind": o.get_kind_display(), "title": o.title, "state": STATES[o.state],
                 "date": f"{o.dated_on:%Y-%m-%d}"}  # fmt: skip
        if o.kind == kind and _key(o.title) == _key(title):
            raise ProjectError(
                gettext("名称：该%(kind)s已登记（编号 %(id)s，%(date)s，%(state)s），请勿重复登记") % shown
            )
        if _key(o.evidence) == _key(evidence):
            raise ProjectError(
                gettext("佐证：已用于编号 %(id)s 的%(kind)s「%(title)s」（%(state)s），请勿重复登记") % shown
            )


def record(
    project: Project, kind: str, title: str, dated_on: dt.date | None, evidence: str, by
) -> ProjectOutput:
    """A paper or product of ``project`` recorded by ``by`` (not yet verified); ProjectError for an
    unknown kind, an empty title or evidence, a missing date, a date before 2000 or after today, or
    before the project started (an output cannot predate its project)."""
    from kechuang.projects.services import ProjectError

    kinds = dict(OutputKind.choices)
    if kind not in kinds:
        raise ProjectError(
            gettext("产出类型：应为%(kinds)s之一，收到「%(kind)s」")
            % {"kinds": gettext("、").join(f"{k}（{v}）" for k, v in kinds.items()), "kind": str(kind)[:20]}
        )
    title, evidence = (title or "").strip(), (evidence or "").strip()
    if not title:
        raise ProjectError(gettext("名称：请填写论文题目或产品名称"))
    if len(title) > 200:
        raise ProjectError(gettext("名称：不超过 200 字"))
    if not evidence:
        raise ProjectError(gettext("佐证：请填写期刊与 DOI（论文），或产品注册证号、首次销售凭证（产品）"))
    if len(evidence) > 300:
        raise ProjectError(gettext("佐证：不超过 300 字"))
    if dated_on is None:
        raise ProjectError(gettext("发表或上市日期：请填写"))
    today = timezone.localdate()
    if not EARLIEST <= dated_on <= today:
        raise ProjectError(
            gettext("发表或上市日期：%(date)s 应在 2000-01-01 至今天（%(today)s）之间")
            % {"date": f"{dated_on:%Y-%m-%d}", "today": f"{today:%Y-%m-%d}"}
        )
    if dated_on < project.started_on:
        raise ProjectError(
            gettext("发表或上市日期：%(date)s 早于项目开始日期 %(start)s，不是本项目的产出")
            % {"date": f"{dated_on:%Y-%m-%d}", "start": f"{project.started_on:%Y-%m-%d}"}
        )
    with transaction.atomic():
        Project.objects.select_for_update().filter(pk=project.pk).first()  # one recording at a time
        _duplicate(project, kind, title, evidence)
        return ProjectOutput.objects.create(
            project=project, kind=kind, title=title, dated_on=dated_on, evidence=evidence, recorded_by=by
        )


def _refuse_taken_back(output: ProjectOutput) -> None:
    from kechuang.projects.services import ProjectError

    if output.state == "withdrawn":
        raise ProjectError(
            gettext("「%(title)s」已于 %(date)s 撤回")
            % {"title": output.title, "date": f"{output.withdrawn_on:%Y-%m-%d}"}
        )
    if output.state == "rejected":
        raise ProjectError(
            gettext("「%(title)s」已于 %(date)s 退回（未通过核验：%(reason)s）")
            % {"title": output.title, "date": f"{output.rejected_on:%Y-%m-%d}", "reason": output.rejection}
        )


def withdraw(output: ProjectOutput, by, on: dt.date | None = None) -> ProjectOutput:
    """The holder takes back a mistaken entry; ProjectError once it is verified, withdrawn or
    rejected. A withdrawn output stays on the project's list (已撤回) and is not counted."""
    from kechuang.projects.services import ProjectError

    _refuse_taken_back(output)
    if output.verified:
        raise ProjectError(
            gettext("「%(title)s」已于 %(date)s 核验，不能撤回；如登记有误，请联系科技局退回")
            % {"title": output.title, "date": f"{output.verified_on:%Y-%m-%d}"}
        )
    output.withdrawn_on = on or timezone.localdate()
    output.save()
    return output


def reject(output: ProjectOutput, reason: str, by, on: dt.date | None = None) -> ProjectOutput:
    """The programme officer refuses an output (a duplicate, evidence that does not hold), also one
    verified before: it is no longer counted and shows 未通过核验 with ``reason``; ProjectError without
    a reason, or when it is already withdrawn or rejected."""
    from kechuang.projects.services import ProjectError

    reason = (reason or "").strip()
    if not reason:
        raise ProjectError(gettext("未通过原因：请填写，承担单位将看到此原因"))
    if len(reason) > 300:
        raise ProjectError(gettext("未通过原因：不超过 300 字"))
    _refuse_taken_back(output)
    output.verified, output.verified_by, output.verified_on = False, None, None
    output.rejected_by, output.rejected_on, output.rejection = by, on or timezone.localdate(), reason
    output.save()
    return output


def verify(output: ProjectOutput, by, on: dt.date | None = None) -> ProjectOutput:
    """The programme officer confirms the evidence; ProjectError when it is already verified."""
    from kechuang.projects.services import ProjectError

    _refuse_taken_back(output)
    if output.verified:
        raise ProjectError(
            gettext("「%(title)s」已于 %(date)s 核验")
            % {"title": output.title, "date": f"{output.verified_on:%Y-%m-%d}"}
        )
    output.verified, output.verified_by, output.verified_on = True, by, on or timezone.localdate()
    output.save()
    return output


def verified_counts(projects) -> dict[int, dict[str, int]]:
    """project pk → {"papers", "products"}: its verified outputs of each kind (every project given,
    zero when it has none); one query."""
    counts = {p.pk: dict.fromkeys(KINDS.values(), 0) for p in projects}
    rows = (
        ProjectOutput.objects.filter(LIVE, project__in=list(counts), verified=True)
        .values("project_id")
        .annotate(**{col: Count("pk", filter=Q(kind=kind)) for kind, col in KINDS.items()})
    )
    for r in rows:
        counts[r["project_id"]] = {col: r[col] for col in KINDS.values()}
    return counts
