"""Who may take a decision step now, and on which row — shared by the pages and the API so that both
answer alike: the carrier a user may withdraw or restore (摘牌 / 恢复认定), the steps a user may take
on a talent application, and the 回避声明 a user may read. Who may take each step is kechuang.access's
(policy resources carrier_withdrawal, talent_recommend, talent_score, talent_decide); this module only
adds the workflow state and finds the row (404 outside the user's scope)."""

from __future__ import annotations

from django.shortcuts import get_object_or_404

from kechuang import access
from kechuang.carriers import services
from kechuang.carriers.models import Carrier, TalentApplication, TalentConflict
from kechuang.carriers.vocabulary import TalentRoute, TalentStatus

SCORING = (TalentStatus.RECOMMENDED, TalentStatus.SCORED)


def carrier_to_decide(user, code: str) -> Carrier:
    """The carrier whose recognition this user may withdraw or restore: AccessDenied (403) for a role
    that may not, 404 for a carrier outside the user's view."""
    access.scoped(user, "carrier_withdrawal", Carrier.objects.none(), "change")
    return get_object_or_404(access.visible(user, "carrier", Carrier.objects.all()), code=code)


def talent_actions(user, app: TalentApplication, declared: TalentConflict | None) -> list[str]:
    """The workflow steps this user may take on this application now. ``declared`` is the user's own
    回避声明 on it (services.declaration) or None."""
    if not access.can_change(user, "talent_application", app):
        return []
    out = []
    if access.can_change(user, "talent_recommend", app) and app.status == TalentStatus.SUBMITTED:
        out.append("recommend")
    if access.can_change(user, "talent_score", app) and app.status in SCORING:
        if declared is None:
            out += ["declare_none", "declare_conflict"]
        elif services.may_score(app, user, declared):
            out.append("score")
    if access.can_change(user, "talent_decide", app):
        if app.route == TalentRoute.EXPERT:  # run (or run again) the 专家评定 template over the cohort
            out.append("evaluate")
        if services.may_decide(app):  # not offered when the decision would be refused
            out += ["approve", "reject"]
        if app.status != TalentStatus.REVOKED:
            out.append("revoke")
    return out


def application_to_act_on(user, pk: int) -> TalentApplication:
    """A talent application the user may act on (404 outside its change scope)."""
    qs = access.scoped(user, "talent_application", TalentApplication.objects.all(), "change")
    return get_object_or_404(qs, pk=pk)


def may_read_declarations(user, app: TalentApplication) -> bool:
    """Every expert's 回避声明 on an application is the deciding bureau's to read."""
    return access.can_change(user, "talent_decide", app)


def declarations(app: TalentApplication):
    return app.declarations.select_related("expert").order_by("declared_at", "pk")
