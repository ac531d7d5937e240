"""Recognition conditions of carriers: the existing rule engine (kechuang.engine.rules) on one row per
carrier over the carrier vocabulary (columns.py). ``recognise(frame, rulesets)`` → one row per carrier
with ``id`` and, per rule set, ``<code>_eligible`` (yes / possible / no / unknown) and ``<code>_failed``;
``explain_carrier(values, rulesets)`` → the rule engine's verdicts (each condition with value,
threshold and gap in Chinese and in English) for one carrier."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import polars as pl

from kechuang.engine.evaluation.columns import CARRIER_COLUMNS, SHARES, carrier_label, carrier_vocabulary
from kechuang.engine.evaluation.people import PERSON_COLUMNS, person_label, person_vocabulary
from kechuang.engine.rules import Ruleset, Verdict, explain, load_ruleset, qualify_derived
from kechuang.engine.vocabulary import Column

# The rule engine's output adds an enterprise tier; it reads these columns, which a carrier lacks.
_TIER_INPUTS = {
    "hightech_cert_valid": pl.Boolean,
    "is_industrial": pl.Boolean,
    "main_business_revenue": pl.Float64,
    "kexiao_registered_year": pl.Int32,
}


def load_carrier_ruleset(source: str | Path) -> Ruleset:
    return load_ruleset(source, carrier_vocabulary())


def load_carrier_rulesets(directory: str | Path) -> list[Ruleset]:
    return [load_carrier_ruleset(p) for p in sorted(Path(directory).glob("*.yaml"))]


def load_person_ruleset(source: str | Path) -> Ruleset:
    return load_ruleset(source, person_vocabulary())


def load_person_rulesets(directory: str | Path) -> list[Ruleset]:
    return [load_person_ruleset(p) for p in sorted(Path(directory).glob("*.yaml"))]


def conform(
    frame: pl.DataFrame,
    columns: tuple[Column, ...] = CARRIER_COLUMNS,
    shares: Mapping[str, tuple[str, str]] = SHARES,
) -> pl.DataFrame:
    """Every column of the vocabulary (carriers by default) with its type (absent ones empty) and the
    derived shares (null when the denominator is 0 or missing)."""
    cols = []
    for c in columns:
        if c.name in shares:
            continue
        dtype = pl.Boolean if c.dtype is bool else pl.Float64
        cols.append(
            pl.col(c.name).cast(dtype) if c.name in frame.columns else pl.lit(None, dtype=dtype).alias(c.name)
        )
    out = frame.select(pl.col("id").cast(pl.Utf8), *cols)
    shares = [
        pl.when(pl.col(den) > 0).then(pl.col(num) / pl.col(den)).otherwise(None).alias(name)
        for name, (num, den) in shares.items()
    ]
    extra = [pl.lit(None, dtype=t).alias(n) for n, t in _TIER_INPUTS.items()]
    return out.with_columns(*shares, *extra).with_columns(credit_code=pl.col("id"))


def recognise(frame: pl.DataFrame, rulesets: Iterable[Ruleset], year: int = 2025) -> pl.DataFrame:
    sets = list(rulesets)
    result = qualify_derived(conform(frame), year, sets)
    keep = [c for rs in sets for c in (f"{rs.code}_eligible", f"{rs.code}_failed")]
    return result.select(pl.col("credit_code").alias("id"), *keep)


def recognise_people(frame: pl.DataFrame, rulesets: Iterable[Ruleset], year: int = 2025) -> pl.DataFrame:
    """One row per person (``id`` and the stated facts): per rule set ``<code>_eligible`` and
    ``<code>_failed``, as ``recognise`` does for carriers."""
    sets = list(rulesets)
    result = qualify_derived(conform(frame, PERSON_COLUMNS, {}), year, sets)
    keep = [c for rs in sets for c in (f"{rs.code}_eligible", f"{rs.code}_failed")]
    return result.select(pl.col("credit_code").alias("id"), *keep)


def explain_person(values: Mapping[str, Any], rulesets: Iterable[Ruleset], year: int = 2025) -> list[Verdict]:
    """The verdicts for one person's stated facts; a missing fact named by its label (Chinese and
    English)."""
    row = conform(
        pl.DataFrame([{"id": "person", **dict(values)}], infer_schema_length=None), PERSON_COLUMNS, {}
    )
    verdicts = explain(row, list(rulesets), year)
    for v in verdicts:
        for c in [*v.routes, *v.conditions]:
            if c.missing_en:
                named = ", ".join(person_label(name, english=True) for name in c.missing_en)
                c.text_en = c.text_en.replace(f"({', '.join(c.missing_en)})", f"({named})")
                c.missing_en = [person_label(name, english=True) for name in c.missing_en]
            c.missing = [person_label(name) for name in c.missing]
            c.text = _labelled(c.text, PERSON_COLUMNS)
        v.summary = _labelled(v.summary, PERSON_COLUMNS)
    return verdicts


def explain_carrier(
    values: Mapping[str, Any], rulesets: Iterable[Ruleset], year: int = 2025
) -> list[Verdict]:
    """The verdicts for one carrier; missing inputs named by their Chinese labels."""
    row = conform(pl.DataFrame([{"id": "carrier", **dict(values)}], infer_schema_length=None))
    verdicts = explain(row, list(rulesets), year)
    for v in verdicts:
        for c in [*v.routes, *v.conditions]:
            c.missing = _inputs(c.missing, values)
            c.text = _labelled(c.text)
            if c.missing_en:  # "… data missing (invested_share)": the list names the columns
                named = ", ".join(carrier_label(name, english=True) for name in c.missing_en)
                c.text_en = c.text_en.replace(f"({', '.join(c.missing_en)})", f"({named})")
                c.missing_en = _inputs(c.missing_en, values, english=True)
        v.summary = _labelled(v.summary)
    return verdicts


def _inputs(missing: list[str], values: Mapping[str, Any], english: bool = False) -> list[str]:
    """A missing share named by what it is made of: the absent input, or a zero denominator."""
    out: list[str] = []
    for name in missing:
        if name in SHARES:
            num, den = SHARES[name]
            absent = [carrier_label(c, english) for c in (num, den) if values.get(c) is None]
            zero = f"{carrier_label(den, english)} is 0" if english else f"{carrier_label(den)}为 0"
            out += absent or [zero]
        else:
            out.append(carrier_label(name, english))
    return list(dict.fromkeys(out))


def _labelled(text: str, columns: tuple[Column, ...] = CARRIER_COLUMNS) -> str:
    """Column names the rule engine could not label (not enterprise columns) → their Chinese labels."""
    for col in sorted(columns, key=lambda x: -len(x.name)):
        text = text.replace(col.name, col.header_zh)
    return text
