"""Demo data of 科技金融: the sample products, consents of a subset of enterprises (the demo
enterprise's own included) and simulated loans (模拟) whose default risk depends on the fundamentals,
so that the validation report shows real figures. Idempotent: a second run writes nothing."""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl

# The institution of 创新积分E担 (東科创担保 with 微众银行, shared/rules/innovation-points.md §8).
GUARANTOR = ("guar_dkc", "东科创担保（创新积分E担，与微众银行合作）", "东科创担保")
LOAN_SHARE = 0.45  # of the enterprises eligible for some product, the share that took a loan
DEMO_ACCOUNTS: tuple = ()


def _orgs() -> None:
    from kechuang.accounts.models import OrgKind, OrgUnit

    code, name, short = GUARANTOR
    OrgUnit.objects.get_or_create(
        code=code,
        defaults={
            "name": name,
            "short_name": short,
            "kind": OrgKind.BANK,
            "region_code": "441900003",
            "parent": OrgUnit.objects.filter(code="441900003").first()
            or OrgUnit.objects.filter(parent=None).first(),
        },
    )


def _demo_enterprise():
    from kechuang.accounts.models import OrgKind, OrgUnit
    from kechuang.enterprises.models import Enterprise

    ent = (
        Enterprise.objects.filter(region_code="441900401", hightech_cert_until__isnull=False)
        .order_by("id")
        .first()
        or Enterprise.objects.order_by("id").first()
    )
    if ent and OrgUnit.objects.filter(kind=OrgKind.ENTERPRISE, credit_code=ent.credit_code).exists():
        return ent
    org = OrgUnit.objects.filter(kind=OrgKind.ENTERPRISE).exclude(credit_code="").order_by("id").first()
    return Enterprise.objects.filter(credit_code=org.credit_code).first() if org else ent


def _risk(frame: pl.DataFrame, rng: np.random.Generator) -> np.ndarray:
    """Probability of default from the fundamentals (percentile ranks within the borrowers)."""

    def pct(col: str) -> pl.Expr:
        return (pl.col(col).fill_null(0).rank("average") / pl.len()).alias(col)

    f = frame.select(
        pct("revenue_growth"),
        pct("rd_to_revenue"),
        pct("invention_patents"),
        pct("net_profit"),
        loss=(pl.col("net_profit").fill_null(0) <= 0).cast(pl.Float64),
    )
    logit = (
        -0.4
        - 1.4 * f["revenue_growth"].to_numpy()
        - 1.0 * f["rd_to_revenue"].to_numpy()
        - 0.8 * f["invention_patents"].to_numpy()
        - 0.8 * f["net_profit"].to_numpy()
        + 0.9 * f["loss"].to_numpy()
        + rng.normal(0, 0.5, frame.height)
    )
    return 1 / (1 + np.exp(-logit))


def load_demo(seed: int) -> list[str]:
    from django.db import transaction

    from kechuang.enterprises.demo import DEMO_YEARS
    from kechuang.enterprises.models import Enterprise
    from kechuang.finance import vocabulary as v
    from kechuang.finance.models import Application, Consent
    from kechuang.finance.services import products as products_service
    from kechuang.finance.services.scores import scored

    lines: list[str] = []
    with transaction.atomic():
        _orgs()
        loaded = products_service.load_directory(loaded_by="demo")
    new = [r for r in loaded if r.new_version]
    if new:
        lines.append(
            f"科技金融：加载金融产品 {len(new)} 个（示例）：" + "、".join(r.product.name for r in new)
        )
    year = DEMO_YEARS[-2]  # loans on Y's points; the next year's facts give the growth
    if not Enterprise.objects.exists():
        return lines
    if Application.objects.filter(simulated=True).exists():
        return lines + _validation_report(year)
    rng = np.random.default_rng(seed + 1010)
    s = scored(year)
    offers = products_service.offers()
    result = products_service.evaluation(s, offers)
    eligible = result.filter(pl.col("eligible")).sort(["credit_code", "line"], descending=[False, True])
    best = eligible.unique("credit_code", keep="first", maintain_order=True)
    take = rng.random(best.height) < LOAN_SHARE
    borrowers = (
        best.filter(pl.Series(take))
        .join(s.ids, on="credit_code")
        .join(
            s.derived.select(
                "credit_code", "revenue_growth", "rd_to_revenue", "invention_patents", "net_profit"
            ),
            on="credit_code",
            how="left",
        )
        .join(s.scores.select("credit_code", "points", "stage", "tier"), on="credit_code", how="left")
    )
    p_default = _risk(borrowers, rng)
    draw = rng.random(borrowers.height)
    approved = rng.random(borrowers.height) < 0.88
    by_code = {o.content.code: o for o in offers}
    until = dt.date(year + 3, 12, 31)
    granted = dt.datetime(year + 1, 2, 1, 9, 0, tzinfo=dt.UTC)
    consents, apps = [], []
    # One row per borrower (a few hundred model rows to write; the figures above are whole-column).
    for i, row in enumerate(borrowers.iter_rows(named=True)):
        offer = by_code[row["product"]]
        consents.append(
            Consent(
                enterprise_id=row["enterprise_id"],
                bank=offer.product.bank,
                fields=list(offer.content.fields),
                valid_until=until,
                granted_at=granted,
                granted_by="demo",
                simulated=True,
            )
        )
        ok = bool(approved[i]) and row["line"] >= 1  # a bank does not approve a line under 1 万元
        decided = dt.date(year + 1, 3, 1) + dt.timedelta(days=int(draw[i] * 60))
        if ok:
            perf = (
                v.DEFAULT
                if draw[i] < p_default[i]
                else (
                    v.OVERDUE
                    if draw[i] < p_default[i] * 1.4
                    else (v.REPAID if draw[i] > 0.7 else v.PERFORMING)
                )
            )
        apps.append(
            Application(
                enterprise_id=row["enterprise_id"],
                product=offer.product,
                product_version=offer.version,
                bank=offer.product.bank,
                year=year,
                model_version_id=s.version_id,
                points=row["points"],
                stage=row["stage"] or "",
                tier=row["tier"] or "",
                line=row["line"],
                amount_requested=row["line"],
                applied_at=granted,
                applied_by="demo",
                decision=v.APPROVED if ok else v.DECLINED,
                amount=max(1.0, round(row["line"] * 0.8, 1)) if ok else None,
                decided_on=decided,
                performance=perf if ok else "",
                performance_on=dt.date(year + 2, 6, 30) if ok else None,
                simulated=True,
            )
        )
    demo_ent = _demo_enterprise()
    with transaction.atomic():
        Consent.objects.bulk_create(consents, batch_size=500)
        if demo_ent is not None:
            from kechuang.accounts.models import OrgUnit

            if not Consent.objects.filter(enterprise=demo_ent, bank__code="bank_icbc_dg").exists():
                Consent.objects.create(
                    enterprise=demo_ent,
                    bank=OrgUnit.objects.get(code="bank_icbc_dg"),
                    fields=[
                        "name",
                        "region",
                        "industry_code",
                        "revenue",
                        "rd_expense",
                        "invention_patents",
                        "ip_class1",
                        "tech_contract_income",
                    ],
                    valid_until=until,
                    granted_at=granted,
                    granted_by="demo",
                    simulated=True,
                )
        Application.objects.bulk_create(apps, batch_size=500)
    defaults = sum(1 for a in apps if a.performance == v.DEFAULT)
    lines.append(
        f"科技金融：模拟授权 {len(consents) + (1 if demo_ent else 0)} 条、模拟贷款 {len(apps)} 笔"
        f"（{year} 年积分，违约 {defaults} 笔，标注「模拟」）"
    )
    return lines + _validation_report(year)


def _validation_report(year: int) -> list[str]:
    """The validation report of the demo's loans, computed once (as `kechuang finance validate` does),
    so that the validation page and GET /api/finance/validation show figures from the start."""
    from kechuang.finance.services import validation_job as jobs

    if jobs.latest_report_job(year, None) is not None:
        return []
    from kechuang.jobs.services import JobBusy, JobFailed

    try:
        job = jobs.run_now(year, None, name="demo")
    except (JobBusy, JobFailed) as exc:
        return [f"科技金融：未能生成产业验证报告（{exc}）；可在网页或用 kechuang finance validate 重新生成"]
    current = job.result["current"]
    auc = "—" if current["auc"] is None else f"{current['auc']:.3f}"
    return [f"科技金融：产业验证报告（{year} 年积分，任务 #{job.pk}）：AUC {auc}"]
