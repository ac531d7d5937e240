"""补改投 and the bureau's portfolio: converting a grant into a stake, valuations, exits, positions
(engine.projects.stakes), and the outcomes the transfer module records for the projects' holders
(read only, scoped by kechuang.access)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import polars as pl
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from kechuang import access
from kechuang.engine.projects import stakes as engine
from kechuang.projects import outputs
from kechuang.projects.models import Project, Stake, StakeExit, StakeValuation
from kechuang.projects.services import ProjectError
from kechuang.projects.vocabulary import ExitKind, Stage, StakeStatus, ValuationMethod

NOT_CONVERTIBLE = (Stage.DROPPED, Stage.FAILED)


def convert(
    project: Project,
    *,
    amount,
    share: float,
    converted_on: dt.date,
    holding_years: int,
    repurchase_rate: float = 0.0,
    exit_plan: str = ExitKind.REPURCHASE,
    note: str = "",
) -> Stake:
    """Turn (part of) a project's grant into a stake; ProjectError (Chinese) when it cannot be."""
    amount = Decimal(str(amount))
    if hasattr(project, "stake"):
        raise ProjectError(gettext("项目 %(code)s 已转为股权投资，不能重复转股") % {"code": project.code})
    if project.stage in NOT_CONVERTIBLE:
        raise ProjectError(
            gettext("项目 %(code)s %(stage)s，不能转为股权投资")
            % {"code": project.code, "stage": project.get_stage_display()}
        )
    if amount <= 0:
        raise ProjectError(gettext("转股金额须大于 0"))
    if amount > project.grant:
        raise ProjectError(
            gettext("转股金额 %(amount)s 万元超过资助金额 %(grant)s 万元")
            % {"amount": f"{amount:g}", "grant": f"{project.grant:g}"}
        )
    if not 0 < share <= 1:
        raise ProjectError(
            gettext("持股比例应在 0 与 100%% 之间，收到 %(share)s") % {"share": f"{share:.4%}"}
        )
    if not 1 <= holding_years <= 15:
        raise ProjectError(gettext("持有期应为 1–15 年，收到 %(years)s") % {"years": holding_years})
    if not 0 <= repurchase_rate <= 0.2:
        raise ProjectError(
            gettext("回购年化单利应在 0–20%% 之间，收到 %(rate)s") % {"rate": f"{repurchase_rate:.2%}"}
        )
    if converted_on < project.started_on:
        raise ProjectError(
            gettext("转股日期早于项目开始日期 %(date)s") % {"date": f"{project.started_on:%Y-%m-%d}"}
        )
    if exit_plan not in ExitKind.values or exit_plan == ExitKind.WRITE_OFF:
        raise ProjectError(gettext("计划退出方式应为回购、转让或上市减持"))
    return Stake.objects.create(
        project=project, amount=amount, share=share, converted_on=converted_on, holding_years=holding_years,
        repurchase_rate=repurchase_rate, exit_plan=exit_plan, note=note,
    )  # fmt: skip


def add_valuation(
    stake: Stake, valued_on: dt.date, company_value, method: str, by: str = ""
) -> StakeValuation:
    company_value = Decimal(str(company_value))
    if company_value < 0:
        raise ProjectError(gettext("企业估值不能为负数"))
    if method not in ValuationMethod.values:
        raise ProjectError(gettext("不认识的估值方法「%(method)s」") % {"method": method})
    if valued_on < stake.converted_on:
        raise ProjectError(
            gettext("估值日期早于转股日期 %(date)s") % {"date": f"{stake.converted_on:%Y-%m-%d}"}
        )
    if stake.valuations.filter(valued_on=valued_on).exists():
        raise ProjectError(gettext("%(date)s 已有估值，未覆盖") % {"date": f"{valued_on:%Y-%m-%d}"})
    return StakeValuation.objects.create(
        stake=stake, valued_on=valued_on, company_value=company_value, method=method, by=by
    )


@transaction.atomic
def record_exit(
    stake: Stake, *, exited_on: dt.date, kind: str, share_sold: float, proceeds, buyer: str = ""
) -> StakeExit:
    """An exit (all or part of the stake); refused when it sells more than is held, sells to a third
    party within the holding period, or is dated before the conversion."""
    stake = Stake.objects.select_for_update().get(pk=stake.pk)
    (row,) = positions(Stake.objects.filter(pk=stake.pk), as_of=dt.date.max).to_dicts()
    problem = engine.exit_problem(
        kind=kind, exited_on=exited_on, share_sold=share_sold, proceeds=float(proceeds),
        held_share=row["held_share"], converted_on=stake.converted_on, holding_ends=row["holding_ends"],
    )  # fmt: skip
    if problem:
        message, values = problem
        raise ProjectError(gettext(message) % values)
    return StakeExit.objects.create(
        stake=stake, exited_on=exited_on, kind=kind, share_sold=share_sold,
        proceeds=Decimal(str(proceeds)), buyer=buyer,
    )  # fmt: skip


def positions(stakes=None, as_of: dt.date | None = None) -> pl.DataFrame:
    """engine.projects.stakes.positions for these stakes (all by default), as of today."""
    stakes = Stake.objects.all() if stakes is None else stakes
    ids = list(stakes.values_list("pk", flat=True))
    frame = pl.DataFrame(
        list(stakes.values_list("pk", "amount", "share", "converted_on", "holding_years", "repurchase_rate")),
        schema=list(engine.STAKES_SCHEMA), orient="row",
    ).with_columns(pl.col("amount").cast(pl.Float64))  # fmt: skip
    valuations = pl.DataFrame(
        list(
            StakeValuation.objects.filter(stake_id__in=ids).values_list("stake_id", "valued_on", "company_value")
        ),
        schema=list(engine.VALUATIONS_SCHEMA), orient="row",
    ).with_columns(pl.col("company_value").cast(pl.Float64))  # fmt: skip
    exits = pl.DataFrame(
        list(
            StakeExit.objects.filter(stake_id__in=ids).values_list("stake_id", "exited_on", "share_sold", "proceeds")
        ),
        schema=list(engine.EXITS_SCHEMA), orient="row",
    ).with_columns(pl.col("proceeds").cast(pl.Float64))  # fmt: skip
    return engine.positions(frame, valuations, exits, as_of or timezone.localdate())


def stake_rows(stakes, as_of: dt.date | None = None) -> list[dict]:
    """Stakes with their positions as of ``as_of`` (today by default), for the pages (one query per
    table, not per stake)."""
    stakes = stakes.select_related("project__applicant")
    by_pk = {s.pk: s for s in stakes}
    labels = dict(StakeStatus.choices)
    rows = []
    for row in positions(stakes, as_of).iter_rows(named=True):
        stake = by_pk[row["stake"]]
        rows.append({**row, "object": stake, "status_label": str(labels[row["status"]]),
                     "share_pct": row["share"] * 100, "held_pct": row["held_share"] * 100,
                     "rate_pct": stake.repurchase_rate * 100})  # fmt: skip
    return rows


def visible_rows(user) -> tuple:
    """(the major projects ``user`` may see, their stakes' rows from ``stake_rows``) for the portfolio
    page and the API; AccessDenied (403) without the project_oversight right."""
    access.scoped(user, "project_oversight", Project.objects.none())
    projects = access.visible(user, "major_project", Project.objects.all())
    return projects, stake_rows(Stake.objects.filter(project__in=projects))


def portfolio_for(user) -> dict:
    """The portfolio as ``user`` may see it (the page and GET /api/projects/portfolio): its projects,
    their stakes' rows, the holders' outcomes and ``services.portfolio`` (totals by class, mode, field,
    town and holder, with money released and returned, contracts, licences, patents and the 分类评价
    figures); AccessDenied (403) without the project_oversight right."""
    projects, rows = visible_rows(user)
    return _portfolio(projects, rows, lambda resource, queryset: access.visible(user, resource, queryset))


def portfolio_all() -> dict:
    """``portfolio_for`` over the whole database, for ``kechuang projects portfolio``: a command run
    on the server has no login and reads every row, as the bureau's programme officers see them."""
    return _portfolio(
        Project.objects.all(), stake_rows(Stake.objects.all()), lambda _resource, queryset: queryset
    )


def _portfolio(projects, rows: list[dict], seen) -> dict:
    from kechuang.projects.services import portfolio

    held = list(projects.select_related("applicant", "application__call").order_by("code"))
    found = _outcomes(held, seen)
    produced = outputs.verified_counts(held)  # the project's own verified papers and products
    for pk, counts in produced.items():
        found[pk].update(counts)
    returned = {r["object"].project_id: r["returned"] for r in rows}
    extra = {p.pk: {**found[p.pk], "returned": returned.get(p.pk, 0.0)} for p in held}
    return {
        "projects": held,
        "stakes": rows,
        "outcomes": found,
        "portfolio": portfolio(holders=True, extra=extra),
    }


def totals(rows: list[dict]) -> dict:
    converted = sum(r["amount"] for r in rows)
    value = sum(r["value"] or 0 for r in rows)
    returned = sum(r["returned"] for r in rows)
    return {
        "count": len(rows),
        "converted": converted,
        "returned": returned,
        "value": value,
        "exited": sum(1 for r in rows if r["status"] == engine.EXITED),
        "multiple": (returned + value) / converted if converted else None,
    }


def outcomes(user, projects) -> dict[int, dict]:
    """What the transfer module records for each project's holder, as far as ``user`` may see it, and
    since the project started (an outcome cannot predate the project): licences it is party to (as
    licensee, or as the licensing institution) signed on or after the start, the patents of the
    achievements it completed (universities, institutes) applied for in or after the start's year
    (the year in the patent number: the module records no filing date), and the technology contracts
    it sold registered on or after the start, and the achievements it completed registered on or after
    the start (the day the transfer module registered them: they carry no other date). A holder with
    several projects: each licence, patent, contract and achievement goes to the earliest-started of
    them whose start is not after it (counted once in sums). project pk → {"licences",
    "achievements", "patents", "contracts", "contract_amount"}."""
    return _outcomes(projects, lambda resource, queryset: access.visible(user, resource, queryset))


PATENT_KINDS = ("发明专利", "实用新型专利", "外观设计专利")


def _outcomes(projects, seen) -> dict[int, dict]:
    """``outcomes`` with ``seen(resource, queryset)`` giving the rows that may be shown."""
    from django.db.models import Q

    from kechuang.transfer.models import Achievement, IPRight, Licence, TechContract
    from kechuang.transfer.services.achievements import patent_year

    projects = list(projects)
    holders = {p.pk: p.applicant for p in projects}
    codes = {o.credit_code for o in holders.values() if o.credit_code}
    org_ids = {o.pk for o in holders.values()}
    since = min((p.started_on for p in projects), default=dt.date.max)
    licences = seen(
        "transfer_licence",
        Licence.objects.filter(
            Q(licensee_code__in=codes) | Q(institution_id__in=org_ids), signed_on__gte=since
        ),
    )
    achievements = seen("achievement", Achievement.objects.filter(institution_id__in=org_ids))
    patents = IPRight.objects.filter(achievement__in=achievements, kind__in=PATENT_KINDS)
    contracts = seen(
        "tech_contract", TechContract.objects.filter(seller_code__in=codes, registered_on__gte=since)
    )
    by_code: dict[str, list] = {}
    by_institution: dict[int, list] = {}
    for lic in licences.select_related("achievement").order_by("code"):
        by_code.setdefault(lic.licensee_code, []).append(lic)
        if lic.institution_id in org_ids:
            by_institution.setdefault(lic.institution_id, []).append(lic)
    by_org: dict[int, list] = {}
    for a in achievements.order_by("code"):
        by_org.setdefault(a.institution_id, []).append(a)
    patents_of: dict[int, list] = {}
    for ip in patents.select_related("achievement").order_by("number"):
        ip.year = patent_year(ip.number)
        patents_of.setdefault(ip.achievement.institution_id, []).append(ip)
    sold: dict[str, list] = {}
    for c in contracts.order_by("-registered_on", "registration_no"):
        sold.setdefault(c.seller_code, []).append(c)
    out = {}
    # a holder with several projects: each outcome goes to its earliest-started project whose start
    # is not after the outcome, so summing over projects counts it once
    claimed: set[tuple[str, int]] = set()

    def claim(kind: str, rows: list) -> list:
        mine = [r for r in rows if (kind, r.pk) not in claimed]
        claimed.update((kind, r.pk) for r in mine)
        return mine

    for project in sorted(projects, key=lambda p: (p.started_on, p.code)):
        org = holders[project.pk]
        code = org.credit_code or "\0"
        start = project.started_on
        mine = claim("contract", [c for c in sold.get(code, []) if c.registered_on >= start])
        licensed = {lic.pk: lic for lic in by_code.get(code, []) + by_institution.get(org.pk, [])}
        out[project.pk] = {
            "licences": claim("licence", [lic for lic in licensed.values() if lic.signed_on >= start]),
            "achievements": claim(
                "achievement",
                [a for a in by_org.get(org.pk, []) if timezone.localdate(a.created_at) >= start],
            ),
            "patents": claim(
                "patent",
                [ip for ip in patents_of.get(org.pk, []) if ip.year is not None and ip.year >= start.year],
            ),
            "contracts": mine,
            "contract_amount": sum(c.amount for c in mine),
        }
    return out
