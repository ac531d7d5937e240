"""One enterprise's page (画像): registry values and yearly facts with their sources, the revision
history, the tier history and every rule set's verdict, ready for a template or the API.

Lineage: a value's source is the latest FactRevision whose new_values holds that field (the upload
that replaced it), else the upload that created the row. Nothing here writes to the database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from kechuang.accounts.departments import department_names
from kechuang.engine.enterprise_labels import (
    CONDITION_STATUS_LABELS,
    ELIGIBILITY_LABELS,
    LEVEL_LABELS,
    OPERATOR_SYMBOLS,
    RULE_LABELS,
    TIER_LABELS,
)
from kechuang.engine.rules.gaps import Verdict, fmt, fmt_en
from kechuang.engine.vocabulary import FACTS_BY_NAME
from kechuang.enterprises import badge, qualification
from kechuang.enterprises.models import (
    FACT_FIELDS,
    REGISTRY_FIELDS,
    Enterprise,
    Fact,
    FactRevision,
    TierRecord,
    Upload,
)
from kechuang.regions import region_names
from kechuang.web.names import column_label, english, localized, tech_field, unit

STATUS = {  # condition status → (label, badge colour)
    code: (_(CONDITION_STATUS_LABELS[code]), colour)
    for code, colour in {"pass": "green", "fail": "red", "missing": "grey", "possible": "yellow"}.items()
}
ELIGIBLE = {  # rule set verdict → (label, badge colour)
    code: (_(ELIGIBILITY_LABELS[code]), colour)
    for code, colour in {"yes": "green", "possible": "yellow", "unknown": "grey", "no": "red"}.items()
}
TIER_BADGE = {
    "lingjun": "green",
    "guishang_gaoqi": "green",
    "gaoqi": "green",
    "kexiao": "yellow",
    "none": "grey",
}
OPS = OPERATOR_SYMBOLS


def tier_label(tier: str | None) -> str:
    return gettext(TIER_LABELS.get(tier or "none", tier or ""))


def field_label(name: str) -> str:
    """What the page calls a registry or fact field, in the interface's language."""
    name = "region" if name == "region_code" else name
    return column_label(name)


def field_unit(name: str) -> str:
    column = FACTS_BY_NAME.get(name)
    return unit(column.unit) if column else ""


def number(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.2f}".rstrip("0").rstrip(".")
    return f"{int(value):,}"


def display(name: str, value: Any) -> str:
    """A stored value as the page shows it (region names, 是/否, institution levels, dates, numbers)."""
    if value is None or value == "":
        return "—"
    if name == "region_code":
        return region_names().get(value, value)
    if name == "rd_institution_level":
        return gettext(LEVEL_LABELS.get(value, value))
    if name == "tech_field":
        return tech_field(value)
    if isinstance(value, bool):
        return str(_("是") if value else _("否"))
    if isinstance(value, date | datetime):
        return value.isoformat()[:10]
    if name == "kexiao_registered_year":
        return str(value)
    if isinstance(value, int | float):
        return number(value)
    return str(value)


@dataclass
class Source:
    upload_id: int
    file_name: str
    kind: str
    department: str
    department_name: str
    uploaded_at: datetime
    uploaded_by: str

    def __str__(self) -> str:
        return f"{self.file_name} · {self.department_name} · {timezone.localtime(self.uploaded_at):%Y-%m-%d %H:%M}"


def sources(upload_ids) -> dict[int, Source]:
    """upload id → Source (two queries whatever the number of uploads)."""
    uploads = list(Upload.objects.filter(pk__in={i for i in upload_ids if i}))
    names = department_names(u.department for u in uploads)
    return {
        u.pk: Source(
            u.pk,
            u.file_name,
            u.get_kind_display(),
            u.department,
            names.get(u.department, u.department),
            u.uploaded_at,
            u.uploaded_by_name,
        )
        for u in uploads
    }


@dataclass
class Portrait:
    enterprise: Enterprise
    year: int
    years: list[int]
    registry: list[dict]
    facts: list[dict]
    fact_years: list[dict]
    history: list[dict]
    tiers: list[dict]
    verdicts: list[dict]
    sources: list[Source]
    registry_source: Source | None = None  # the upload that created the registry row
    facts_source: Source | None = None  # the one upload all years came from, if there is one
    chart: dict = field(default_factory=dict)
    header: dict = field(default_factory=dict)  # held tier and the year's verdict (enterprises.badge)


def _lineage(revisions: list[FactRevision], year: int | None) -> dict[str, int]:
    """field → the upload that supplied the current value, from the latest revision that set it."""
    out: dict[str, int] = {}
    for rev in revisions:  # newest first
        if rev.year == year:
            for name in rev.new_values:
                out.setdefault(name, rev.replaced_by_id)
    return out


@dataclass
class Lineage:
    """Current values with the upload that supplied each one (raw values, for pages and the API)."""

    facts: list[Fact]
    revisions: list[FactRevision]
    sources: dict[int, Source]
    registry_from: dict[str, int]  # field → upload id
    facts_from: dict[int, dict[str, int]]  # year → field → upload id

    def registry_source(self, enterprise: Enterprise, name: str) -> Source | None:
        return self.sources.get(self.registry_from.get(name, enterprise.upload_id))


def lineage(enterprise: Enterprise) -> Lineage:
    facts = list(enterprise.facts.order_by("year"))
    revisions = list(FactRevision.objects.filter(enterprise=enterprise).order_by("-id"))
    ids = {enterprise.upload_id, *(f.upload_id for f in facts), *(r.replaced_by_id for r in revisions)}
    ids |= {old[1] for r in revisions for old in r.old_values.values() if isinstance(old, list | tuple)}
    facts_from = {}
    for f in facts:
        revised = _lineage(revisions, f.year)
        facts_from[f.year] = {name: revised.get(name, f.upload_id) for name in FACT_FIELDS}
    return Lineage(facts, revisions, sources(ids), _lineage(revisions, None), facts_from)


def build(enterprise: Enterprise, year: int | None = None) -> Portrait:
    data = lineage(enterprise)
    facts, revisions, found = data.facts, data.revisions, data.sources
    years = [f.year for f in facts]
    year = int(year) if year else (years[-1] if years else qualification.latest_year())
    registry = [
        {
            "field": name,
            "label": field_label(name),
            "value": display(name, getattr(enterprise, name)),
            "source": data.registry_source(enterprise, name),
            "revised": name in data.registry_from,
        }
        for name in REGISTRY_FIELDS
    ]
    table = []
    for name in FACT_FIELDS:
        cells = []
        for fact in facts:
            upload = data.facts_from[fact.year][name]
            cells.append(
                {
                    "value": display(name, getattr(fact, name)),
                    "source": found.get(upload),
                    "revised": upload != fact.upload_id,
                }
            )
        table.append({"field": name, "label": field_label(name), "unit": field_unit(name), "cells": cells})
    fact_years = [{"year": f.year, "source": found.get(f.upload_id)} for f in facts]
    tiers = tier_history(enterprise)
    verdicts = present(qualification.verdicts(enterprise, year))
    return Portrait(
        enterprise=enterprise,
        year=year,
        years=sorted({*years, year}),
        registry=registry,
        facts=table,
        fact_years=fact_years,
        history=history(revisions, found),
        tiers=tiers,
        verdicts=verdicts,
        sources=sorted(found.values(), key=lambda s: s.uploaded_at),
        registry_source=found.get(enterprise.upload_id),
        facts_source=found.get(facts[0].upload_id) if len({f.upload_id for f in facts}) == 1 else None,
        chart=chart_option(facts),
        header=badge.header(enterprise, year, tiers, verdicts, data),
    )


def history(revisions: list[FactRevision], found: dict[int, Source]) -> list[dict]:
    """Which upload replaced which value when, newest first."""
    out = []
    for rev in revisions:
        new_source = found.get(rev.replaced_by_id)
        for name, old in rev.old_values.items():
            old_value, old_upload = (old + [None, None])[:2] if isinstance(old, list) else (old, None)
            shown = "region_code" if name == "region" else name
            out.append(
                {
                    "year": rev.year,
                    "field": name,
                    "label": field_label(name),
                    "unit": field_unit(name),
                    "old": display(shown, old_value),
                    "old_source": found.get(old_upload),
                    "new": display(shown, rev.new_values.get(name)),
                    "new_source": new_source,
                    "time": new_source.uploaded_at if new_source else None,
                }
            )
    return out


def tier_history(enterprise: Enterprise) -> list[dict]:
    rows = []
    for record in TierRecord.objects.filter(enterprise=enterprise).order_by("year"):
        rules = []
        for code, label in RULE_LABELS.items():
            eligible = record.results.get(f"{code}_eligible")
            text, badge = ELIGIBLE.get(eligible, ("—", "grey"))
            lo, hi = record.results.get(f"{code}_score_min"), record.results.get(f"{code}_score_max")
            rules.append(
                {
                    "code": code,
                    "label": gettext(label),
                    "eligible": text,
                    "badge": badge,
                    "score": score(lo, hi),
                }
            )
        rows.append(
            {
                "year": record.year,
                "tier": record.tier,
                "label": tier_label(record.tier),
                "badge": TIER_BADGE.get(record.tier, "grey"),
                "rules": rules,
            }
        )
    return rows


def score(lo: float | None, hi: float | None) -> str:
    if lo is None and hi is None:
        return ""
    points = unit("分")
    if lo == hi or hi is None:
        return f"{number(lo)} {points}"
    return f"{number(lo)}–{number(hi)} {points}"


def _condition(c, sample: bool) -> dict:
    label, badge = STATUS[c.status]
    shown_unit = fmt_en if english() else fmt
    return {
        "id": c.id,
        "label": localized(c, "label"),
        "kind": c.kind,
        "status": c.status,
        "status_label": label,
        "badge": badge,
        "actual": shown_unit(c.actual, c.unit) if c.actual is not None else "—",
        "threshold": f"{OPS.get(c.op or '', '')} {shown_unit(c.threshold, c.unit)}"
        if c.threshold is not None
        else "—",
        "text": localized(c, "text"),
        "unverified": c.verification == "UNVERIFIED",
        "sample": sample or c.verification == "SAMPLE",
        "note": localized(c, "note"),
    }


def present(verdicts: list[Verdict]) -> list[dict]:
    """Verdicts with labels, badge colours and formatted numbers for the _verdict.html partial."""
    out = []
    for v in verdicts:
        label, badge = ELIGIBLE[v.eligible]
        items = [
            {
                "group": localized(i, "group_label"),
                "label": localized(i, "label"),
                "range": score(i.min, i.max),
                "points_max": number(i.points_max),
                "judged": i.judged,
                "missing": i.missing,
                "bracket": localized(i, "bracket"),
                "unverified": i.verification == "UNVERIFIED",
            }
            for i in v.score_items
        ]
        out.append(
            {
                "code": v.code,
                "name": localized(v, "name"),
                "version": v.version,
                "sample": v.sample,
                "sample_note": localized(v, "sample_note"),
                "eligible": v.eligible,
                "eligible_label": label,
                "badge": badge,
                "score": score(v.score_min, v.score_max),
                "pass_mark": v.pass_mark,
                "judged": [i["label"] for i in items if i["judged"]],
                "score_items": items,
                "conditions": [_condition(c, v.sample) for c in v.conditions],
                "routes": [_condition(r, v.sample) for r in v.routes],
                "direct_route": v.direct_route,
                "unverified": [
                    {**d, "label": localized(d, "label"), "note": localized(d, "note")}
                    for d in v.declarations
                    if d["status"] == "UNVERIFIED"
                ],
                "gaps": [localized(c, "text") for c in v.conditions if c.status in ("fail", "missing")],
                "summary": v.summary,
            }
        )
    return out


def chart_option(facts) -> dict:
    """ECharts: revenue and R&D expense by year (万元), and the R&D ratio (%)."""
    if not facts:
        return {}
    years = [str(f.year) for f in facts]
    ratio = [
        round(f.rd_expense / f.revenue * 100, 2) if f.rd_expense is not None and f.revenue else None
        for f in facts
    ]
    return {
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 0, "data": [gettext("营业收入"), gettext("研究开发费用"), gettext("研发费用占比")]},
        "grid": {"left": 60, "right": 50, "top": 64, "bottom": 30},
        "xAxis": {"type": "category", "data": years},
        "yAxis": [
            {"type": "value", "name": unit("万元")},
            {"type": "value", "name": "%", "splitLine": {"show": False}},
        ],
        "series": [
            {"name": gettext("营业收入"), "type": "bar", "data": [f.revenue for f in facts]},
            {"name": gettext("研究开发费用"), "type": "bar", "data": [f.rd_expense for f in facts]},
            {"name": gettext("研发费用占比"), "type": "line", "yAxisIndex": 1, "data": ratio},
        ],
    }
