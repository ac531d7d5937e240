"""`kechuang demo`: the Dongguan configuration and demo data, idempotently."""

from __future__ import annotations

from kechuang.cli.common import console


def build_demo(enterprises: int = 20000, simulate_to: int | None = None, seed: int = 2026) -> list[tuple]:
    from kechuang.accounts.services import ensure_demo_accounts, load_org_tree

    console.print("[bold]2/3[/] 机构：东莞市、市直部门、32 个镇街与功能区 …")
    load_org_tree()
    console.print("[bold]3/3[/] 演示账户 …")
    return ensure_demo_accounts()
