"""Talent through the rule engine and the evaluation engine (issue 13 §1, §5): the facts an application
states (the people vocabulary, kechuang.engine.evaluation.people), the recognition rule sets of the
认定 route per class A–F (data/talent_rules, 示例) run by the rule engine, and the 专家评定 template
(data/templates/talent_expert.yaml, 示例) run by the one evaluation engine over the expert scores and
the facts."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import polars as pl
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kechuang.carriers.models import TalentApplication, TalentEvaluation
from kechuang.carriers.vocabulary import TalentClass, TalentRoute
from kechuang.engine.evaluation import Template, load_template, score
from kechuang.engine.evaluation.people import (
    PERSON_BY_NAME,
    PERSON_CHOICES,
    PERSON_COLUMNS,
    person_label,
    person_value_text,
)
from kechuang.engine.evaluation.recognise import explain_person, load_person_ruleset
from kechuang.engine.rules import Verdict
from kechuang.web import names

DATA = Path(__file__).parent / "data"
TALENT_TEMPLATE = "talent_expert"
CLASSES = [c.value for c in TalentClass]  # A (highest) … F


@cache
def rulesets() -> dict[str, object]:
    """Class → its recognition rule set (认定 route), A first."""
    return {c: load_person_ruleset(DATA / "talent_rules" / f"talent_{c.lower()}.yaml") for c in CLASSES}


@cache
def template() -> Template:
    return load_template(DATA / "templates" / f"{TALENT_TEMPLATE}.yaml")


# ------------------------------------------------------------------------------------------------
# Facts
# ------------------------------------------------------------------------------------------------

# the range a stated number may take (the form and the service refuse others, naming the fact)
BOUNDS = {
    "age": (16, 100),
    "national_award_rank": (1, 50),
    "provincial_award_rank": (1, 50),
    "years_in_dongguan": (0, 60),
}


def clean_facts(raw: dict) -> dict:
    """The stated facts kept (empty ones dropped): levels and counts as numbers, flags as booleans;
    ValidationError in Chinese naming the fact."""
    out: dict = {}
    errors = []
    for name, value in (raw or {}).items():
        column = PERSON_BY_NAME.get(name)
        if column is None:
            errors.append(_("不认识的申报事实：%(n)s") % {"n": name})
            continue
        if value is None or value == "":
            continue
        label = person_label(name)
        if column.dtype is bool:
            if not isinstance(value, bool):
                errors.append(_("「%(f)s」须为是或否") % {"f": label})
                continue
            out[name] = value
            continue
        try:
            if isinstance(value, bool):  # true/false is not a number (the form's number fields take none)
                raise TypeError
            number = float(value)
        except (TypeError, ValueError):
            errors.append(_("「%(f)s」须为数字：%(v)s") % {"f": label, "v": str(value)[:30]})
            continue
        if name in PERSON_CHOICES and number not in {lv for lv, _zh, _en in PERSON_CHOICES[name]}:
            errors.append(_("「%(f)s」的取值 %(v)s 不在可选范围内") % {"f": label, "v": f"{number:g}"})
            continue
        low, high = BOUNDS.get(name, (0, 1e9))
        if not low <= number <= high:
            errors.append(
                _("「%(f)s」须在 %(a)s 到 %(b)s 之间") % {"f": label, "a": f"{low:g}", "b": f"{high:g}"}
            )
            continue
        out[name] = number
    if errors:
        raise ValidationError(errors)
    return out


def fact_rows(facts: dict) -> list[dict]:
    """The stated facts as the page lists them, in the vocabulary's order and the reader's language."""
    english = names.english()
    return [
        {
            "name": c.name,
            "label": person_label(c.name, english),
            "value": person_value_text(c.name, facts[c.name], english),
        }
        for c in PERSON_COLUMNS
        if facts.get(c.name) is not None
    ]


# ------------------------------------------------------------------------------------------------
# Recognition (认定): the rule sets per class
# ------------------------------------------------------------------------------------------------


def verdicts(facts: dict) -> list[tuple[str, Verdict]]:
    """(class, the rule engine's verdict) for A … F on the stated facts."""
    sets = rulesets()
    return list(zip(CLASSES, explain_person(facts or {}, list(sets.values())), strict=True))


def qualifying_class(found: list[tuple[str, Verdict]]) -> str | None:
    """The highest class whose conditions the facts meet (yes), or None."""
    return next((c for c, v in found if v.eligible == "yes"), None)


# ------------------------------------------------------------------------------------------------
# 专家评定: the evaluation template over expert scores and facts
# ------------------------------------------------------------------------------------------------


def talent_frame(applications) -> pl.DataFrame:
    """One row per application: ``id`` (its number), ``class`` (the template's one class), the
    average expert score and every stated fact (absent ones null)."""
    rows = []
    for pk, expert_score, facts in applications.values_list("pk", "expert_score", "facts"):
        facts = facts or {}
        rows.append(
            {
                "id": str(pk),
                "expert_score": expert_score,
                **{c.name: facts.get(c.name) for c in PERSON_COLUMNS},
            }
        )
    schema = {"id": pl.Utf8, "expert_score": pl.Float64} | {
        c.name: (pl.Boolean if c.dtype is bool else pl.Float64) for c in PERSON_COLUMNS
    }
    frame = pl.DataFrame(rows, schema=schema, orient="row")
    return frame.with_columns(**{"class": pl.lit(next(iter(template().classes)))})


def cohort(period: str):
    """The applications scored together in a period: the 专家评定 ones submitted that year."""
    return TalentApplication.objects.filter(route=TalentRoute.EXPERT, submitted_at__year=int(period))


def run_template(applications, period: str) -> pl.DataFrame:
    """The template's result for each application (points per indicator, total, grade, rank)."""
    return score(template(), talent_frame(applications), period)


def period_of(app: TalentApplication) -> str:
    """The period the template ranks an application in: its submission year."""
    return str(app.submitted_at.year)


def store_results(period: str, user=None, by: str = "") -> int:
    """Run the 专家评定 template over the period's cohort (the 专家评定 applications submitted that
    year) and store each one's result, replacing the results of this run (template version and
    period) in one transaction; the audit log keeps the replaced ones. ``user`` (or ``by``, a
    command's name) computed them. Returns the number stored."""
    tpl = template()
    apps = cohort(period)
    by_pk = {str(a.pk): a for a in apps}
    rows = run_template(apps, period).to_dicts() if by_pk else []
    now = timezone.now()
    with transaction.atomic():
        # one by one, so that the audit log records each replaced result (a cohort is tens, not more)
        for old in TalentEvaluation.objects.filter(
            template=TALENT_TEMPLATE, template_version=tpl.version, period=period
        ):
            old.delete()
        for row in rows:  # storing: one row per application of the cohort
            TalentEvaluation.objects.create(
                application=by_pk[row["id"]],
                template=TALENT_TEMPLATE,
                template_version=tpl.version,
                period=period,
                total=row["total"],
                grade=row["grade"],
                rank=row["rank"],
                cohort_size=row["cohort_size"],
                lift=(row["lift"] or "")[:500],
                lift_en=(row["lift_en"] or "")[:500],
                missing=(row["missing"] or "")[:500],
                detail=row,
                computed_at=now,
                computed_by=user,
                computed_by_name=by or (user.get_username() if user else ""),
            )
    return len(rows)


def stored_result(app: TalentApplication) -> TalentEvaluation | None:
    """The stored result of the template's current version for the application's period, or None
    (not run yet, or run only with an older version)."""
    return TalentEvaluation.objects.filter(
        application=app, template=TALENT_TEMPLATE, template_version=template().version, period=period_of(app)
    ).first()


def _same(stored, now) -> bool:
    if stored is None or now is None:
        return stored is None and now is None
    return abs(float(stored) - float(now)) < 1e-9


def _changed_inputs(app: TalentApplication, detail: dict) -> tuple[bool, list[str]]:
    """(the expert score changed, the names of the facts that changed) between the values a stored
    result was computed on (its row: each indicator's ``<id>_value``) and the application's now."""
    now = {"expert_score": app.expert_score, **(app.facts or {})}
    expert, facts = False, []
    for ind in template().indicators:
        if not _same(detail.get(f"{ind.id}_value"), now.get(ind.column)):
            if ind.column == "expert_score":
                expert = True
            else:
                facts.append(ind.column)
    return expert, facts


def stale_reason(app: TalentApplication, stored: TalentEvaluation) -> str:
    """Why a stored result no longer matches the application and its cohort, in the reader's
    language ("" when it still does): the expert score or a fact it was computed on changed since,
    another application of the cohort changed, or the cohort grew or shrank (its rank and size)."""
    reasons = []
    detail = stored.detail or {}
    expert, facts = _changed_inputs(app, detail)
    if expert:
        was = detail.get("expert_value")
        reasons.append(
            _("专家评分已由 %(a)s 变为 %(b)s")
            % {
                "a": "—" if was is None else f"{was:g}",
                "b": "—" if app.expert_score is None else f"{app.expert_score:g}",
            }
        )
    if facts:
        english = names.english()
        labels = (", " if english else "、").join(person_label(f, english) for f in facts)
        reasons.append(_("申报事实已变更（%(f)s）") % {"f": labels})
    members = cohort(stored.period)
    size = members.count()
    if size != stored.cohort_size:
        reasons.append(_("同批申报由 %(a)s 件变为 %(b)s 件") % {"a": stored.cohort_size, "b": size})
    else:
        others = {
            r.application_id: r.detail or {}
            for r in TalentEvaluation.objects.filter(
                template=stored.template, template_version=stored.template_version, period=stored.period
            ).exclude(application=app)
        }
        for other in members.exclude(pk=app.pk):
            if other.pk not in others or any(_changed_inputs(other, others[other.pk])):
                reasons.append(_("同批其他申报的专家评分或申报事实已变更"))
                break
    return _("；").join(reasons)


def evaluation(app: TalentApplication, row: dict | None = None) -> dict | None:
    """The 专家评定 template's stored result for one application within its cohort, as the decision
    page shows it beside the expert average; None for another route or before the template was run
    (store_results: the decision page's 运行 and ``kechuang carriers run --template talent_expert``).
    ``row``: the template's result row when already read (the API shows it again in English)."""
    if app.route != TalentRoute.EXPERT:
        return None
    tpl = template()
    stored = None
    if row is None:
        stored = stored_result(app)
        if stored is None:
            return None
        row = stored.detail
    english = names.english()
    _classes, grades = tpl.labels(english)
    from kechuang.engine.evaluation import breakdown

    rows = breakdown(tpl, row)
    for r, ind in zip(rows, tpl.indicators, strict=True):
        r["label"] = (english and ind.label_en) or ind.label
        r["unit"] = names.unit(ind.unit, ind.unit_en)
        if r["value"] is None:
            r["value_text"] = None
        elif ind.column in PERSON_BY_NAME:  # a stated fact in words, with its unit
            r["value_text"], r["unit"] = person_value_text(ind.column, r["value"], english), ""
        else:
            r["value_text"] = f"{r['value']:g}"
    return {
        "tpl": tpl,
        "row": row,
        "stored": stored,
        "stale": stale_reason(app, stored) if stored is not None else "",
        "rows": rows,
        "grade": grades.get(row["grade"], row["grade"]),
        "lift": row["lift_en"] if english else row["lift"],
        # 缺少数据: stored with the Chinese labels; in English the indicators without a value by theirs
        "missing": ", ".join(r["label"] for r in rows if r["value"] is None)
        if english
        else row.get("missing"),
    }
