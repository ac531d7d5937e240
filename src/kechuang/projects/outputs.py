"""项目产出 (issue 12 §3): the papers and products a project produced, recorded by its holder on the
project page or through the API, verified by the programme officer; the portfolio counts the verified
ones per project (``verified_counts``) beside the patents, licences and contracts of the transfer module.

Each refusal is a Chinese ProjectError naming the field; nothing is written on bad input.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext

from kechuang.projects.models import OutputKind, Project, ProjectOutput

EARLIEST = dt.date(2000, 1, 1)
KINDS = {"paper": "papers", "product": "products"}  # OutputKind → the portfolio's column


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
    return ProjectOutput.objects.create(
        project=project, kind=kind, title=title, dated_on=dated_on, evidence=evidence, recorded_by=by
    )


def verify(output: ProjectOutput, by, on: dt.date | None = None) -> ProjectOutput:
    """The programme officer confirms the evidence; ProjectError when it is already verified."""
    from kechuang.projects.services import ProjectError

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
        ProjectOutput.objects.filter(project__in=list(counts), verified=True)
        .values("project_id")
        .annotate(**{col: Count("pk", filter=Q(kind=kind)) for kind, col in KINDS.items()})
    )
    for r in rows:
        counts[r["project_id"]] = {col: r[col] for col in KINDS.values()}
    return counts
