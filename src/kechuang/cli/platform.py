"""Platform commands: demo (set-up + serve), serve, assets, manage."""

from __future__ import annotations

from pathlib import Path

import typer

from kechuang.cli.common import as_command, console, fail, setup_django

SIMULATE_YEARS = (2025, 2030)


def register(app: typer.Typer) -> None:
    app.command("demo")(demo)
    app.command("serve")(serve)
    app.command("assets")(assets)
    app.command("manage", context_settings={"allow_extra_args": True, "ignore_unknown_options": True})(manage)


def demo(
    serve_after: bool = typer.Option(True, "--serve/--no-serve", help="完成后是否启动网站"),
    port: int = typer.Option(8000, min=1, max=65535, help="端口"),
    enterprises: int = typer.Option(20000, help="演示企业数量（合成数据）"),
    simulate_to: int = typer.Option(
        0, "--simulate-to", help="生成模拟观测值至该年份（2025–2030），标注“模拟”"
    ),
    seed: int = typer.Option(2026, help="合成数据的随机种子"),
) -> None:
    """建库、加载东莞配置和演示数据、创建演示账户（可重复运行，不会重复写入），然后启动网站。"""
    first, last = SIMULATE_YEARS
    if simulate_to and not first <= simulate_to <= last:
        fail(f"--simulate-to 应在 {first}–{last} 之间（规划期），收到 {simulate_to}", 2)
    if enterprises < 0:
        fail(f"--enterprises 不能为负数，收到 {enterprises}", 2)
    if serve_after:
        _check_port("127.0.0.1", port)
    setup_django(require_database=False)
    from django.core.management import call_command

    from kechuang.demo import STEPS, build_demo

    def step(number: int, text: str) -> None:
        console.print(f"[bold]{number}/{STEPS}[/] {text} …")

    step(1, "数据库迁移")
    call_command("migrate", interactive=False, verbosity=0)
    with as_command("demo"):
        summary = build_demo(enterprises=enterprises, simulate_to=simulate_to or None, seed=seed, step=step)
    _print_summary(summary)
    _print_accounts(summary.accounts)
    if serve_after:
        serve(port=port, host="127.0.0.1")


def _print_summary(summary) -> None:
    version = "新版本" if summary.plan_new_version else "内容未变化"
    console.print(f"规划：第 {summary.plan_version} 版（{version}）")
    console.print(f"已公布的历史数据：新增 {summary.history_created} 条")
    if summary.simulate_to:
        console.print(
            f"模拟数据（标注“模拟”）至 {summary.simulate_to} 年：新增 {summary.simulated_created} 条"
        )
    ents = summary.enterprises
    if summary.enterprises_skipped:
        console.print(f"企业库：{summary.enterprises_skipped}")
    elif ents is None:
        console.print("企业库：未生成演示企业（--enterprises 0）")
    elif ents.registry_created:
        console.print(f"合成演示企业：{ents.registry_created} 家，年度数据 {ents.facts_created} 条")
    else:
        console.print("合成演示企业：企业库已有企业，未重复生成")
    feed = getattr(ents, "feed", None)
    if feed is not None:
        years = f"{min(feed.years)}–{max(feed.years)}" if feed.years else ""
        console.print(
            f"企业库 → 规划指标「规模以上工业高新技术企业数」{years}：新增 {feed.created}、"
            f"修订 {feed.revised}、保留官方数据 {feed.skipped_official} 条"
        )


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
    port: int = typer.Option(8000, min=1, max=65535, help="端口"),
    host: str = typer.Option("127.0.0.1", help="地址"),
) -> None:
    """启动网站（单机演示用）。"""
    _check_port(host, port)
    setup_django()
    from django.core.management import call_command

    console.print(f"科创已启动：[bold]http://{host}:{port}[/]  （Ctrl+C 退出）")
    call_command("runserver", f"{host}:{port}", "--noreload", "--skip-checks")


def _check_port(host: str, port: int) -> None:
    """Refuse in Chinese, before anything is set up, when the port is taken (runserver says it in English)."""
    import socket

    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        fail(f"无法解析地址「{host}」：{exc}", 2)
    family, _, _, _, address = infos[0]
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        try:
            probe.bind(address)
        except OSError:
            fail(f"端口 {port} 已被占用（{host}）：请用 --port 换一个端口，或先停止占用它的程序")


def assets(repo: Path = typer.Option(Path("."), help="项目根目录（含 node_modules）")) -> None:
    """把 npm 安装的 htmx、ECharts 复制到静态目录，并编译界面翻译（.po → .mo）。"""
    from kechuang.web.assets import compile_messages, copy_vendor

    try:
        copied = copy_vendor(repo / "node_modules")
    except FileNotFoundError as exc:
        fail(f"{exc}（在项目根目录运行，或用 --repo 指明）")
    console.print(f"静态库：{', '.join(copied)}")
    compiled = compile_messages()
    console.print(f"翻译目录：{', '.join(compiled) or '无'}")


def manage(ctx: typer.Context) -> None:
    """运行 Django 管理命令，例如 `kechuang manage createsuperuser`。"""
    setup_django(require_database=False)
    from django.core.management import execute_from_command_line

    execute_from_command_line(["kechuang manage", *ctx.args])
