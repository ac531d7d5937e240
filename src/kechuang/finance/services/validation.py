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
    HoldoutCheck,
    StageFit,
    deciles,
    discrimination,
    holdout_check,
    psi,
    random_split,
    unit_model,
    with_weights,
)
from kechuang.engine.finance.binning import Binning, points_binning
from kechuang.engine.finance.recalibrate import enough
from kechuang.finance import vocabulary as v
from kechuang.finance.models import Application
from kechuang.finance.services.scores import model_for, scored


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
    binning: Binning | None  # optbinning's monotone bins of the points (WoE, IV)
    psi: float | None
    psi_years: tuple[int, int]
    fits: list[StageFit]
    proposed: Discrimination | None  # the proposed weights on the loans they were fitted on
    check: HoldoutCheck | None  # ... and on held-out loans (docs/decisions/0016)
    proposed_weights: list[dict]  # indicator rows: name, per stage current and proposed
    stage_names: dict[str, str]
    proposed_model: object | None
    version_number: int | None = None  # None: the built-in sample model (version_label: its Chinese)


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


def _loans(year: int, version=None) -> pl.DataFrame:
    """The year's loans with an outcome, their points and stage under the version, ``defaulted``."""
    s = scored(year, version)
    frame = (
        loans_frame(year)
        .join(s.scores.select("credit_code", "points", "stage"), on="credit_code", how="inner")
        .filter(pl.col("points").is_not_null())
    )
    return frame.with_columns(defaulted=pl.col("performance") == v.DEFAULT)


def _shares(loans: pl.DataFrame, year: int, model) -> pl.DataFrame:
    """stage, defaulted and each indicator's share r/m (its points under the unit model) of the loans."""
    unit = scored(year, model=unit_model(model)).scores
    names = [i.code for i in model.indicators]
    return loans.select("credit_code", "stage", "defaulted").join(
        unit.select("credit_code", *[pl.col(f"{n}_points").alias(n) for n in names]),
        on="credit_code",
        how="left",
    )


def report(year: int, version=None, progress=None) -> Report:
    """The report; ``progress()`` is called when the scores are ready and the fitting starts."""
    s = scored(year, version)
    model = s.model
    frame = _loans(year, version)
    frame = frame.join(_growth(year, frame["credit_code"].to_list()), on="credit_code", how="left")
    current = discrimination(frame["points"].to_numpy(), frame["defaulted"].to_numpy())
    table = deciles(frame).to_dicts()
    previous = scored(year - 1, version) if year - 1 >= 2000 else None
    psi_value = None
    if previous is not None:
        psi_value = psi(
            previous.scores["points"].drop_nulls().to_numpy(), s.scores["points"].drop_nulls().to_numpy()
        )
    # Recalibration, judged on held-out loans: fitted on the earlier years' loans and tested on this
    # year's (time split), or, without enough earlier outcomes, on 70% of this year's and tested on
    # the other 30% (random split, stratified).
    fits, proposed, proposed_model, check = [], None, None, None
    if progress is not None:
        progress()
    if current.auc is not None:
        shares = _shares(frame, year, model)
        earlier = [y for y in loan_years() if y < year]
        fit_time = pl.concat([_shares(_loans(y, version), y, model) for y in earlier]) if earlier else None
        if fit_time is not None and enough(fit_time["defaulted"]):
            check = holdout_check(fit_time, shares, model, "time", tuple(sorted(earlier)), (year,))
        elif enough(shares["defaulted"]):
            fit, test = random_split(shares)
            check = holdout_check(fit, test, model, "random", (year,), (year,))
        if check is not None:
            fits, proposed_model = check.fits, check.proposed_model
            proposed = check.in_sample if proposed_model is not None else None
    by_stage = {f.stage: f.weights for f in fits}
    weights = [
        {
            "code": i.code,
            "name": i.name,
            "cells": [(i.weights[st.code], by_stage.get(st.code, {}).get(i.code)) for st in model.stages],
        }
        for i in model.indicators
    ]
    number = _version_number(s.version_id) if s.version_id else None
    version_label = f"{model.code} 第 {number} 版" if number else "内置示例模型"
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
        binning=points_binning(frame["points"].to_numpy(), frame["defaulted"].to_numpy()),
        psi=psi_value,
        psi_years=(year - 1, year),
        fits=fits,
        proposed=proposed,
        check=check,
        proposed_weights=weights,
        stage_names={st.code: st.name for st in model.stages},
        proposed_model=proposed_model,
        version_number=number,
    )


def version_text(result: dict) -> str:
    """The model version of a kept report in the interface's language, from its parts (its
    ``version_label`` is Chinese); a report kept before ``version_number`` existed shows its label."""
    if "version_number" not in result:
        return result["version_label"]
    if result["version_number"] is None:
        return _("内置示例模型")
    return f"{result['model_code']} " + _("第 %(n)s 版") % {"n": result["version_number"]}


def _version_number(pk: int) -> int:
    from kechuang.points.models import PointsModelVersion

    return PointsModelVersion.objects.values_list("number", flat=True).get(pk=pk)


def loan_years() -> list[int]:
    return sorted(set(Application.objects.values_list("year", flat=True)), reverse=True)


class AdoptError(ValueError):
    pass


def _fits_model(fits: list[StageFit], model) -> bool:
    """Whether a stored report's fits (none: nothing was fitted) are of this model's stages and
    indicators (the active model may have been replaced by another one since the report was computed)."""
    codes = {i.code for i in model.indicators}
    return not fits or (
        [f.stage for f in fits] == [st.code for st in model.stages]
        and all(set(f.weights) == codes for f in fits)
    )


def adopt(user, year: int, version=None):
    """Store the proposed weights of the latest stored report of the year and version (what the page
    shows) as a new version of the points model (it becomes the active one)."""
    from kechuang import access
    from kechuang.finance.services.validation_job import latest_report_job
    from kechuang.points.services import load_points_model

    access.deny_unless(access.can_change(user, "validation"), _("只有管理员可以采用再校准权重"))
    done = latest_report_job(year, version)
    model = model_for(version)[0]
    fits = [StageFit(**f) for f in done.result["fits"]] if done is not None else []
    if done is None or not _fits_model(fits, model):
        raise AdoptError(_("%(year)s 年还没有该模型版本的验证报告，请先生成验证报告再采用") % {"year": year})
    if not any(f.source != "current" for f in fits):
        raise AdoptError(_("%(year)s 年的贷款结果不足以拟合新权重，没有可采用的方案") % {"year": year})
    content = with_weights(model, fits).model_dump(mode="json", exclude_defaults=True)
    content["note"] = (
        f"由 {year} 年度产业验证再校准（逻辑回归）得出的权重，{timezone.localdate():%Y-%m-%d} "
        f"由 {getattr(user, 'username', '')} 采用；其余内容同 {done.result['version_label']}。"
    )
    text = yaml.safe_dump(content, allow_unicode=True, sort_keys=False)
    folder = settings.VAR_DIR / "points-models"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{done.result['model_code']}-recalibrated-{year}-{dt.datetime.now():%Y%m%d%H%M%S}.yaml"
    path.write_text(text, encoding="utf-8")
    from kechuang.finance.services.scores import clear_cache

    clear_cache()
    return load_points_model(
        path, loaded_by=getattr(user, "username", ""), note=f"产业验证再校准（{year} 年度）"
    )
