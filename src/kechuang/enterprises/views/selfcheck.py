"""Self-check (资格自测): change the year-Y figures and see the verdicts — nothing is saved.

An 企业用户 sees only its own enterprise; bureau staff (and anyone else who may see enterprises) pass
?code= for an enterprise within their scope.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render
from django.urls import path
from django.views.decorators.http import require_http_methods

from kechuang.engine.years import parse_year
from kechuang.enterprises import portrait
from kechuang.enterprises.forms import SelfCheckForm
from kechuang.enterprises.models import Fact
from kechuang.enterprises.qualification import latest_year, verdicts
from kechuang.enterprises.views.registry import scoped


def _year(request, years: list[int]) -> int:
    year = parse_year(request.POST.get("year") or request.GET.get("year"))
    return year or (years[-1] if years else latest_year())


@login_required
@require_http_methods(["GET", "POST"])
def selfcheck(request):
    visible = scoped(request)
    code = (request.GET.get("code") or "").strip().upper()
    if code:
        enterprise = get_object_or_404(visible, credit_code=code)
    else:
        first_two = list(visible.order_by("pk")[:2])
        if len(first_two) != 1:  # staff without ?code=, or an enterprise user whose row is missing
            return render(request, "enterprises/selfcheck.html", {"enterprise": None, "none": not first_two})
        enterprise = first_two[0]
    years = list(Fact.objects.filter(enterprise=enterprise).order_by("year").values_list("year", flat=True))
    year = _year(request, years)
    stored = portrait.present(verdicts(enterprise, year))
    whatif, changed = None, []
    if request.method == "POST":
        form = SelfCheckForm(request.POST)
        if form.is_valid():
            initial = SelfCheckForm.initial_for(enterprise, year)
            overrides = form.overrides()
            changed = [
                {
                    "label": form.fields[k].label,
                    "old": portrait.number(initial.get(k)),
                    "new": portrait.number(v),
                }
                for k, v in overrides.items()
                if initial.get(k) is None or float(initial[k]) != float(v)
            ]
            whatif = portrait.present(verdicts(enterprise, year, overrides=overrides))
    else:
        form = SelfCheckForm(initial=SelfCheckForm.initial_for(enterprise, year))
    comparison = [
        {"name": s["name"], "before": s, "after": (whatif[i] if whatif else None)}
        for i, s in enumerate(stored)
    ]
    return render(
        request,
        "enterprises/selfcheck.html",
        {
            "enterprise": enterprise,
            "form": form,
            "year": year,
            "years": sorted({*years, year}),
            "code_param": code,
            "comparison": comparison,
            "results": whatif or stored,
            "whatif": whatif is not None,
            "changed": changed,
        },
    )


urlpatterns = [path("selfcheck/", selfcheck, name="selfcheck")]
