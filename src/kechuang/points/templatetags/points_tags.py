"""{% points_block credit_code %}: the enterprise's latest stored points and a link to its portrait,
for the enterprise page (only for users who may see that enterprise's points)."""

from __future__ import annotations

from django import template

from kechuang import access
from kechuang.points import vocabulary as words
from kechuang.points.models import PointsScore
from kechuang.points.services import version_model

register = template.Library()


@register.inclusion_tag("points/_enterprise_block.html", takes_context=True)
def points_block(context, credit_code: str) -> dict:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not access.can_view(user, "points"):
        return {"show": False}
    rows = access.visible(
        user, "points", PointsScore.objects.filter(credit_code=credit_code, run__superseded=False)
    )
    score = rows.select_related("version__model").order_by("-year", "-run__started_at").first()
    if score is None:
        return {"show": True, "credit_code": credit_code, "score": None}
    n = words.names(version_model(score.version))
    return {
        "show": True,
        "credit_code": credit_code,
        "score": score,
        "sample": score.version.model.is_sample,
        "stage": n["stage"].get(score.stage, ""),
        "tier": n["tier"].get(score.tier, ""),
        "excluded": n["excluded"].get(score.excluded, ""),
    }
