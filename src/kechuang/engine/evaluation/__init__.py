"""One evaluation engine for innovation carriers and talent (issue 13): templates as data, scored
with Polars over a whole cohort. Pure: no Django import.

    load_template(path_or_text) -> Template
    score(template, frame, period, history=None) -> pl.DataFrame
    recognise(frame, rulesets) -> pl.DataFrame         (recognition conditions, the rule engine)
"""

from kechuang.engine.evaluation.score import EvaluationInputError, breakdown, output_columns, score
from kechuang.engine.evaluation.template import Template, TemplateError, load_template

__all__ = [
    "EvaluationInputError",
    "Template",
    "TemplateError",
    "breakdown",
    "load_template",
    "output_columns",
    "score",
]
