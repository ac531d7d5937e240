"""Demo of 补改投: a 2023 call for the industrialisation of transferred achievements whose grants were
turned into stakes — one bought back by the enterprise (exited), one partly sold after its holding
period, one still within it. The applicants are, where the transfer demo made them, licensees of
licences (read only), so that the portfolio shows their licences next to the stakes; and some of the
transfer demo's registered technology contracts dated within a project's period, sold in the holder's
own town, are registered to the holder as seller (``_sold_contracts``), so that the portfolio's
technology-contract column shows real figures while the city's and the towns' yearly turnover stay
exactly what the transfer demo made them.
Called from kechuang.projects.demo inside its transaction; writes nothing once the call exists."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from kechuang.accounts.models import OrgUnit
from kechuang.projects.vocabulary import STAKE_FUND_EN

D = dt.date
CALL = "ZD2023-01"
TITLES = ("高导热复合材料产业化", "柔性电子封装材料量产线", "工业机器人精密减速器产业化")
TITLES_EN = (
    "Industrialising high-thermal-conductivity composites",
    "Mass-production line for flexible electronics packaging materials",
    "Industrialising precision reducers for industrial robots",
)


def _licensees(fallback: list[OrgUnit], n: int = 3) -> list[OrgUnit]:
    """Enterprise organisations that hold licences (the transfer module's, read only); others from
    ``fallback`` when there are fewer."""
    from kechuang.transfer.models import Licence

    codes = list(
        dict.fromkeys(
            Licence.objects.exclude(state="draft").order_by("code").values_list("licensee_code", flat=True)
        )
    )
    first: dict[str, OrgUnit] = {}  # credit code → its enterprise organisation (the first by code)
    for org in OrgUnit.objects.filter(credit_code__in=codes, kind="enterprise").order_by("code"):
        first.setdefault(org.credit_code, org)
    picked = [first[code] for code in codes if code in first]
    for org in fallback:
        if len(picked) >= n:
            break
        if org not in picked:
            picked.append(org)
    return picked[:n]


# how many technology contracts each project's holder sold within the project period (in project order)
CONTRACTS_SOLD = (3, 2, 1)


def _sold_contracts(projects) -> int:
    """Name each project's holder as the seller of a few of the transfer demo's contracts (those with no
    seller code yet, registered in the holder's town within the project period, by registration
    number): the amounts, dates and towns are unchanged, so the turnover indicator is too."""
    from kechuang.transfer.models import TechContract

    made = 0
    for project, n in zip(projects, CONTRACTS_SOLD, strict=False):
        org = project.applicant
        if not org.credit_code:
            continue
        pool = TechContract.objects.filter(
            registration_no__startswith="DEMO-", seller_code="", seller_region=org.region_code,
            registered_on__range=(project.started_on, project.ends_on),
        ).order_by("registration_no")[:n]  # fmt: skip
        for contract in pool:  # one by one, so that each change is audited
            contract.seller, contract.seller_code = org.name, org.credit_code
            contract.save(update_fields=["seller", "seller_code"])
            made += 1
    return made


def _scores(call, experts) -> None:
    from kechuang.projects import services
    from kechuang.projects.models import Assignment
    from kechuang.projects.vocabulary import SCORING_SHEETS

    services.assign_experts(call, experts, per_application=5)
    sheet = SCORING_SHEETS[call.project_class]
    for i, assignment in enumerate(Assignment.objects.filter(application__call=call).order_by("pk")):
        level = 0.78 + 0.02 * (i % 5)
        services.record_score(assignment, {c: round(w * level, 1) for c, w in sheet}, "产业化路径清晰。")


def load(firms: list[OrgUnit], experts: list) -> list[str]:
    from kechuang.projects import services, stakes
    from kechuang.projects.models import Application, Call

    if Call.objects.filter(code=CALL).exists() or not firms:
        return []
    goal = {
        "indicator": "新产品销售收入",
        "indicator_en": "Sales of new products",
        "target": 2000,
        "unit": "万元",
        "higher_is_better": True,
        "key": True,
    }
    call = Call.objects.create(
        code=CALL, title="科技成果产业化项目（补改投）", mode="competitive", project_class="applied",
        title_en="Industrialising technology achievements (grant-to-equity)",
        field="新材料", problem="支持已许可实施的职务科技成果产业化，资助以「补改投」方式转为股权投资。",
        problem_en="Support the industrialisation of licensed service inventions; the grants are turned into "
        "equity investments (grant-to-equity).",
        goals=[goal], funding_mode="before", budget=Decimal("1500"), max_per_project=Decimal("600"),
        opens_on=D(2023, 3, 1), closes_on=D(2023, 4, 30), status="review",
    )  # fmt: skip
    holders = _licensees(firms)
    for n, (org, title, title_en) in enumerate(zip(holders, TITLES, TITLES_EN, strict=False), start=1):
        application = Application.objects.create(
            code=f"{CALL}-SQ{n:03d}", call=call, title=title, title_en=title_en, applicant=org,
            region_code=org.region_code,
            requested=Decimal(str(400 + 50 * n)), summary=f"{title}：许可实施成果的中试与量产。",
        )  # fmt: skip
        services.submit(application, today=D(2023, 4, 20))
    _scores(call, experts)
    services.decide(call, start=D(2023, 7, 1))
    projects = list(call.applications.filter(project__isnull=False).order_by("code"))
    plans = (
        # converted on, share, holding years, repurchase rate, valuations, exit
        (D(2023, 12, 1), 0.04, 3, 0.03, ((D(2024, 12, 31), 12000), (D(2025, 12, 31), 15000)),
         {"exited_on": D(2026, 3, 15), "kind": "repurchase", "share_sold": 0.04, "buyer": "企业创始股东"}),
        (D(2024, 1, 15), 0.025, 2, 0.0, ((D(2025, 6, 30), 20000),),
         {"exited_on": D(2026, 2, 1), "kind": "transfer", "share_sold": 0.0125, "proceeds": 290,
          "buyer": "东莞市产业投资母基金（示例）"}),
        (D(2024, 6, 1), 0.03, 5, 0.02, ((D(2025, 12, 31), 9000),), None),
    )  # fmt: skip
    made = 0
    for application, (on, share, years, rate, valuations, exit_) in zip(projects, plans, strict=False):
        project = application.project
        first = project.tranches.order_by("number").first()
        if first and not services.release_blockers(first):
            services.release(first, on=project.started_on + dt.timedelta(days=20))
        for m in project.milestones.all():  # reported on time and verified; accepted at the end
            services.report_milestone(m, (m.target or 0) * 1.15, on=m.due_on - dt.timedelta(days=10))
            services.verify_milestone(m)
        result = {
            **goal,
            "measured": goal["target"] * 1.15,
            "method": "第三方测试",
            "by": "广东省新材料检测中心",
        }
        services.record_acceptance(project, [result], on=project.ends_on)
        stake = stakes.convert(
            project, amount=project.grant, share=share, converted_on=on, holding_years=years,
            repurchase_rate=rate, note="资助资金按「补改投」转为基金持有的股权。",
        )  # fmt: skip
        stake.fund_en = STAKE_FUND_EN
        stake.save(update_fields=["fund_en"])
        for valued_on, value in valuations:
            stakes.add_valuation(stake, valued_on, value, "financing", "最近一轮融资（演示）")
        if exit_:
            if "proceeds" not in exit_:  # a buy-back at the agreed price: the amount plus simple interest
                (row,) = stakes.positions(
                    type(stake).objects.filter(pk=stake.pk), exit_["exited_on"]
                ).to_dicts()
                exit_ = {**exit_, "proceeds": round(row["repurchase_price"], 2)}
            stakes.record_exit(stake, **exit_)
        made += 1
    lines = [f"重大项目：指南 {CALL}（补改投）立项 {len(projects)} 项，转股 {made} 项"]
    sold = _sold_contracts([a.project for a in projects])
    if sold:
        lines.append(f"重大项目：承担单位在项目期内登记的技术合同（卖方）{sold} 份（取自成果转化演示数据）")
    return lines
