"""Demo of a project's patents in the portfolio: the university that holds the 定向组织 basic-research
project (ZD2026-03, 广东医科大学) registers in the transfer module the achievement the project led to,
with two invention patents applied for in the project's first year and one older patent of the same
line of work (applied for before the project, so the portfolio leaves it out). It also
records the papers and products (项目产出) of some running and finished projects, most verified by the
programme officer and one paper still waiting (``_outputs``). Called from kechuang.projects.demo
inside its transaction; writes nothing once the achievement, or a project's outputs, exist."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

PROJECT = "ZD2026-03-XM001"
CODE = "GDMU-2026-001"
PATENTS = (  # number, kind, legal status: the first two filed in 2026, after the project started
    ("ZL202610384512.6", "发明专利", "审查中"),
    ("ZL202620917733.1", "实用新型专利", "有效"),
    ("ZL202410556021.8", "发明专利", "有效"),
)


# project code → (kind, title, days after the start, evidence, verified by the programme officer)
OUTPUTS = {
    PROJECT: (
        ("paper", "A novel immune checkpoint target identified by single-cell screening", 150,
         "Journal for ImmunoTherapy of Cancer；DOI 10.1136/jitc-2026-008812", True),
        ("paper", "肿瘤微环境中新靶点表达的检测方法研究", 200, "中华肿瘤杂志 2026 年第 11 期；DOI 10.3760/cma.j.cn112152-20260611-00412", False),
    ),
    "ZD2026-01-XM002": (
        ("product", "高速光模块驱动芯片 DG-LD400", 300, "首次销售：2026 年与东莞某光通信企业签订供货合同（合同号 GH-2026-118）", True),
        ("paper", "A 112 Gb/s PAM4 laser driver in 28 nm CMOS", 240, "IEEE Journal of Solid-State Circuits；DOI 10.1109/JSSC.2026.3312201", True),
    ),
    "ZD2026-02-XM001": (
        ("product", "3C 产线视觉质检一体机 V1", 120, "首次销售：东莞本地手机配件厂试用转采购订单（订单号 SO-2026-0457）", False),
    ),
}  # fmt: skip


def _outputs() -> list[str]:
    """The demo projects' papers and products, recorded by the holder's account where the demo has one
    (pj_applicant), else by the programme officer on its behalf; most are verified."""
    from kechuang.accounts.models import User
    from kechuang.projects import outputs
    from kechuang.projects.models import Project

    officer = User.objects.filter(username="pj_officer").first()
    if officer is None:
        return []
    today = timezone.localdate()
    made = verified = 0
    for code, rows in OUTPUTS.items():
        project = Project.objects.filter(code=code).first()
        if project is None or project.outputs.exists():
            continue
        holder = User.objects.filter(org=project.applicant, role__in=("enterprise_user", "university_user"))
        by = holder.order_by("username").first() or officer
        for kind, title, days, evidence, checked in rows:
            on = min(project.started_on + dt.timedelta(days=days), today)
            row = outputs.record(project, kind, title, on, evidence, by=by)
            made += 1
            if checked:
                outputs.verify(row, by=officer, on=min(on + dt.timedelta(days=20), today))
                verified += 1
    return [f"重大项目：登记论文与产品 {made} 项（已核验 {verified} 项）"] if made else []


def load() -> list[str]:
    from kechuang.projects.models import Project
    from kechuang.transfer.models import Achievement, IPRight

    lines = _outputs()
    project = Project.objects.filter(code=PROJECT).select_related("applicant").first()
    if project is None or Achievement.objects.filter(institution=project.applicant, code=CODE).exists():
        return lines
    achievement = Achievement.objects.create(
        institution=project.applicant, code=CODE, title="肿瘤免疫新靶点及其检测方法", field="生物与新医药",
        inventors="周明；李华", trl=3, ownership="单位所有", status="可转化",
        abstract="重大项目「肿瘤免疫新靶点发现」的阶段成果：新靶点的筛选方法与检测试剂盒。",
    )  # fmt: skip
    for number, kind, status in PATENTS:
        IPRight.objects.create(achievement=achievement, number=number, kind=kind, legal_status=status)
    return lines + [
        f"重大项目：{PROJECT} 的承担单位登记成果 {CODE}，含专利 {len(PATENTS)} 项（项目开始以来申请 2 项）"
    ]
