"""The module's home page (成果转化): what this user may open, with counts and the licence warnings."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import path

from kechuang import access
from kechuang.transfer.models import Achievement, Demand, Licence, Match, TechContract, TransferCase
from kechuang.transfer.services import licences

SECTIONS = (  # (resource, URL name, model)
    ("achievement", "transfer:achievements", Achievement),
    ("transfer_licence", "transfer:licences", Licence),
    ("tech_contract", "transfer:contracts", TechContract),
    ("transfer_case", "transfer:cases", TransferCase),
    ("demand", "transfer:demands", Demand),
    ("transfer_match", "transfer:matches", Match),
)


@login_required
def home(request):
    user = request.user
    access.scoped(user, "transfer", Achievement.objects.none())
    counts = {
        resource: access.visible(user, resource, model.objects.all()).count()
        for resource, _url, model in SECTIONS
        if access.can_view(user, resource)
    }
    warnings = []
    if access.can_view(user, "transfer_licence"):
        warnings = licences.warnings_for(access.visible(user, "transfer_licence", Licence.objects.all()))
    return render(
        request,
        "transfer/home.html",
        {
            "counts": counts,
            "warnings": warnings,
            "may": {r: access.can_view(user, r) for r in ("scenario", "income_policy", "tech_contract")},
            "may_change": {
                r: access.can_change(user, r)
                for r in ("achievement", "transfer_licence", "demand", "income_policy")
            },
        },
    )


urlpatterns = [path("", home, name="home")]
