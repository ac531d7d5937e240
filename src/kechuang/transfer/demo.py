"""Demo data of the transfer module (kechuang demo): achievements of two universities and an institute,
licences in every state with reports and payments (some overdue), an income policy, registered
technology contracts 2021–2025 (2024 reproduces the published city turnover of 95.35 亿元; the other
years are 模拟), demands, scenario lists, matches and 安心屋 cases, and the module's accounts.

Idempotent: each part is skipped when its first row exists, so a second run writes nothing.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import numpy as np
import polars as pl
from django.db import transaction
from django.utils import timezone

from kechuang.accounts.models import OrgKind, OrgUnit, Role, User
from kechuang.accounts.services import DEMO_PASSWORD, DemoAccount
from kechuang.regions import CITY_CODE, town_rows
from kechuang.transfer import vocabulary as v
from kechuang.transfer.models import (
    Achievement,
    CaseStep,
    ConflictDeclaration,
    Demand,
    IncomePolicy,
    InventorLink,
    Investment,
    Licence,
    Match,
    MilestoneEvent,
    Objection,
    OwnUse,
    OwnUseProfit,
    Payment,
    RevenueReport,
    Scenario,
    ScenarioList,
    ScenarioScore,
    TechContract,
    TransferCase,
)

INSTITUTE = ("inst_slab", "松山湖材料实验室", "材料实验室", "441900401")
# The organisation of the first demo licensee (licences L-DEMO-001 in force and L-DEMO-005, the signed
# match's L-DEMO-007, a demand): a fixed code so that its account is declared here like the others.
LICENSEE_ORG = "transfer_licensee"
INVENTOR = ("inventor", "东莞理工学院 成果完成人")
DEMO_ACCOUNTS = (
    DemoAccount("tto", "东莞理工学院 成果转化办 陈老师", Role.UNIVERSITY_USER, "univ_dgut"),
    DemoAccount("slab", "松山湖材料实验室 成果转化部", Role.UNIVERSITY_USER, "inst_slab"),
    DemoAccount("techmgr", "技术经理人 林经理", Role.TECH_MANAGER, CITY_CODE),
    DemoAccount("reviewer", "评审专家 何教授", Role.EXPERT, CITY_CODE),
    DemoAccount("licensee", "被许可企业 许可合同联系人", Role.ENTERPRISE_USER, LICENSEE_ORG),
    DemoAccount(INVENTOR[0], INVENTOR[1], Role.INDIVIDUAL, "univ_dgut"),
)
# 技术合同成交额 (亿元): 2024 is the plan's published figure; the others are simulated.
TURNOVER = {2021: 58.6, 2022: 70.2, 2023: 81.9, 2024: 95.35, 2025: 108.4}
PUBLISHED_YEARS = {2024}
CONTRACT_SOURCE = "技术合同登记系统导出（演示）"


def _institutions() -> list[OrgUnit]:
    code, name, short, region = INSTITUTE
    if OrgUnit.objects.filter(kind=OrgKind.UNIVERSITY, name=name).exclude(code=code).exists():
        code = OrgUnit.objects.filter(kind=OrgKind.UNIVERSITY, name=name).order_by("code").first().code
    OrgUnit.objects.get_or_create(
        code=code,
        defaults={
            "name": name,
            "short_name": short,
            "kind": OrgKind.UNIVERSITY,
            "region_code": region,
            "parent": OrgUnit.objects.filter(code=region).first(),
        },
    )
    return list(OrgUnit.objects.filter(code__in=["univ_dgut", "univ_gbu", code]).order_by("code"))


def _users() -> dict[str, User]:
    """The module's accounts, and the bureau officer of the base demo (the approval and closing steps
    of the demo cases are his), created now as kechuang.accounts.services would (existing ones kept)."""
    from kechuang.accounts.services import DEMO_ACCOUNTS as BASE

    out = {}
    for acc in (*DEMO_ACCOUNTS, *(a for a in BASE if a.role == Role.BUREAU_STAFF)):
        user = User.objects.filter(username=acc.username).first()
        if user is None:
            user = User(
                username=acc.username,
                display_name=acc.display_name,
                role=acc.role,
                org=OrgUnit.objects.get(code=acc.org_code),
            )
            user.set_password(DEMO_PASSWORD)
            user.save()
        out[acc.username] = user
    return out


def _achievements(institutions: list[OrgUnit], seed: int) -> int:
    from kechuang.engine.transfer.synth import achievements
    from kechuang.transfer.services.achievements import import_rows

    if Achievement.objects.filter(institution__in=institutions).exists():
        return 0
    frame = achievements(360, seed, [i.name for i in institutions])
    by_name = {i.name: i for i in institutions}
    total = 0
    for name, part in frame.group_by("institution"):
        rows = [
            {
                **r,
                "patents": [p for p in (r["patents"] or "").split("；") if p],
                "modes": [m for m in (r["modes"] or "").split("、") if m],
                "abstract": r["abstract"] or "",
                "keywords": r["keywords"] or "",
                "inventors": r["inventors"] or "",
            }
            for r in part.iter_rows(named=True)
        ]
        total += import_rows(rows, by_name[name[0]]).created
    return total


def _enterprise_orgs(n: int = 4) -> list[OrgUnit]:
    """Enterprise organisations for licensees and demands (from the registry, as the enterprise demo)."""
    from kechuang.enterprises.models import Enterprise

    # from the registry's order only, so that other modules' enterprise organisations (which come and
    # go in another order) do not change the pick and a second run creates nothing
    orgs: list[OrgUnit] = []
    for ent in Enterprise.objects.exclude(tech_field="").order_by("id")[: n * 3]:
        if len(orgs) >= n:
            break
        if any(o.credit_code == ent.credit_code for o in orgs):
            continue
        # the first is the licensee whose account (``licensee``) the demo declares: a fixed code
        org, _ = OrgUnit.objects.get_or_create(
            code=LICENSEE_ORG if not orgs else f"ent_{ent.credit_code}",
            defaults={
                "name": ent.name,
                "short_name": ent.name[:20],
                "kind": OrgKind.ENTERPRISE,
                "region_code": ent.region_code,
                "credit_code": ent.credit_code,
                "parent": OrgUnit.objects.filter(code=ent.region_code).first(),
            },
        )
        orgs.append(org)
    return orgs


def _terms(
    start: int, upfront: float, rate: float, floor: float, cap: float | None, period: str = "year"
) -> dict:
    royalty = {
        "rate": rate,
        "period": period,
        "start": f"{start}-01-01",
        "end": f"{start + 4}-12-31",
        "floor": floor,
        "report_days": 30,
    }
    if cap is not None:
        royalty["cap"] = cap
    return {
        "upfront": {"amount": upfront, "due": f"{start}-03-31"},
        "milestones": [
            {"code": "proto", "name": "样机验收", "amount": 20, "due": f"{start}-09-30"},
            {"code": "mass", "name": "批量生产", "amount": 40, "event": "mass_production", "days_after": 60},
        ],
        "royalty": royalty,
        "deferred": [{"amount": 15, "due": f"{start + 1}-06-30"}],
    }


LICENCES = (
    # code, state, start year, upfront, rate, floor, cap, period, reports, payments, event
    (
        "L-DEMO-001",
        v.LicenceState.ACTIVE,
        2024,
        0,
        0.03,
        5,
        40,
        "year",
        {"2024": 820, "2025": 1460},
        [("2024-09-28", 20), ("2025-01-20", 24.6), ("2025-06-25", 15), ("2026-01-25", 43.8)],
        "2025-04-15",
    ),
    (
        "L-DEMO-002",
        v.LicenceState.ACTIVE,
        2025,
        10,
        0.04,
        2,
        15,
        "quarter",
        {"2025Q1": 120, "2025Q2": 160},
        [("2025-03-30", 10), ("2025-05-10", 4.8)],
        None,
    ),
    (
        "L-DEMO-003",
        v.LicenceState.COMPLETED,
        2021,
        5,
        0.02,
        3,
        20,
        "year",
        {"2021": 500, "2022": 900, "2023": 1300, "2024": 1500, "2025": 1200},
        [
            ("2021-03-01", 5),
            ("2021-09-01", 20),
            ("2022-06-01", 15),
            ("2022-01-20", 10),
            ("2023-01-25", 18),
            ("2023-09-01", 40),
            ("2024-01-25", 26),
            ("2025-01-25", 30),
            ("2026-01-20", 24),
        ],
        "2022-03-01",
    ),
    ("L-DEMO-004", v.LicenceState.SUSPENDED, 2025, 0, 0.05, 8, None, "year", {}, [], None),
    (
        "L-DEMO-005",
        v.LicenceState.TERMINATED,
        2023,
        0,
        0.03,
        4,
        30,
        "year",
        {"2023": 300},
        [("2023-09-29", 20)],
        None,
    ),
    ("L-DEMO-006", v.LicenceState.DRAFT, 2027, 0, 0.03, 5, 40, "year", {}, [], None),
)


def _licences(institutions: list[OrgUnit], enterprises: list[OrgUnit], users: dict) -> int:
    from kechuang.transfer.services.licences import create_licence, validate_terms

    if Licence.objects.filter(code=LICENCES[0][0]).exists() or not enterprises:
        return 0
    dgut = next(i for i in institutions if i.code == "univ_dgut")
    pool = list(
        Achievement.objects.filter(
            institution__in=institutions, status=v.AchievementStatus.PUBLISHED
        ).order_by("institution__code", "code")
    )
    made = 0
    for n, (code, state, start, upfront, rate, floor, cap, period, reports, payments, event) in enumerate(
        LICENCES
    ):
        achievement = next(a for a in pool if (a.institution_id == dgut.pk) == (n % 3 != 2))
        pool.remove(achievement)
        ent = enterprises[n % len(enterprises)]
        shape = {
            "code": code,
            "achievement": achievement.code,
            "licensee": ent.credit_code,
            "signed_on": f"{start - 1}-12-20",
            **_terms(start, upfront, rate, floor, cap, period),
        }
        lic = create_licence(validate_terms(shape), achievement, ent.name, state)
        for p, revenue in reports.items():
            RevenueReport.objects.create(licence=lic, period=p, revenue=revenue)
        for day, amount in payments:
            Payment.objects.create(
                licence=lic, paid_on=date.fromisoformat(day), amount=amount, recorded_by=users["tto"]
            )
        if event:
            MilestoneEvent.objects.create(
                licence=lic, milestone="mass_production", occurred_on=date.fromisoformat(event)
            )
        if achievement.status == v.AchievementStatus.PUBLISHED and state != v.LicenceState.DRAFT:
            achievement.status = v.AchievementStatus.TRANSFERRED
            achievement.inventor_shares = {}
            achievement.save()
        made += 1
    IncomePolicy.objects.get_or_create(
        institution=dgut,
        defaults={
            "team_share": 0.7,
            "cost_rate": 0.05,
            "document": "东莞理工学院科技成果转化收益分配办法（演示）",
        },
    )
    return made


def _contracts(seed: int) -> int:
    from kechuang.transfer.services.contracts import import_contracts

    if TechContract.objects.filter(registration_no__startswith="DEMO-").exists():
        return 0
    rng = np.random.default_rng(seed)
    towns = [r["code"] for r in town_rows() if r["code"] != CITY_CODE]
    weights = np.ones(len(towns))
    for hot, w in (("441900401", 14), ("441900003", 5), ("441900121", 4), ("441900004", 3)):
        if hot in towns:
            weights[towns.index(hot)] = w
    weights /= weights.sum()
    types = [t.value for t in v.ContractType]
    type_p = np.array([0.34, 0.08, 0.06, 0.07, 0.45])
    total = 0
    for year, target in TURNOVER.items():
        n = int(target * 7)
        raw = rng.lognormal(4.5, 1.2, n)
        amount = np.round(raw / raw.sum() * target * 10_000, 2)
        amount[-1] = round(target * 10_000 - amount[:-1].sum(), 2)  # the year's total exactly
        days = rng.integers(0, 365, n)
        frame = pl.DataFrame(
            {
                "registration_no": [f"DEMO-{year}-{i + 1:05d}" for i in range(n)],
                "registered_on": [date(year, 1, 1) + timedelta(days=int(d)) for d in days],
                "type": rng.choice(types, n, p=type_p).tolist(),
                "seller": [f"东莞演示卖方{int(k):03d}有限公司" for k in rng.integers(1, 400, n)],
                "seller_code": [""] * n,
                "seller_region": rng.choice(towns, n, p=weights).tolist(),
                "buyer": [f"演示买方{int(k):03d}公司" for k in rng.integers(1, 600, n)],
                "buyer_region": rng.choice(
                    ["广东省东莞市", "广东省深圳市", "广东省广州市", "江苏省苏州市", "浙江省杭州市"], n
                ).tolist(),
                "amount": amount,
                "tech_amount": np.round(amount * rng.uniform(0.6, 1.0, n), 2),
                "field": rng.choice(list(v.TECH_FIELDS), n).tolist(),
            }
        )
        published = year in PUBLISHED_YEARS
        source = f"{CONTRACT_SOURCE} {year}" + ("（总额按公布的全市成交额构造）" if published else "（模拟）")
        total += import_contracts(frame, source, simulated=not published)
    return total


DEMANDS = (
    (
        "生产线视觉检测升级",
        "我们做手机结构件，产线上划痕、缺角靠人工目检，漏检多、招工难，想找能自动看出表面缺陷的设备或算法，最好能直接装在现有流水线上。",
        "先进制造与自动化",
    ),
    (
        "电池包热失控预警",
        "储能柜电池包偶有过热，希望有能提前发现温度异常、提前报警的方案，降低起火风险。",
        "新能源与节能",
    ),
    (
        "注塑件轻量化新材料",
        "汽车内饰件想减重，同时保证强度和耐热，寻找可替代现有塑料的复合材料配方。",
        "新材料",
    ),
    (
        "工业废水重金属处理",
        "电镀车间废水重金属超标，处理成本高，想找更便宜、效果稳定的处理工艺。",
        "资源与环境",
    ),
    ("家电芯片国产替代", "空调控制板用的进口芯片交期长，希望找能替代的国产方案和配套驱动程序。", "电子信息"),
)
SCENARIOS = (
    (
        "松山湖园区无人配送",
        "园区内快递与外卖的最后一公里无人车配送，开放道路测试。",
        "先进制造与自动化",
        "松山湖管委会",
    ),
    ("城市内涝智能监测", "在易涝点布设水位传感器并联网预警。", "电子信息", "市水务局"),
    ("医院智能导诊", "门诊分诊与导诊机器人，减少排队。", "生物与新医药", "市人民医院"),
    ("工业园区光储充一体化", "园区屋顶光伏、储能与充电桩协同调度。", "新能源与节能", "水乡功能区"),
    ("建筑垃圾再生骨料", "拆迁建筑垃圾制再生骨料用于市政道路。", "资源与环境", "市住建局"),
)


def _demands_and_scenarios(enterprises: list[OrgUnit], users: dict) -> int:
    from kechuang.transfer.services import matching

    if Demand.objects.filter(title=DEMANDS[0][0]).exists() or not enterprises:
        return 0
    made = 0
    for n, (title, text, field) in enumerate(DEMANDS):
        ent = enterprises[n % len(enterprises)]
        d = Demand.objects.create(
            enterprise=ent,
            credit_code=ent.credit_code,
            title=title,
            text=text,
            field=field,
            budget=50 + 30 * n,
        )
        made += 1
        ranked = matching.achievements_for_demand(None, d, top=2)
        for k, r in enumerate(ranked[:2]):
            m = matching.propose(d, r["object"], r["score"], r["terms"])
            if n < 3 and k == 0:
                m.manager = users["techmgr"]
                m.save()
                matching.advance(m, v.MatchState.CONTACTED, note="已电话联系企业与成果团队")
                if n == 0:
                    matching.advance(m, v.MatchState.NEGOTIATING, note="双方就许可费率洽谈中")
    published = ScenarioList.objects.create(
        title="2025 年东莞市应用场景清单（第一批）", year=2025, stage=v.ScenarioStage.CALL, min_score=75
    )
    current = ScenarioList.objects.create(
        title="2026 年东莞市应用场景清单（征集中）",
        year=2026,
        stage=v.ScenarioStage.CALL,
        min_score=75,
        call_until=date(2026, 12, 31),
    )
    for n, (title, text, field, proposer) in enumerate(SCENARIOS):
        s = Scenario.objects.create(
            scenario_list=published, title=title, description=text, field=field, proposer=proposer
        )
        ScenarioScore.objects.create(
            scenario=s, expert=users["reviewer"], score=[88, 72, 81, 90, 69][n], comment="演示评分"
        )
        Scenario.objects.create(
            scenario_list=current, title=f"{title}（二期）", description=text, field=field, proposer=proposer
        )
    from kechuang.transfer.services import scenarios

    published.stage = v.ScenarioStage.SCORING
    published.save()
    scenarios.advance(published)  # selection: average ≥ 75 selected
    scenarios.advance(published)  # published
    return made


SIGNED_LICENCE = "L-DEMO-007"


def _signed_match() -> int:
    """The match under negotiation (the first demand's, with the technology manager) moved to 已签约:
    the institution licenses that achievement to the demand's enterprise (L-DEMO-007, in force, zero
    upfront fee), and the match is linked to that licence."""
    from kechuang.transfer.services import matching
    from kechuang.transfer.services.licences import create_licence, validate_terms

    if Licence.objects.filter(code=SIGNED_LICENCE).exists():
        return 0
    m = (
        Match.objects.filter(demand__title=DEMANDS[0][0], state=v.MatchState.NEGOTIATING)
        .select_related("demand", "achievement")
        .order_by("pk")
        .first()
    )
    if m is None:
        return 0
    shape = {
        "code": SIGNED_LICENCE,
        "achievement": m.achievement.code,
        "licensee": m.demand.credit_code,
        "signed_on": "2026-03-16",
        **_terms(2026, 0, 0.03, 3, 30),
    }
    lic = create_licence(validate_terms(shape), m.achievement, m.demand.enterprise.name)
    matching.advance(m, v.MatchState.SIGNED, licence=lic, note="双方签订许可合同（先用后转，零门槛费）")
    m.achievement.status = v.AchievementStatus.TRANSFERRED
    m.achievement.save()
    return 1


def _inventor_link(users: dict) -> str:
    """The demo inventor's account linked to the first inventor of L-DEMO-001's achievement (in force,
    with payments): signed in as ``inventor``, they see their part of its income (我的成果收益)."""
    from kechuang.transfer.services.rewards import link_inventor

    user = users[INVENTOR[0]]
    if InventorLink.objects.filter(user=user).exists():
        return ""
    lic = Licence.objects.filter(code=LICENCES[0][0]).select_related("achievement__institution").first()
    if lic is None or not lic.achievement.inventor_list or lic.institution_id != user.org_id:
        return ""
    name = lic.achievement.inventor_list[0]
    link_inventor(lic.achievement, name, user.username, users["tto"])
    return name


def _cases(institutions: list[OrgUnit], users: dict) -> int:
    if TransferCase.objects.filter(counterparty__startswith="演示").exists():
        return 0
    dgut = next(i for i in institutions if i.code == "univ_dgut")
    picks = list(
        Achievement.objects.filter(institution=dgut, status=v.AchievementStatus.PUBLISHED).order_by("-code")[
            :3
        ]
    )
    if len(picks) < 3:
        return 0
    who = {
        "university_user": users["tto"],
        "tech_manager": users["techmgr"],
        "expert": users["reviewer"],
        "bureau_staff": users.get("kjj")
        or User.objects.filter(role=Role.BUREAU_STAFF).order_by("pk").first(),
    }
    plans = (
        # (achievement, kind, counterparty, start, the steps done: (code, days after previous, approved))
        (
            picks[0],
            "许可",
            "演示：东莞某精密制造有限公司",
            date(2025, 3, 3),
            [
                ("application", 0, True),
                ("legal_review", 6, True),
                ("valuation", 12, True),
                ("notice", 16, True),
                ("approval", 14, True),
                ("signing", 20, True),
                ("supervision", 300, True),
                ("closed", 10, True),
            ],
        ),
        (
            picks[1],
            "转让",
            "演示：东莞某新材料科技有限公司",
            date(2025, 6, 2),
            [
                ("application", 0, True),
                ("legal_review", 8, True),
                ("valuation", 10, True),
                ("notice", 15, True),
                ("approval", 5, False),
            ],
        ),
        (
            picks[2],
            "许可",
            "演示：东莞某电子有限公司",
            date(2026, 11, 2),
            [("application", 0, True), ("legal_review", 5, True), ("valuation", 9, True)],
        ),
    )
    for achievement, kind, counterparty, start, steps in plans:
        case = TransferCase.objects.create(
            achievement=achievement,
            institution=dgut,
            kind=kind,
            counterparty=counterparty,
            price=80,
            notice_days=15,
            created_by=users["tto"],
        )
        at = timezone.make_aware(datetime.combine(start, datetime.min.time()).replace(hour=10))
        for code, days, approved in steps:
            step = v.STEP_BY_CODE[code]
            limit = case.notice_days if code == "notice" else step.days
            due = (at.date() if code != "application" else start) + timedelta(days=limit)
            at = at + timedelta(days=days)
            user = who[step.role]
            CaseStep.objects.create(
                case=case,
                step=code,
                role=step.role,
                due_on=due,
                done_by=user,
                done_by_name=str(user or step.role),
                done_at=at,
                approved=approved,
                comment="演示记录",
                documents="申请表；成果说明" if code == "application" else "",
            )
            if code == "valuation":
                case.valuation, case.valuation_method = 95.0, "收益法"
            if code == "notice":
                Objection.objects.create(
                    case=case,
                    raised_by="校内教师甲",
                    raised_on=at.date() - timedelta(days=5),
                    text="对定价依据有疑问",
                    answer="已补充评估报告并公开",
                    answered_on=at.date() - timedelta(days=2),
                )
        ConflictDeclaration.objects.create(
            case=case, person="成果负责人", declared_on=start, has_conflict=False, text="与受让方无关联关系"
        )
        if steps[-1][0] == "closed":
            case.state = v.CaseState.CLOSED
        elif not steps[-1][2]:
            case.state = v.CaseState.FAILED
        case.save()
    return len(plans)


INVESTMENT_COMPANY = "演示：东莞某新材料科技有限公司（作价投资）"
CLOSED_DEMAND = (
    "旧设备余热回收改造",
    "厂里空压机和注塑机的余热白白排掉，想找能回收余热用于烘干的技术。",
    "新能源与节能",
    "已通过设备供应商的方案解决，不再需要对接",
)


def _income_and_corrections(institutions: list[OrgUnit], enterprises: list[OrgUnit], users: dict) -> int:
    """作价投资 and 自行实施 with their profits (收益分配 beyond licences), a licence whose terms were
    corrected once (version 2, the previous terms in the audit trail), and a closed demand."""
    from kechuang.audit.context import acting_as
    from kechuang.transfer.services import matching
    from kechuang.transfer.services.licences import revise_licence, validate_terms, yaml_shape

    if Investment.objects.filter(company=INVESTMENT_COMPANY).exists() or not enterprises:
        return 0
    by_code = {i.code: i for i in institutions}
    slab, dgut = by_code["inst_slab"], by_code["univ_dgut"]
    published = Achievement.objects.filter(status=v.AchievementStatus.PUBLISHED)
    invested = published.filter(institution=slab).order_by("code").first()
    used = published.filter(institution=dgut).order_by("code")[1:2].first()
    if invested is None or used is None:
        return 0
    Investment.objects.create(
        achievement=invested,
        institution=slab,
        company=INVESTMENT_COMPANY,
        invested_on=date(2025, 9, 1),
        valuation=1200,
        equity=0.25,
        recorded_by=users["slab"],
    )
    own = OwnUse.objects.create(
        achievement=used, institution=dgut, mode=v.OwnUseMode.OWN, started_on=date(2023, 7, 1)
    )
    for year, profit in ((2023, 120), (2024, 260), (2025, -40), (2026, 400)):
        OwnUseProfit.objects.create(own_use=own, year=year, profit=profit, recorded_by=users["tto"])
    lic = Licence.objects.filter(code=LICENCES[1][0], version=1).select_related("achievement").first()
    if lic is not None:
        shape = yaml_shape(lic)
        royalty = dict(shape.get("royalty") or {})
        if royalty:
            royalty["floor"] = float(royalty.get("floor") or 0) + 2
            shape["royalty"] = royalty
            with acting_as(users["tto"]):
                revise_licence(lic, validate_terms(shape), "补充协议（演示）：每期保底提成提高 2 万元")
    title, text, field, reason = CLOSED_DEMAND
    d = Demand.objects.create(
        enterprise=enterprises[0], credit_code=enterprises[0].credit_code, title=title, text=text, field=field
    )
    matching.close_demand(d, reason)
    return 1


@transaction.atomic
def load_demo(seed: int = 2026) -> list[str]:
    institutions = _institutions()
    enterprises = _enterprise_orgs()
    users = _users()
    lines = []
    n = _achievements(institutions, seed)
    if n:
        lines.append(f"成果转化：{n} 项科技成果（东莞理工学院、大湾区大学、松山湖材料实验室）")
    n = _licences(institutions, enterprises, users)
    if n:
        lines.append(f"成果转化：{n} 份许可合同（草拟、履行中、暂停、履行完毕、已终止；含逾期款项）")
    n = _contracts(seed)
    if n:
        lines.append(
            f"成果转化：{n} 份技术合同（2021–2025；2024 年合计 95.35 亿元与公布值一致，其余年度为模拟）"
        )
    n = _demands_and_scenarios(enterprises, users)
    if n:
        lines.append(f"成果转化：{n} 项技术需求、2 份应用场景清单与供需对接")
    name = _inventor_link(users)
    if name:
        lines.append(f"成果转化：演示账户 {INVENTOR[0]} 关联为 {LICENCES[0][0]} 所许可成果的完成人「{name}」")
    if _signed_match():
        lines.append(f"成果转化：1 项供需对接已签约（关联许可合同 {SIGNED_LICENCE}）")
    n = _cases(institutions, users)
    if n:
        lines.append(f"成果转化：{n} 件安心屋事项（已结案、未通过、公示前）")
    if _income_and_corrections(institutions, enterprises, users):
        lines.append(
            "成果转化：作价投资与自行实施各 1 项（收益分配）、1 份修改过条款的许可合同、1 项已关闭的需求"
        )
    if lines:
        from kechuang.plans.models import Plan

        if Plan.objects.exists():
            from kechuang.transfer.services.contracts import feed_turnover

            r = feed_turnover()
            lines.append(
                f"成果转化：技术合同成交额写入规划监测 {r.created + r.revised} 条（官方数据保留 {r.skipped_official} 条）"
            )
    return lines
