"""创新载体与人才 services: figures computed from the enterprise registry, annual reports (form and
upload, all or nothing), recognition checks and periodic evaluations with the one evaluation engine,
「一院一策」 targets with the plan indicators' status lights, instrument bookings and vouchers within
the year's budget, and the talent classified evaluation workflow."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import polars as pl
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from kechuang.carriers.models import (
    Booking,
    Carrier,
    CarrierReport,
    CarrierWithdrawal,
    EvaluationResult,
    ExpertScore,
    IncubatedEnterprise,
    Instrument,
    TalentApplication,
    TalentConflict,
    TargetValue,
    Voucher,
    VoucherBudget,
)
from kechuang.carriers.vocabulary import (
    FRAUD_BAR_YEARS,
    INCUBATION_KINDS,
    REFERENCE_EXTERNAL_HOURS,
    REFERENCE_WORK_HOURS,
    TALENT_VALID_YEARS,
    BookingStatus,
    CarrierKind,
    CarrierStatus,
    ExitReason,
    TalentRoute,
    TalentStatus,
)
from kechuang.engine.evaluation import EvaluationInputError, Template, load_template, score
from kechuang.engine.evaluation.period import over_period, period_years
from kechuang.engine.evaluation.recognise import explain_carrier, load_carrier_ruleset
from kechuang.engine.tables import RowError, RowErrors, read_table
from kechuang.web import names

DATA = Path(__file__).parent / "data"
TEMPLATES = {
    "incubator_operation": gettext_lazy("孵化载体年度运营评价"),
    "institution_dynamic": gettext_lazy("新型研发机构动态评估"),
    "instrument_sharing": gettext_lazy("科研仪器开放共享评价"),
}


@cache
def template(code: str) -> Template:
    return load_template(DATA / "templates" / f"{code}.yaml")


@cache
def ruleset(code: str):
    return load_carrier_ruleset(DATA / "rulesets" / f"{code}.yaml")


@cache
def _talent_data() -> dict:
    import yaml

    from kechuang.engine.rules.ruleset import SAFE_LOADER

    return yaml.load((DATA / "talent_catalogue.yaml").read_text(encoding="utf-8"), Loader=SAFE_LOADER)


def talent_catalogue() -> list[dict]:
    return _talent_data()["criteria"]


def talent_support(talent_class: str) -> dict:
    """The support that follows a class ({text, text_en}; 示例 until the official measures are loaded)."""
    return _talent_data().get("support", {}).get(talent_class, {})


def support_text(app: TalentApplication) -> str:
    """The support recorded on the decision, in English for an English reader when it is still the
    catalogue's text for the class (a text recorded under another catalogue shows as recorded)."""
    entry = talent_support(app.decided_class)
    if app.support and names.english() and app.support == entry.get("text") and entry.get("text_en"):
        return entry["text_en"]
    return app.support


# ------------------------------------------------------------------------------------------------
# Incubators: figures from the registry (not typed) and the operator's report
# ------------------------------------------------------------------------------------------------


def _frame(qs, fields: list[str], schema: dict) -> pl.DataFrame:
    return pl.DataFrame(list(qs.values_list(*fields)), schema=schema, orient="row")


def incubation_figures(carriers, year: int) -> pl.DataFrame:
    """One row per carrier: 在孵/毕业企业, 高企/科小 among them, financing and growth, from the registry."""
    from kechuang.enterprises.models import Fact

    ids = list(carriers.values_list("pk", flat=True))
    # an enterprise entered by mistake (误录) counts in no year; one that left counts until it left
    links = _frame(
        IncubatedEnterprise.objects.filter(carrier_id__in=ids).exclude(exit_reason=ExitReason.MISTAKEN),
        [
            "carrier_id",
            "enterprise_id",
            "entered_year",
            "graduated_year",
            "invested",
            "invested_year",
            "left_on",
            "enterprise__hightech_cert_until",
            "enterprise__kexiao_registered_year",
        ],
        {
            "carrier_id": pl.Int64,
            "enterprise_id": pl.Int64,
            "entered_year": pl.Int64,
            "graduated_year": pl.Int64,
            "invested": pl.Boolean,
            "invested_year": pl.Int64,
            "left_on": pl.Date,
            "cert_until": pl.Date,
            "kexiao_year": pl.Int64,
        },
    )
    ent_ids = links["enterprise_id"].unique().to_list()
    facts = _frame(
        Fact.objects.filter(enterprise_id__in=ent_ids, year__in=[year - 1, year]),
        ["enterprise_id", "year", "revenue", "rd_expense", "equity_financing"],
        {
            "enterprise_id": pl.Int64,
            "year": pl.Int64,
            "revenue": pl.Float64,
            "rd_expense": pl.Float64,
            "equity_financing": pl.Float64,
        },
    )
    now = facts.filter(pl.col("year") == year).drop("year")
    before = facts.filter(pl.col("year") == year - 1).select(
        "enterprise_id", rev_before="revenue", rd_before="rd_expense"
    )
    start = dt.date(year, 1, 1)
    # present at the end of the report year: entered, not graduated, not left (迁出, 注销 …) by then
    inside = (
        (pl.col("entered_year") <= year)
        & (pl.col("graduated_year").is_null() | (pl.col("graduated_year") > year))
        & (pl.col("left_on").is_null() | (pl.col("left_on").dt.year() > year))
    )
    d = (
        links.join(now, on="enterprise_id", how="left")
        .join(before, on="enterprise_id", how="left")
        .with_columns(
            inside=inside,
            graduated_now=pl.col("graduated_year") == year,
            graduated_by=pl.col("graduated_year") <= year,
            hightech=(pl.col("cert_until") >= start).fill_null(False),
            new_hightech=(pl.col("cert_until").dt.year() == year + 3).fill_null(False),
            growing=((pl.col("revenue") > pl.col("rev_before") * 1.2) & (pl.col("rev_before") > 0)).fill_null(
                False
            )
            | ((pl.col("rd_expense") > pl.col("rd_before") * 1.2) & (pl.col("rd_before") > 0)).fill_null(
                False
            ),
        )
    )
    counted = d.filter(pl.col("inside") | pl.col("graduated_by").fill_null(False))
    agg = d.group_by("carrier_id").agg(
        incubated_count=pl.col("inside").sum(),
        graduated_count=pl.col("graduated_now").fill_null(False).sum(),
        graduated_total=pl.col("graduated_by").fill_null(False).sum(),
        # invested in the year (an investment recorded without its year counts in every year)
        invested_count=(
            pl.col("inside")
            & pl.col("invested")
            & (pl.col("invested_year").is_null() | (pl.col("invested_year") == year)).fill_null(False)
        ).sum(),
        funded_count=(pl.col("inside") & (pl.col("equity_financing") > 0).fill_null(False)).sum(),
        growing_count=(pl.col("inside") & pl.col("growing")).sum(),
        kexiao_count=(pl.col("inside") & (pl.col("kexiao_year") == year).fill_null(False)).sum(),
        revenue_now=pl.col("revenue").filter(pl.col("inside") & pl.col("rev_before").is_not_null()).sum(),
        revenue_before=pl.col("rev_before").filter(pl.col("inside") & pl.col("revenue").is_not_null()).sum(),
    )
    hightech = counted.group_by("carrier_id").agg(
        hightech_count=pl.col("hightech").sum(), new_hightech_count=pl.col("new_hightech").sum()
    )
    base = pl.DataFrame({"carrier_id": ids}, schema={"carrier_id": pl.Int64})
    out = base.join(agg, on="carrier_id", how="left").join(hightech, on="carrier_id", how="left")
    counts = [
        "incubated_count",
        "graduated_count",
        "graduated_total",
        "invested_count",
        "funded_count",
        "growing_count",
        "kexiao_count",
        "hightech_count",
        "new_hightech_count",
    ]
    return out.with_columns(
        [pl.col(c).fill_null(0).cast(pl.Float64) for c in counts],
        revenue_growth=pl.when(pl.col("revenue_before") > 0)
        .then((pl.col("revenue_now") / pl.col("revenue_before") - 1) * 100)
        .otherwise(None),
    ).drop("revenue_now", "revenue_before")


REPORT_FIELDS = [
    "occupancy_rate",
    "staff",
    "service_staff",
    "mentors",
    "incubation_fund",
    "total_income",
    "non_rent_income",
    "industry_share",
    "new_national_title",
    "listed_graduates",
    "instrument_value",
    "research_area",
    "resident_rd_staff",
    "employees",
    "rd_spending",
    "income",
    "operating_income",
    "transfer_income",
    "patents",
    "spinoffs",
]
_BOOL_FIELDS = {"new_national_title"}
# what each kind of carrier reports (the rest of REPORT_FIELDS is the other kind's)
INCUBATOR_REPORT_FIELDS = REPORT_FIELDS[: REPORT_FIELDS.index("instrument_value")]
INSTITUTION_REPORT_FIELDS = REPORT_FIELDS[REPORT_FIELDS.index("instrument_value") :]


def report_fields(kind: str) -> list[str]:
    """The annual-report fields of a carrier of this kind (an incubator is not asked for an
    institution's R&D staff, nor the other way round); every field for another kind."""
    if kind in INCUBATION_KINDS:
        return INCUBATOR_REPORT_FIELDS
    if kind == CarrierKind.INSTITUTION:
        return INSTITUTION_REPORT_FIELDS
    return REPORT_FIELDS


def carrier_frame(carriers, year: int) -> pl.DataFrame:
    """Registry figures + the year's reports + the carrier's own columns, one row per carrier."""
    schema = {"carrier_id": pl.Int64} | {
        f: (pl.Boolean if f in _BOOL_FIELDS else pl.Float64) for f in REPORT_FIELDS
    }
    reports = _frame(
        CarrierReport.objects.filter(carrier__in=carriers, year=year), ["carrier_id", *REPORT_FIELDS], schema
    )
    own = _frame(
        carriers,
        ["pk", "code", "evaluation_class", "level", "area", "recognised_year"],
        {
            "carrier_id": pl.Int64,
            "id": pl.Utf8,
            "class": pl.Utf8,
            "level": pl.Utf8,
            "area": pl.Float64,
            "recognised_year": pl.Int64,
        },
    )
    out = own.join(incubation_figures(carriers, year), on="carrier_id", how="left").join(
        reports, on="carrier_id", how="left"
    )
    return out.with_columns(
        years_operating=(pl.lit(year) - pl.col("recognised_year") + 1).cast(pl.Float64),
        independent_legal_person=pl.lit(True),
        mentors_per_10=pl.when(pl.col("incubated_count") > 0).then(
            pl.col("mentors") / pl.col("incubated_count") * 10
        ),
        funded_share=pl.when(pl.col("incubated_count") > 0).then(
            pl.col("funded_count") / pl.col("incubated_count") * 100
        ),
        non_rent_share=pl.when(pl.col("total_income") > 0).then(
            pl.col("non_rent_income") / pl.col("total_income") * 100
        ),
        rd_spending_share=pl.when(pl.col("income") > 0).then(pl.col("rd_spending") / pl.col("income") * 100),
        transfer_share=pl.when(pl.col("operating_income") > 0).then(
            pl.col("transfer_income") / pl.col("operating_income") * 100
        ),
        new_national_title=pl.col("new_national_title").cast(pl.Float64),
    )


def recognition(carrier: Carrier, year: int):
    """The rule engine's verdicts on the carrier's recognition conditions for ``year``."""
    code = "institution_basic" if carrier.kind == CarrierKind.INSTITUTION else "incubator_standard"
    row = carrier_frame(Carrier.objects.filter(pk=carrier.pk), year).to_dicts()[0]
    # the engine derives its own shares (fractions) from the counts and amounts
    for share in ("funded_share", "non_rent_share", "rd_spending_share", "transfer_share"):
        row.pop(share, None)
    row["independent_legal_person"] = True
    return explain_carrier(row, [ruleset(code)], year)[0]


# ------------------------------------------------------------------------------------------------
# Periodic evaluation (one engine for every carrier type)
# ------------------------------------------------------------------------------------------------


@dataclass
class EvaluationRun:
    template: Template
    period: str
    results: pl.DataFrame
    stored: int


PERIOD = re.compile(r"^(\d{4})(?:-(\d{4}))?$")


def evaluation_period(code: str, period: str) -> str:
    """The template's period in its one stored form: a year ("2025") for a one-year template, the
    span ("2023-2025") for a longer one, which a single year names by its last year. Anything else
    (not a year or span, a span ending before it starts or of another length than the template's)
    is refused in Chinese (EvaluationInputError)."""
    years = template(code).period_years
    m = PERIOD.match((period or "").strip())
    if m is None or (m.group(2) and int(m.group(2)) < int(m.group(1))):
        raise EvaluationInputError(
            _("评价期「%(p)s」应为年份（如 2025）或年份区间（如 2023-2025）") % {"p": period}
        )
    last = int(m.group(2) or m.group(1))
    first = int(m.group(1)) if m.group(2) else last - years + 1
    if last - first + 1 != years:
        raise EvaluationInputError(
            ngettext(
                "评价期「%(p)s」：该评价模板的评价期为 %(n)s 年（如 %(e)s）",
                "评价期「%(p)s」：该评价模板的评价期为 %(n)s 年（如 %(e)s）",
                years,
            )
            % {"p": period, "n": years, "e": _canonical(last - years + 1, last)}
        )
    return _canonical(first, last)


def _canonical(first: int, last: int) -> str:
    return str(last) if first == last else f"{first}-{last}"


def _period_year(period: str) -> int:
    return int(period.split("-")[-1])


def _same_period(code: str, stored: str, period: str) -> bool:
    try:
        return evaluation_period(code, stored) == period
    except EvaluationInputError:
        return False


def evaluation_frame(code: str, period: str) -> tuple[pl.DataFrame, object]:
    year = _period_year(period)
    if code == "incubator_operation":
        carriers = Carrier.objects.filter(kind__in=INCUBATION_KINDS, status=CarrierStatus.ACTIVE)
        return carrier_frame(carriers, year), carriers
    if code == "institution_dynamic":
        carriers = Carrier.objects.filter(kind=CarrierKind.INSTITUTION)
        return institution_period_frame(carriers, period), carriers
    carriers = Carrier.objects.filter(instruments__isnull=False).distinct()
    return sharing_frame(carriers, year), carriers


def institution_period_frame(carriers, period: str) -> pl.DataFrame:
    """The dynamic assessment's inputs over its three years: each year's figures and report, with
    whether the report exists, aggregated as the template declares per indicator (sums of flows,
    the latest stocks, mean ratios), with the years used and missing."""
    tpl = template("institution_dynamic")
    years = period_years(period, tpl)
    yearly = pl.concat(
        [carrier_frame(carriers, y).with_columns(year=pl.lit(y, dtype=pl.Int64)) for y in years],
        how="diagonal_relaxed",
    )
    reported = pl.DataFrame(
        list(
            CarrierReport.objects.filter(carrier__in=carriers, year__in=years).values_list(
                "carrier__code", "year"
            )
        ),
        schema={"id": pl.Utf8, "year": pl.Int64},
        orient="row",
    ).with_columns(reported=pl.lit(True))
    yearly = yearly.join(reported, on=["id", "year"], how="left").with_columns(**{"class": pl.lit("general")})
    return over_period(tpl, yearly, years)


SPAN_LABELS = {
    "sum": gettext_lazy("评估期合计"),
    "latest": gettext_lazy("最近一年"),
    "mean": gettext_lazy("评估期平均"),
}


def missing_years_text(tpl: Template, years: list[int] | None) -> str:
    """A multi-year period's missing annual reports, as the result's 缺少数据 says it: each year and
    the indicators summed, averaged or taken from the latest year over the years there are."""
    if not years:
        return ""
    spans = [ind for ind in tpl.indicators if ind.aggregate]
    affected = "、".join(dict.fromkeys(ind.label for ind in spans))
    return "；".join(f"缺少 {y} 年度报告：{affected}按已有年度计算" for y in years)


def grade_text(result: EvaluationResult) -> str:
    """An evaluation result's grade by its template's labels, in the interface's language (the stored
    grade_label is the Chinese one)."""
    _classes, grades = template(result.template).labels(names.english())
    return grades.get(result.grade) or result.grade_label


def missing_text(result: EvaluationResult) -> str:
    """The result's 缺少数据 in the reader's language: in Chinese as stored; in English composed from
    what the result keeps (its indicators without a value, a multi-year period's missing reports)."""
    if not result.missing or not names.english():
        return result.missing
    tpl = template(result.template)
    values = {d["id"]: d.get("value") for d in result.detail.get("indicators", [])}
    absent = [names.localized(i, "label") for i in tpl.indicators if i.id in values and values[i.id] is None]
    parts = [_("%(labels)s（按 0 分计）") % {"labels": ", ".join(absent)}] if absent else []
    affected = ", ".join(dict.fromkeys(names.localized(i, "label") for i in tpl.indicators if i.aggregate))
    parts += [
        _("缺少 %(year)s 年度报告：%(labels)s按已有年度计算") % {"year": y, "labels": affected}
        for y in result.detail.get("years_missing") or ()
    ]
    return "; ".join(parts)


def run_evaluation(code: str, period: str) -> EvaluationRun:
    """Score every carrier the template covers and store the results (replacing the period's; the
    period is checked and stored in its one form, evaluation_period)."""
    tpl = template(code)
    period = evaluation_period(code, period)
    stored = EvaluationResult.objects.filter(template=code).values_list("period", flat=True).distinct()
    same = [p for p in stored if p != period and _same_period(code, p, period)]  # an older spelling
    frame, carriers = evaluation_frame(code, period)
    history = pl.DataFrame(
        list(
            EvaluationResult.objects.filter(template=code, carrier__in=carriers)
            .exclude(period__in=[period, *same])
            .values_list("carrier__code", "period", "total", "grade")
        ),
        schema={"id": pl.Utf8, "period": pl.Utf8, "total": pl.Float64, "grade": pl.Utf8},
        orient="row",
    )
    results = score(tpl, frame, period, history)
    by_code = {c.code: c for c in carriers}
    spans = {}  # a multi-year period: the years whose reports were used and those missing
    if "years_used" in frame.columns:
        spans = {r["id"]: r for r in frame.select("id", "years_used", "years_missing").iter_rows(named=True)}
    with transaction.atomic():
        # results stored under an older spelling of this period become this period's (a withdrawal
        # keeps its link to them), then are replaced as the period's are
        for spelling in same:
            this = EvaluationResult.objects.filter(template=code, period=period)
            older = EvaluationResult.objects.filter(template=code, period=spelling)
            older.exclude(carrier__in=list(this.values_list("carrier", flat=True))).update(period=period)
            older.delete()
        for row in results.iter_rows(named=True):  # storing: one row per carrier (tens, not a population)
            detail = {
                "indicators": [
                    {"id": i.id, "value": row[f"{i.id}_value"], "points": row[f"{i.id}_points"]}
                    for i in tpl.indicators
                ],
                "bonus": row["bonus_points"],
                "rewards": {r.id: row[f"reward_{r.id}"] for r in tpl.rewards},
                "next_grade": row["next_grade"],
                "points_to_next": row["points_to_next"],
            }
            # 缺少数据: the indicators without a value (0 points), then a multi-year period's missing reports
            # (stored in Chinese, as the engine's 缺少数据 is)
            missing = f"{row['missing']}（按 0 分计）" if row["missing"] else ""
            if row["id"] in spans:
                span = spans[row["id"]]
                detail |= {"years_used": span["years_used"], "years_missing": span["years_missing"]}
                missing = "；".join(x for x in (missing, missing_years_text(tpl, span["years_missing"])) if x)
            EvaluationResult.objects.update_or_create(
                carrier=by_code[row["id"]],
                template=code,
                period=period,
                defaults={
                    "template_version": tpl.version,
                    "evaluation_class": row["class"],
                    "total": row["total"],
                    "grade": row["grade"],
                    "grade_label": row["grade_label"],
                    "rank": row["rank"],
                    "cohort_size": row["cohort_size"],
                    "previous_grade": row["previous_grade"] or "",
                    "change": row["change"],
                    "consecutive_failures": row["consecutive_failures"],
                    "consequence": row["consequence"],
                    "lift": (row["lift"] or "")[:500],
                    "lift_en": (row["lift_en"] or "")[:500],
                    "missing": missing[:500],
                    "reward_total": row.get("reward_total") or 0,
                    "detail": detail,
                },
            )
    return EvaluationRun(tpl, period, results, results.height)


def standing_withdrawal(carrier: Carrier) -> CarrierWithdrawal | None:
    """The carrier's withdrawal that has not been undone, if there is one."""
    return carrier.withdrawals.filter(revoked_at__isnull=True).order_by("-pk").first()


def withdraw(
    carrier: Carrier, reason: str, user, evaluation: EvaluationResult | None = None
) -> CarrierWithdrawal:
    """摘牌 / 撤销认定: the carrier's recognition ends (status 已取消资格, out of later evaluations); the
    record keeps the level and status before it, the reason, the evaluation behind it and who decided.
    Refused while an earlier withdrawal stands (not undone)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("请填写撤销原因"))
    if evaluation is not None and evaluation.carrier_id != carrier.pk:
        raise ValidationError(_("所选评价结果不属于该载体"))
    with transaction.atomic():
        locked = Carrier.objects.select_for_update().get(pk=carrier.pk)
        if locked.status == CarrierStatus.WITHDRAWN or standing_withdrawal(locked) is not None:
            raise ValidationError(_("该载体的认定已经撤销"))
        record = CarrierWithdrawal.objects.create(
            carrier=carrier,
            level=locked.level,
            previous_status=locked.status,
            reason=reason[:500],
            evaluation=evaluation,
            decided_by=user,
            decided_by_name=str(user) if user is not None else "",  # display name or username
            decided_on=timezone.localdate(),
        )
        carrier.status = CarrierStatus.WITHDRAWN
        carrier.save(update_fields=["status"])
    return record


def revoke_withdrawal(carrier: Carrier, reason: str, user) -> CarrierWithdrawal:
    """恢复认定: the standing withdrawal is undone — kept, marked revoked with who, when and why — and
    the carrier gets back the status and level it had before it. The carrier may be withdrawn again."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("请填写恢复认定的原因"))
    with transaction.atomic():
        record = standing_withdrawal(Carrier.objects.select_for_update().get(pk=carrier.pk))
        if record is None:
            raise ValidationError(_("该载体没有未恢复的撤销认定，无需恢复"))
        record.revoked_at = timezone.now()
        record.revoked_by = user
        record.revoked_by_name = str(user) if user is not None else ""
        record.revoke_reason = reason[:500]
        record.save(update_fields=["revoked_at", "revoked_by", "revoked_by_name", "revoke_reason"])
        carrier.status = record.previous_status or CarrierStatus.ACTIVE
        carrier.level = record.level
        carrier.save(update_fields=["status", "level"])
    return record


def withdrawal_rows(withdrawals) -> list[dict]:
    """The withdrawals (records with their carrier) as the API and the CLI list them."""
    return [
        {
            "id": w.pk,
            "carrier": w.carrier.code,
            "carrier_name": w.carrier.name,
            "level": w.level,
            "reason": w.reason,
            "evaluation": w.evaluation_id,
            "decided_by": w.decided_by_name,
            "decided_on": w.decided_on,
            "revoked_at": timezone.localtime(w.revoked_at) if w.revoked_at else None,
            "revoked_by": w.revoked_by_name,
            "revoke_reason": w.revoke_reason,
        }
        for w in withdrawals
    ]


def result_rows(result: EvaluationResult) -> list[dict]:
    """The stored result's indicators with labels, units and full points (for the page)."""
    tpl = template(result.template)
    by_id = {d["id"]: d for d in result.detail.get("indicators", [])}
    rows = []
    for ind in tpl.indicators:
        d = by_id.get(ind.id, {})
        rows.append(
            {
                "label": names.localized(ind, "label"),
                "group": names.localized(ind, "group"),
                "unit": names.unit(ind.unit, ind.unit_en),
                "value": d.get("value"),
                "points": d.get("points"),
                "full": ind.weights.get(result.evaluation_class, 0),
                "span": SPAN_LABELS.get(ind.aggregate or "", "") if tpl.period_years > 1 else "",
            }
        )
    return rows


def reward_rows(result: EvaluationResult) -> list[dict]:
    tpl = template(result.template)
    got = result.detail.get("rewards", {})
    return [
        {
            "label": r.label,
            "label_en": r.label_en,
            "amount": got.get(r.id, 0),
            "note": r.note,
            "note_en": r.note_en,
        }
        for r in tpl.rewards
    ]


# ------------------------------------------------------------------------------------------------
# Annual reports: the form and the upload (all or nothing)
# ------------------------------------------------------------------------------------------------

UPLOAD_HEADERS = {"载体编号": "carrier", "年度": "year"} | {
    str(CarrierReport._meta.get_field(f).verbose_name): f for f in REPORT_FIELDS
}


@dataclass
class ReportUpload:
    rows: list[dict]
    errors: RowErrors


def check_report_upload(path: Path, carriers) -> ReportUpload:
    """Read an annual-report sheet; every row error (row, field, why) in Chinese; nothing written."""
    from django.forms import modelform_factory

    errors: list[RowError] = []
    try:
        df = read_table(path)
    except ValueError as exc:
        return ReportUpload([], RowErrors([RowError(0, "", "", str(exc))]))
    headers = {
        h: UPLOAD_HEADERS.get(str(h).strip())
        or (str(h).strip() if str(h).strip() in UPLOAD_HEADERS.values() else None)
        for h in df.columns
    }
    # Every unknown column is named, not only the first; the rows are still checked (with the known
    # columns) so that one round trip shows every problem. Without 载体编号 or 年度 no row can be checked.
    errors += [RowError(1, h, "", _("不认识的列，可用的列见模板")) for h, f in headers.items() if f is None]
    missing = [need for need in ("carrier", "year") if need not in headers.values()]
    for need in missing:
        label = next(k for k, v in UPLOAD_HEADERS.items() if v == need)
        errors.append(RowError(1, label, "", _("缺少此列")))
    if missing:
        return ReportUpload([], RowErrors(errors))
    allowed = {c.code: c for c in carriers}
    present = [f for f in REPORT_FIELDS if f in headers.values()]
    from kechuang.carriers.forms import ReportForm

    Form = modelform_factory(CarrierReport, form=ReportForm, fields=present)
    rows, seen = [], set()
    label_of = {v: k for k, v in UPLOAD_HEADERS.items()}
    for n, raw in enumerate(df.iter_rows(named=True), start=2):  # a few hundred rows at most
        data = {headers[h]: (v.strip() if isinstance(v, str) else v) for h, v in raw.items() if headers[h]}
        code = data.pop("carrier") or ""
        carrier = allowed.get(code)
        if carrier is None:
            errors.append(RowError(n, "载体编号", code, _("不是您可报送的载体")))
            continue
        try:
            year = int(str(data.pop("year") or ""))
            if not 2000 <= year <= 2100:
                raise ValueError
        except ValueError:
            errors.append(RowError(n, "年度", str(raw.get("年度", "")), _("应为 2000–2100 之间的年份")))
            continue
        if (code, year) in seen:
            errors.append(RowError(n, "载体编号", code, _("同一载体同一年度重复")))
            continue
        seen.add((code, year))
        if "new_national_title" in data:
            data["new_national_title"] = str(data["new_national_title"] or "").strip() in (
                "是",
                "1",
                "true",
                "True",
            )
        form = Form({k: ("" if v is None else v) for k, v in data.items()})
        if not form.is_valid():
            for field, messages in form.errors.items():
                errors.append(
                    RowError(n, label_of.get(field, field), str(data.get(field, "")), "；".join(messages))
                )
            continue
        existing = CarrierReport.objects.filter(carrier=carrier, year=year).first()
        if existing is not None:
            errors.append(RowError(n, "年度", str(year), _("该年度报告已报送；如需修改请在报告页面编辑")))
            continue
        values = {k: v for k, v in form.cleaned_data.items() if not (k == "listed_graduates" and v is None)}
        rows.append({"carrier": carrier, "year": year, **values})
    return ReportUpload(rows, RowErrors(errors))


def report_template_xlsx() -> bytes:
    from kechuang.web.generic import write_xlsx

    return write_xlsx("年度报告", list(UPLOAD_HEADERS), [], widths=(16, 8))


# ------------------------------------------------------------------------------------------------
# 「一院一策」 targets, with the plan indicators' status lights
# ------------------------------------------------------------------------------------------------


def target_status(carrier: Carrier, as_of: int) -> list[dict]:
    from kechuang.engine.plan_eval import evaluate
    from kechuang.engine.plan_labels import TREND_LABELS, WARNING_LABELS

    targets = list(carrier.targets.all())
    if not targets:
        return []
    indicators = pl.DataFrame(
        [
            {
                "code": t.code,
                "name": t.name,
                "unit": t.unit,
                "direction": t.direction,
                "baseline_year": t.baseline_year,
                "baseline_value": t.baseline_value,
                "target_year": t.target_year,
                "target_value": t.target_value,
                "growth_model": "linear",
            }
            for t in targets
        ]
    )
    obs = pl.DataFrame(
        list(TargetValue.objects.filter(target__in=targets).values_list("target__code", "year", "value")),
        schema={"indicator": pl.Utf8, "year": pl.Int64, "value": pl.Float64},
        orient="row",
    ).with_columns(region=pl.lit(carrier.code))
    result = evaluate(indicators, obs, as_of, city_region=carrier.code)
    rows = result.filter(pl.col("region") == carrier.code).to_dicts()
    names_en = {t.code: t.name_en for t in targets}
    for r in rows:
        r["name_en"] = names_en.get(r["code"], "")
        r["progress_pct"] = round(100 * r["progress"]) if r["progress"] is not None else None
        r["warning_label"] = WARNING_LABELS.get(r["warning"] or "", "")
        r["trend_label"] = TREND_LABELS.get(r["trend"] or "", "")
    return rows


# ------------------------------------------------------------------------------------------------
# Instrument sharing: machine hours, ratings, vouchers within the budget
# ------------------------------------------------------------------------------------------------


def instrument_usage(instruments, year: int) -> pl.DataFrame:
    """Per instrument: 有效工作机时 (hours used), 对外服务机时, bookings, average rating."""
    b = _frame(
        Booking.objects.filter(instrument__in=instruments, year=year, status=BookingStatus.DONE),
        ["instrument_id", "hours_used", "external", "rating"],
        {"instrument_id": pl.Int64, "hours_used": pl.Float64, "external": pl.Boolean, "rating": pl.Float64},
    )
    ids = pl.DataFrame(
        {"instrument_id": list(instruments.values_list("pk", flat=True))}, schema={"instrument_id": pl.Int64}
    )
    agg = b.group_by("instrument_id").agg(
        work_hours=pl.col("hours_used").sum(),
        external_hours=pl.col("hours_used").filter(pl.col("external")).sum(),
        uses=pl.len(),
        rating=pl.col("rating").mean(),
    )
    return ids.join(agg, on="instrument_id", how="left").with_columns(
        pl.col("work_hours").fill_null(0), pl.col("external_hours").fill_null(0), pl.col("uses").fill_null(0)
    )


def sharing_frame(carriers, year: int) -> pl.DataFrame:
    inst = _frame(
        Instrument.objects.filter(owner__in=carriers),
        ["pk", "owner__code", "open_for_sharing"],
        {"instrument_id": pl.Int64, "id": pl.Utf8, "open": pl.Boolean},
    )
    usage = instrument_usage(Instrument.objects.filter(owner__in=carriers), year)
    d = inst.join(usage, on="instrument_id", how="left")
    return (
        d.group_by("id")
        .agg(
            open_rate=pl.col("open").mean() * 100,
            work_hours_avg=pl.col("work_hours").mean(),
            external_hours_avg=pl.col("external_hours").mean(),
            rating_avg=pl.col("rating").mean(),
        )
        .with_columns(**{"class": pl.lit("general")})
        .sort("id")
    )


def voucher_budget_left(year: int) -> tuple[float | None, float]:
    """(the year's budget or None, the amount still available) in 万元."""
    budget = VoucherBudget.objects.filter(year=year).first()
    used = Voucher.objects.filter(year=year).aggregate(s=Sum("amount"))["s"] or 0.0
    if budget is None:
        return None, 0.0
    return budget.amount, round(budget.amount - used, 4)


def issue_voucher(booking: Booking, amount: float) -> Voucher:
    """A voucher for a done booking of an enterprise; never more than the fee nor the budget left."""
    if booking.status != BookingStatus.DONE:
        raise ValidationError(_("只有已完成的预约可以使用创新券"))
    if booking.enterprise_id is None:
        raise ValidationError(_("创新券只能由企业使用"))
    if amount <= 0:
        raise ValidationError(_("创新券金额须大于 0"))
    if amount * 10000 > booking.fee + 1e-6:
        raise ValidationError(
            _("创新券金额（%(a)s 万元）超过本次费用（%(f)s 元）") % {"a": amount, "f": booking.fee}
        )
    if Voucher.objects.filter(booking=booking).exists():
        raise ValidationError(_("这次预约已经使用过创新券"))
    with transaction.atomic():
        budget = VoucherBudget.objects.select_for_update().filter(year=booking.year).first()
        if budget is None:
            raise ValidationError(_("%(y)s 年尚未设定创新券预算") % {"y": booking.year})
        used = Voucher.objects.filter(year=booking.year).aggregate(s=Sum("amount"))["s"] or 0.0
        left = budget.amount - used
        if amount > left + 1e-9:
            raise ValidationError(
                _("创新券金额 %(a)s 万元超过 %(y)s 年预算余额 %(l)s 万元")
                % {"a": amount, "y": booking.year, "l": round(left, 4)}
            )
        return Voucher.objects.create(booking=booking, year=booking.year, amount=amount)


def decide_booking(booking: Booking, approve: bool) -> Booking:
    if booking.status != BookingStatus.REQUESTED:
        raise ValidationError(_("只能审批待审批的预约"))
    booking.status = BookingStatus.APPROVED if approve else BookingStatus.REJECTED
    booking.save(update_fields=["status"])
    return booking


def record_use(booking: Booking, hours: float, rating: int | None = None) -> Booking:
    if booking.status != BookingStatus.APPROVED:
        raise ValidationError(_("只能为已批准的预约登记机时"))
    if hours <= 0:
        raise ValidationError(_("实际机时须大于 0"))
    booking.hours_used = hours
    booking.rating = rating
    booking.fee = round(hours * booking.instrument.fee_per_hour, 2)
    booking.status = BookingStatus.DONE
    booking.full_clean()
    booking.save()
    return booking


def book(user, instrument: Instrument, date: dt.date | None, hours: float | None) -> Booking:
    """A booking request (待审批) of ``user`` for an open instrument; the enterprise of the user's
    organisation pays (and may use a voucher); the owner's own use is not 对外服务."""
    if not instrument.open_for_sharing:
        raise ValidationError(_("该仪器暂不对外开放"))
    if date is None:
        raise ValidationError(_("请填写使用日期"))
    if hours is None or hours < 0.5:
        raise ValidationError(_("预约机时须不少于 0.5 小时"))
    enterprise = None
    if user.org_id and user.org.credit_code:
        from kechuang.enterprises.models import Enterprise

        enterprise = Enterprise.objects.filter(credit_code=user.org.credit_code).first()
    booking = Booking(
        instrument=instrument,
        applicant=user,
        enterprise=enterprise,
        applicant_name=user.org.name if user.org_id else (user.get_full_name() or user.username),
        date=date,
        year=date.year,
        hours_requested=hours,
        external=not (user.org_id and instrument.owner.operator_id == user.org_id),
    )
    booking.full_clean()
    booking.save()
    return booking


def rate_booking(booking: Booking, user, rating: int) -> Booking:
    """The user who booked rates the service (1–5) once the machine hours are recorded; once."""
    if booking.applicant_id is None or booking.applicant_id != user.pk:
        raise ValidationError(_("只有预约人可以评价"))
    if booking.status != BookingStatus.DONE:
        raise ValidationError(_("使用完成（登记机时）后才能评价"))
    if booking.rating is not None:
        raise ValidationError(_("这次预约已经评价过"))
    if rating is None or not 1 <= rating <= 5:
        raise ValidationError(_("用户评价须为 1–5 分"))
    booking.rating = rating
    booking.save(update_fields=["rating"])
    return booking


REFERENCE_LINES = {"work_hours": REFERENCE_WORK_HOURS, "external_hours": REFERENCE_EXTERNAL_HOURS}


# ------------------------------------------------------------------------------------------------
# Talent classified evaluation
# ------------------------------------------------------------------------------------------------


def id_hash(id_number: str) -> str:
    return hashlib.sha256(id_number.strip().upper().encode()).hexdigest()


def barred_until(id_number_hash: str, today: dt.date | None = None) -> dt.date | None:
    today = today or timezone.localdate()
    bar = (
        TalentApplication.objects.filter(id_number_hash=id_number_hash, barred_until__gte=today)
        .order_by("-barred_until")
        .values_list("barred_until", flat=True)
        .first()
    )
    return bar


def submit_application(applicant, id_number: str, **fields) -> TalentApplication:
    digest = id_hash(id_number)
    bar = barred_until(digest)
    if bar:
        raise ValidationError(_("因弄虚作假被撤销人才评价结果，%(d)s 前不得申报") % {"d": bar.isoformat()})
    code = fields.get("criterion")
    if code:
        entry = {c["code"]: c for c in talent_catalogue()}.get(code)
        if entry is None:
            raise ValidationError(_("目录条目 %(c)s 不存在") % {"c": code})
        # an entry belongs to one class and one route of the catalogue
        if fields.get("claimed_class") and entry["class"] != fields["claimed_class"]:
            raise ValidationError(
                _("目录条目 %(c)s 属于 %(k)s类，与申报类别 %(a)s类不符")
                % {"c": code, "k": entry["class"], "a": fields["claimed_class"]}
            )
        if fields.get("route") and entry["route"] != fields["route"]:
            labels = dict(TalentRoute.choices)
            raise ValidationError(
                _("目录条目 %(c)s 的评价途径是「%(r)s」，与所选途径「%(s)s」不符")
                % {"c": code, "r": labels.get(entry["route"]), "s": labels.get(fields["route"])}
            )
    if "facts" in fields:  # the stated facts, by the people vocabulary (talent_rules.clean_facts)
        from kechuang.carriers.talent_rules import clean_facts

        fields["facts"] = clean_facts(fields["facts"])
    app = TalentApplication(applicant=applicant, id_number_hash=digest, **fields)
    app.full_clean()
    app.save()
    return app


def recommend(app: TalentApplication, text: str) -> TalentApplication:
    if app.status != TalentStatus.SUBMITTED:
        raise ValidationError(_("只能推荐已申报、尚未推荐的申请"))
    app.recommendation, app.status = text, TalentStatus.RECOMMENDED
    app.save(update_fields=["recommendation", "status"])
    return app


def conflict_by_organisation(app: TalentApplication, expert) -> bool:
    """The expert belongs to the applicant's employer (the recommending organisation)."""
    return bool(app.employer_org_id) and expert.org_id == app.employer_org_id


def declaration(app: TalentApplication, expert) -> TalentConflict | None:
    return TalentConflict.objects.filter(application=app, expert=expert).first()


def declare(app: TalentApplication, expert, conflict: bool, reason: str = "") -> TalentConflict:
    """回避声明 before scoring: an expert states a conflict of interest (with its reason) or none. An
    expert of the applicant's employer has a conflict whatever it declares; a declaration stands (a
    second one is refused). A conflict leaves any score of that expert out of the ranking."""
    if app.status not in (TalentStatus.RECOMMENDED, TalentStatus.SCORED):
        raise ValidationError(_("单位推荐后才能作回避声明"))
    if declaration(app, expert) is not None:
        raise ValidationError(_("您已对该申请作过回避声明"))
    reason = (reason or "").strip()
    if conflict_by_organisation(app, expert):
        conflict, reason = True, reason or _("与申报人同一单位")
    if conflict and not reason:
        raise ValidationError(_("请填写回避原因"))
    made = TalentConflict.objects.create(
        application=app, expert=expert, conflict=conflict, reason=reason[:200]
    )
    if conflict:
        _refresh_score(app)
    return made


def may_score(app: TalentApplication, expert, declared: TalentConflict | None) -> bool:
    """Only after declaring no conflict (``declared``: the expert's own declaration, as ``declaration``
    finds it), and never on an application of the expert's own organisation."""
    return declared is not None and not declared.conflict and not conflict_by_organisation(app, expert)


def _refresh_score(app: TalentApplication) -> None:
    app.expert_score = talent_ranking(TalentApplication.objects.filter(pk=app.pk)).get(app.pk, (None, None))[
        1
    ]
    if app.status == TalentStatus.SCORED and app.expert_score is None:
        app.status = TalentStatus.RECOMMENDED
    app.save(update_fields=["expert_score", "status"])


def add_score(app: TalentApplication, expert, value: float) -> TalentApplication:
    if app.status not in (TalentStatus.RECOMMENDED, TalentStatus.SCORED):
        raise ValidationError(_("单位推荐后才能评分"))
    if conflict_by_organisation(app, expert):
        raise ValidationError(_("您与申报人同一单位，须回避，不能评分"))
    d = declaration(app, expert)
    if d is None:
        raise ValidationError(_("评分前请先作回避声明"))
    if d.conflict:
        raise ValidationError(_("您已声明回避该申请，不能评分"))
    ExpertScore.objects.update_or_create(application=app, expert=expert, defaults={"score": value})
    app.expert_score = talent_ranking(TalentApplication.objects.filter(pk=app.pk))[app.pk][1]
    app.status = TalentStatus.SCORED
    app.save(update_fields=["expert_score", "status"])
    return app


def talent_ranking(applications) -> dict[int, tuple[int, float | None]]:
    """pk → (rank, score) by the projects module's review ranking contract (kechuang.engine.projects.
    ranking: the mean of the experts' scores, one highest and one lowest dropped from five scores on;
    competition ranking; the scores of experts who declared a conflict left out), for the applications
    given."""
    from kechuang.engine.projects.ranking import rank_applications

    pks = list(applications.values_list("pk", flat=True))
    if not pks:
        return {}
    apps = pl.DataFrame({"application": [str(p) for p in pks], "requested": [0.0] * len(pks)})
    rows = ExpertScore.objects.filter(application_id__in=pks).values_list(
        "application_id", "expert_id", "score"
    )
    scores = pl.DataFrame(
        [(str(a), str(e), v) for a, e, v in rows],
        schema={"application": pl.Utf8, "expert": pl.Utf8, "score": pl.Float64},
        orient="row",
    )
    declared = TalentConflict.objects.filter(application_id__in=pks, conflict=True).values_list(
        "expert_id", "application_id"
    )
    conflicts = pl.DataFrame(
        [(str(e), str(a)) for e, a in declared],
        schema={"expert": pl.Utf8, "application": pl.Utf8},
        orient="row",
    )
    ranked = rank_applications(apps, scores, conflicts)
    return {int(r["application"]): (r["rank"], r["score"]) for r in ranked.iter_rows(named=True)}


def may_decide(app: TalentApplication) -> bool:
    """Ready for the bureau's decision: recommended, and for 专家评定 also scored."""
    ready = TalentStatus.SCORED if app.route == TalentRoute.EXPERT else TalentStatus.RECOMMENDED
    return app.status in (ready, TalentStatus.SCORED)


def decide(
    app: TalentApplication, approve: bool, talent_class: str = "", note: str = ""
) -> TalentApplication:
    if not may_decide(app):
        raise ValidationError(_("申请尚未完成推荐或专家评分，不能决定"))
    today = timezone.localdate()
    if approve:
        bar = barred_until(app.id_number_hash, today)
        if bar:
            raise ValidationError(
                _("申报人因弄虚作假被撤销人才评价结果，%(d)s 前不得认定") % {"d": bar.isoformat()}
            )
        if not talent_class:
            raise ValidationError(_("认定时须选择类别"))
        app.status, app.decided_class = TalentStatus.APPROVED, talent_class
        app.valid_until = _years_later(today, TALENT_VALID_YEARS)
        # recorded as decided: a later change of the catalogue does not change a decision taken
        app.support = talent_support(talent_class).get("text", "")[:500]
    else:
        app.status = TalentStatus.REJECTED
    app.decision_note = note
    app.save()
    return app


def _years_later(d: dt.date, years: int) -> dt.date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February
        return d.replace(year=d.year + years, day=28)


def revoke_for_fraud(app: TalentApplication, note: str) -> TalentApplication:
    today = timezone.localdate()
    app.status = TalentStatus.REVOKED
    app.valid_until = None
    app.support = ""
    app.barred_until = _years_later(today, FRAUD_BAR_YEARS)
    app.decision_note = note
    app.save()
    return app
