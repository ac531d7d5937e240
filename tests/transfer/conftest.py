"""Fixtures of the transfer tests: a small world of achievements, a licence to the enterprise persona,
a 安心屋 case, a demand, a match and a scenario list; also the objects the persona walk opens."""

from __future__ import annotations

from datetime import date

import pytest

from tests.personas import ENTERPRISE_CREDIT_CODE
from tests.plans import conftest as plan_fixtures

plan = plan_fixtures.plan  # the plan (with its published history) for the indicator tests

TERMS = {
    "upfront": {"amount": 10, "due": "2026-02-28"},
    "milestones": [
        {"code": "proto", "name": "样机验收", "amount": 30, "due": "2026-09-30"},
        {"code": "mass", "name": "批量生产", "amount": 50, "event": "mass_production", "days_after": 60},
    ],
    "royalty": {
        "rate": 0.03,
        "period": "year",
        "start": "2026-01-01",
        "end": "2030-12-31",
        "floor": 5,
        "cap": 40,
    },
    "deferred": [{"amount": 10, "due": "2027-06-30"}],
}


@pytest.fixture
def transfer_world(org_tree, personas):
    """name → object: dgut (institution), gbu, own (a dgut achievement), other (a gbu achievement),
    draft (an unpublished dgut achievement), licence (own → the enterprise persona), case, demand,
    match, scenario_list, scenario, objection."""
    from kechuang.accounts.models import OrgUnit
    from kechuang.transfer import vocabulary as v
    from kechuang.transfer.models import (
        Achievement,
        Demand,
        Licence,
        Match,
        Objection,
        Scenario,
        ScenarioList,
        TransferCase,
    )

    dgut, gbu = OrgUnit.objects.get(code="univ_dgut"), OrgUnit.objects.get(code="univ_gbu")
    ent = OrgUnit.objects.get(code="ent_demo")

    def achievement(inst, code, title, status=v.AchievementStatus.PUBLISHED, **extra):
        return Achievement.objects.create(
            institution=inst,
            code=code,
            title=title,
            abstract=extra.pop("abstract", title),
            field=extra.pop("field", "先进制造与自动化"),
            keywords=extra.pop("keywords", "机器视觉；缺陷检测"),
            inventors=extra.pop("inventors", "王伟；李娜"),
            trl=extra.pop("trl", 6),
            ownership="单位所有",
            modes=["许可"],
            status=status,
            **extra,
        )

    own = achievement(
        dgut, "DGUT-2025-001", "基于机器视觉的表面缺陷检测系统", inventor_shares={"王伟": 0.6, "李娜": 0.4}
    )
    other = achievement(
        gbu, "GBU-2025-001", "高比能固态电池电解质", field="新能源与节能", keywords="固态电池；电解质"
    )
    draft = achievement(dgut, "DGUT-2025-002", "未公开的成果", status=v.AchievementStatus.WITHDRAWN)
    licence = Licence.objects.create(
        code="L-T-001",
        achievement=own,
        institution=dgut,
        licensee_code=ENTERPRISE_CREDIT_CODE,
        licensee_name="东莞示例科技有限公司",
        signed_on=date(2026, 1, 10),
        terms=TERMS,
    )
    case = TransferCase.objects.create(
        achievement=own, institution=dgut, kind="许可", counterparty="东莞示例科技有限公司"
    )
    demand = Demand.objects.create(
        enterprise=ent,
        credit_code=ENTERPRISE_CREDIT_CODE,
        title="产线表面缺陷自动检测",
        text="手机外壳划痕靠人工看，想用机器视觉自动检测缺陷",
    )
    match = Match.objects.create(
        demand=demand,
        achievement=own,
        institution=dgut,
        enterprise_code=ENTERPRISE_CREDIT_CODE,
        terms=["缺陷"],
    )
    scenario_list = ScenarioList.objects.create(title="2026 年应用场景清单", year=2026)
    scenario = Scenario.objects.create(
        scenario_list=scenario_list, title="园区无人配送", description="最后一公里", proposer="松山湖"
    )
    objection = Objection.objects.create(
        case=case, raised_by="甲", raised_on=date(2026, 3, 1), text="定价偏低"
    )
    return {
        "dgut": dgut,
        "gbu": gbu,
        "own": own,
        "other": other,
        "draft": draft,
        "licence": licence,
        "case": case,
        "demand": demand,
        "match": match,
        "scenario_list": scenario_list,
        "scenario": scenario,
        "objection": objection,
    }


@pytest.fixture
def transfer_walk(transfer_world):
    """The persona walk's entries for the transfer pages: URL name → (kwargs, the object), and the
    API path parameters as "api:{name}" → (value, the object)."""
    from kechuang.transfer.models import OwnUse

    w = transfer_world
    a, lic, case, sl = w["own"], w["licence"], w["case"], w["scenario_list"]
    own_use = OwnUse.objects.create(
        achievement=a, institution=w["dgut"], mode="自行实施", started_on=date(2026, 1, 1)
    )
    return {
        "transfer:achievement_investment": ({"pk": a.pk}, a),
        "transfer:achievement_own_use": ({"pk": a.pk}, a),
        "transfer:own_use_profit": ({"pk": own_use.pk}, a),
        "transfer:inventor_link": ({"pk": a.pk}, None),
        "transfer:achievement": ({"pk": a.pk}, a),
        "transfer:achievement_edit": ({"pk": a.pk}, a),
        "transfer:achievement_ip": ({"pk": a.pk}, a),
        "transfer:licence": ({"code": lic.code}, lic),
        "transfer:licence_report": ({"code": lic.code}, lic),
        "transfer:licence_event": ({"code": lic.code}, lic),
        "transfer:licence_payment": ({"code": lic.code}, lic),
        "transfer:licence_state": ({"code": lic.code}, lic),
        "transfer:licence_edit": ({"code": lic.code}, lic),
        "transfer:demand_close": ({"pk": w["demand"].pk}, w["demand"]),
        "transfer:case": ({"pk": case.pk}, case),
        "transfer:case_step": ({"pk": case.pk}, case),
        "transfer:case_objection": ({"pk": case.pk}, case),
        "transfer:case_answer": ({"pk": case.pk, "objection": w["objection"].pk}, case),
        "transfer:case_declaration": ({"pk": case.pk}, case),
        "transfer:case_dossier": ({"pk": case.pk}, case),
        "transfer:case_dossier_pdf": ({"pk": case.pk}, case),
        "transfer:demand": ({"pk": w["demand"].pk}, w["demand"]),
        "transfer:demand_propose": ({"pk": w["demand"].pk}, None),
        "transfer:match": ({"pk": w["match"].pk}, w["match"]),
        "transfer:match_state": ({"pk": w["match"].pk}, w["match"]),
        "transfer:match_assign": ({"pk": w["match"].pk}, w["match"]),
        "transfer:scenario_list": ({"pk": sl.pk}, sl),
        "transfer:scenario_add": ({"pk": sl.pk}, sl),
        "transfer:scenario_advance": ({"pk": sl.pk}, sl),
        "transfer:scenario_score": ({"pk": w["scenario"].pk}, None),
        "api:{achievement_id}": (str(a.pk), a),
        "api:{licence_code}": (lic.code, lic),
    }
