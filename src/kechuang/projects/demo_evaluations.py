"""Demo of 分类评价: a finished demonstration project (a 2024 call of the 业主制 mode, accepted) and
evaluations of running and finished projects of each class by the programme officer pj_officer —
the basic-research project's 中期评价 (long cycle), the 补改投 applied projects' 结题评价 (one of them
with evidence missing: no sales contracts or users' assessments recorded, listed as gaps) and the
demonstration project's 结题评价. Called from kechuang.projects.demo inside its transaction;
deterministic, and writes nothing for an evaluation (or the call) that exists."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from kechuang.accounts.models import OrgUnit

D = dt.date
CALL = "ZD2024-01"
GOALS = [
    {"indicator": "储能系统循环效率", "indicator_en": "Round-trip efficiency of the storage system", "target": 88,
     "unit": "%", "higher_is_better": True, "key": True},
    {"indicator": "示范推广用户数", "indicator_en": "Users of the demonstration", "target": 10, "unit": "家",
     "unit_en": "organisations", "higher_is_better": True, "key": False},
]  # fmt: skip
# project code → period, days after the start (中期) or after the end (结题), the share of each
# criterion's weight scored, evidence left empty ({criterion: [evidence, …]}), evidence values
PLANS = (
    ("ZD2026-03-XM001", "中期评价", ("start", 200), (0.85, 0.8, 0.75, 0.9), {},
     {"代表作清单": "DBZ-2026-01（3 篇）", "代表作数量": "3", "小同行评议意见": "TYPJ-2026-11",
      "评议专家人数": "5", "人才培养情况": "培养博士研究生 2 名、博士后 1 名", "年度进展报告": "NDBG-2026"}),
    ("ZD2023-01-XM001", "结题评价", ("end", 60), (0.9, 0.85, 0.8, 0.9), {},
     {"技术就绪水平（TRL）": "8", "第三方测试报告": "CS-2025-0412", "用户使用评价意见": "YHPJ-2025-07",
      "用户数": "12", "新增销售收入": "2300", "销售合同或订单": "9", "经费决算说明": "JS-2025-031"}),
    ("ZD2023-01-XM002", "结题评价", ("end", 75), (0.75, 0.6, 0.55, 0.8),
     {"用户评价": ["用户使用评价意见"], "市场检验": ["销售合同或订单"]},
     {"技术就绪水平（TRL）": "6", "第三方测试报告": "CS-2025-0533", "用户数": "2", "新增销售收入": "310",
      "经费决算说明": "JS-2025-044"}),
    ("ZD2024-01-XM001", "结题评价", ("end", 45), (0.9, 0.85, 0.8, 1.0), {},
     {"真实应用场景考核报告": "KH-2026-0316", "示范运行时长": "14", "推广应用单位数": "11",
      "推广应用证明": "TG-2026-02", "经济效益": "1860", "社会效益说明": "年减排二氧化碳约 4200 吨",
      "经费决算说明": "JS-2026-012"}),
)  # fmt: skip


def _demonstration(firm: OrgUnit, experts: list) -> list[str]:
    """ZD2024-01: a demonstration call, one application, funded in 2024 and accepted in 2026."""
    from kechuang.projects import services
    from kechuang.projects.demo_stakes import _scores
    from kechuang.projects.models import Application, Call

    if Call.objects.filter(code=CALL).exists():
        return []
    call = Call.objects.create(
        code=CALL, title="园区光储充一体化示范应用（业主制）", mode="owner", project_class="demonstration",
        title_en="Solar, storage and charging in industrial parks: demonstration (owner-led)",
        field="新能源", problem="在产业园区真实场景中集成光伏、储能与充电设施并推广应用。", goals=GOALS,
        problem_en="Integrate solar power, storage and charging in the real setting of an industrial park and "
        "spread their use.",
        funding_mode="before", budget=Decimal("800"), max_per_project=Decimal("800"),
        opens_on=D(2024, 1, 10), closes_on=D(2024, 3, 10), status="review",
    )  # fmt: skip
    application = Application.objects.create(
        code=f"{CALL}-SQ001", call=call, title="松山湖园区光储充一体化示范", applicant=firm,
        title_en="Solar, storage and charging demonstration in the Songshan Lake park",
        region_code=firm.region_code, requested=Decimal("600"), summary="光储充一体化系统在园区的集成与推广。",
    )  # fmt: skip
    services.submit(application, today=D(2024, 3, 1))
    _scores(call, experts)
    services.decide(call, start=D(2024, 5, 1))
    project = application.project
    first = project.tranches.order_by("number").first()
    if first and not services.release_blockers(first):
        services.release(first, on=project.started_on + dt.timedelta(days=20))
    for m in project.milestones.all():
        services.report_milestone(m, (m.target or 0) * 1.05, on=m.due_on - dt.timedelta(days=7))
        services.verify_milestone(m)
    results = [
        {**g, "measured": g["target"] * 1.05, "method": "真实应用场景考核" if i else "第三方测试",
         "by": "广东省能源检测中心（示例）"}
        for i, g in enumerate(GOALS)
    ]  # fmt: skip
    services.record_acceptance(project, results, on=project.ends_on)
    return [f"重大项目：指南 {CALL}（示范推广）立项 1 项，已验收"]


def load(firms: list[OrgUnit], experts: list) -> list[str]:
    from kechuang.accounts.models import User
    from kechuang.projects import evaluations
    from kechuang.projects.models import Project, ProjectEvaluation

    lines = _demonstration(firms[6 % len(firms)], experts) if firms and len(experts) >= 5 else []
    officer = User.objects.filter(username="pj_officer").first()
    if officer is None:
        return lines
    made = 0
    for code, period, (anchor, days), levels, empty, values in PLANS:
        project = Project.objects.filter(code=code).select_related("application__call").first()
        if project is None or ProjectEvaluation.objects.filter(project=project, period=period).exists():
            continue
        template = evaluations.template_of(project)
        on = (project.started_on if anchor == "start" else project.ends_on) + dt.timedelta(days=days)
        scores = {
            c.name: round(c.weight * level, 1) for c, level in zip(template.criteria, levels, strict=True)
        }
        evidence = {
            c.name: {
                e.name: "" if e.name in empty.get(c.name, ()) else values.get(e.name, "") for e in c.evidence
            }
            for c in template.criteria
        }
        evaluations.record(
            project, period=period, scores=scores, evidence=evidence, evaluated_on=on, by=officer,
            comment="按分类评价模板评价（演示）。",
        )  # fmt: skip
        made += 1
    if made:
        lines.append(
            f"重大项目：分类评价 {made} 项（基础研究中期评价、应用研究与示范推广结题评价，一项缺少证据）"
        )
    return lines
