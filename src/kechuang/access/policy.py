"""Role × resource → scope kind, for viewing and for changing.

Scope kinds: ``all``; ``own_region`` (rows of the user's town or area); ``own_region_and_city``
(also the city-wide rows); ``own_department`` (rows the user's department owns or leads);
``own_enterprise`` (the user's own enterprise); ``own_org`` (rows of the user's organisation).
A role that is not listed for a resource gets nothing.
"""

from __future__ import annotations

from django.utils.translation import gettext_noop as _noop

ADMIN = "city_admin"
BUREAU = "bureau_staff"
DEPT = "dept_reporter"
TOWN = "town_admin"
ENTERPRISE = "enterprise_user"
BANK = "bank_user"
UNIVERSITY = "university_user"
LEADER = "leader"
TECH_MANAGER = "tech_manager"  # 技术经理人 (成果转化)
EXPERT = "expert"  # 评审专家 (项目评审、人才评定)
CARRIER_OPERATOR = "carrier_operator"  # 载体运营方 (孵化载体、新型研发机构、仪器所有方)
INDIVIDUAL = "individual"  # 个人申报者 (人才分类评价)

ALL_ROLES = (
    ADMIN,
    BUREAU,
    DEPT,
    TOWN,
    ENTERPRISE,
    BANK,
    UNIVERSITY,
    LEADER,
    TECH_MANAGER,
    EXPERT,
    CARRIER_OPERATOR,
    INDIVIDUAL,
)
_PLAN_READERS = {ADMIN: "all", BUREAU: "all", DEPT: "all", TOWN: "all", LEADER: "all"}

# 重大科技项目 (kechuang.projects): an applicant its own applications and projects, an expert the
# applications assigned to it, towns the ones of their region, the bureau all of them.
PROJECTS_POLICY: dict[str, dict[str, dict[str, str]]] = {
    "project_call": {
        "view": {r: "all" for r in (ADMIN, BUREAU, LEADER, TOWN, DEPT, ENTERPRISE, UNIVERSITY, EXPERT)},
        "change": {ADMIN: "all", BUREAU: "all"},
    },
    "project_application": {
        "view": {
            ADMIN: "all",
            BUREAU: "all",
            LEADER: "all",
            TOWN: "own_region",
            ENTERPRISE: "own_org",
            UNIVERSITY: "own_org",
            EXPERT: "assigned",
        },
        "change": {ADMIN: "all", BUREAU: "all", ENTERPRISE: "own_org", UNIVERSITY: "own_org"},
    },
    "project_review": {
        "view": {ADMIN: "all", BUREAU: "all", EXPERT: "own_user"},
        "change": {ADMIN: "all", BUREAU: "all", EXPERT: "own_user"},
    },
    "major_project": {
        "view": {
            ADMIN: "all",
            BUREAU: "all",
            LEADER: "all",
            TOWN: "own_region",
            ENTERPRISE: "own_org",
            UNIVERSITY: "own_org",
        },
        "change": {ADMIN: "all", BUREAU: "all", ENTERPRISE: "own_org", UNIVERSITY: "own_org"},
    },
    # releasing funds, verifying milestones, recording acceptance: the programme officers
    "project_oversight": {
        "view": {ADMIN: "all", BUREAU: "all", LEADER: "all"},
        "change": {ADMIN: "all", BUREAU: "all"},
    },
    # 分类评价 of funded projects (rows: the projects whose evaluations one sees): recorded by the
    # programme officers; the holder and its town read them
    "project_evaluation": {
        "view": {
            ADMIN: "all",
            BUREAU: "all",
            LEADER: "all",
            TOWN: "own_region",
            ENTERPRISE: "own_org",
            UNIVERSITY: "own_org",
        },
        "change": {ADMIN: "all", BUREAU: "all"},
    },
    "security_indicator": {
        "view": {ADMIN: "all", BUREAU: "all", LEADER: "all", DEPT: "all"},
        "change": {ADMIN: "all", BUREAU: "all", DEPT: "all"},
    },
}

_TRANSFER_READERS = {ADMIN: "all", BUREAU: "all", LEADER: "all"}
# 成果转化: the rows of each resource are narrowed by access/resources.py FILTERS.
TRANSFER_POLICY: dict[str, dict[str, dict[str, str]]] = {
    # enterprise: published achievements and the ones licensed to it; reviewers and towns: published
    "achievement": {
        "view": {
            **_TRANSFER_READERS,
            UNIVERSITY: "own_org",
            ENTERPRISE: "own_enterprise",
            TECH_MANAGER: "published",
            EXPERT: "published",
            TOWN: "published",
        },
        "change": {UNIVERSITY: "own_org"},  # only the institution enters its achievements
    },
    # licences: the institution (licensor) and the licensee enterprise
    "transfer_licence": {
        "view": {**_TRANSFER_READERS, UNIVERSITY: "own_org", ENTERPRISE: "own_enterprise"},
        "change": {ADMIN: "all", UNIVERSITY: "own_org"},
    },
    # what the licensee records on its licences: revenue reports and milestone events
    "licence_report": {
        "view": {**_TRANSFER_READERS, UNIVERSITY: "own_org", ENTERPRISE: "own_enterprise"},
        "change": {ADMIN: "all", ENTERPRISE: "own_enterprise"},
    },
    "income_policy": {
        "view": {**_TRANSFER_READERS, UNIVERSITY: "own_org"},
        "change": {UNIVERSITY: "own_org"},
    },
    # 我的成果收益: an inventor linked to an account sees their own reward (rows: InventorLink) — the
    # people who can be an institution's staff; the institution's transfer officer sets the links
    "inventor_reward": {
        "view": {UNIVERSITY: "own_user", INDIVIDUAL: "own_user", EXPERT: "own_user"},
        "change": {UNIVERSITY: "own_org"},
    },
    # the technology-contract registry: towns see the contracts of their sellers
    "tech_contract": {
        "view": {**_TRANSFER_READERS, TOWN: "own_region"},
        "change": {ADMIN: "all", BUREAU: "all"},
    },
    "demand": {
        "view": {**_TRANSFER_READERS, UNIVERSITY: "all", TECH_MANAGER: "all", ENTERPRISE: "own_enterprise"},
        "change": {ENTERPRISE: "own_enterprise"},  # enterprises post their own demands
    },
    "scenario": {
        "view": {
            **_TRANSFER_READERS,
            UNIVERSITY: "all",
            TECH_MANAGER: "all",
            EXPERT: "all",
            ENTERPRISE: "all",
            TOWN: "all",
        },
        "change": {ADMIN: "all", BUREAU: "all"},
    },
    "scenario_score": {
        "view": {ADMIN: "all", BUREAU: "all", EXPERT: "own_user"},
        "change": {EXPERT: "own_user"},
    },
    # matches: the bureau assigns them, the technology manager moves the ones assigned to them
    "transfer_match": {
        "view": {
            **_TRANSFER_READERS,
            TECH_MANAGER: "own_user",
            UNIVERSITY: "own_org",
            ENTERPRISE: "own_enterprise",
        },
        "change": {ADMIN: "all", BUREAU: "all", TECH_MANAGER: "own_user"},
    },
    # 安心屋: each step's role is checked by the workflow (transfer.services.cases)
    # who may open a 安心屋 case (a transfer or licence of an achievement the user may change)
    "transfer_case_open": {"view": {}, "change": {ADMIN: "all", BUREAU: "all", UNIVERSITY: "own_org"}},
    "transfer_case": {
        "view": {**_TRANSFER_READERS, UNIVERSITY: "own_org", TECH_MANAGER: "all", EXPERT: "all"},
        "change": {ADMIN: "all", BUREAU: "all", UNIVERSITY: "own_org", TECH_MANAGER: "all", EXPERT: "all"},
    },
}

# resource → {"view": {role: scope}, "change": {role: scope}}
POLICY: dict[str, dict[str, dict[str, str]]] = {
    # 规划监测
    "plan": {"view": _PLAN_READERS, "change": {ADMIN: "all", BUREAU: "all"}},
    "indicator": {"view": _PLAN_READERS, "change": {ADMIN: "all", BUREAU: "all"}},
    "observation": {
        "view": {**_PLAN_READERS, TOWN: "own_region_and_city"},
        "change": {ADMIN: "all", BUREAU: "all", DEPT: "own_department", TOWN: "own_region"},
    },
    "task": {"view": _PLAN_READERS, "change": {ADMIN: "all", BUREAU: "all", DEPT: "own_department"}},
    "task_report": {"view": _PLAN_READERS, "change": {ADMIN: "all", BUREAU: "all", DEPT: "own_department"}},
    # Approval and locking of a department's or town's values for a year; completeness and outliers
    "submission_approval": {
        "view": {ADMIN: "all", BUREAU: "all", LEADER: "all"},
        "change": {ADMIN: "all", BUREAU: "all"},
    },
    # Upload batches of observations: departments and towns see the uploads of their own organisation.
    "observation_batch": {
        "view": {ADMIN: "all", BUREAU: "all", LEADER: "all", DEPT: "own_org", TOWN: "own_org"},
        "change": {},
    },
    # 企业培育
    "enterprise": {
        "view": {
            ADMIN: "all",
            BUREAU: "all",
            DEPT: "all",
            LEADER: "all",
            TOWN: "own_region",
            ENTERPRISE: "own_enterprise",
        },
        "change": {ADMIN: "all", BUREAU: "all", DEPT: "all"},
    },
    "ruleset": {
        "view": {ADMIN: "all", BUREAU: "all", DEPT: "all", TOWN: "all", LEADER: "all", ENTERPRISE: "all"},
        "change": {ADMIN: "all", BUREAU: "all"},
    },
    "enterprise_upload": {
        "view": {ADMIN: "all", BUREAU: "all", DEPT: "own_org"},
        "change": {ADMIN: "all", BUREAU: "all", DEPT: "own_org"},
    },
    # 创新积分 (kechuang.points): stored scores; banks see none here (kechuang.finance: consent only).
    "points": {
        "view": {
            ADMIN: "all",
            BUREAU: "all",
            TOWN: "own_region",
            ENTERPRISE: "own_enterprise",
            LEADER: "all",
        },
        "change": {ADMIN: "all", BUREAU: "all"},
    },
    "transfer": {
        "view": {
            ADMIN: "all",
            BUREAU: "all",
            UNIVERSITY: "own_org",
            ENTERPRISE: "own_enterprise",
            LEADER: "all",
            TECH_MANAGER: "all",
            EXPERT: "all",
            TOWN: "own_region",
        },
        "change": {ADMIN: "all", BUREAU: "all", UNIVERSITY: "own_org"},
    },
    # 成果转化 (kechuang.transfer): achievements, licences, contracts, demands, scenarios, matches, 安心屋
    **TRANSFER_POLICY,
    **PROJECTS_POLICY,
    # 科技金融 (kechuang.finance): a bank sees an enterprise only through a consent (授权) in force for
    # that bank (resources.py FILTERS); only the enterprise grants or revokes; banks record decisions.
    "finance_product": {
        "view": {ADMIN: "all", BUREAU: "all", LEADER: "all", ENTERPRISE: "all", BANK: "all"},
        "change": {ADMIN: "all", BUREAU: "all"},
    },
    "finance_match": {"view": {ADMIN: "all", BUREAU: "all", ENTERPRISE: "own_enterprise"}, "change": {}},
    "consent": {
        "view": {ADMIN: "all", BUREAU: "all", ENTERPRISE: "own_enterprise", BANK: "own_org"},
        "change": {ENTERPRISE: "own_enterprise"},
    },
    "loan": {
        "view": {ADMIN: "all", BUREAU: "all", ENTERPRISE: "own_enterprise", BANK: "own_org"},
        "change": {ENTERPRISE: "own_enterprise"},
    },
    "loan_decision": {"view": {ADMIN: "all", BUREAU: "all", BANK: "own_org"}, "change": {BANK: "own_org"}},
    "validation": {"view": {ADMIN: "all", BUREAU: "all", LEADER: "all"}, "change": {ADMIN: "all"}},
    # Background jobs (kechuang.jobs): everyone sees and may cancel the jobs they started; the city
    # administrator and the bureau all of them.
    "job": {
        "view": {**{r: "own_user" for r in ALL_ROLES}, ADMIN: "all", BUREAU: "all"},
        "change": {**{r: "own_user" for r in ALL_ROLES}, ADMIN: "all", BUREAU: "all"},
    },
    # 系统
    "audit": {"view": {ADMIN: "all"}, "change": {}},
    "orgunit": {"view": {ADMIN: "all", BUREAU: "all", LEADER: "all"}, "change": {ADMIN: "all"}},
    "user": {"view": {ADMIN: "all"}, "change": {ADMIN: "all"}},
    "admin_site": {"view": {ADMIN: "all"}, "change": {ADMIN: "all"}},
    "api_token": {"view": {r: "own_user" for r in ALL_ROLES}, "change": {r: "own_user" for r in ALL_ROLES}},
    # 创新载体与人才 (kechuang.carriers): an operator sees its own carriers, an applicant its own application
    "carriers_home": {
        "view": {
            ADMIN: "all",
            BUREAU: "all",
            LEADER: "all",
            TOWN: "all",
            CARRIER_OPERATOR: "all",
            ENTERPRISE: "all",
            UNIVERSITY: "all",
            INDIVIDUAL: "all",
            EXPERT: "all",
        },
        "change": {},
    },
    "carrier": {
        "view": {ADMIN: "all", BUREAU: "all", LEADER: "all", TOWN: "own_region", CARRIER_OPERATOR: "own_org"},
        "change": {ADMIN: "all", BUREAU: "all"},
    },
    "carrier_report": {
        "view": {ADMIN: "all", BUREAU: "all", LEADER: "all", TOWN: "own_region", CARRIER_OPERATOR: "own_org"},
        "change": {ADMIN: "all", BUREAU: "all", CARRIER_OPERATOR: "own_org"},
    },
    "carrier_evaluation": {
        "view": {ADMIN: "all", BUREAU: "all", LEADER: "all", TOWN: "own_region", CARRIER_OPERATOR: "own_org"},
        "change": {ADMIN: "all", BUREAU: "all"},
    },
    "instrument": {
        "view": {
            ADMIN: "all",
            BUREAU: "all",
            LEADER: "all",
            TOWN: "all",
            CARRIER_OPERATOR: "all",
            ENTERPRISE: "all",
            UNIVERSITY: "all",
            INDIVIDUAL: "all",
        },
        "change": {ADMIN: "all", BUREAU: "all", CARRIER_OPERATOR: "own_org"},
    },
    "booking": {
        "view": {
            ADMIN: "all",
            BUREAU: "all",
            LEADER: "all",
            CARRIER_OPERATOR: "own_org",
            ENTERPRISE: "own_user",
            UNIVERSITY: "own_user",
            INDIVIDUAL: "own_user",
        },
        "change": {
            ADMIN: "all",
            BUREAU: "all",
            CARRIER_OPERATOR: "own_org",
            ENTERPRISE: "own_user",
            UNIVERSITY: "own_user",
            INDIVIDUAL: "own_user",
        },
    },
    "voucher": {
        "view": {ADMIN: "all", BUREAU: "all", LEADER: "all"},
        "change": {ADMIN: "all", BUREAU: "all"},
    },
    # a carrier's own data kept by its operator (rows are carriers): the incubated enterprises of an
    # incubator and the reported values of an institution's 「一院一策」 targets
    "carrier_upkeep": {"view": {}, "change": {ADMIN: "all", BUREAU: "all", CARRIER_OPERATOR: "own_org"}},
    # a booking's approval and machine hours: the instrument owner's (the booker rates it: booking)
    "booking_decision": {"view": {}, "change": {ADMIN: "all", BUREAU: "all", CARRIER_OPERATOR: "own_org"}},
    # 摘牌/撤销认定: only the bureau withdraws a carrier's recognition (the record shows on the carrier)
    "carrier_withdrawal": {"view": {}, "change": {ADMIN: "all", BUREAU: "all"}},
    # who may submit a talent application (本人, as 个人申报者); reviewing it is talent_application's change
    "talent_apply": {"view": {}, "change": {INDIVIDUAL: "own_user"}},
    # the steps on an application: the employer recommends its own people, experts declare conflicts
    # and score, the bureau decides (and revokes for fraud)
    "talent_recommend": {
        "view": {},
        "change": {
            ADMIN: "all",
            BUREAU: "all",
            ENTERPRISE: "own_org",
            UNIVERSITY: "own_org",
            CARRIER_OPERATOR: "own_org",
        },
    },
    "talent_score": {"view": {}, "change": {EXPERT: "all"}},
    "talent_decide": {"view": {}, "change": {ADMIN: "all", BUREAU: "all"}},
    "talent_application": {
        "view": {
            ADMIN: "all",
            BUREAU: "all",
            LEADER: "all",
            TOWN: "own_region",
            EXPERT: "all",
            INDIVIDUAL: "own_user",
            ENTERPRISE: "own_org",
            UNIVERSITY: "own_org",
            CARRIER_OPERATOR: "own_org",
        },
        "change": {
            ADMIN: "all",
            BUREAU: "all",
            EXPERT: "all",
            INDIVIDUAL: "own_user",
            ENTERPRISE: "own_org",
            UNIVERSITY: "own_org",
            CARRIER_OPERATOR: "own_org",
        },
    },
}

# Navigation: (key, Chinese label, URL name, resource that must be visible, built yet?)
MENU: tuple[tuple[str, str, str, str, bool], ...] = (
    ("plans", _noop("规划监测"), "plans:overview", "plan", True),
    ("enterprises", _noop("企业培育"), "enterprises:home", "enterprise", True),
    ("points", _noop("创新积分"), "points:home", "points", True),
    ("finance", _noop("科技金融"), "finance:home", "finance_product", True),
    ("transfer", _noop("成果转化"), "transfer:home", "transfer", True),
    ("my_rewards", _noop("我的成果收益"), "transfer:my_rewards", "inventor_reward", True),
    ("projects", _noop("重大项目"), "projects:home", "project_call", True),
    ("carriers", _noop("创新载体"), "carriers:home", "carriers_home", True),
    ("audit", _noop("审计日志"), "audit:list", "audit", True),
    ("admin", _noop("系统管理"), "admin:index", "admin_site", True),
)
