"""The code base stays lint-clean and formatted (ruff), and notebooks stay output-free."""

from __future__ import annotations

import subprocess
import sys

from helpers.core.paths import REPO_ROOT

TARGETS = ["src", "tests", "benchmarks", "jupyter_server_config.py"]


def ruff(*arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ruff", *arguments, *TARGETS],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
    )


def test_ruff_finds_no_lint_problems() -> None:
    result = ruff("check", "--no-cache")
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format_has_nothing_to_change() -> None:
    result = ruff("format", "--check", "--no-cache")
    assert result.returncode == 0, result.stdout + result.stderr
