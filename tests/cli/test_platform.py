"""`kechuang demo`, `serve`, `manage`, `assets`, and every database command on a database not set up."""

from __future__ import annotations

import json
import socket
import sqlite3
import subprocess
import time
import urllib.error
import urllib.request

import pytest

from tests.cli.kit import DB_NAME, child_env, command, db_rows, free_port, table_counts

ACCOUNTS = ("admin", "kjj", "tjj", "scjgj", "songshanhu", "humen", "enterprise", "bank", "dgut", "leader")
# the topic modules' demo accounts (kechuang.demo.MODULE_DEMOS)
MODULE_ACCOUNTS = ("tto", "techmgr", "pj_officer", "pj_expert", "pj_applicant", "fhq", "yiqi", "rencai")


# ---------------------------------------------------------------- demo


def test_demo_builds_everything_once_and_a_second_run_writes_nothing(kc, empty_var):
    first = kc(empty_var, "demo", "--no-serve", "--enterprises", 200, timeout=900)
    assert first.returncode == 0, first
    assert "Traceback" not in first.output
    assert "kechuang-demo-2026" in first.stdout  # the password is printed with the accounts
    for name in ACCOUNTS:
        assert name in first.stdout
    assert "合成演示企业：200 家" in first.stdout
    assert "已公布的历史数据：新增" in first.stdout
    # collectstatic ran: the hashed, compressed names the production server links.
    assert "静态文件：" in first.stdout
    manifest = json.loads((empty_var / "static" / "staticfiles.json").read_text())["paths"]
    hashed = manifest["css/app.css"]
    assert hashed != "css/app.css" and (empty_var / "static" / f"{hashed}.gz").exists()

    users = {r[0] for r in db_rows(empty_var, "SELECT username FROM accounts_user")}
    assert set(ACCOUNTS) | set(MODULE_ACCOUNTS) <= users
    assert db_rows(empty_var, "SELECT COUNT(*) FROM enterprises_enterprise") == [(200,)]
    assert db_rows(empty_var, "SELECT code FROM plans_plan") == [("dongguan-2026-2030",)]
    assert db_rows(empty_var, "SELECT COUNT(*) FROM plans_planversion") == [(1,)]
    assert db_rows(empty_var, "SELECT COUNT(*) FROM enterprises_tierrecord")[0][0] > 0
    # Progress reports on key tasks: most departments reported, some did not (the reporting page has both).
    reported, pairs = db_rows(
        empty_var,
        "SELECT (SELECT COUNT(*) FROM plans_taskreport),"
        " (SELECT COUNT(*) FROM plans_task WHERE active AND NOT completed)"
        " + (SELECT COUNT(*) FROM plans_taskdepartment d JOIN plans_task t ON t.id = d.task_id"
        " WHERE t.active AND NOT t.completed)",
    )[0]
    assert 0.6 * pairs < reported < pairs

    before = table_counts(empty_var)
    second = kc(empty_var, "demo", "--no-serve", "--enterprises", 200, timeout=900)
    assert second.returncode == 0, second
    assert "kechuang-demo-2026" in second.stdout and "enterprise" in second.stdout
    assert "内容未变化" in second.stdout and "未重复生成" in second.stdout
    # Not even an empty observation batch or an audit record.
    assert table_counts(empty_var) == before


def test_demo_with_simulated_values_is_repeatable_too(kc, demo_copy):
    """demo_copy was made with --simulate-to 2027: running it again must not draw new values."""
    before = table_counts(demo_copy)
    again = kc(demo_copy, "demo", "--no-serve", "--enterprises", 200, "--simulate-to", 2027, timeout=900)
    assert again.returncode == 0, again
    assert "至 2027 年：新增 0 条" in again.stdout
    assert table_counts(demo_copy) == before


def test_demo_refuses_a_simulation_year_outside_the_plan_and_writes_nothing(kc, empty_var):
    result = kc(empty_var, "demo", "--no-serve", "--enterprises", 10, "--simulate-to", 2040)
    assert result.returncode == 2, result
    assert "--simulate-to 应在 2025–2030 之间" in result.stderr
    assert "Traceback" not in result.output
    assert not (empty_var / DB_NAME).exists() or table_counts(empty_var) == {}


def test_demo_refuses_a_port_that_is_taken_before_building(kc, empty_var):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = kc(empty_var, "demo", "--enterprises", 10, "--port", port)
    assert result.returncode == 1, result
    assert f"端口 {port} 已被占用" in result.stderr
    assert "1/5" not in result.stdout


# ---------------------------------------------------------------- serve


_DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # never through an http_proxy


def _open(url: str, headers: dict | None = None):
    """(status, headers, body) of a GET, or None when nothing answers."""
    try:
        with _DIRECT.open(urllib.request.Request(url, headers=headers or {}), timeout=5) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers, exc.read()
    except OSError:
        return None


def _get(url: str) -> int | None:
    answer = _open(url)
    return answer[0] if answer else None


def _serves(var, *args, env: dict | None = None, then=None) -> str:
    """Start the command, wait (bounded) until /login/ answers 200, call then(base_url), stop it;
    the command's output (stdout and stderr)."""
    port = free_port()
    process = subprocess.Popen(
        [*command(), *[str(a) for a in args], "--port", str(port)],
        cwd=var,
        env={**child_env(var), "KECHUANG_WORKERS": "2", **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
    )
    try:
        status = None
        deadline = time.monotonic() + 300  # collectstatic runs first: minutes on a busy 2-core machine
        while time.monotonic() < deadline and process.poll() is None:
            status = _get(f"http://127.0.0.1:{port}/login/")
            if status == 200:
                break
            time.sleep(0.3)
        assert status == 200, f"exit {process.poll()}, last status {status}"
        if then is not None:
            then(f"http://127.0.0.1:{port}")
    finally:
        process.terminate()
        try:
            output, _ = process.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            output, _ = process.communicate(timeout=15)
    return output.decode("utf-8", "replace")


def test_serve_runs_gunicorn_with_hashed_compressed_static_files(fresh_var):
    seen = {}

    def check(base):
        status, _, body = _open(f"{base}/login/")
        page = body.decode()
        # The page links the collected, hashed name; WhiteNoise serves it compressed, cached for a year.
        css = page.split('href="/static/css/app.', 1)[1].split('"', 1)[0]
        assert css.count(".") == 1 and css.endswith(".css"), css  # app.<hash>.css
        status, headers, _ = _open(f"{base}/static/css/app.{css}", {"Accept-Encoding": "gzip"})
        seen["static"] = (status, headers.get("Content-Encoding"), headers.get("Cache-Control"))
        seen["ready"] = _open(f"{base}/health/ready")[0]

    output = _serves(fresh_var, "serve", then=check)
    assert "科创已启动：http://127.0.0.1:" in output and "gunicorn：2 个进程" in output
    assert "Booting worker" in output  # gunicorn, not the development server
    assert "Starting development server" not in output
    status, encoding, cache = seen["static"]
    assert status == 200 and encoding == "gzip" and "immutable" in cache and "max-age=315360000" in cache
    assert seen["ready"] == 200
    assert (fresh_var / "static" / "staticfiles.json").exists()


def test_serve_dev_runs_the_development_server(fresh_var):
    output = _serves(fresh_var, "serve", "--dev")
    assert "科创已启动（开发服务器）" in output and "gunicorn" not in output


def test_serve_logs_one_json_line_per_request_with_its_request_id(fresh_var):
    answers = {}

    def check(base):
        answers["own"] = _open(f"{base}/health/live")
        answers["proxy"] = _open(f"{base}/health/live", {"X-Request-ID": "nginx-0123456789abcdef"})

    output = _serves(fresh_var, "serve", env={"KECHUANG_LOG_FORMAT": "json"}, then=check)
    lines = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
    own_id = answers["own"][1]["X-Request-ID"]
    assert own_id
    mine = [line for line in lines if line.get("request_id") == own_id]
    assert len(mine) == 1, lines
    line = mine[0]
    assert line["logger"] == "kechuang.request" and line["level"] == "INFO"
    assert (line["method"], line["path"], line["status"]) == ("GET", "/health/live", 200)
    assert line["user"] is None and isinstance(line["duration_ms"], float)
    assert line["time"].endswith("Z") and line["message"] == "GET /health/live 200"
    # The proxy's id (nginx's $request_id) is kept, logged and returned.
    assert answers["proxy"][1]["X-Request-ID"] == "nginx-0123456789abcdef"
    assert sum(1 for line in lines if line.get("request_id") == "nginx-0123456789abcdef") == 1
    # gunicorn's own lines are JSON too.
    assert any(line["logger"] == "gunicorn.error" for line in lines)


def test_demo_without_no_serve_builds_then_serves(demo_copy):
    """`make demo` runs `kechuang demo --port P --simulate-to 2027`: set-up (nothing new here), then the site."""
    output = _serves(demo_copy, "demo", "--enterprises", 200, "--simulate-to", 2027)
    assert "kechuang-demo-2026" in output and "科创已启动" in output
    assert "Booting worker" in output  # the production server


def test_serve_in_production_without_secret_key_refuses_to_start(fresh_var):
    env = child_env(fresh_var)
    del env["SECRET_KEY"]
    env.update(KECHUANG_ENV="production", KECHUANG_ALLOWED_HOSTS="kechuang.example.gov.cn")
    done = subprocess.run(
        [*command(), "serve", "--port", str(free_port())],
        cwd=fresh_var,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 1, done
    assert "配置错误，未启动" in done.stderr and "必须在环境中设置 SECRET_KEY" in done.stderr
    assert "Traceback" not in done.stdout + done.stderr and "科创已启动" not in done.stdout
    assert not (fresh_var / "secret_key").exists()  # no key generated behind the administrator's back


def test_serve_sizes_from_the_environment(monkeypatch):
    import os

    from kechuang.cli.platform import server_sizing

    for name in ("KECHUANG_WORKERS", "KECHUANG_THREADS", "KECHUANG_TIMEOUT"):
        monkeypatch.delenv(name, raising=False)
    cores = len(os.sched_getaffinity(0))
    assert server_sizing() == {"workers": min(2 * cores + 1, 8), "threads": 4, "timeout": 120}
    monkeypatch.setenv("KECHUANG_WORKERS", "3")
    monkeypatch.setenv("KECHUANG_THREADS", "1")
    monkeypatch.setenv("KECHUANG_TIMEOUT", "30")
    assert server_sizing() == {"workers": 3, "threads": 1, "timeout": 30}
    assert server_sizing(workers=6, timeout=45) == {"workers": 6, "threads": 1, "timeout": 45}


def test_serve_refuses_a_wrong_worker_count_in_the_environment(kc, fresh_var, monkeypatch):
    monkeypatch.setenv("KECHUANG_WORKERS", "many")
    result = kc(fresh_var, "serve", "--port", free_port(), timeout=60)
    assert result.returncode == 2, result
    assert "KECHUANG_WORKERS 应为正整数" in result.stderr and "Traceback" not in result.output


def test_serve_refuses_a_port_that_is_taken(kc, fresh_var):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = kc(fresh_var, "serve", "--port", port, timeout=30)
    assert result.returncode == 1, result
    assert f"端口 {port} 已被占用" in result.stderr and "--port" in result.stderr
    assert "科创已启动" not in result.stdout


def test_serve_refuses_an_impossible_port(kc, fresh_var):
    result = kc(fresh_var, "serve", "--port", 70000, timeout=30)
    assert result.returncode == 2, result
    assert "--port" in result.stderr


# ---------------------------------------------------------------- manage and assets


def test_manage_runs_a_django_command(kc, fresh_var):
    shown = kc(fresh_var, "manage", "showmigrations", "plans")
    assert shown.returncode == 0 and "[X] 0001_initial" in shown.stdout


def test_manage_refuses_an_unknown_command(kc, fresh_var):
    result = kc(fresh_var, "manage", "no_such_command")
    assert result.returncode == 1, result
    assert "no_such_command" in result.stderr


def test_assets_copies_the_vendor_files_and_compiles_translations(kc, fresh_var, node_modules):
    result = kc(fresh_var, "assets", "--repo", node_modules.parent)
    assert result.returncode == 0, result
    assert "htmx.min.js" in result.stdout and "echarts.min.js" in result.stdout
    assert "en/django.po" in result.stdout


def test_assets_without_node_modules_says_what_to_do(kc, fresh_var, tmp_path):
    result = kc(fresh_var, "assets", "--repo", tmp_path)
    assert result.returncode == 1, result
    assert "请先运行 npm ci" in result.stderr
    assert "Traceback" not in result.output


# ---------------------------------------------------------------- no database yet


@pytest.mark.parametrize(
    "args",
    [
        ["plan", "versions"],
        ["monitor"],
        ["report", "annual", "--format", "html"],
        ["enterprises", "tiers", "--year", "2024"],
        ["pools", "list", "gaoqi_reserve"],
        ["serve", "--port", "0"],
    ],
    ids=lambda a: " ".join(a[:2]),
)
def test_a_command_on_a_database_not_set_up_says_how_to_set_it_up(kc, empty_var, args):
    if args[0] == "serve":
        args = ["serve", "--port", str(free_port())]
    result = kc(empty_var, *args)
    assert result.returncode == 1, result
    assert "数据库尚未建立" in result.stderr and "kechuang demo --no-serve" in result.stderr
    assert "Traceback" not in result.output


def test_observations_import_on_a_database_not_set_up(kc, empty_var, tmp_path):
    file = tmp_path / "obs.csv"
    file.write_text("指标,地区,年份,数值\nrd_intensity,东莞市,2025,4.2\n", encoding="utf-8")
    result = kc(empty_var, "observations", "import", file)
    assert result.returncode == 1, result
    assert "数据库尚未建立" in result.stderr


def test_a_command_on_a_database_one_migration_behind_says_migrate(kc, fresh_var):
    last = db_rows(fresh_var, "SELECT id, app, name FROM django_migrations ORDER BY id DESC LIMIT 1")[0]
    con = sqlite3.connect(fresh_var / DB_NAME)
    con.execute("DELETE FROM django_migrations WHERE id = ?", (last[0],))
    con.commit()
    con.close()
    result = kc(fresh_var, "plan", "versions")
    assert result.returncode == 1, result
    assert "kechuang manage migrate" in result.stderr
