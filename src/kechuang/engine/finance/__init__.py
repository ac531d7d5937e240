"""Finance (金融推荐、产业验证): products as data, their evaluation, validation statistics, recalibration.

Public API::

    parse_product(text, fields) / load_product(path, fields) -> Product
    finance_frame(derived, scores, scale) -> pl.DataFrame;  evaluate(frame, products) -> pl.DataFrame
    discrimination(points, defaulted); deciles(frame); psi(expected, actual)
    fit_weights(shares, model); with_weights(model, fits); unit_model(model); points_with(shares, model)
    holdout_check(fit, test, model, split); random_split(shares)

Pure: no Django import.
"""

from kechuang.engine.finance.holdout import HoldoutCheck, holdout_check, random_split
from kechuang.engine.finance.products import (
    FINANCE_COLUMNS,
    Product,
    ProductError,
    evaluate,
    finance_frame,
    load_product,
    parse_product,
)
from kechuang.engine.finance.recalibrate import StageFit, fit_weights, points_with, unit_model, with_weights
from kechuang.engine.finance.validation import Discrimination, deciles, discrimination, psi

__all__ = [
    "FINANCE_COLUMNS",
    "Discrimination",
    "HoldoutCheck",
    "Product",
    "ProductError",
    "StageFit",
    "deciles",
    "discrimination",
    "evaluate",
    "finance_frame",
    "fit_weights",
    "holdout_check",
    "load_product",
    "parse_product",
    "points_with",
    "psi",
    "random_split",
    "unit_model",
    "with_weights",
]
