"""伦理审查 (issue 12 §4): the registry of ethics committees, the check an approval must pass, and the
sensitive-field projects still without an approval.

An approval names a registered committee by its 备案号; the committee's registration must be valid on
the approval date (``valid_until`` on or after it) and cover the project's field — otherwise a Chinese
ProjectError naming what is wrong. Funds of a project in a listed field (vocabulary.ETHICS_FIELDS) wait
for an approval (services.ethics_missing, the tranche release's check).

An approval counts only when its committee's registration was valid on its date (``COUNTS``): an
approval from a committee whose validity ended before it does not release funds, and the committees made from
earlier free-text approvals (migration 0007) have none (有效期待补录) until the bureau fills it on the
committee page, and their approvals do not release funds until then (docs/decisions/0031).
"""

from __future__ import annotations

import datetime as dt

from django.db.models import F, Q
from django.utils.translation import gettext as _

from kechuang.projects.models import EthicsApproval, EthicsCommittee, Project
from kechuang.projects.vocabulary import ETHICS_FIELDS, Stage, field_label


def committee_for(project: Project, registration: str, approved_on: dt.date) -> EthicsCommittee:
    """The registered committee with this 备案号 that may approve ``project`` on ``approved_on``;
    ProjectError (Chinese, naming the field) otherwise."""
    from kechuang.projects.services import ProjectError

    registration = (registration or "").strip()
    committee = EthicsCommittee.objects.filter(registration=registration).first()
    if committee is None:
        raise ProjectError(
            _("委员会备案号「%(r)s」未在伦理委员会名录中登记，请先由科技局登记该委员会") % {"r": registration}
        )
    if committee.valid_until is None:
        raise ProjectError(
            _("伦理委员会「%(c)s」的备案有效期未登记，请先在伦理委员会名录中补录") % {"c": committee.name}
        )
    if committee.valid_until < approved_on:
        raise ProjectError(
            _("伦理委员会「%(c)s」的备案有效期至 %(until)s，批准日期 %(on)s 时已失效")
            % {
                "c": committee.name,
                "until": f"{committee.valid_until:%Y-%m-%d}",
                "on": f"{approved_on:%Y-%m-%d}",
            }
        )
    field = project.application.call.field
    if field not in (committee.fields or []):
        raise ProjectError(
            _("伦理委员会「%(c)s」的审查领域不含「%(f)s」（可审查：%(fields)s）")
            % {
                "c": committee.name,
                "f": field_label(field),
                "fields": _("、").join(field_label(f) for f in committee.fields or []) or "—",
            }
        )
    return committee


# an approval that counts for releasing funds: from a registered committee whose registration was
# valid on the approval's date (a validity filled later that ended before it does not count either)
COUNTS = Q(registered_committee__valid_until__gte=F("approved_on"))
# an approval waiting for its committee's validity to be filled (有效期待补录)
UNKNOWN_VALIDITY = Q(registered_committee__valid_until__isnull=True)


def validity_unknown(approval: EthicsApproval) -> bool:
    """``UNKNOWN_VALIDITY`` for one approval already read (with its committee)."""
    return approval.registered_committee is None or approval.registered_committee.valid_until is None


def missing_approval(projects=None):
    """Projects running or in acceptance in a listed field without an ethics approval that counts
    (``COUNTS``; their funds are held), oldest first; ``projects`` narrows the rows (the reader's scope)."""
    rows = Project.objects.all() if projects is None else projects
    counted = EthicsApproval.objects.filter(COUNTS).values("project_id")
    return (
        rows.filter(
            stage__in=[Stage.RUNNING, Stage.ACCEPTANCE],
            application__call__field__in=ETHICS_FIELDS,
        )
        .exclude(pk__in=counted)
        .select_related("application__call", "applicant")
        .order_by("started_on", "code")
    )


def pending_validity(projects=None):
    """The approvals of the projects ``missing_approval`` lists that wait only for their committee's
    validity to be filled (有效期待补录), with project and committee, oldest project first."""
    return (
        EthicsApproval.objects.filter(project__in=missing_approval(projects))
        .filter(UNKNOWN_VALIDITY)
        .select_related("project", "registered_committee")
        .order_by("project__started_on", "project__code", "pk")
    )


def committees(on: dt.date):
    """Every registered committee with its approvals counted and whether its registration is valid
    on ``on`` (``state``: valid / expired / unknown)."""
    from django.db.models import Count

    out = []
    for c in EthicsCommittee.objects.annotate(n=Count("approvals")).order_by("name", "registration"):
        c.field_labels = [field_label(f) for f in c.fields or []]
        c.state = "unknown" if c.valid_until is None else ("valid" if c.valid_until >= on else "expired")
        out.append(c)
    return out
