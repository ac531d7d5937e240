"""What the finance pages share: the year, the scores, the sample banner."""

from __future__ import annotations

from kechuang.engine.years import parse_year
from kechuang.finance.services.scores import scored


def points_year(request) -> int:
    from kechuang.enterprises.qualification import latest_year

    return parse_year(request.GET.get("year") or request.POST.get("year")) or latest_year()


def current_scores(request):
    return scored(points_year(request))


def tabs(user) -> dict:
    from kechuang import access

    return {
        "match": access.can_view(user, "finance_match"),
        "consents": access.can_view(user, "consent"),
        "applications": access.can_view(user, "loan"),
        "validation": access.can_view(user, "validation"),
    }


def page(request, template: str, context: dict, status: int = 200):
    from django.shortcuts import render

    return render(request, template, {"tabs": tabs(request.user), **context}, status=status)
