"""A small world of major projects: a call with conditions over the enterprise vocabulary, an
enterprise that meets them (the enterprise persona's own), one that does not, experts, applications."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pytest

from tests.personas import ENTERPRISE_CREDIT_CODE

CONDITIONS = """
- id: employees
  label: 职工总数不少于 20 人
  expr: employees >= 20
  gap: {label: 职工总数, measure: employees, op: ">=", threshold: 20, unit: 人}
- id: rd_ratio
  label: 近三年研发费用占营业收入比例不低于 3%
  expr: rd_ratio_3y >= 0.03
"""
YEAR = 2025
WEAK_CODE = "91441900MA0000001X"


@dataclass
class World:
    call: object
    experts: list
    strong: object  # the enterprise persona's organisation (meets the conditions)
    weak: object  # an enterprise organisation that does not
    university: object


def enterprise(code: str, name: str, employees: int, rd: float):
    from kechuang.enterprises.models import Enterprise, Fact

    ent = Enterprise.objects.create(
        credit_code=code, name=name, region_code="441900401", registered_on=dt.date(2015, 1, 1),
        serious_incident_1y=False, abnormal_listed=False, restricted_industry=False,
    )  # fmt: skip
    for year in (YEAR - 2, YEAR - 1, YEAR):
        Fact.objects.create(
            enterprise=ent, year=year, revenue=10000, rd_expense=rd * 10000, employees=employees
        )
    return ent


def make_call(code="T-01", **over):
    from kechuang.projects.models import Call

    fields = {
        "title": "测试指南", "mode": "competitive", "project_class": "applied", "field": "新一代信息技术",
        "goals": [{"indicator": "良率", "target": 95, "unit": "%", "higher_is_better": True, "key": True},
                  {"indicator": "功耗", "target": 1.2, "unit": "W", "higher_is_better": False, "key": False}],
        "eligibility": CONDITIONS.strip(), "eligibility_year": YEAR, "funding_mode": "before",
        "budget": Decimal("1000"), "max_per_project": Decimal("600"), "opens_on": dt.date(2026, 1, 1),
        "closes_on": dt.date(2026, 3, 31),
    }  # fmt: skip
    fields.update(over)
    return Call.objects.create(code=code, **fields)


@pytest.fixture
def world(personas):
    from kechuang.accounts.models import OrgKind, OrgUnit, User

    enterprise(ENTERPRISE_CREDIT_CODE, "东莞示例科技有限公司", employees=80, rd=0.05)
    enterprise(WEAK_CODE, "东莞弱小贸易有限公司", employees=8, rd=0.01)
    weak = OrgUnit.objects.create(code="ent_weak", name="东莞弱小贸易有限公司", kind=OrgKind.ENTERPRISE,
                                  region_code="441900121", credit_code=WEAK_CODE)  # fmt: skip
    university = OrgUnit.objects.get(code="univ_dgut")
    experts = []
    for i, org in enumerate(["kjj", "univ_dgut", "kjj", "tjj", "kjj", "tjj"], start=1):
        user = User(
            username=f"expert{i}", role="expert", org=OrgUnit.objects.get(code=org), display_name=f"专家{i}"
        )
        user.set_password("pw")
        user.save()
        experts.append(user)
    return World(make_call(), experts, OrgUnit.objects.get(code="ent_demo"), weak, university)


def apply(call, org, n: int, requested=300, members=(), submit=True):
    from kechuang.projects import services
    from kechuang.projects.models import Application

    application = Application.objects.create(
        code=f"{call.code}-SQ{n:03d}", call=call, title=f"申报{n}", applicant=org, region_code=org.region_code,
        consortium=bool(members), requested=Decimal(str(requested)),
    )  # fmt: skip
    for member in members:
        application.members.create(org=member)
    if submit:
        services.submit(application, today=dt.date(2026, 2, 1))
    return application


@pytest.fixture
def projects_walk(personas):
    """The persona walk's entries for the 重大项目 pages: URL name → (kwargs, the object), and the API
    path parameters as "api:{name}" → (value, the object). An open call without enterprise
    conditions, a draft application of the enterprise persona, an expert's assignment, a project."""
    from kechuang.accounts.models import OrgUnit, User
    from kechuang.projects import services
    from kechuang.projects.models import Application, Assignment, EthicsCommittee, SecurityIndicator

    call = make_call("WALK-01", eligibility="", opens_on=dt.date(2020, 1, 1), closes_on=dt.date(2099, 12, 31))
    org = OrgUnit.objects.get(code="ent_demo")
    application = Application.objects.create(
        code="WALK-01-SQ001", call=call, title="巡检申报", applicant=org, region_code=org.region_code,
        requested=Decimal("100"),
    )  # fmt: skip
    expert = User(username="walk_expert", role="expert", org=OrgUnit.objects.get(code="kjj"))
    expert.set_password("pw")
    expert.save()
    assignment = Assignment.objects.create(expert=expert, application=application)
    project = services.open_project(application, dt.date(2026, 6, 1))
    indicator = SecurityIndicator.objects.create(code="walk_supplier", name="巡检指标", yellow=30, red=50)
    committee = EthicsCommittee.objects.create(
        name="巡检伦理委员会", registration="WALK-EC", fields=["人工智能"]
    )
    output = project.outputs.create(
        kind="paper", title="巡检论文", dated_on=dt.date(2026, 9, 1), evidence="DOI 10.1/walk",
        recorded_by=User.objects.get(username="bureau"),
    )  # fmt: skip
    return {
        "projects:call": ({"pk": call.pk}, call),
        "projects:call_edit": ({"pk": call.pk}, call),
        "projects:apply": ({"pk": call.pk}, None),
        "projects:call_decide": ({"pk": call.pk}, None),
        "projects:application": ({"pk": application.pk}, application),
        "projects:application_submit": ({"pk": application.pk}, application),
        "projects:review": ({"pk": assignment.pk}, assignment),
        "projects:project": ({"pk": project.pk}, project),
        "projects:exemption": ({"pk": project.pk}, project),
        "projects:stake": ({"pk": project.pk}, None),
        "projects:output_new": ({"pk": project.pk}, project),
        "projects:output_verify": ({"pk": project.pk, "output": output.pk}, None),
        "projects:output_withdraw": ({"pk": project.pk, "output": output.pk}, project),
        "projects:output_reject": ({"pk": project.pk, "output": output.pk}, None),
        "projects:ethics_committee_edit": ({"pk": committee.pk}, None),
        "projects:security_indicator": ({"code": indicator.code}, None),
        "api:{call_code}": (call.code, None),
        "api:{project_code}": (project.code, project),
    }
