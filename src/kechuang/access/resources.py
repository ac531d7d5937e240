"""For each resource: what each scope kind means as a row filter (a Q object).

A filter receives the user and returns a Q; a missing entry means the scope kind does not apply to
that resource and yields no rows (fail closed).
"""

from __future__ import annotations

from collections.abc import Callable

from django.apps import apps
from django.db.models import Q

from kechuang.regions import CITY_CODE

Filter = Callable[[object], Q]


def _org_code(user) -> str:
    return user.org.code if user.org_id else "\0none"


def _region(user) -> str:
    return user.org.region_code if user.org_id and user.org.region_code else "\0none"


def _credit_code(user) -> str:
    return user.org.credit_code if user.org_id and user.org.credit_code else "\0none"


FILTERS: dict[str, dict[str, Filter]] = {
    "observation": {
        "own_region": lambda u: Q(region_code=_region(u)),
        "own_region_and_city": lambda u: Q(region_code=_region(u)) | Q(region_code=CITY_CODE),
        "own_department": lambda u: Q(indicator__owner_department=_org_code(u)),
    },
    "task": {
        # led or co-led (co-departments are TaskDepartment rows): the plans model's own definition
        "own_department": lambda u: apps.get_model("plans", "Task").department_q(_org_code(u)),
    },
    "task_report": {
        "own_department": lambda u: Q(department=_org_code(u)),
    },
    "observation_batch": {
        "own_org": lambda u: Q(uploaded_by__org__code=_org_code(u)),
    },
    "enterprise": {
        "own_region": lambda u: Q(region_code=_region(u)),
        "own_enterprise": lambda u: Q(credit_code=_credit_code(u)),
    },
    "enterprise_upload": {
        "own_org": lambda u: Q(department=_org_code(u)),
    },
    # 创新积分: the stored scores (kechuang.points.models.PointsScore)
    "points": {
        "own_region": lambda u: Q(region_code=_region(u)),
        "own_enterprise": lambda u: Q(credit_code=_credit_code(u)),
    },
    # 重大科技项目
    "project_application": {
        "own_region": lambda u: Q(region_code=_region(u)),
        "own_org": lambda u: (
            Q(applicant__code=_org_code(u))
            | Q(
                pk__in=apps.get_model("projects", "Member")
                .objects.filter(org__code=_org_code(u))
                .values("application_id")
            )
        ),
        "assigned": lambda u: Q(
            pk__in=apps.get_model("projects", "Assignment")
            .objects.filter(expert_id=u.pk)
            .values("application_id")
        ),
    },
    "project_review": {
        "own_user": lambda u: Q(expert_id=u.pk),
    },
    "major_project": {
        "own_region": lambda u: Q(region_code=_region(u)),
        "own_org": lambda u: (
            Q(applicant__code=_org_code(u)) | Q(application__members__org__code=_org_code(u))
        ),
    },
    # 成果转化
    "achievement": {
        "own_org": lambda u: Q(institution__code=_org_code(u)),
        "published": lambda u: Q(status="可转化"),
        "own_enterprise": lambda u: (
            Q(status="可转化")
            | Q(
                pk__in=apps.get_model("transfer", "Licence")
                .objects.filter(licensee_code=_credit_code(u))
                .values("achievement_id")
            )
        ),
    },
    "transfer_licence": {
        "own_org": lambda u: Q(institution__code=_org_code(u)),
        "own_enterprise": lambda u: Q(licensee_code=_credit_code(u)),
    },
    "licence_report": {
        "own_org": lambda u: Q(institution__code=_org_code(u)),
        "own_enterprise": lambda u: Q(licensee_code=_credit_code(u)),
    },
    "income_policy": {
        "own_org": lambda u: Q(institution__code=_org_code(u)),
    },
    "inventor_reward": {
        "own_user": lambda u: Q(user_id=u.pk),
        "own_org": lambda u: Q(achievement__institution__code=_org_code(u)),
    },
    "tech_contract": {
        "own_region": lambda u: Q(seller_region=_region(u)),
    },
    "demand": {
        "own_enterprise": lambda u: Q(enterprise__code=_org_code(u)),
    },
    "scenario_score": {
        "own_user": lambda u: Q(expert_id=u.pk),
    },
    "transfer_match": {
        "own_user": lambda u: Q(manager_id=u.pk),
        "own_org": lambda u: Q(institution__code=_org_code(u)),
        "own_enterprise": lambda u: Q(enterprise_code=_credit_code(u)),
    },
    "transfer_case": {
        "own_org": lambda u: Q(institution__code=_org_code(u)),
    },
    # 科技金融: consents in force for the user's bank; applications to it of enterprises whose consent
    # for it is in force (a revoked consent hides them at once); an enterprise its own rows.
    "finance_match": {"own_enterprise": lambda u: Q(credit_code=_credit_code(u))},
    "consent": {
        "own_enterprise": lambda u: Q(enterprise__credit_code=_credit_code(u)),
        "own_org": lambda u: Q(bank__code=_org_code(u)) & apps.get_model("finance", "Consent").active_q(),
    },
    "loan": {
        "own_enterprise": lambda u: Q(enterprise__credit_code=_credit_code(u)),
        "own_org": lambda u: apps.get_model("finance", "Application").bank_q(_org_code(u)),
    },
    "loan_decision": {"own_org": lambda u: apps.get_model("finance", "Application").bank_q(_org_code(u))},
    "api_token": {
        "own_user": lambda u: Q(user_id=u.pk),
    },
    "job": {
        "own_user": lambda u: Q(started_by_id=u.pk),
    },
    # 创新载体与人才: a carrier's rows belong to its operator organisation and its town
    "carrier": {
        "own_org": lambda u: Q(operator__code=_org_code(u)),
        "own_region": lambda u: Q(region_code=_region(u)),
    },
    "carrier_report": {
        "own_org": lambda u: Q(carrier__operator__code=_org_code(u)),
        "own_region": lambda u: Q(carrier__region_code=_region(u)),
    },
    "carrier_evaluation": {
        "own_org": lambda u: Q(carrier__operator__code=_org_code(u)),
        "own_region": lambda u: Q(carrier__region_code=_region(u)),
    },
    "instrument": {
        "own_org": lambda u: Q(owner__operator__code=_org_code(u)),
    },
    "booking": {
        "own_org": lambda u: Q(instrument__owner__operator__code=_org_code(u)),
        "own_user": lambda u: Q(applicant_id=u.pk),
    },
    "carrier_upkeep": {"own_org": lambda u: Q(operator__code=_org_code(u))},
    "booking_decision": {"own_org": lambda u: Q(instrument__owner__operator__code=_org_code(u))},
    "talent_recommend": {"own_org": lambda u: Q(employer_org__code=_org_code(u))},
    "talent_application": {
        "own_user": lambda u: Q(applicant_id=u.pk),
        "own_org": lambda u: Q(employer_org__code=_org_code(u)),
        "own_region": lambda u: Q(region_code=_region(u)),
    },
}
# 分类评价: its rows are the projects evaluated, scoped as the projects themselves
FILTERS["project_evaluation"] = FILTERS["major_project"]
