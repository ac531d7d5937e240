"""Demo of a project's patents in the portfolio: the university that holds the 定向组织 basic-research
project (ZD2026-03, 广东医科大学) registers in the transfer module the achievement the project led to,
with two invention patents applied for in the project's first year and one older patent of the same
line of work (applied for before the project, so the portfolio leaves it out). Called from
kechuang.projects.demo inside its transaction; writes nothing once the achievement exists."""

from __future__ import annotations

PROJECT = "ZD2026-03-XM001"
CODE = "GDMU-2026-001"
PATENTS = (  # number, kind, legal status: the first two filed in 2026, after the project started
    ("ZL202610384512.6", "发明专利", "审查中"),
    ("ZL202620917733.1", "实用新型专利", "有效"),
    ("ZL202410556021.8", "发明专利", "有效"),
)


def load() -> list[str]:
    from kechuang.projects.models import Project
    from kechuang.transfer.models import Achievement, IPRight

    project = Project.objects.filter(code=PROJECT).select_related("applicant").first()
    if project is None or Achievement.objects.filter(institution=project.applicant, code=CODE).exists():
        return []
    achievement = Achievement.objects.create(
        institution=project.applicant, code=CODE, title="肿瘤免疫新靶点及其检测方法", field="生物与新医药",
        inventors="周明；李华", trl=3, ownership="单位所有", status="可转化",
        abstract="重大项目「肿瘤免疫新靶点发现」的阶段成果：新靶点的筛选方法与检测试剂盒。",
    )  # fmt: skip
    for number, kind, status in PATENTS:
        IPRight.objects.create(achievement=achievement, number=number, kind=kind, legal_status=status)
    return [
        f"重大项目：{PROJECT} 的承担单位登记成果 {CODE}，含专利 {len(PATENTS)} 项（项目开始以来申请 2 项）"
    ]
