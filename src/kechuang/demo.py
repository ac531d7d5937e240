"""`kechuang demo`: the Dongguan configuration and demo data, idempotently."""

from __future__ import annotations

from kechuang.cli.common import console


def build_demo(enterprises: int = 20000, simulate_to: int | None = None, seed: int = 2026) -> list[tuple]:
    from kechuang.accounts.services import ensure_demo_accounts, load_org_tree
    from kechuang.plans import observations, services
    from kechuang.plans.schema import default_plan_path

    console.print("[bold]2/5[/] 机构：东莞市、市直部门、32 个镇街与功能区 …")
    load_org_tree()
    console.print("[bold]3/5[/] 规划：东莞市科技创新“十五五”规划（指标、任务、示例分工）…")
    result = services.load_plan(
        services.parse_plan(default_plan_path()), source_file=default_plan_path().name, loaded_by="demo"
    )
    imported = observations.load_reference_history(result.plan)
    console.print(f"      已公布的历史数据：新增 {imported.created} 条")
    if simulate_to:
        sim = observations.simulate_to(result.plan, simulate_to, seed=seed)
        console.print(f"      模拟数据（标注“模拟”）至 {simulate_to} 年：新增 {sim.created} 条")
    console.print("[bold]4/5[/] 企业库 …")
    enterprise_org = _demo_enterprises(enterprises, seed)
    console.print("[bold]5/5[/] 演示账户 …")
    return ensure_demo_accounts(enterprise_org=enterprise_org)


def _demo_enterprises(count: int, seed: int):
    try:
        from kechuang.enterprises.demo import load_demo_enterprises
    except ImportError:
        console.print("      （企业库模块尚未就绪，跳过）")
        return None
    return load_demo_enterprises(count=count, seed=seed)
