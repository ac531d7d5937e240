"""Every page and API operation, classified: which resource and action it needs, or that it is open.

- ``PAGES``: URL name (``namespace:name``) → rule;
- ``NAMESPACES``: a whole namespace classified at once (Django's admin site);
- ``API``: (method, path as in /api/openapi.json) → rule.

A rule is ``Needs(resource, action)`` — the role must have a scope on the resource in policy.py (the
rows are then narrowed by the view through ``visible`` / ``changeable``) — or ``PUBLIC`` (no login)
or ``AUTHENTICATED`` (any logged-in user). ``tests/foundation/test_persona_walk.py`` walks the URL
resolver and the OpenAPI schema and fails on any page or operation missing here, then opens each as
every persona and checks the answer against this table.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Needs:
    resource: str
    action: str = "view"  # view | change


PUBLIC = "public"
AUTHENTICATED = "authenticated"
Rule = Needs | str

PAGES: dict[str, Rule] = {
    # the site
    "home": AUTHENTICATED,
    "healthz": PUBLIC,
    "health_live": PUBLIC,
    "health_ready": PUBLIC,
    "login": PUBLIC,
    "set_language": PUBLIC,
    "javascript-catalog": PUBLIC,
    "web:pending": AUTHENTICATED,
    "accounts:profile": AUTHENTICATED,
    "accounts:logout": AUTHENTICATED,
    "accounts:revoke_token": Needs("api_token", "change"),
    "audit:list": Needs("audit"),
    "audit:detail": Needs("audit"),
    # 规划监测
    "plans:overview": Needs("plan"),
    "plans:indicator": Needs("indicator"),
    "plans:versions": Needs("plan"),
    "plans:version_diff": Needs("plan"),
    "plans:report": Needs("plan"),
    "plans:report_job": Needs("plan"),
    "plans:entry": Needs("observation", "change"),
    "plans:entry_previous": Needs("observation", "change"),
    "plans:entry_template": Needs("observation", "change"),
    "plans:entry_upload": Needs("observation", "change"),
    "plans:entry_upload_confirm": Needs("observation", "change"),
    "plans:entry_batches": Needs("observation_batch"),
    "plans:entry_batch": Needs("observation_batch"),
    "plans:outliers": Needs("submission_approval"),
    "plans:task_reporting": Needs("submission_approval"),
    "plans:completeness": Needs("submission_approval"),
    "plans:tasks": Needs("task"),
    "plans:task": Needs("task"),
    "plans:task_report": Needs("task", "change"),
    "plans:task_evidence": Needs("task_report"),
    "plans:departments": Needs("task"),
    # 企业培育
    # 创新积分
    "points:home": Needs("points"),
    "points:run": Needs("points", "change"),
    "points:model": Needs("points"),
    "points:version": Needs("points"),
    "points:ranking": Needs("points"),
    "points:ranking_export": Needs("points"),
    "points:enterprise": Needs("points"),
    "enterprises:home": Needs("enterprise"),
    "enterprises:registry": Needs("enterprise"),
    "enterprises:registry_export": Needs("enterprise"),
    "enterprises:detail": Needs("enterprise"),
    "enterprises:selfcheck": Needs("enterprise"),
    "enterprises:pools": Needs("enterprise"),
    "enterprises:pool": Needs("enterprise"),
    "enterprises:pool_export": Needs("enterprise"),
    "enterprises:upload": Needs("enterprise_upload", "change"),
    "enterprises:tiers_recompute": Needs("ruleset", "change"),
    "enterprises:upload_confirm": Needs("enterprise_upload", "change"),
    "enterprises:uploads": Needs("enterprise_upload"),
    # 重大科技项目
    "projects:home": Needs("project_call"),
    "projects:call": Needs("project_call"),
    "projects:call_new": Needs("project_call", "change"),
    "projects:call_edit": Needs("project_call", "change"),
    "projects:apply": Needs("project_application", "change"),
    "projects:call_decide": Needs("project_oversight", "change"),
    "projects:applications": Needs("project_application"),
    "projects:application": Needs("project_application"),
    "projects:application_submit": Needs("project_application", "change"),
    "projects:reviews": Needs("project_review"),
    "projects:review": Needs("project_review"),
    "projects:projects": Needs("major_project"),
    "projects:project": Needs("major_project"),
    "projects:exemption": Needs("major_project"),
    "projects:security": Needs("security_indicator"),
    "projects:security_indicator": Needs("security_indicator"),
    "projects:security_template": Needs("security_indicator", "change"),
    "projects:security_upload": Needs("security_indicator", "change"),
    "projects:ethics_committees": Needs("project_oversight"),
    # the bureau registers ethics committees and fills their validity (as it records approvals)
    "projects:ethics_committee_new": Needs("project_oversight", "change"),
    "projects:ethics_committee_edit": Needs("project_oversight", "change"),
    "projects:portfolio": Needs("project_oversight"),
    "projects:stake": Needs("project_oversight", "change"),
    "projects:output_new": Needs("major_project", "change"),
    "projects:output_verify": Needs("project_oversight", "change"),
    "projects:output_withdraw": Needs("major_project", "change"),
    "projects:output_reject": Needs("project_oversight", "change"),
    # 成果转化
    "transfer:home": Needs("transfer"),
    "transfer:achievements": Needs("achievement"),
    "transfer:achievements_export": Needs("achievement"),
    "transfer:achievement": Needs("achievement"),
    "transfer:achievement_new": Needs("achievement", "change"),
    "transfer:achievement_edit": Needs("achievement", "change"),
    "transfer:achievement_import": Needs("achievement", "change"),
    "transfer:achievement_ip": Needs("achievement", "change"),
    "transfer:licences": Needs("transfer_licence"),
    "transfer:licences_export": Needs("transfer_licence"),
    "transfer:licence": Needs("transfer_licence"),
    "transfer:licence_new": Needs("transfer_licence", "change"),
    "transfer:licence_import": Needs("transfer_licence", "change"),
    "transfer:licence_report": Needs("licence_report", "change"),
    "transfer:licence_event": Needs("licence_report", "change"),
    "transfer:licence_payment": Needs("transfer_licence", "change"),
    "transfer:licence_state": Needs("transfer_licence", "change"),
    "transfer:licence_edit": Needs("transfer_licence", "change"),
    "transfer:income_policy": Needs("income_policy", "change"),
    "transfer:achievement_investment": Needs("achievement", "change"),
    "transfer:achievement_own_use": Needs("achievement", "change"),
    "transfer:own_use_profit": Needs("achievement", "change"),
    "transfer:my_rewards": Needs("inventor_reward"),
    "transfer:inventor_link": Needs("inventor_reward", "change"),
    "transfer:contracts": Needs("tech_contract"),
    "transfer:contracts_export": Needs("tech_contract"),
    "transfer:contract_import": Needs("tech_contract", "change"),
    "transfer:contract_stats": Needs("tech_contract"),
    "transfer:contract_feed": Needs("tech_contract", "change"),
    "transfer:cases": Needs("transfer_case"),
    "transfer:case": Needs("transfer_case"),
    "transfer:case_new": Needs("transfer_case_open", "change"),
    "transfer:case_step": Needs("transfer_case", "change"),
    "transfer:case_objection": Needs("transfer_case"),
    "transfer:case_answer": Needs("transfer_case", "change"),
    "transfer:case_declaration": Needs("transfer_case", "change"),
    "transfer:case_dossier": Needs("transfer_case"),
    "transfer:case_dossier_pdf": Needs("transfer_case"),
    "transfer:demands": Needs("demand"),
    "transfer:demand": Needs("demand"),
    "transfer:demand_new": Needs("demand", "change"),
    "transfer:demand_propose": Needs("transfer_match", "change"),
    "transfer:demand_close": Needs("demand", "change"),
    "transfer:matches": Needs("transfer_match"),
    "transfer:match": Needs("transfer_match"),
    "transfer:match_state": Needs("transfer_match", "change"),
    "transfer:match_assign": Needs("transfer_match", "change"),
    "transfer:scenario_lists": Needs("scenario"),
    "transfer:scenario_list": Needs("scenario"),
    "transfer:scenario_list_new": Needs("scenario", "change"),
    "transfer:scenario_add": Needs("scenario", "change"),
    "transfer:scenario_advance": Needs("scenario", "change"),
    "transfer:scenario_score": Needs("scenario_score", "change"),
    # 后台任务
    "jobs:list": Needs("job"),
    "jobs:detail": Needs("job"),
    "jobs:progress": Needs("job"),
    "jobs:cancel": Needs("job", "change"),
    "jobs:file": Needs("job"),
    # 创新载体与人才
    "carriers:home": Needs("carriers_home"),
    "carriers:list": Needs("carrier"),
    "carriers:list_export": Needs("carrier"),
    "carriers:carrier": Needs("carrier"),
    "carriers:report": Needs("carrier_report", "change"),
    "carriers:withdraw": Needs("carrier_withdrawal", "change"),
    "carriers:withdraw_revoke": Needs("carrier_withdrawal", "change"),
    "carriers:report_upload": Needs("carrier_report", "change"),
    "carriers:report_template": Needs("carrier_report", "change"),
    "carriers:evaluations": Needs("carrier_evaluation"),
    "carriers:evaluations_export": Needs("carrier_evaluation"),
    "carriers:evaluation": Needs("carrier_evaluation"),
    "carriers:evaluation_run": Needs("carrier_evaluation", "change"),
    "carriers:instruments": Needs("instrument"),
    "carriers:instrument": Needs("instrument"),
    "carriers:book": Needs("booking", "change"),
    "carriers:bookings": Needs("booking"),
    "carriers:booking_action": Needs("booking", "change"),
    "carriers:voucher": Needs("voucher", "change"),
    "carriers:incubated": Needs("carrier_upkeep", "change"),
    "carriers:targets": Needs("carrier_upkeep", "change"),
    "carriers:talents": Needs("talent_application"),
    "carriers:talent": Needs("talent_application"),
    "carriers:talent_apply": Needs("talent_apply", "change"),
    "carriers:talent_action": Needs("talent_application", "change"),
    # 公开门户: the public site (no login); choosing what it publishes is the plan's owners' change
    "portal:home": PUBLIC,
    "portal:indicator": PUBLIC,
    "portal:indicator_csv": PUBLIC,
    "portal:indicator_json": PUBLIC,
    "portal:search": PUBLIC,
    "portal:map": PUBLIC,
    "portal:scenarios": PUBLIC,
    "portal:achievements": PUBLIC,
    "portal:manage": Needs("plan", "change"),
    # 科技金融
    "finance:home": Needs("finance_product"),
    "finance:products": Needs("finance_product"),
    "finance:match": Needs("finance_match"),
    "finance:apply": Needs("loan", "change"),
    "finance:consents": Needs("consent"),
    "finance:consent_grant": Needs("consent", "change"),
    "finance:consent_revoke": Needs("consent", "change"),
    "finance:enterprises": Needs("consent"),
    "finance:enterprises_export": Needs("consent"),
    "finance:applications": Needs("loan"),
    "finance:applications_export": Needs("loan"),
    "finance:decide": Needs("loan_decision", "change"),
    "finance:outcomes_upload": Needs("loan_decision", "change"),
    "finance:outcomes_confirm": Needs("loan_decision", "change"),
    "finance:outcomes_template": Needs("loan_decision", "change"),
    "finance:validation": Needs("validation"),
    "finance:adopt": Needs("validation", "change"),
    "finance:validation_start": Needs("validation"),
    # the API's own pages (its operations are classified in API below)
    "api:openapi-json": PUBLIC,
    "api:openapi-view": PUBLIC,
    "api:api-root": PUBLIC,
}

NAMESPACES: dict[str, Rule] = {
    "admin": Needs("admin_site"),
}

API: dict[tuple[str, str], Rule] = {
    ("GET", "/api/me"): AUTHENTICATED,
    ("GET", "/api/carriers/"): Needs("carrier"),
    ("GET", "/api/carriers/evaluations"): Needs("carrier_evaluation"),
    ("GET", "/api/carriers/instruments"): Needs("instrument"),
    ("GET", "/api/carriers/bookings"): Needs("booking"),
    ("POST", "/api/carriers/bookings"): Needs("booking", "change"),
    ("GET", "/api/carriers/talent"): Needs("talent_application"),
    ("GET", "/api/carriers/talent/{talent_id}"): Needs("talent_application"),
    ("POST", "/api/carriers/talent"): Needs("talent_apply", "change"),
    # 摘牌/恢复认定: anyone who sees a carrier sees its withdrawals; only the bureau decides
    ("GET", "/api/carriers/withdrawals"): Needs("carrier"),
    ("POST", "/api/carriers/{carrier_code}/withdrawal"): Needs("carrier_withdrawal", "change"),
    ("POST", "/api/carriers/{carrier_code}/withdrawal/revoke"): Needs("carrier_withdrawal", "change"),
    # 回避声明: the bureau reads them all, an expert declares its own
    ("GET", "/api/carriers/talent/{talent_id}/declarations"): Needs("talent_decide", "change"),
    ("POST", "/api/carriers/talent/{talent_id}/declaration"): Needs("talent_score", "change"),
    # the writes of operators, owners and the bureau (carriers.api_writes): an operator's annual report;
    # the instrument owner approves a booking and records its hours, the booker rates it; the bureau's
    # vouchers; the employer recommends a talent application, the bureau decides or revokes it; an
    # operator keeps its own carrier's incubated enterprises and 「一院一策」 values
    ("POST", "/api/carriers/reports"): Needs("carrier_report", "change"),
    ("POST", "/api/carriers/bookings/{booking_id}/decision"): Needs("booking_decision", "change"),
    ("POST", "/api/carriers/bookings/{booking_id}/use"): Needs("booking_decision", "change"),
    ("POST", "/api/carriers/bookings/{booking_id}/rating"): Needs("booking", "change"),
    ("POST", "/api/carriers/bookings/{booking_id}/voucher"): Needs("voucher", "change"),
    ("GET", "/api/carriers/vouchers/budget"): Needs("voucher"),
    ("POST", "/api/carriers/talent/{talent_id}/recommendation"): Needs("talent_recommend", "change"),
    ("POST", "/api/carriers/talent/{talent_id}/decision"): Needs("talent_decide", "change"),
    ("POST", "/api/carriers/talent/{talent_id}/revocation"): Needs("talent_decide", "change"),
    ("GET", "/api/carriers/{carrier_code}/incubated"): Needs("carrier"),
    ("POST", "/api/carriers/{carrier_code}/incubated"): Needs("carrier_upkeep", "change"),
    ("PATCH", "/api/carriers/{carrier_code}/incubated/{credit_code}"): Needs("carrier_upkeep", "change"),
    ("DELETE", "/api/carriers/{carrier_code}/incubated/{credit_code}"): Needs("carrier_upkeep", "change"),
    ("POST", "/api/carriers/{carrier_code}/incubated/{credit_code}/exit/revoke"): Needs(
        "carrier_upkeep", "change"
    ),
    ("GET", "/api/carriers/{carrier_code}/targets"): Needs("carrier"),
    ("POST", "/api/carriers/{carrier_code}/targets/values"): Needs("carrier_upkeep", "change"),
    ("GET", "/api/plans/"): Needs("plan"),
    ("GET", "/api/plans/{code}"): Needs("plan"),
    ("GET", "/api/plans/{code}/indicators"): Needs("indicator"),
    ("GET", "/api/plans/{code}/observations"): Needs("observation"),
    ("POST", "/api/plans/{code}/observations"): Needs("observation", "change"),
    ("GET", "/api/plans/{code}/evaluation"): Needs("observation"),
    ("GET", "/api/plans/{code}/tasks"): Needs("task"),
    ("GET", "/api/points/runs"): Needs("points"),
    ("GET", "/api/points/scores"): Needs("points"),
    ("GET", "/api/points/enterprises/{credit_code}"): Needs("points"),
    ("GET", "/api/enterprises/"): Needs("enterprise"),
    ("GET", "/api/enterprises/uploads"): Needs("enterprise_upload"),
    ("GET", "/api/enterprises/{credit_code}"): Needs("enterprise"),
    ("GET", "/api/enterprises/{credit_code}/verdicts"): Needs("enterprise"),
    ("POST", "/api/enterprises/{credit_code}/selfcheck"): Needs("enterprise"),
    ("GET", "/api/finance/products"): Needs("finance_product"),
    ("GET", "/api/finance/recommendations"): Needs("finance_match"),
    ("GET", "/api/finance/consents"): Needs("consent"),
    ("POST", "/api/finance/consents"): Needs("consent", "change"),
    ("POST", "/api/finance/consents/revoke"): Needs("consent", "change"),
    ("GET", "/api/finance/enterprises"): Needs("consent"),
    ("GET", "/api/finance/applications"): Needs("loan"),
    ("POST", "/api/finance/applications"): Needs("loan", "change"),
    ("POST", "/api/finance/decisions"): Needs("loan_decision", "change"),
    ("GET", "/api/finance/validation"): Needs("validation"),
    ("GET", "/api/projects/calls"): Needs("project_call"),
    ("GET", "/api/projects/calls/{call_code}/eligibility"): Needs("project_application", "change"),
    ("GET", "/api/projects/calls/{call_code}/ranking"): Needs("project_oversight"),
    ("GET", "/api/projects/applications"): Needs("project_application"),
    ("GET", "/api/projects/projects"): Needs("major_project"),
    ("GET", "/api/projects/security"): Needs("security_indicator"),
    ("POST", "/api/projects/applications"): Needs("project_application", "change"),
    ("POST", "/api/projects/applications/submit"): Needs("project_application", "change"),
    ("POST", "/api/projects/milestones/report"): Needs("major_project", "change"),
    ("GET", "/api/projects/stakes"): Needs("project_oversight"),
    ("GET", "/api/projects/portfolio"): Needs("project_oversight"),
    ("GET", "/api/projects/{project_code}/evaluations"): Needs("project_evaluation"),
    # an expert's own assignments: conflict declaration and scoring sheet (the review page)
    ("POST", "/api/projects/reviews/conflict"): Needs("project_review", "change"),
    ("POST", "/api/projects/reviews/score"): Needs("project_review", "change"),
    # the project page: the holder reports spending, the programme officer releases and accepts;
    # ethics approvals by the holder or the programme officer; the exemption dossier as the page
    ("POST", "/api/projects/spending"): Needs("major_project", "change"),
    ("POST", "/api/projects/tranches/release"): Needs("project_oversight", "change"),
    ("POST", "/api/projects/acceptance"): Needs("project_oversight", "change"),
    ("POST", "/api/projects/ethics"): Needs("major_project", "change"),
    # 项目产出: the holder records papers and products, the programme officer verifies them
    ("POST", "/api/projects/outputs"): Needs("major_project", "change"),
    ("POST", "/api/projects/outputs/verify"): Needs("project_oversight", "change"),
    ("POST", "/api/projects/outputs/withdraw"): Needs("major_project", "change"),
    ("POST", "/api/projects/outputs/reject"): Needs("project_oversight", "change"),
    ("GET", "/api/projects/{project_code}/outputs"): Needs("major_project"),
    ("GET", "/api/projects/{project_code}/exemption"): Needs("major_project"),
    # the programme officer, as the call and project pages: milestone verification, the 赛马制 stage
    # gate, expert assignment and the funding decision
    ("POST", "/api/projects/milestones/verify"): Needs("project_oversight", "change"),
    ("POST", "/api/projects/calls/gate"): Needs("project_oversight", "change"),
    ("POST", "/api/projects/calls/assign"): Needs("project_oversight", "change"),
    ("POST", "/api/projects/calls/decide"): Needs("project_oversight", "change"),
    ("GET", "/api/transfer/achievements"): Needs("achievement"),
    ("GET", "/api/transfer/achievements/{achievement_id}"): Needs("achievement"),
    ("GET", "/api/transfer/licences"): Needs("transfer_licence"),
    ("GET", "/api/transfer/licences/{licence_code}"): Needs("transfer_licence"),
    ("GET", "/api/transfer/licences/{licence_code}/dues"): Needs("transfer_licence"),
    ("GET", "/api/transfer/contracts/turnover"): Needs("tech_contract"),
}


class Unclassified(LookupError):
    """A page or API operation that this table does not classify."""


def page_rule(url_name: str) -> Rule:
    """The rule of a URL name ('namespace:name'); Unclassified if the table does not name it."""
    if url_name in PAGES:
        return PAGES[url_name]
    namespace = url_name.split(":", 1)[0] if ":" in url_name else None
    if namespace in NAMESPACES:
        return NAMESPACES[namespace]
    raise Unclassified(f"URL {url_name!r} is not classified in kechuang/access/routes.py (PAGES)")


def api_rule(method: str, path: str) -> Rule:
    """The rule of an API operation (method, OpenAPI path); Unclassified if the table does not name it."""
    try:
        return API[method.upper(), path]
    except KeyError:
        raise Unclassified(
            f"API operation {method.upper()} {path} is not classified in kechuang/access/routes.py (API)"
        ) from None
