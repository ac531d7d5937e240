"""The validation report (产业验证) and the recalibration proposal, and adopting it.

Loans: the approved applications of a points year with a recorded performance; default = 违约
(overdue loans are counted separately, not as defaults). The points are the chosen model version's
for that year (recomputed, so that a new version is judged on the same loans); next-year growth comes
from the enterprises' facts of Y and Y+1.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl
import yaml
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from kechuang.engine.finance import (
    Discrimination,
    StageFit,
    deciles,
    discrimination,
    fit_weights,
    points_with,
    psi,
    unit_model,
    with_weights,
)
from kechuang.finance import vocabulary as v
from kechuang.finance.models import Application
from kechuang.finance.services.scores import scored


@dataclass
class Report:
    year: int
    model_name: str
    model_code: str
    version_label: str
    is_sample: bool
    loans: int
    defaults: int
    overdue: int
    simulated: int
    current: Discrimination
    deciles: list[dict]
    psi: float | None
    psi_years: tuple[int, int]
    fits: list[StageFit]
    proposed: Discrimination | None
    proposed_weights: list[dict]  # indicator rows: name, per stage current and proposed
    stage_names: dict[str, str]
    proposed_model: object | None


def _growth(year: int, codes: list[str]) -> pl.DataFrame:
    from kechuang.finance.services.scores import frames

    facts = frames(year + 1)[1]
    facts = facts.filter(pl.col("credit_code").is_in(codes))
    this = facts.filter(pl.col("year") == year).select("credit_code", r0="revenue", d0="rd_expense")
    nxt = facts.filter(pl.col("year") == year + 1).select("credit_code", r1="revenue", d1="rd_expense")
    both = this.join(nxt, on="credit_code", how="inner")
    return both.select(
        "credit_code",
        revenue_growth_next=pl.when(pl.col("r0") > 0).then(pl.col("r1") / pl.col("r0") - 1),
        rd_growth_next=pl.when(pl.col("d0") > 0).then(pl.col("d1") / pl.col("d0") - 1),
    )


def loans_frame(year: int) -> pl.DataFrame:
    rows = list(
        Application.objects.filter(year=year, decision=v.APPROVED)
        .exclude(performance="")
        .values_list("enterprise__credit_code", "performance", "simulated")
    )
    return pl.DataFrame(
        rows, schema={"credit_code": pl.Utf8, "performance": pl.Utf8, "simulated": pl.Boolean}, orient="row"
    ).unique("credit_code", keep="last")


def report(year: int, version=None) -> Report:
    s = scored(year, version)
    model = s.model
    loans = loans_frame(year)
    frame = loans.join(
        s.scores.select("credit_code", "points", "stage"), on="credit_code", how="inner"
    ).filter(pl.col("points").is_not_null())
    frame = frame.with_columns(defaulted=pl.col("performance") == v.DEFAULT)
    frame = frame.join(_growth(year, frame["credit_code"].to_list()), on="credit_code", how="left")
    current = discrimination(frame["points"].to_numpy(), frame["defaulted"].to_numpy())
    table = deciles(frame).to_dicts()
    previous = scored(year - 1, version) if year - 1 >= 2000 else None
    psi_value = None
    if previous is not None:
        psi_value = psi(
            previous.scores["points"].drop_nulls().to_numpy(), s.scores["points"].drop_nulls().to_numpy()
        )
    # Recalibration: the indicator shares r/m of the loans' enterprises under the unit model.
    unit = scored(year, model=unit_model(model)).scores
    names = [i.code for i in model.indicators]
    shares = frame.select("credit_code", "stage", "defaulted").join(
        unit.select("credit_code", *[pl.col(f"{n}_points").alias(n) for n in names]),
        on="credit_code",
        how="left",
    )
    fits, proposed, proposed_model = [], None, None
    if current.auc is not None:
        fits = fit_weights(shares, model)
        if any(f.source != "current" for f in fits):
            proposed_model = with_weights(model, fits)
            proposed = discrimination(
                points_with(shares, proposed_model).to_numpy(), frame["defaulted"].to_numpy()
            )
    by_stage = {f.stage: f.weights for f in fits}
    weights = [
        {
            "code": i.code,
            "name": i.name,
            "cells": [(i.weights[st.code], by_stage.get(st.code, {}).get(i.code)) for st in model.stages],
        }
        for i in model.indicators
    ]
    version_label = (
        f"{model.code} 第 {s.version_id and _version_number(s.version_id)} 版"
        if s.version_id
        else _("内置示例模型")
    )
    return Report(
        year=year,
        model_name=model.name,
        model_code=model.code,
        version_label=version_label,
        is_sample=model.is_sample,
        loans=frame.height,
        defaults=int(frame["defaulted"].sum()),
        overdue=int((frame["performance"] == v.OVERDUE).sum()),
        simulated=int(frame["simulated"].sum()),
        current=current,
        deciles=table,
        psi=psi_value,
        psi_years=(year - 1, year),
        fits=fits,
        proposed=proposed,
        proposed_weights=weights,
        stage_names={st.code: st.name for st in model.stages},
        proposed_model=proposed_model,
    )


def _version_number(pk: int) -> int:
    from kechuang.points.models import PointsModelVersion

    return PointsModelVersion.objects.values_list("number", flat=True).get(pk=pk)


def loan_years() -> list[int]:
    return sorted(set(Application.objects.values_list("year", flat=True)), reverse=True)


class AdoptError(ValueError):
    pass


def adopt(user, year: int, version=None):
    """Store the proposed weights as a new version of the points model (it becomes the active one)."""
    from kechuang import access
    from kechuang.points.services import load_points_model

    access.deny_unless(access.can_change(user, "validation"), _("只有管理员可以采用再校准权重"))
    r = report(year, version)
    if r.proposed_model is None:
        raise AdoptError(_("%(year)s 年的贷款结果不足以拟合新权重，没有可采用的方案") % {"year": year})
    content = r.proposed_model.model_dump(mode="json", exclude_defaults=True)
    content["note"] = (
        f"由 {year} 年度产业验证再校准（逻辑回归）得出的权重，{timezone.localdate():%Y-%m-%d} "
        f"由 {getattr(user, 'username', '')} 采用；其余内容同 {r.version_label}。"
    )
    text = yaml.safe_dump(content, allow_unicode=True, sort_keys=False)
    folder = settings.VAR_DIR / "points-models"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{r.model_code}-recalibrated-{year}-{dt.datetime.now():%Y%m%d%H%M%S}.yaml"
    path.write_text(text, encoding="utf-8")
    from kechuang.finance.services.scores import clear_cache

    clear_cache()
    return load_points_model(
        path, loaded_by=getattr(user, "username", ""), note=f"产业验证再校准（{year} 年度）"
    )
