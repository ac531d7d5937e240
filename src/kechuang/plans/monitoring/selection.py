"""Which plan, region and year a page or API request is about, among what the user may see.

Shared by the monitoring pages and the API; every scope question goes to kechuang.access.
"""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext as _

from kechuang import access
from kechuang.plans.models import Observation, Plan
from kechuang.plans.services import DEFAULT_PLAN
from kechuang.regions import region_lookup, region_names


def plan_for(user, code: str | None = None) -> Plan:
    """The plan the user asked for (default: the Dongguan plan), among the plans they may see."""
    access.deny_unless(access.can_view(user, "plan"))
    plans = access.visible(user, "plan", Plan.objects.all())
    plan = plans.filter(code=code).first() if code else None
    if not code:
        plan = plans.filter(code=DEFAULT_PLAN).first() or plans.order_by("id").first()
    if plan is None:
        raise Http404(_("未找到规划：请先运行 kechuang plan load 或 kechuang demo"))
    return plan


def visible_observations(user, plan: Plan):
    return access.visible(user, "observation", Observation.objects.filter(indicator__plan=plan))


def region_choices(user, plan: Plan) -> list[tuple[str, str]]:
    """(code, name) of the city and of the regions with observations the user may see; city first."""
    latest = visible_observations(user, plan).filter(is_latest=True).order_by()
    codes = set(latest.values_list("region_code", flat=True).distinct()) | {plan.region_code}
    names = region_names()
    return [(c, names.get(c, c)) for c in sorted(codes, key=lambda c: (c != plan.region_code, c))]


def resolve_region(user, plan: Plan, text: str | None, choices: list[tuple[str, str]]) -> str:
    """A region name or code from the request → its code, if the user may see its data (a region
    without any data is added to ``choices``)."""
    if not text:
        return plan.region_code
    code = region_lookup().get(text.strip())
    if code is None:
        raise Http404(_("未知地区"))
    if code in dict(choices):
        return code
    if Observation.objects.filter(indicator__plan=plan, region_code=code).exists():
        raise access.AccessDenied(_("无权查看该地区的数据"))
    # A region of the user's scope that nobody has reported for yet: the page says there are no
    # data (a link from the town list must not end in an error). It joins the choices to be named.
    if not access.could_view(user, "observation", Observation(region_code=code)):
        raise access.AccessDenied(_("无权查看该地区的数据"))
    choices.append((code, region_names().get(code, code)))
    return code
