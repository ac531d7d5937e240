"""Platform commands: demo (set-up + serve), serve, assets, manage.

`kechuang serve` is the production server: gunicorn (in this process, _run_gunicorn) with the processes,
threads and timeout of server_sizing, after collectstatic; `--dev` is Django's development server.
`kechuang demo` serves the same way on 127.0.0.1."""

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
    _setup_django(require_database=False)
    from django.core.management import call_command

    from kechuang.demo import STEPS, build_demo

    def step(number: int, text: str) -> None:
        console.print(f"[bold]{number}/{STEPS}[/] {text} …")

    step(1, "数据库迁移")
    call_command("migrate", interactive=False, verbosity=0)
    with as_command("demo"):
        summary = build_demo(enterprises=enterprises, simulate_to=simulate_to or None, seed=seed, step=step)
    _print_summary(summary)
    _print_modules(summary.modules)
    _collect_static()
    _print_accounts(summary.accounts)
    if serve_after:
        _serve("127.0.0.1", port, collect=False)


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


def _print_modules(lines) -> None:
    for line in lines:
        console.print(line)


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
    host: str = typer.Option("127.0.0.1", help="地址（生产环境在 nginx 之后，保持 127.0.0.1）"),
    workers: int = typer.Option(
        0, min=0, help="工作进程数（默认：环境变量 KECHUANG_WORKERS，否则 CPU 核数×2+1，至多 8）"
    ),
    threads: int = typer.Option(0, min=0, help="每个进程的线程数（默认：KECHUANG_THREADS，否则 4）"),
    timeout: int = typer.Option(0, min=0, help="单个请求的超时秒数（默认：KECHUANG_TIMEOUT，否则 120）"),
    collect: bool = typer.Option(
        True, "--collectstatic/--no-collectstatic", help="启动前收集静态文件（哈希文件名、压缩）"
    ),
    dev: bool = typer.Option(False, "--dev", help="用 Django 开发服务器（单进程，仅供开发调试）"),
) -> None:
    """启动网站：gunicorn 多进程服务器，静态文件由 WhiteNoise 提供；--dev 用开发服务器。"""
    _serve(host, port, workers=workers, threads=threads, timeout=timeout, collect=collect, dev=dev)


def _serve(
    host: str,
    port: int,
    workers: int = 0,
    threads: int = 0,
    timeout: int = 0,
    collect: bool = True,
    dev: bool = False,
) -> None:
    _check_port(host, port)
    sizing = None if dev else server_sizing(workers, threads, timeout)
    _setup_django()
    from django.core.management import call_command
    from django.db import connections

    if dev:
        console.print(f"科创已启动（开发服务器）：[bold]http://{host}:{port}[/]  （Ctrl+C 退出）")
        call_command("runserver", f"{host}:{port}", "--noreload", "--skip-checks")
        return
    if collect:
        _collect_static()
    connections.close_all()  # opened by the checks above; the workers are forked from this process
    console.print(
        f"科创已启动：[bold]http://{host}:{port}[/]  （gunicorn：{sizing['workers']} 个进程 × "
        f"{sizing['threads']} 个线程，超时 {sizing['timeout']} 秒；Ctrl+C 退出）"
    )
    _run_gunicorn(host, port, **sizing)


def _env_int(name: str, default: int) -> int:
    import os

    text = os.environ.get(name, "").strip()
    if not text:
        return default
    try:
        value = int(text)
    except ValueError:
        fail(f"环境变量 {name} 应为正整数，收到 {text!r}", 2)
    if value < 1:
        fail(f"环境变量 {name} 应为正整数，收到 {text!r}", 2)
    return value


def server_sizing(workers: int = 0, threads: int = 0, timeout: int = 0) -> dict[str, int]:
    """Workers, threads and timeout: the option, else the environment, else from the core count.

    Processes: gunicorn's 2 × cores + 1, at most 8 (each holds the application, ≈ 150 MB); 4 threads
    each, so that a slow page (an export, a report) does not hold up the others."""
    import os

    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return {
        "workers": workers or _env_int("KECHUANG_WORKERS", min(2 * cores + 1, 8)),
        "threads": threads or _env_int("KECHUANG_THREADS", 4),
        "timeout": timeout or _env_int("KECHUANG_TIMEOUT", 120),
    }


def _collect_static() -> None:
    """collectstatic: hashed, compressed names in STATIC_ROOT (unchanged files are skipped)."""
    import io

    from django.conf import settings
    from django.core.management import call_command

    out = io.StringIO()
    try:
        call_command("collectstatic", interactive=False, verbosity=1, stdout=out)
    except OSError as exc:
        fail(f"无法写入静态文件目录 {settings.STATIC_ROOT}：{exc}")
    summary = out.getvalue().strip().splitlines()
    console.print(f"静态文件：{settings.STATIC_ROOT}（{summary[-1] if summary else ''}）")


def _run_gunicorn(host: str, port: int, workers: int, threads: int, timeout: int) -> None:
    """gunicorn in this process: the application is loaded once here and the workers are forked from
    it (preload: shared memory, and a broken installation fails here, not in every worker). Requests
    are logged by kechuang.logging (no gunicorn access log); gunicorn's own messages go through the
    same handler (settings.LOGGING, logger gunicorn.error). SIGTERM stops gracefully (systemd)."""
    from gunicorn.app.base import BaseApplication

    class Server(BaseApplication):
        def load_config(self):
            options = {
                "bind": [f"[{host}]:{port}" if ":" in host else f"{host}:{port}"],
                "workers": workers,
                "threads": threads,
                "worker_class": "gthread" if threads > 1 else "sync",
                "timeout": timeout,
                "graceful_timeout": 30,
                "keepalive": 5,
                "preload_app": True,
                # A worker is replaced after this many requests (± jitter): memory does not creep up.
                "max_requests": 2000,
                "max_requests_jitter": 200,
                "accesslog": None,
                "errorlog": "-",
                "proc_name": "kechuang",
                # X-Forwarded-Proto is believed from the local proxy only (nginx on the same machine).
                "forwarded_allow_ips": "127.0.0.1,::1",
                # gunicorn ≥ 24's control socket (gunicornc) is not used; systemd manages the server.
                "control_socket_disable": True,
            }
            for key, value in options.items():
                if key in self.cfg.settings:  # settings a gunicorn version does not know are left out
                    self.cfg.set(key, value)

        def load(self):
            from importlib import import_module

            from django.conf import settings
            from django.core.wsgi import get_wsgi_application

            application = get_wsgi_application()
            import_module(settings.ROOT_URLCONF)  # every view imported once here, not in each worker
            return application

    Server().run()


def _setup_django(require_database: bool = True) -> None:
    """setup_django, with a settings error (production without SECRET_KEY …) said plainly, exit 1."""
    from django.core.exceptions import ImproperlyConfigured

    try:
        setup_django(require_database=require_database)
    except ImproperlyConfigured as exc:
        fail(f"配置错误，未启动：{exc}")


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
    _setup_django(require_database=False)
    from django.core.management import execute_from_command_line

    execute_from_command_line(["kechuang manage", *ctx.args])
