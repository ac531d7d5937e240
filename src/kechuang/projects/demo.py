"""Demo data of 重大科技项目: calls of every organisation mode, applications (one 创新联合体), expert
reviews with a conflict declaration, projects at each stage (one failed with an exemption dossier),
补改投 stakes (demo_stakes: one exited, one partly sold, one held), 分类评价 of projects of each
class (demo_evaluations: one with evidence missing), and the technology-security indicators with some warnings. Idempotent: a second run writes nothing.

Accounts: pj_officer (programme officer, 科技局), pj_expert (评审专家), pj_applicant (an enterprise).
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.db import transaction

from kechuang.accounts.models import OrgKind, OrgUnit, Role
from kechuang.accounts.services import DemoAccount
from kechuang.projects import demo_evaluations, demo_outcomes, demo_stakes
from kechuang.projects.vocabulary import FIELDS_EN

D = dt.date

DEMO_ACCOUNTS = (
    DemoAccount("pj_officer", "科技局 项目主管 赵处", Role.BUREAU_STAFF, "kjj"),
    DemoAccount("pj_expert", "评审专家 孙教授", Role.EXPERT, "pj_inst_materials"),
    DemoAccount("pj_applicant", "申报企业 项目联络人", Role.ENTERPRISE_USER, "pj_applicant_org"),
)
# more reviewers, so that five or more score each application (not listed as login accounts)
MORE_EXPERTS = (
    ("pj_expert2", "评审专家 钱研究员", "univ_dgut"),
    ("pj_expert3", "评审专家 李高工", "pj_inst_materials"),
    ("pj_expert4", "评审专家 周教授", "pj_univ_medical"),
    ("pj_expert5", "评审专家 吴总工", "kjj"),
    ("pj_expert6", "评审专家 郑教授", "univ_dgut"),
)
INSTITUTIONS = (
    ("pj_inst_materials", "松山湖材料实验室", OrgKind.UNIVERSITY, "441900401"),
    ("pj_univ_medical", "广东医科大学（东莞校区）", OrgKind.UNIVERSITY, "441900401"),
)

ELIGIBILITY = """
- id: employees
  label: 职工总数不少于 20 人
  label_en: At least 20 employees
  expr: employees >= 20
  gap: {label: 职工总数, label_en: Employees, measure: employees, op: ">=", threshold: 20, unit: 人}
- id: rd_ratio
  label: 近三年研发费用占营业收入比例不低于 3%
  label_en: R&D expenses of the last three years at least 3% of operating revenue
  expr: rd_ratio_3y >= 0.03
  gap: {label: 近三年研发费用占比, label_en: R&D expense ratio (3 years), measure: rd_ratio_3y, op: ">=",
        threshold: 0.03, unit: "%"}
- id: clean
  label: 近一年无重大安全、质量事故或严重违法行为
  label_en: No serious safety or quality incident or serious violation in the last year
  expr: NOT serious_incident_1y
"""

CALLS = (
    # code, title, mode, class, field, key_core, funding, budget, cap, reward, status, opens, closes, goals
    ("ZD2026-01", "新一代信息技术关键器件攻关（竞争择优）", "competitive", "applied", "新一代信息技术", True,
     "before", 1500, 600, None, "decided", D(2026, 1, 10), D(2026, 3, 10),
     [{"indicator": "芯片良率", "indicator_en": "Chip yield", "target": 95, "unit": "%",
       "higher_is_better": True, "key": True},
      {"indicator": "功耗", "indicator_en": "Power consumption", "target": 1.2, "unit": "W",
       "higher_is_better": False, "key": False}]),
    ("ZD2026-02", "工业视觉大模型揭榜挂帅榜单", "open_competition", "applied", "人工智能", True,
     "during", 1600, 800, 800, "decided", D(2026, 2, 1), D(2026, 4, 1),
     [{"indicator": "缺陷检出率", "indicator_en": "Defect detection rate", "target": 99.5, "unit": "%",
       "higher_is_better": True, "key": True},
      {"indicator": "单帧推理时延", "indicator_en": "Inference latency per frame", "target": 20, "unit": "ms",
       "higher_is_better": False, "key": True}]),
    ("ZD2026-03", "新型抗体药物靶点基础研究（定向组织）", "directed", "basic", "生命科学", False,
     "before", 500, 500, None, "decided", D(2026, 1, 15), D(2026, 2, 28),
     [{"indicator": "高水平论文（代表作）", "indicator_en": "High-level papers (representative works)",
       "target": 3, "unit": "篇", "unit_en": "papers", "higher_is_better": True, "key": True}]),
    ("ZD2026-04", "新型储能示范电站（业主制）", "owner", "demonstration", "新能源", False,
     "before", 2000, 1000, None, "open", D(2026, 11, 1), D(2027, 1, 31),
     [{"indicator": "储能系统循环效率", "indicator_en": "Round-trip efficiency of the storage system",
       "target": 88, "unit": "%", "higher_is_better": True, "key": True},
      {"indicator": "示范推广用户数", "indicator_en": "Users of the demonstration", "target": 10, "unit": "家",
       "unit_en": "organisations", "higher_is_better": True, "key": False}]),
    ("ZD2026-05", "高端数控装备首台套事后奖补", "post_subsidy", "demonstration", "高端装备", False,
     "after", 600, 200, None, "review", D(2026, 6, 1), D(2026, 9, 30),
     [{"indicator": "首台套销售台数", "indicator_en": "First-of-a-kind units sold", "target": 1, "unit": "台",
       "unit_en": "units", "higher_is_better": True, "key": True}]),
)  # fmt: skip
# the calls' and applications' English names (Call.title_en, Application.title_en → Project.title_en)
TITLES_EN = {
    "ZD2026-01": "Key devices of new-generation information technology (competitive selection)",
    "ZD2026-02": "Open competition: large vision models for industry",
    "ZD2026-03": "Basic research on targets of new antibody drugs (directed)",
    "ZD2026-04": "New energy-storage demonstration plant (owner-led)",
    "ZD2026-05": "Post-hoc award for first-of-a-kind high-end CNC equipment",
    "兆瓦级液冷储能示范电站": "Megawatt liquid-cooled energy-storage demonstration plant",
    "车规级功率芯片封装工艺": "Packaging process for automotive-grade power chips",
    "高速光模块驱动芯片": "Driver chips for high-speed optical modules",
    "MEMS 传感器晶圆级封装": "Wafer-level packaging of MEMS sensors",
    "射频前端滤波器": "RF front-end filters",
    "存算一体芯片原型": "Compute-in-memory chip prototype",
    "宽禁带半导体衬底材料": "Wide-bandgap semiconductor substrates",
    "面向 3C 产线的视觉大模型": "Large vision model for 3C production lines",
    "小样本缺陷检测平台": "Few-shot defect detection platform",
    "肿瘤免疫新靶点发现": "Discovery of new tumour-immunity targets",
    "五轴联动数控机床首台套": "First-of-a-kind five-axis CNC machine tool",
    "精密注塑机首台套": "First-of-a-kind precision injection-moulding machine",
}
FIELDS_PROBLEM_EN = "Key problems of the {field} field: {title}."


def _orgs(rng: random.Random) -> dict[str, OrgUnit]:

    orgs = {}
    for code, name, kind, region in INSTITUTIONS:
        orgs[code], _ = OrgUnit.objects.get_or_create(
            code=code, defaults={"name": name, "short_name": name[:20], "kind": kind, "region_code": region}
        )
    for code in ("univ_dgut", "kjj"):
        found = OrgUnit.objects.filter(code=code).first()
        if found:
            orgs[code] = found
    picks = _eligible_enterprises()
    rng.shuffle(picks)
    firms = []
    for i, ent in enumerate(picks[:8]):
        code = "pj_applicant_org" if i == 0 else f"ent_{ent.credit_code}"
        org, _ = OrgUnit.objects.get_or_create(
            code=code,
            defaults={"name": ent.name, "short_name": ent.name[:20], "kind": OrgKind.ENTERPRISE,
                      "region_code": ent.region_code, "credit_code": ent.credit_code},
        )  # fmt: skip
        firms.append(org)
    if not firms:  # no registry (demo without enterprises): made-up firms
        for i in range(8):
            code = "pj_applicant_org" if i == 0 else f"pj_firm_{i}"
            org, _ = OrgUnit.objects.get_or_create(
                code=code,
                defaults={
                    "name": f"东莞示例科技有限公司{i + 1}",
                    "kind": OrgKind.ENTERPRISE,
                    "region_code": "441900401",
                },
            )
            firms.append(org)
    orgs["firms"] = firms
    return orgs


def _eligible_enterprises() -> list:
    """Registry enterprises that meet the demo calls' conditions (so that their applications go on
    to review), by the same vectorised engine as the registry's qualification."""
    from kechuang.enterprises.models import Enterprise
    from kechuang.projects.models import Call
    from kechuang.projects.services import registry_eligibility

    probe = Call(code="probe", title="probe", eligibility=ELIGIBILITY.strip())
    verdicts = registry_eligibility(probe)
    codes = verdicts.filter(verdicts["eligible"] == "yes")["credit_code"].sort().head(400).to_list()
    return list(Enterprise.objects.filter(credit_code__in=codes).order_by("id"))


def _experts():
    from kechuang.accounts.services import ensure_demo_accounts

    extra = DEMO_ACCOUNTS + tuple(DemoAccount(u, n, Role.EXPERT, o) for u, n, o in MORE_EXPERTS)
    ensure_demo_accounts(extra=extra)
    from kechuang.accounts.models import User

    return list(
        User.objects.filter(username__in=["pj_expert", *(u for u, _n, _o in MORE_EXPERTS)]).order_by(
            "username"
        )
    )


def _call(row) -> tuple:
    from kechuang.projects.models import Call

    code, title, mode, klass, field, key_core, funding, budget, cap, reward, status, opens, closes, goals = (
        row
    )
    call, created = Call.objects.get_or_create(
        code=code,
        defaults={
            "title": title, "mode": mode, "project_class": klass, "field": field, "key_core": key_core,
            "problem": f"围绕「{field}」领域的关键问题，{title}。", "goals": goals, "title_en": TITLES_EN[code],
            "problem_en": FIELDS_PROBLEM_EN.format(field=FIELDS_EN.get(field, field).lower(), title=TITLES_EN[code]),
            "reward": reward, "eligibility": ELIGIBILITY.strip() if klass != "basic" else "",
            "funding_mode": funding, "budget": budget, "max_per_project": cap, "status": "open",
            "opens_on": opens, "closes_on": closes,
        },
    )  # fmt: skip
    return call, created, status


def _apply(call, org, n: int, title: str, requested: float, members=(), on: dt.date | None = None):
    from kechuang.projects import services
    from kechuang.projects.models import Application

    application = Application.objects.create(
        code=f"{call.code}-SQ{n:03d}", call=call, title=title, title_en=TITLES_EN.get(title, ""),
        applicant=org, region_code=org.region_code, consortium=bool(members), requested=Decimal(str(requested)), summary=f"{title}：技术路线、团队与预期成果。",
    )  # fmt: skip
    for member in members:
        application.members.create(org=member, task="联合攻关子课题")
    services.submit(application, today=on or call.closes_on)
    return application


def _review(call, status: str, experts, rng: random.Random, conflicts=()):
    from kechuang.projects import services
    from kechuang.projects.models import Assignment
    from kechuang.projects.vocabulary import SCORING_SHEETS

    for expert, application in conflicts:
        services.declare_conflict(expert, application, "曾与申报单位合作研发（近三年）")
    services.assign_experts(call, experts, per_application=6)
    sheet = SCORING_SHEETS[call.project_class]
    for assignment in Assignment.objects.filter(application__call=call).select_related("expert"):
        if assignment.expert.username == "pj_expert" and status == "review":
            continue  # left for the demo expert to score
        quality = 0.55 + 0.4 * rng.random()
        items = {c: round(min(w, w * (quality + rng.uniform(-0.08, 0.08))), 1) for c, w in sheet}
        services.record_score(assignment, items, "总体可行，建议关注产业化路径。")


ETHICS_COMMITTEES = (
    ("GDYK-EC-2019-07", "广东医科大学医学伦理委员会", "广东医科大学", ["生命科学", "医学与健康", "生物技术"],
     dt.date(2028, 12, 31)),
    ("DGUT-AIEC-2024-02", "东莞理工学院科技伦理（人工智能）委员会", "东莞理工学院", ["人工智能"], dt.date(2027, 6, 30)),
    # expired: listed, and an approval dated after its registration lapsed is refused
    ("DGRM-EC-2018-03", "东莞市人民医院医学伦理委员会", "东莞市人民医院", ["医学与健康", "生命科学"],
     dt.date(2025, 12, 31)),
)  # fmt: skip


def _ethics_committees() -> dict:
    """The registered ethics committees of the demo (备案号 → committee): two valid, one expired."""
    from kechuang.projects.models import EthicsCommittee

    out = {}
    for registration, name, institution, fields, valid_until in ETHICS_COMMITTEES:
        out[registration], _ = EthicsCommittee.objects.get_or_create(
            registration=registration,
            defaults={"name": name, "institution": institution, "fields": fields, "valid_until": valid_until},
        )
    return out


def _projects_at_stages(call, rng: random.Random) -> None:
    from kechuang.projects import services
    from kechuang.projects.models import EthicsApproval, Project

    projects = list(Project.objects.filter(application__call=call).order_by("code"))
    committee = _ethics_committees()["GDYK-EC-2019-07"]
    for i, project in enumerate(projects):
        milestones = list(project.milestones.all())
        if call.field in ("生命科学",):
            EthicsApproval.objects.create(
                project=project, registered_committee=committee, committee=committee.name,
                committee_registration=committee.registration, number=f"YL-2026-{i + 1:03d}",
                approved_on=project.started_on,
            )  # fmt: skip
        first = project.tranches.order_by("number").first()
        if first and not services.release_blockers(first):
            services.release(first, on=project.started_on + dt.timedelta(days=15))
        services.add_spending(
            project, project.started_on + dt.timedelta(days=40), "equipment", "采购测试设备", 45
        )
        services.add_spending(
            project, project.started_on + dt.timedelta(days=70), "materials", "实验耗材", 12.5
        )
        # ZD2026-01's projects: failed (with an exemption dossier), passed, passed with conditions
        stage = (3, 1, 2)[i % 3] if call.code == "ZD2026-01" else 0
        if stage == 0:  # running: the first milestone reported on time
            services.report_milestone(
                milestones[0], milestones[0].target, on=milestones[0].due_on - dt.timedelta(days=3)
            )
            continue
        for m in milestones:
            late = stage == 3 and m.number == len(milestones)
            on = m.due_on + dt.timedelta(days=20 if late else -5)
            value = m.target if stage != 3 else (m.target or 0) * 0.7
            services.report_milestone(m, value, on=on)
            services.verify_milestone(m)
        results = [
            {"indicator": g["indicator"], "target": g["target"],
             "measured": g["target"] * (1.02 if g["higher_is_better"] else 0.97) if stage == 1 else
             (g["target"] * (0.9 if g["higher_is_better"] else 1.1) if (stage == 3 or not g["key"]) else g["target"]),
             "higher_is_better": g["higher_is_better"], "key": g["key"],
             "method": "第三方测试" if j == 0 else "真实应用场景考核", "by": "广东省电子信息产品质量监督检验院"}
            for j, g in enumerate(call.goals)
        ]  # fmt: skip
        if stage == 3:
            project.failure_reason = "technical_route"
            project.failure_explanation = "原定工艺路线在量产良率上未能突破，已形成技术路线评估报告。"
            project.save()
            services.add_spending(
                project, project.started_on + dt.timedelta(days=90), "materials", "项目总结会宴请", 0.8
            )
        services.record_acceptance(
            project, results, on=project.ends_on, conditions="补充可靠性测试报告" if stage == 2 else ""
        )


def _race(call) -> None:
    """Both teams report their first milestone; the one further from the target is dropped at the gate."""
    from kechuang.projects import services
    from kechuang.projects.models import Milestone

    firsts = list(
        Milestone.objects.filter(project__application__call=call, number=1).order_by("project__code")
    )
    for i, m in enumerate(firsts):
        services.report_milestone(m, (m.target or 0) - 0.8 * i, on=m.due_on - dt.timedelta(days=3))
    if firsts:
        services.race_gate(call, max(m.due_on for m in firsts))


@transaction.atomic
def _load(seed: int) -> list[str]:
    from kechuang.projects import services
    from kechuang.projects.models import Call

    rng = random.Random(seed)
    orgs = _orgs(rng)
    firms = orgs["firms"]
    experts = _experts()
    lines = []
    for row in CALLS:
        call, created, status = _call(row)
        if not created:
            continue
        lines.append(f"重大项目：指南 {call.code}（{call.get_mode_display()}）")
        if status == "open":
            _apply(call, firms[1], 1, "兆瓦级液冷储能示范电站", 900, on=call.opens_on + dt.timedelta(days=5))
            continue
        if call.code == "ZD2026-01":
            apps = [
                _apply(call, firms[2], 1, "车规级功率芯片封装工艺", 500,
                       members=[o for o in (orgs.get("univ_dgut"), orgs["pj_inst_materials"]) if o]),  # a 创新联合体
                _apply(call, firms[3], 2, "高速光模块驱动芯片", 450),
                _apply(call, firms[0], 3, "MEMS 传感器晶圆级封装", 300),
                _apply(call, firms[4], 4, "射频前端滤波器", 400),
                _apply(call, firms[5], 5, "存算一体芯片原型", 600),
                _apply(call, orgs["pj_inst_materials"], 6, "宽禁带半导体衬底材料", 350),
            ]  # fmt: skip
            conflicts = [(experts[1], apps[1])]
        elif call.code == "ZD2026-02":
            # the demo applicant (firms[0]) runs this one, so that its account has a project to report on
            apps = [_apply(call, firms[0], 1, "面向 3C 产线的视觉大模型", 800),
                    _apply(call, firms[7], 2, "小样本缺陷检测平台", 800)]  # fmt: skip
            conflicts = []
        elif call.code == "ZD2026-03":
            apps = [_apply(call, orgs["pj_univ_medical"], 1, "肿瘤免疫新靶点发现", 480)]
            conflicts = []
        else:  # ZD2026-05: under review, the demo expert still has sheets to fill in
            apps = [_apply(call, firms[0], 1, "五轴联动数控机床首台套", 200),
                    _apply(call, firms[5], 2, "精密注塑机首台套", 180)]  # fmt: skip
            conflicts = []
        call.status = status if status == "review" else "review"
        call.save()
        _review(call, status, experts, rng, conflicts)
        if call.code == "ZD2026-02":  # 赛马制: both teams funded, the stage gate keeps one
            call.race_keep = 1
            call.save()
        if status == "decided":
            services.decide(call, start=call.closes_on + dt.timedelta(days=45))
            _projects_at_stages(call, rng)
        if call.race_keep:
            _race(call)
        lines.append(f"重大项目：{call.code} 申报 {len(apps)} 项")
    lines += demo_stakes.load(firms, experts)
    lines += demo_evaluations.load(firms, experts)
    lines += demo_outcomes.load()
    lines += _security()
    _ethics_committees()  # also on a database whose calls an earlier demo made
    if not Call.objects.exists():
        return []
    return lines


def _security() -> list[str]:
    """The indicator system from projects/data/security-indicators.yaml, with the departments' demo
    readings (some warnings)."""
    from kechuang.projects import security
    from kechuang.projects.models import SecurityIndicator, SecurityReading

    result = security.load(security.read_file())
    readings = {
        "single_supplier": [("2023", 24.0), ("2024", 28.0), ("2025", 36.5)],
        "rd_talent_outflow": [("2024", 4.1), ("2025", 5.2)],
        "core_component_localisation": [("2023", 31.0), ("2024", 27.5), ("2025", 24.0)],
    }
    by_code = {i.code: i for i in SecurityIndicator.objects.filter(code__in=readings)}
    for code, values in readings.items():
        ind = by_code[code]
        for period, value in values:
            SecurityReading.objects.get_or_create(
                indicator=ind, period=period, defaults={"value": value, "source": f"{ind.department}填报"}
            )
    return [f"重大项目：科技安全监测指标 {len(result.created)} 项"] if result.created else []


def load_demo(seed: int = 2026) -> list[str]:
    from kechuang.audit.context import acting_as

    with acting_as(None, name="demo:projects"):
        return _load(seed)
