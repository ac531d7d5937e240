"""Innovation points (创新积分制): the points model as data and the scoring contract.

Public API::

    load_model(path_or_text) -> PointsModel        parse_model(text) -> PointsModel
    score(registry, facts, year, model) -> pl.DataFrame
    kechuang.engine.points.spark.score_spark(registry_sdf, facts_sdf, year, model)

Pure: no Django import. pyspark is imported only by the spark module's functions.
"""

from kechuang.engine.points.model import (
    DEFAULT_GROUPS,
    FIXED_COLUMNS,
    NO_FACTS,
    PointsModel,
    PointsModelError,
    load_model,
    parse_model,
    read_model_text,
    sample_model_path,
)
from kechuang.engine.points.score import output_schema, score

__all__ = [
    "DEFAULT_GROUPS",
    "FIXED_COLUMNS",
    "NO_FACTS",
    "PointsModel",
    "PointsModelError",
    "load_model",
    "output_schema",
    "parse_model",
    "read_model_text",
    "sample_model_path",
    "score",
]
