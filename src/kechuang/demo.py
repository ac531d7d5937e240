"""`kechuang demo`: the Dongguan configuration and demo data, idempotently.

The service does not print: it announces each stage through `step(number, text)` (the command shows
it as it goes) and returns a DemoSummary that the command renders. A second run writes nothing:
loads that add no observation leave no batch and no audit record behind.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction

STEPS = 6  # 1 is the migration, run by the command before build_demo

# The demo data of the topic modules, in this order. Each module has ``load_demo(seed: int) ->
# list[str]`` (idempotent; returns the lines the command prints) and may have ``DEMO_ACCOUNTS`` (a
# tuple of kechuang.accounts.services.DemoAccount, created after the organisations it loads).
MODULE_DEMOS: tuple[str, ...] = (
    "kechuang.points.demo",
    "kechuang.finance.demo",
    "kechuang.transfer.demo",
    "kechuang.projects.demo",
    "kechuang.carriers.demo",
    "kechuang.portal.demo",
)


@dataclass
class DemoSummary:
    plan_version: int = 0
    plan_new_version: bool = False
    history_created: int = 0
    simulate_to: int | None = None
    simulated_created: int = 0
    # towns' sample targets derived from their figures (kechuang.plans.sample_targets)
    sample_targets: int = 0
    enterprises: object | None = None  # kechuang.enterprises.demo.DemoEnterprises, None when skipped
    enterprises_skipped: str = ""  # why the enterprise stage did not run
    accounts: list[tuple] = field(default_factory=list)  # (user name, role, organisation)
    modules: list[str] = field(default_factory=list)  # what each topic module's demo loaded


class _NothingWritten(Exception):
    def __init__(self, result):
        self.result = result


def _keep_if_written(load: Callable):
    """Run an observation load in a savepoint and undo it (its batch and audit record) when it
    created and revised nothing, so that repeating the demo leaves the database as it was."""
    try:
        with transaction.atomic():
            result = load()
            if not (result.created or result.revised):
                raise _NothingWritten(result)
    except _NothingWritten as nothing:
        return nothing.result
    return result


def build_demo(
    enterprises: int = 20000,
    simulate_to: int | None = None,
    seed: int = 2026,
    step: Callable[[int, str], None] | None = None,
) -> DemoSummary:
    from kechuang.accounts.services import ensure_demo_accounts, load_org_tree
    from kechuang.plans import observations, services
    from kechuang.plans.sample_targets import derive_sample_targets
    from kechuang.plans.schema import default_plan_path

    def announce(number: int, text: str) -> None:
        if step is not None:
            step(number, text)

    summary = DemoSummary(simulate_to=simulate_to)
    announce(2, "机构：东莞市、市直部门、32 个镇街与功能区")
    load_org_tree()
    announce(3, "规划：东莞市科技创新“十五五”规划（指标、任务、示例分工）")
    result = services.load_plan(
        services.parse_plan(default_plan_path()), source_file=default_plan_path().name, loaded_by="demo"
    )
    summary.plan_version, summary.plan_new_version = result.version.number, result.new_version
    summary.history_created = _keep_if_written(
        lambda: observations.load_reference_history(result.plan)
    ).created
    announce(4, "企业库")
    enterprise_org = None
    try:
        from kechuang.enterprises.demo import load_demo_enterprises
    except ImportError:
        summary.enterprises_skipped = "企业库模块尚未就绪，跳过"
    else:
        summary.enterprises = load_demo_enterprises(count=enterprises, seed=seed)
        enterprise_org = summary.enterprises.org if summary.enterprises else None
    announce(5, "专题模块：创新积分、科技金融、成果转化、重大项目、创新载体")
    extra_accounts = []
    from kechuang.enterprises.models import Enterprise

    if not Enterprise.objects.exists():  # the topic modules' demos are about enterprises
        summary.modules.append("专题模块：企业库为空（--enterprises 0），未加载专题模块的演示数据")
    for module in _module_demos() if Enterprise.objects.exists() else []:
        summary.modules.extend(module.load_demo(seed=seed))
        extra_accounts.extend(getattr(module, "DEMO_ACCOUNTS", ()))
    # After the registries have fed the plan: every simulated series continues from the last value
    # they gave it, and the towns' sample targets fit the figures they end up with.
    if simulate_to:
        summary.simulated_created = _keep_if_written(
            lambda: observations.simulate_to(result.plan, simulate_to, seed=seed)
        ).created
    summary.sample_targets = derive_sample_targets(result.plan).created
    announce(6, "演示账户")
    summary.accounts = ensure_demo_accounts(enterprise_org=enterprise_org, extra=tuple(extra_accounts))
    from kechuang.plans.demo_reports import load_demo_task_reports

    written = load_demo_task_reports(result.plan, seed=seed)
    if written:
        summary.modules.append(f"重点任务进展报告（演示）：{written} 份，约两成任务部门未按期报告")
    return summary


def _module_demos() -> list:
    """The topic modules' demo loaders that exist (a module not yet built is skipped)."""
    import importlib
    import importlib.util

    found = []
    for name in MODULE_DEMOS:
        if importlib.util.find_spec(name.rsplit(".", 1)[0]) is None or importlib.util.find_spec(name) is None:
            continue
        found.append(importlib.import_module(name))
    return found
