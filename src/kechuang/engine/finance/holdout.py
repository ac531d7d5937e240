"""Hold-out check of recalibrated weights (产业验证): fit on some loans, judge on others.

Weights fitted on a set of loans always look good on those loans (in-sample). The check fits them
(``fit_weights``) on the *fit* loans and reports the discrimination (AUC, KS, Gini) twice: on the fit
loans (in-sample) and on the *held-out* loans, beside the current weights on the same held-out loans.

- Time split (preferred): fit on the loans of earlier points years, hold out the year's own loans.
- Random split (when earlier years have too few defaults or non-defaults to fit): the year's loans,
  stratified by default, ``TEST_SHARE`` held out (scikit-learn ``train_test_split``, fixed seed).

Verdicts, each shown on the page:

- ``overfit``: the hold-out AUC is more than ``OVERFIT_GAP`` below the in-sample AUC — the weights
  describe the fit loans, not loans in general.
- ``beats_current``: the hold-out AUC is above the current weights' on the same held-out loans —
  only then is adopting them supported by the outcomes.

Pure: no Django import; input frames as for ``fit_weights`` (stage, defaulted, indicator shares).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl
from sklearn.model_selection import train_test_split

from kechuang.engine.finance.recalibrate import StageFit, fit_weights, points_with, with_weights
from kechuang.engine.finance.validation import Discrimination, discrimination
from kechuang.engine.points.model import PointsModel

OVERFIT_GAP = 0.05
TEST_SHARE = 0.3
SEED = 0


@dataclass(frozen=True)
class HoldoutCheck:
    split: str  # "time" or "random"
    fit_years: tuple[int, ...]
    test_years: tuple[int, ...]
    fits: list[StageFit]
    in_sample: Discrimination  # the proposed weights on the fit loans
    holdout: Discrimination  # the proposed weights on the held-out loans
    current_holdout: Discrimination  # the current weights on the held-out loans
    overfit: bool
    beats_current: bool
    proposed_model: PointsModel | None  # None when no stage could be fitted


def random_split(shares: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(fit, held out): ``TEST_SHARE`` of the loans held out, stratified by default, fixed seed."""
    index = np.arange(shares.height)
    y = shares["defaulted"].cast(pl.Boolean).to_numpy()
    fit, test = train_test_split(index, test_size=TEST_SHARE, random_state=SEED, stratify=y)
    return shares[np.sort(fit)], shares[np.sort(test)]


def holdout_check(
    fit: pl.DataFrame,
    test: pl.DataFrame,
    model: PointsModel,
    split: str,
    fit_years: tuple[int, ...] = (),
    test_years: tuple[int, ...] = (),
) -> HoldoutCheck:
    """Fit the weights on ``fit``, judge them on ``fit`` (in-sample) and on ``test`` (held out)."""
    fits = fit_weights(fit, model)
    fitted = any(f.source != "current" for f in fits)
    proposed = with_weights(model, fits) if fitted else None
    judged = proposed or model
    in_sample = discrimination(points_with(fit, judged).to_numpy(), fit["defaulted"].to_numpy())
    holdout = discrimination(points_with(test, judged).to_numpy(), test["defaulted"].to_numpy())
    current = discrimination(points_with(test, model).to_numpy(), test["defaulted"].to_numpy())
    a_in, a_out, a_cur = in_sample.auc, holdout.auc, current.auc
    overfit = a_in is not None and a_out is not None and a_out < a_in - OVERFIT_GAP
    beats = proposed is not None and a_out is not None and a_cur is not None and a_out > a_cur
    return HoldoutCheck(
        split=split,
        fit_years=tuple(fit_years),
        test_years=tuple(test_years),
        fits=fits,
        in_sample=in_sample,
        holdout=holdout,
        current_holdout=current,
        overfit=bool(overfit),
        beats_current=bool(beats),
        proposed_model=proposed,
    )
