"""Matching demands and scenarios with achievements (both ways), with the shared terms; matches with a
technology manager moving them along (contacted → negotiating → signed)."""

from __future__ import annotations

import polars as pl
from django.db import transaction
from django.utils.translation import gettext as _

from kechuang import access
from kechuang.transfer import vocabulary as v
from kechuang.transfer.models import Achievement, Demand, Match, Scenario
from kechuang.transfer.services.achievements import achievement_frame


class MatchError(Exception):
    pass


_INDEX: dict = {}


def _index(frame: pl.DataFrame, key=None):
    """The engine's index of a frame (kept for the published library while it is unchanged)."""
    from kechuang.engine.transfer.match import MatchIndex

    if key is None:
        return MatchIndex(frame)
    if _INDEX.get("key") != key:
        _INDEX.clear()
        _INDEX.update(key=key, index=MatchIndex(frame))
    return _INDEX["index"]


def _library_key():
    from django.db.models import Count, Max

    published = Achievement.objects.filter(status=v.AchievementStatus.PUBLISHED)
    agg = published.aggregate(n=Count("pk"), last=Max("updated_at"))
    return (agg["n"], agg["last"])


def rank_achievements(
    text: str, frame: pl.DataFrame, field: str | None = None, top: int = 10, key=None
) -> list[dict]:
    """[{achievement (code), title, score, terms}] best first, by the engine's matcher (BM25 over
    jieba tokens with field and readiness; kechuang.engine.transfer.match)."""
    if frame.is_empty() or not text.strip():
        return []
    try:
        return _index(frame, key).search(text, field=field or None, top=top)
    except ValueError:  # an unknown field
        return []


def achievements_for_demand(user, demand: Demand, top: int = 10) -> list[dict]:
    """The published achievements that best fit a demand, with the achievement rows attached (none
    for a closed demand: it has left the matching)."""
    if demand.status == v.DemandStatus.CLOSED:
        return []
    ranked = rank_achievements(
        f"{demand.title}。{demand.text}",
        achievement_frame(),
        field=demand.field or None,
        top=top,
        key=_library_key(),
    )
    rows = {
        a.code: a
        for a in Achievement.objects.filter(
            status=v.AchievementStatus.PUBLISHED, code__in=[r["achievement"] for r in ranked]
        ).select_related("institution")
    }
    out = []
    for r in ranked:
        a = rows.get(r["achievement"])
        if a is not None and (demand.min_trl is None or a.trl >= demand.min_trl):
            out.append({**r, "object": a})
    return out


def achievements_for_scenario(scenario: Scenario, top: int = 3) -> list[dict]:
    """The published achievements that best fit a scenario (the scenario → achievement direction)."""
    return rank_achievements(
        f"{scenario.title}。{scenario.description}",
        achievement_frame(),
        field=scenario.field or None,
        top=top,
        key=_library_key(),
    )


def demands_for(user, achievement: Achievement, top: int = 5) -> list[dict]:
    """Open demands (and selected scenarios) that this achievement could answer, with shared terms:
    the achievement → demand direction (ranked by the same matcher over one document)."""
    if not access.can_view(user, "demand"):
        return []
    frame = achievement_frame(Achievement.objects.filter(pk=achievement.pk), published_only=False)
    demands = list(
        access.visible(user, "demand", Demand.objects.filter(status=v.DemandStatus.OPEN)).order_by(
            "-posted_at"
        )[:500]
    )
    scenarios = list(Scenario.objects.filter(selected=True).select_related("scenario_list")[:200])
    out = []
    for d in demands:
        r = rank_achievements(f"{d.title}。{d.text}", frame, top=1)
        if r:
            out.append(
                {
                    "type": "demand",
                    "kind": _("需求"),
                    "object": d,
                    "score": r[0]["score"],
                    "terms": r[0]["terms"],
                }
            )
    for s in scenarios:
        r = rank_achievements(f"{s.title}。{s.description}", frame, top=1)
        if r:
            out.append(
                {
                    "type": "scenario",
                    "kind": _("场景"),
                    "object": s,
                    "score": r[0]["score"],
                    "terms": r[0]["terms"],
                }
            )
    out.sort(key=lambda x: -x["score"])
    return out[:top]


@transaction.atomic
def close_demand(demand: Demand, reason: str) -> Demand:
    """The enterprise closes its demand (with a reason): it leaves the matching — no ranking, no new
    match — and its matches not yet signed are dropped with the reason as their note."""
    from django.utils import timezone

    reason = reason.strip()
    if not reason:
        raise MatchError(_("请写明关闭原因"))
    if demand.status == v.DemandStatus.CLOSED:
        raise MatchError(_("该需求已关闭"))
    demand.status = v.DemandStatus.CLOSED
    demand.closed_reason = reason[:500]
    demand.closed_at = timezone.now()
    demand.save()
    note = _("需求已关闭：%(r)s") % {"r": reason}
    for m in demand.matches.exclude(state__in=(v.MatchState.SIGNED, v.MatchState.DROPPED)):
        m.state, m.note = v.MatchState.DROPPED, note[:500]
        m.save()  # audited, one by one
    return demand


@transaction.atomic
def propose(
    demand: Demand | None, achievement: Achievement, score: float, terms: list[str], scenario=None
) -> Match:
    """A match (or the existing one for the same pair); never for a closed demand."""
    if demand is not None and demand.status == v.DemandStatus.CLOSED:
        raise MatchError(_("该需求已关闭，不再对接"))
    match, _created = Match.objects.get_or_create(
        demand=demand,
        scenario=scenario,
        achievement=achievement,
        defaults={
            "institution_id": achievement.institution_id,
            "enterprise_code": demand.credit_code if demand else "",
            "score": score,
            "terms": list(terms),
        },
    )
    return match


def advance(match: Match, to: str, licence=None, contract=None, note: str = "") -> Match:
    """Move a match one step (or drop it); signing needs the licence or the contract."""
    if to == v.MatchState.DROPPED:
        if match.state == v.MatchState.SIGNED:
            raise MatchError(_("已签约的对接不能放弃"))
    elif v.MATCH_NEXT.get(match.state) != to:
        raise MatchError(
            _("不能从「%(a)s」变为「%(b)s」：须按 待对接 → 已联系 → 洽谈中 → 已签约 的顺序")
            % {"a": match.get_state_display(), "b": v.MatchState(to).label}
        )
    if to == v.MatchState.SIGNED and licence is None and contract is None:
        raise MatchError(_("签约须关联许可合同或技术合同"))
    match.state = to
    match.licence = licence or match.licence
    match.contract = contract or match.contract
    if note:
        match.note = note
    match.save()
    return match
