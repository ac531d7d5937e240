"""An operator keeps its own carrier's data: the incubated enterprises of an incubator (add, edit,
remove; linked to the enterprise registry by 统一社会信用代码) and the yearly values of an
institution's 「一院一策」 targets. Which carriers a user keeps is kechuang.access's (carrier_upkeep);
the services are carriers.upkeep's, as the API's."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from kechuang import access
from kechuang.carriers import upkeep
from kechuang.carriers.models import Carrier
from kechuang.carriers.views import named, named_refusal
from kechuang.carriers.vocabulary import INCUBATION_KINDS, ExitReason
from kechuang.enterprises.models import Enterprise


def _kept_carrier(request, code: str) -> Carrier:
    qs = access.scoped(request.user, "carrier_upkeep", Carrier.objects.all(), "change")
    return get_object_or_404(qs, code=code)


@login_required
@require_http_methods(["GET", "POST"])
def incubated(request, code: str):
    carrier = _kept_carrier(request, code)
    add_values: dict = {}
    if request.method == "POST":
        action, post = request.POST.get("action"), request.POST
        try:
            if action == "add":
                add_values = post
                link = upkeep.add_incubated(
                    carrier,
                    post.get("credit_code", ""),
                    post.get("entered_year"),
                    post.get("graduated_year"),
                    bool(post.get("invested")),
                    post.get("invested_year"),
                )
                messages.success(request, named(_("已添加在孵企业：%(n)s"), n=link.enterprise.name))
            elif action in ("edit", "leave", "undo_exit"):
                link = upkeep.find_incubated(carrier, post.get("credit_code", ""))
                if link is None:
                    raise ValidationError(_("该企业不是本载体的在孵企业"))
                if action == "edit":
                    invested, invested_year = bool(post.get("invested")), post.get("invested_year")
                    if link.invested and not invested:  # unticked: the year box still shows the old year
                        invested_year = None  # no longer invested clears the year (as the service)
                    upkeep.edit_incubated(
                        link,
                        entered_year=post.get("entered_year"),
                        graduated_year=post.get("graduated_year"),
                        invested=invested,
                        invested_year=invested_year,
                    )
                    messages.success(request, named(_("已保存：%(n)s"), n=link.enterprise.name))
                elif action == "undo_exit":
                    upkeep.undo_exit(link)
                    messages.success(request, named(_("已撤销退出：%(n)s"), n=link.enterprise.name))
                else:
                    upkeep.leave_incubated(link, post.get("exit_reason", ""), post.get("left_on"))
                    messages.success(
                        request,
                        named(
                            _("已登记退出：%(n)s（%(r)s，%(d)s）"),
                            n=link.enterprise.name,
                            r=link.get_exit_reason_display(),
                            d=link.left_on,
                        ),
                    )
            else:
                raise ValidationError(_("未知的操作"))
        except ValidationError as exc:
            code = (post.get("credit_code") or "").strip().upper()
            name = Enterprise.objects.filter(credit_code=code).values_list("name", flat=True).first()
            messages.error(request, named_refusal(exc.messages, name))
            if action != "add":
                return redirect("carriers:incubated", code=carrier.code)
        else:
            return redirect("carriers:incubated", code=carrier.code)
    return render(
        request,
        "carriers/incubated.html",
        {
            "carrier": carrier,
            "rows": upkeep.incubated(carrier)
            .filter(left_on__isnull=True)
            .order_by("graduated_year", "-entered_year", "pk"),
            "former": upkeep.incubated(carrier).filter(left_on__isnull=False).order_by("-left_on", "pk"),
            "exit_reasons": ExitReason.choices,
            "today": timezone.localdate(),
            "is_incubator": carrier.kind in INCUBATION_KINDS,
            "add": add_values,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def targets(request, code: str):
    carrier = _kept_carrier(request, code)
    try:
        year = int(request.POST.get("year") or request.GET.get("year") or timezone.localdate().year - 1)
    except ValueError:
        year = timezone.localdate().year - 1
    typed: dict = {}
    if request.method == "POST":
        typed = {k[2:]: v for k, v in request.POST.items() if k.startswith("v_")}
        try:
            upkeep.report_target_values(carrier, year, typed, correct=bool(request.POST.get("correct")))
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, _("%(y)s 年「一院一策」目标实际值已保存") % {"y": year})
            return redirect(f"{carrier.get_absolute_url()}?year={year}")
    rows = upkeep.target_rows(carrier, year)
    for r in rows:
        r["typed"] = typed.get(r["target"].code, "" if r["value"] is None else f"{r['value']:g}")
    return render(request, "carriers/targets.html", {"carrier": carrier, "year": year, "rows": rows})


urlpatterns = [
    path("c/<str:code>/incubated/", incubated, name="incubated"),
    path("c/<str:code>/targets/", targets, name="targets"),
]
