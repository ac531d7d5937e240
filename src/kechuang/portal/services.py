"""The portal's data: published indicators, their official series and status, downloads, search and
the tile map. Only official (not simulated) observations of published indicators leave this module:
the public site never shows a simulated number."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

import polars as pl
from django.db.models import Q

from kechuang.engine.plan_eval import plan_index_by_region
from kechuang.plans.evaluation import evaluate_plan
from kechuang.plans.models import Indicator, Observation, Plan
from kechuang.plans.observations import observations_frame
from kechuang.portal.models import Publication
from kechuang.portal.tiles import COLUMNS, ROWS, TILES
from kechuang.regions import region_names

ON_TRACK = "green"
OFF_TRACK = ("yellow", "red")
CSV_COLUMNS = ("indicator", "name", "unit", "region", "region_name", "year", "value", "simulated", "source")


def published_indicators(plan: Plan):
    return (
        Indicator.objects.filter(plan=plan, active=True, publication__published=True)
        .select_related("publication")
        .order_by("seq")
    )


def selectable_years(plan: Plan, include_simulated: bool) -> list[tuple[int, bool]]:
    """(year, simulated only) of the years with data, newest first; simulated years only if shown."""
    obs = observations_frame(plan, include_simulated=include_simulated)
    if not obs.height:
        return []
    years = (
        obs.group_by("year").agg(pl.col("simulated").all().alias("simulated")).sort("year", descending=True)
    )
    return [(int(r["year"]), bool(r["simulated"])) for r in years.iter_rows(named=True)]


@dataclass
class Status:
    published: int
    with_data: int
    on_track: int
    off_track: int
    not_assessed: int


def evaluation(plan: Plan, as_of: int | None, include_simulated: bool = False) -> dict[str, dict]:
    """code → the engine's city row, evaluated as of `as_of` (official data only unless asked)."""
    if as_of is None:
        return {}
    results, _indicators, _ = evaluate_plan(plan, as_of, include_simulated=include_simulated)
    rows = results.filter(pl.col("region") == plan.region_code)
    return {r["code"]: r for r in rows.iter_rows(named=True)}


def status(indicators, rows: dict[str, dict]) -> Status:
    codes = [i.code for i in indicators]
    warnings = [rows.get(c, {}).get("warning") for c in codes]
    with_data = sum(1 for c in codes if rows.get(c, {}).get("latest_value") is not None)
    on = sum(1 for w in warnings if w == ON_TRACK)
    off = sum(1 for w in warnings if w in OFF_TRACK)
    return Status(len(codes), with_data, on, off, len(codes) - on - off)


def series(indicator: Indicator, region: str, as_of: int, include_simulated: bool = False) -> list[dict]:
    """Latest revisions of one indicator in one region up to `as_of`, by year (official only unless asked)."""
    qs = Observation.objects.filter(indicator=indicator, region_code=region, is_latest=True, year__lte=as_of)
    if not include_simulated:
        qs = qs.filter(simulated=False)
    return list(qs.order_by("year").values("year", "value", "source", "simulated"))


def download_rows(plan: Plan, indicator: Indicator, include_simulated: bool = False) -> list[dict]:
    names = region_names()
    qs = Observation.objects.filter(indicator=indicator, is_latest=True)
    if not include_simulated:
        qs = qs.filter(simulated=False)
    rows = qs.order_by("region_code", "year").values("region_code", "year", "value", "simulated", "source")
    return [
        {
            "indicator": indicator.code,
            "name": indicator.name,
            "unit": indicator.unit,
            "region": r["region_code"],
            "region_name": names.get(r["region_code"], r["region_code"]),
            "year": r["year"],
            "value": r["value"],
            "simulated": r["simulated"],
            "source": r["source"],
        }
        for r in rows
    ]


def as_csv(rows: list[dict]) -> str:
    """UTF-8 CSV with a BOM-free header; text cells are data, never formulas (kechuang.web.xlsx.csv_safe)."""
    from kechuang.web.xlsx import csv_safe

    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: csv_safe(v) if isinstance(v, str) else v for k, v in row.items()})
    return out.getvalue()


def search(plan: Plan, text: str):
    text = text.strip()
    if not text:
        return published_indicators(plan).none()
    return published_indicators(plan).filter(
        Q(name__icontains=text)
        | Q(code__icontains=text)
        | Q(description__icontains=text)
        | Q(publication__name_en__icontains=text)
        | Q(publication__methodology__icontains=text)
        | Q(publication__methodology_en__icontains=text)
        | Q(publication__source__icontains=text)
    )


# --- the tile map -------------------------------------------------------------------------------

PALETTE = ("#deebf7", "#9ecae1", "#6baed6", "#3182bd", "#08519c")  # light → dark: low → high
WARNING_COLOURS = {"green": "#2da44e", "yellow": "#d4a72c", "red": "#cf222e"}


@dataclass
class Tile:
    code: str
    name: str
    name_en: str
    column: int
    row: int
    value: float | None
    colour: str
    dark: bool
    warning: str | None
    simulated: bool


def tile_map(plan: Plan, as_of: int | None, measure: str, include_simulated: bool = False) -> dict:
    """Tiles coloured by one indicator's latest value (five quantile classes, direction-aware) or by
    the plan index (measure == "index"); every region keeps its place, a region without data is grey."""
    values: dict[str, float] = {}
    warnings: dict[str, str | None] = {}
    simulated: set[str] = set()
    direction = 1
    if as_of is not None:
        obs = observations_frame(plan, as_of=as_of, include_simulated=include_simulated)
        results, indicators, _ = evaluate_plan(plan, as_of, include_simulated=include_simulated)
        if measure == "index":
            index = plan_index_by_region(results.filter(pl.col("region") != plan.region_code), indicators)
            values = {r["region"]: r["index"] for r in index.iter_rows(named=True) if r["index"] is not None}
            simulated = set(obs.filter(pl.col("simulated") & (pl.col("year") == as_of))["region"].to_list())
        else:
            rows = results.filter((pl.col("code") == measure) & (pl.col("region") != plan.region_code))
            flags = {
                (r["region"], r["year"]): r["simulated"]
                for r in obs.filter(pl.col("indicator") == measure).iter_rows(named=True)
            }
            for r in rows.iter_rows(named=True):
                if r["latest_value"] is not None:
                    values[r["region"]] = r["latest_value"]
                    warnings[r["region"]] = r["warning"]
                    if flags.get((r["region"], r["latest_year"])):
                        simulated.add(r["region"])
            ind = Indicator.objects.filter(plan=plan, code=measure).first()
            direction = ind.direction if ind else 1
    return tiles(values, warnings, simulated, direction)


def tiles(
    values: dict[str, float], warnings: dict[str, str | None], simulated: set[str], direction: int = 1
) -> dict:
    """The tile map of values by region code: five quantile classes (darker = better when the
    indicator's direction is down), every region in its place, grey without a value."""
    names = region_names()
    ordered = sorted(values.values())
    classes = len(PALETTE)

    def colour(value: float | None) -> tuple[str, bool]:
        if value is None or not ordered:
            return "#e5e7eb", False
        below = sum(1 for v in ordered if v < value)
        share = below / max(len(ordered) - 1, 1)
        if direction < 0:
            share = 1 - share
        k = min(classes - 1, int(share * classes))
        return PALETTE[k], k >= 3

    out = []
    for code, (column, row, name_en) in TILES.items():
        fill, dark = colour(values.get(code))
        out.append(
            Tile(
                code,
                names.get(code, code),
                name_en,
                column,
                row,
                values.get(code),
                fill,
                dark,
                warnings.get(code),
                code in simulated,
            )
        )
    legend = []
    if ordered:
        for k, fill in enumerate(PALETTE):
            lo = ordered[min(len(ordered) - 1, int(k * len(ordered) / classes))]
            legend.append({"colour": fill, "from": lo})
        if direction < 0:
            legend = [{"colour": item["colour"], "from": None} for item in legend]
    return {
        "tiles": out,
        "columns": COLUMNS,
        "rows": ROWS,
        "legend": legend,
        "direction": direction,
        "any_simulated": bool(simulated),
    }


# English names of the Dongguan plan's indicators (the bureau can change them on the management page).
NAMES_EN = {
    "rd_intensity": "R&D expenditure as a share of GDP",
    "basic_research_share": "Basic research as a share of R&D expenditure",
    "rd_personnel_per_10k_employed": "R&D personnel per 10,000 employed persons",
    "high_value_invention_patents_per_10k": "High-value invention patents per 10,000 population",
    "tech_contract_turnover": "Turnover of technology contracts",
    "hightech_mfg_share": "High-tech manufacturing as a share of industrial value added",
    "digital_economy_share": "Core digital economy industries as a share of GDP",
    "industrial_hightech_enterprises": "High-tech enterprises above designated size in industry",
    "science_literacy": "Share of citizens with basic scientific literacy",
}


def ensure_publications(plan: Plan, publish: bool = False) -> int:
    """A Publication row for every indicator of the plan (existing ones untouched); returns how many
    were created. The demo publishes them; a real bureau chooses on the portal's management page."""
    have = set(Publication.objects.filter(indicator__plan=plan).values_list("indicator_id", flat=True))
    new = [
        Publication(
            indicator=i,
            published=publish,
            methodology=i.description,
            methodology_en=i.description_en,
            name_en=NAMES_EN.get(i.code, ""),
        )
        for i in Indicator.objects.filter(plan=plan).exclude(pk__in=have)
    ]
    Publication.objects.bulk_create(new)
    return len(new)
