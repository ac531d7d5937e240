"""Platform commands: demo (set-up + serve), serve, assets, manage."""

from __future__ import annotations

from pathlib import Path

import typer

from kechuang.cli.common import as_command, console, setup_django


def register(app: typer.Typer) -> None:
    app.command("demo")(demo)
    app.command("serve")(serve)
    app.command("assets")(assets)
    app.command("manage", context_settings={"allow_extra_args": True, "ignore_unknown_options": True})(manage)


def demo(
    serve_after: bool = typer.Option(True, "--serve/--no-serve", help="完成后是否启动网站"),
    port: int = typer.Option(8000, help="端口"),
    enterprises: int = typer.Option(20000, help="演示企业数量（合成数据）"),
    simulate_to: int = typer.Option(
        0, "--simulate-to", help="生成模拟观测值至该年份（2025–2030），标注“模拟”"
    ),
    seed: int = typer.Option(2026, help="合成数据的随机种子"),
) -> None:
    """建库、加载东莞配置和演示数据、创建演示账户（可重复运行，不会重复写入），然后启动网站。"""
    setup_django()
    from django.core.management import call_command

    from kechuang.demo import build_demo

    console.print("[bold]1/5[/] 数据库迁移 …")
    call_command("migrate", interactive=False, verbosity=0)
    with as_command("demo"):
        accounts = build_demo(enterprises=enterprises, simulate_to=simulate_to or None, seed=seed)
    _print_accounts(accounts)
    if serve_after:
        serve(port=port, host="127.0.0.1")


def _print_accounts(accounts) -> None:
    from rich.table import Table

    from kechuang.accounts.services import DEMO_PASSWORD

    table = Table(title=f"演示账户（密码均为 {DEMO_PASSWORD}）")
    table.add_column("用户名")
    table.add_column("角色")
    table.add_column("机构")
    for username, role, org in accounts:
        table.add_row(username, str(role), org)
    console.print(table)


def serve(
    port: int = typer.Option(8000, help="端口"), host: str = typer.Option("127.0.0.1", help="地址")
) -> None:
    """启动网站（单机演示用）。"""
    setup_django()
    from django.core.management import call_command

    console.print(f"科创已启动：[bold]http://{host}:{port}[/]  （Ctrl+C 退出）")
    call_command("runserver", f"{host}:{port}", "--noreload", "--skip-checks")


def assets(repo: Path = typer.Option(Path("."), help="项目根目录（含 node_modules）")) -> None:
    """把 npm 安装的 htmx、ECharts 复制到静态目录，并编译界面翻译（.po → .mo）。"""
    from kechuang.web.assets import compile_messages, copy_vendor

    copied = copy_vendor(repo / "node_modules")
    console.print(f"静态库：{', '.join(copied)}")
    compiled = compile_messages()
    console.print(f"翻译目录：{', '.join(compiled) or '无'}")


def manage(ctx: typer.Context) -> None:
    """运行 Django 管理命令，例如 `kechuang manage createsuperuser`。"""
    setup_django()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["kechuang manage", *ctx.args])
