"""A permission error that reaches the command line says whether writing or reading was refused:
a file that could not be made in a folder the user may read but not write says "skrivrätt" (it
said "läsrätt" for every permission error); a file that cannot be read still says "läsrätt".

Real permissions, checked by a real process of a user without root's rights (as root, the
check runs as ``nobody`` through ``setpriv``: root may write anywhere)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

NOBODY = 65534
CHECK = (
    "import errno, sys\n"
    "from helpers.cli import os_error_message\n"
    "print(os_error_message(PermissionError(errno.EACCES, 'Permission denied', sys.argv[1])))\n"
)


def _as_a_user() -> list[str]:
    """The start of a command that runs without root's rights (``setpriv``, util-linux)."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("setpriv (util-linux) is needed to check permissions as root")
    return [setpriv, f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups"]


@pytest.fixture
def folders() -> tuple[Path, Path]:
    base = Path(tempfile.mkdtemp(prefix="behorighet-"))
    base.chmod(0o755)
    locked = base / "skrivskyddad"
    locked.mkdir()
    (locked / "finns.csv").write_text("a\n", "utf-8")
    hidden = base / "hemlig.csv"
    hidden.write_text("a\n", "utf-8")
    hidden.chmod(0o000)
    locked.chmod(0o555)
    yield locked, hidden
    locked.chmod(0o755)
    shutil.rmtree(base)


def _message(path: Path) -> str:
    can_run = subprocess.run(
        [*_as_a_user(), sys.executable, "-c", "import helpers.cli"],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    if can_run.returncode != 0:
        pytest.skip(f"this checkout cannot be run by an unprivileged user: {can_run.stderr[-200:]}")
    done = subprocess.run(
        [*_as_a_user(), sys.executable, "-c", CHECK, str(path)],
        capture_output=True, text=True, timeout=600,
        env={**os.environ, "WORKBOOK_ROOT": str(path.parent)},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_a_refused_write_says_skrivratt_and_a_refused_read_says_lasratt(
    folders: tuple[Path, Path],
) -> None:
    locked, hidden = folders
    for written in (locked / "ny.csv", locked / "finns.csv"):
        said = _message(written)
        assert "skrivrätt" in said and "läsrätt" not in said, said
    said = _message(hidden)
    assert "läsrätt" in said and "skrivrätt" not in said, said
