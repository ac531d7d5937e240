"""The bureau's portfolio of major projects (by class, mode, field, town; 补改投 stakes, exits and
money returned; the outcomes the transfer module records) and the 补改投 actions on a project."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kechuang import access
from kechuang.projects import evaluation, services, stakes
from kechuang.projects.forms import ExitForm, StakeForm, ValuationForm
from kechuang.projects.models import Project, Stake

KINDS = ("licences", "achievements", "patents", "contracts")
PRODUCED = ("papers", "products")  # counts of the project's verified outputs (projects.outputs)


@login_required
def portfolio(request):
    data = stakes.portfolio_for(request.user)  # 403 without the oversight right
    held, found, rows = data["projects"], data["outcomes"], data["stakes"]
    _grades_shown(data["portfolio"])
    outcome_rows = [
        {"project": p, **found[p.pk]} for p in held if any(found[p.pk][k] for k in KINDS + PRODUCED)
    ]
    context = {
        "portfolio": data["portfolio"],
        "stakes": rows,
        "totals": stakes.totals(rows),
        "outcomes": outcome_rows,
        "outcome_counts": {
            **{k: sum(len(r[k]) for r in outcome_rows) for k in KINDS},
            **{k: sum(r[k] for r in outcome_rows) for k in PRODUCED},
            "contract_amount": sum(r["contract_amount"] for r in outcome_rows),
        },
    }
    return render(request, "projects/portfolio.html", context)


def _grades_shown(portfolio: dict) -> None:
    """The grades (stored in Chinese: 优秀 …) of the totals and each group, in the interface's language."""
    label = evaluation.shipped().grade_label
    portfolio["grades"] = [(label(g), n) for g, n in portfolio["grades"]]
    for rows in portfolio["by"].values():
        for r in rows:
            r["grades"] = [(label(g), n) for g, n in r["grades"]]


def stake_context(request, project: Project) -> dict:
    """The 补改投 part of a project's page: the stake's position, and the forms for the bureau."""
    stake = getattr(project, "stake", None)
    oversight = access.can_change(request.user, "project_oversight")
    row = stakes.stake_rows(Stake.objects.filter(pk=stake.pk))[0] if stake else None
    return {
        "stake": row,
        "stake_form": StakeForm(prefix="stake")
        if oversight and not stake and project.stage not in stakes.NOT_CONVERTIBLE
        else None,
        "valuation_form": ValuationForm(prefix="val") if oversight and stake else None,
        "exit_form": ExitForm(prefix="exit") if oversight and row and row["held_share"] > 0 else None,
        "valuations": stake.valuations.all() if stake else [],
        "exits": stake.exits.all() if stake else [],
    }


@login_required
@require_POST
def stake_action(request, pk: int):
    """Convert the grant, add a valuation or record an exit (the bureau's programme officers)."""
    access.scoped(request.user, "project_oversight", Project.objects.none(), "change")
    project = get_object_or_404(access.visible(request.user, "major_project", Project.objects.all()), pk=pk)
    action = request.POST.get("action")
    forms = {"convert": (StakeForm, "stake"), "valuation": (ValuationForm, "val"), "exit": (ExitForm, "exit")}
    if action not in forms:
        messages.error(request, _("未知的操作"))
        return HttpResponseRedirect(project.get_absolute_url())
    form_class, prefix = forms[action]
    form = form_class(request.POST, prefix=prefix)
    if not form.is_valid():
        problems = "；".join(
            f"{form.fields[f].label}：{'、'.join(e)}" for f, e in form.errors.items() if f in form.fields
        )
        messages.error(request, _("未保存：%(why)s") % {"why": problems or form.non_field_errors()})
        return HttpResponseRedirect(project.get_absolute_url() + "#stake")
    try:
        if action == "convert":
            stakes.convert(project, **form.values())
            messages.success(request, _("已转为股权投资（补改投）"))
        elif not hasattr(project, "stake"):
            messages.error(request, _("该项目尚未转为股权投资"))
        elif action == "valuation":
            stakes.add_valuation(project.stake, **form.cleaned_data)
            messages.success(request, _("估值已登记"))
        else:
            stakes.record_exit(project.stake, **form.values())
            messages.success(request, _("退出已登记，退出所得计入基金回收"))
    except services.ProjectError as exc:
        messages.error(request, str(exc))
    return HttpResponseRedirect(project.get_absolute_url() + "#stake")
