"""The demo's town figures are coherent (issue 9 §2), on the demo database the CLI tests share
(200 enterprises, simulated to 2027; read only): the towns' targets fit their own figures and the
city's target, and no series jumps where the registries' figures end and the simulated ones begin."""

from __future__ import annotations

from collections import defaultdict

from tests.cli.kit import db_rows

CITY = "441900"
BASE_YEAR = 2025  # the year before the plan starts: what a 2030 town target is set against
SIMULATED = "模拟数据（演示用"  # the source of the simulated values (kechuang.plans.observations)


def _indicators(var):
    rows = db_rows(var, "SELECT code, kind, direction, target_value FROM plans_indicator WHERE active")
    return {code: {"kind": kind, "direction": d, "target": t} for code, kind, d, t in rows}


def _series(var) -> dict[tuple[str, str], list[tuple[int, float, str]]]:
    rows = db_rows(
        var,
        "SELECT i.code, o.region_code, o.year, o.value, o.source FROM plans_observation o "
        "JOIN plans_indicator i ON i.id = o.indicator_id "
        "WHERE o.is_latest AND i.active AND o.value IS NOT NULL ORDER BY o.year",
    )
    out = defaultdict(list)
    for code, region, year, value, source in rows:
        out[(code, region)].append((year, value, source))
    return out


def _town_targets(var) -> dict[tuple[str, str], float]:
    rows = db_rows(
        var,
        "SELECT i.code, t.region_code, t.target_value FROM plans_regionaltarget t "
        "JOIN plans_indicator i ON i.id = t.indicator_id WHERE i.active",
    )
    return {(code, region): value for code, region, value in rows}


def _base(points):
    before = [value for year, value, _ in points if year <= BASE_YEAR]
    return before[-1] if before else None


def test_no_town_target_is_behind_the_towns_own_figure(demo_var):
    indicators, series, targets = _indicators(demo_var), _series(demo_var), _town_targets(demo_var)
    behind, checked = [], 0
    for (code, region), points in series.items():
        base = _base(points)
        if region == CITY or base is None:
            continue
        ind = indicators[code]
        # the town's own target, or the city's one a town inherits for a share or a rate (plan_eval)
        target = targets.get((code, region), ind["target"] if ind["kind"] in ("share", "rate") else None)
        if target is None:
            continue
        checked += 1
        if ind["direction"] * (target - base) < 0:
            behind.append((code, region, base, target))
    assert checked >= 60  # every town fed by the registries, and the simulated towns
    assert behind == []


def test_town_targets_add_up_to_the_city_target_and_bracket_it(demo_var):
    indicators, series, targets = _indicators(demo_var), _series(demo_var), _town_targets(demo_var)
    summed = []
    for code, ind in indicators.items():
        # the towns with something to build on (a town with none of a total has no share of it)
        towns = [r for (c, r), points in series.items() if c == code and r != CITY and _base(points)]
        values = [targets[(code, r)] for r in towns if (code, r) in targets]
        if len(values) < 2:
            continue
        if ind["kind"] == "total":
            if len(values) == len(towns):  # every town has one: the decomposition is complete
                summed.append(code)
                assert abs(sum(values) - ind["target"]) <= 0.01 * ind["target"], (code, sum(values))
        else:
            assert min(values) <= ind["target"] <= max(values), (code, min(values), max(values))
    # the two totals the registries give for every town
    assert {"industrial_hightech_enterprises", "tech_contract_turnover"} <= set(summed)


def test_no_series_jumps_where_registry_figures_end_and_simulated_ones_begin(demo_var):
    seams = []
    for (code, region), points in _series(demo_var).items():
        for (y0, v0, s0), (y1, v1, s1) in zip(points, points[1:], strict=False):
            if not s0.startswith(SIMULATED) and s1.startswith(SIMULATED) and v0:
                seams.append((code, region, y0, v0, y1, v1, abs(v1 / v0 - 1)))
    assert len(seams) >= 40  # the registry-fed series of the city and the towns, the published figures
    jumps = [s for s in seams if s[-1] > 0.25]
    assert jumps == []
