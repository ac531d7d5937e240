"""Helpers for the command-line tests: run `kechuang` in a subprocess and read what it wrote."""

from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

DB_NAME = "kechuang.sqlite3"
DEMO_ENTERPRISES = 200
SCRIPT = Path(sys.executable).parent / "kechuang"


@dataclass
class Run:
    args: list[str]
    returncode: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr

    def __str__(self) -> str:  # shown by a failing assert
        return f"kechuang {' '.join(self.args)} → {self.returncode}\n{self.stdout}\n{self.stderr}"


def command() -> list[str]:
    """The installed console script, or the module when the package is not installed as a script."""
    if SCRIPT.exists():
        return [str(SCRIPT)]
    return [sys.executable, "-c", "from kechuang.cli.main import app; app()"]


def child_env(var: Path) -> dict[str, str]:
    """The child's environment: this var directory and its SQLite file, whatever the parent uses
    (DATABASE_URL is removed; a test that wants PostgreSQL adds it back itself). What the test run
    itself sets is removed too: pytest-playwright sets DJANGO_ALLOW_ASYNC_UNSAFE, which no user's
    shell has and which `check --deploy` rightly refuses."""
    drop = {
        "DATABASE_URL",
        "DJANGO_SETTINGS_MODULE",
        "KECHUANG_VAR",
        "KECHUANG_HOME",
        "KECHUANG_SECRET_KEY",
        "DJANGO_ALLOW_ASYNC_UNSAFE",
    }
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env.update(
        KECHUANG_VAR=str(var),
        SECRET_KEY="cli-tests-not-secret",
        PYTHONIOENCODING="utf-8",
        COLUMNS="200",
        TERM="dumb",
        NO_COLOR="1",
    )
    return env


def run_in(var: Path, *args, cwd: Path | None = None, timeout: float = 120) -> Run:
    args = [str(a) for a in args]
    done = subprocess.run(
        [*command(), *args],
        cwd=cwd or var,
        env=child_env(var),
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )
    return Run(args, done.returncode, done.stdout, done.stderr)


def copy_database(source: Path, target: Path) -> None:
    target.mkdir(parents=True, exist_ok=True)
    src = sqlite3.connect(source / DB_NAME)
    dst = sqlite3.connect(target / DB_NAME)
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()


def db_rows(var: Path, sql: str, params=()) -> list[tuple]:
    """Read the database a command wrote (a plain sqlite3 connection, no Django)."""
    con = sqlite3.connect(var / DB_NAME)
    try:
        return con.execute(sql, params).fetchall()
    finally:
        con.close()


def table_counts(var: Path) -> dict[str, int]:
    con = sqlite3.connect(var / DB_NAME)
    try:
        names = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return {n: con.execute(f'SELECT COUNT(*) FROM "{n}"').fetchone()[0] for n in names}
    finally:
        con.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_in_tty(var: Path, *args, timeout: float = 120) -> Run:
    """The command with stdout and stderr on a pseudo-terminal, as at a user's terminal: rich then
    draws live progress bars and spinners, which is where a format error only a terminal sees hides."""
    import pty
    import select
    import time

    args = [str(a) for a in args]
    env = child_env(var)
    env.pop("NO_COLOR", None)
    env["TERM"] = "xterm-256color"
    master, slave = pty.openpty()
    process = subprocess.Popen(
        [*command(), *args], cwd=var, env=env, stdin=subprocess.DEVNULL, stdout=slave, stderr=slave
    )
    os.close(slave)
    chunks = []
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 0.2)
            if ready:
                try:
                    data = os.read(master, 65536)
                except OSError:  # EIO: the child closed the terminal
                    break
                if not data:
                    break
                chunks.append(data)
            elif process.poll() is not None:
                break
        returncode = process.wait(timeout=max(1.0, deadline - time.monotonic()))
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        os.close(master)
    text = b"".join(chunks).decode("utf-8", "replace")
    return Run(args, returncode, text, "")
