"""The commands that draw progress bars or spinners, at a real (pseudo-)terminal."""

from __future__ import annotations

import re
import sys

import pytest

from tests.cli.kit import run_in_tty

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07")


def plain(text: str) -> str:
    return ANSI.sub("", text)


def test_synth_progress_at_a_terminal(empty_var, tmp_path):
    out = tmp_path / "pop"
    result = run_in_tty(empty_var, "synth", "enterprises", "-n", 30, "--years", "2024", "--out", out)
    text = plain(result.stdout)
    assert result.returncode == 0, text
    assert "\x1b[" in result.stdout  # it did draw for a terminal
    assert "名录 30 行" in text and "Traceback" not in text
    assert (out / "registry.csv").exists()


def test_tiers_spinner_at_a_terminal(demo_copy):
    result = run_in_tty(demo_copy, "enterprises", "tiers", "--year", 2024)
    text = plain(result.stdout)
    assert result.returncode == 0, text
    assert "未入梯队" in text and "Traceback" not in text


def test_an_error_at_a_terminal_is_still_a_sentence(empty_var):
    result = run_in_tty(empty_var, "plan", "versions")
    text = plain(result.stdout)
    assert result.returncode == 1, text
    assert "数据库尚未建立" in text and "Traceback" not in text
