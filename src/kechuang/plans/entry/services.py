"""Data entry by departments and towns: what a user may write, single values, uploads, batches.

Every scope question goes to kechuang.access; this module only asks it for each (indicator, region)
pair and turns the answers into the choices a form or an Excel template offers.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.db.models import Count, Q

from kechuang import access
from kechuang.plans.models import Indicator, Observation, ObservationBatch, Plan
from kechuang.plans.observations import enter_value
from kechuang.regions import CITY_CODE, region_names

UPLOAD_SUFFIXES = (".csv", ".xlsx")


@dataclass(frozen=True)
class Writable:
    """What a user may write: indicators (plan order) and regions (city first), and the exact pairs."""

    indicators: list[Indicator]
    regions: list[tuple[str, str]]  # (code, name)
    pairs: frozenset[tuple[str, str]]  # (indicator code, region code)

    def allows(self, indicator_code: str, region_code: str) -> bool:
        return (indicator_code, region_code) in self.pairs


def writable(user, plan: Plan) -> Writable:
    """The indicators and regions this user may enter values for (asked of access, pair by pair)."""
    names = region_names()
    codes = [CITY_CODE] + sorted(c for c in names if c != CITY_CODE)
    pairs = set()
    indicators = []
    for ind in Indicator.objects.filter(plan=plan, active=True).order_by("seq"):
        ok = [
            r
            for r in codes
            if access.can_create(user, "observation", Observation(indicator=ind, region_code=r))
        ]
        if ok:
            indicators.append(ind)
            pairs.update((ind.code, r) for r in ok)
    region_set = {r for _, r in pairs}
    regions = [(r, names[r]) for r in codes if r in region_set]
    return Writable(indicators, regions, frozenset(pairs))


def previous_value(user, plan: Plan, indicator_code: str, region_code: str, year: int) -> Observation | None:
    """The latest revision already stored for this indicator, region and year (if the user may see it)."""
    rows = Observation.objects.filter(
        indicator__plan=plan,
        indicator__code=indicator_code,
        region_code=region_code,
        year=year,
        is_latest=True,
    ).select_related("indicator")
    return access.visible(user, "observation", rows).first()


def enter(
    user, plan: Plan, indicator: Indicator, region_code: str, year: int, value: float, source: str, note: str
):
    """One value from the web form (raises ObservationImportError with the row's problems)."""
    return enter_value(plan, user, indicator, region_code, year, value, source, note)


def suffix_ok(name: str) -> bool:
    return Path(name or "").suffix.lower() in UPLOAD_SUFFIXES


# ---------------------------------------------------------------- batches


def visible_batches(user):
    """Upload batches this user may see, newest first, with how many values each wrote."""
    batches = ObservationBatch.objects.select_related("uploaded_by").annotate(
        written=Count("observation"),
        simulated=Count("observation", filter=Q(observation__simulated=True)),
    )
    return access.visible(user, "observation_batch", batches).order_by("-uploaded_at", "-id")


@dataclass
class BatchSummary:
    batch: ObservationBatch
    created: int
    revised: int
    unchanged: int
    rows: list[dict]


def batch_summary(user, batch: ObservationBatch) -> BatchSummary:
    """What a batch wrote: each value (with the value it replaced, for revisions) and the counts."""
    written = list(
        access.visible(user, "observation", Observation.objects.filter(batch=batch))
        .select_related("indicator")
        .order_by("indicator__seq", "region_code", "year")
    )
    previous = {}
    revised_keys = [o for o in written if o.revision > 1]
    if revised_keys:
        q = Q()
        for o in revised_keys:
            q |= Q(
                indicator_id=o.indicator_id, region_code=o.region_code, year=o.year, revision=o.revision - 1
            )
        previous = {(p.indicator_id, p.region_code, p.year): p for p in Observation.objects.filter(q)}
    names = region_names()
    rows = []
    for o in written:
        before = previous.get((o.indicator_id, o.region_code, o.year))
        rows.append(
            {
                "obs": o,
                "region_name": names.get(o.region_code, o.region_code),
                "previous": before,
            }
        )
    # Counted over the whole batch (not only the rows shown) so that the counts add up to its rows.
    counts = Observation.objects.filter(batch=batch).aggregate(
        created=Count("id", filter=Q(revision=1)), revised=Count("id", filter=Q(revision__gt=1))
    )
    unchanged = max(batch.rows - counts["created"] - counts["revised"], 0)
    return BatchSummary(batch, counts["created"], counts["revised"], unchanged, rows)


def recent_entries(user, plan: Plan, limit: int = 10):
    """The values this user entered most recently (latest first)."""
    rows = Observation.objects.filter(indicator__plan=plan, entered_by=user).select_related(
        "indicator", "batch"
    )
    out = list(access.visible(user, "observation", rows).order_by("-entered_at", "-id")[:limit])
    names = region_names()
    for o in out:
        o.region_name = names.get(o.region_code, o.region_code)
    return out
