"""A non-editable install (``pip install .``, issue 12 case 11): it works inside a project and
refuses loudly anywhere else — never an empty report with exit status 0.

The installed package is what a wheel holds: setuptools' own ``build_py`` with the project's
``pyproject.toml`` (packages and package data), written to a folder outside the repository and
put first on ``PYTHONPATH`` (kernels inherit it). Nothing is downloaded.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import copy_inputs

from helpers.core.paths import REPO_ROOT

BUILD_PY = """
import sys
from setuptools.config.pyprojecttoml import apply_configuration
from setuptools.dist import Distribution
dist = Distribution()
apply_configuration(dist, "pyproject.toml")
dist.script_name = "setup.py"
command = dist.get_command_obj("build_py")
command.build_lib = sys.argv[1]
dist.run_command("build_py")
"""
RUN = """
import sys
import helpers
assert helpers.__file__.startswith(sys.argv[1]), helpers.__file__
from helpers.cli import main
sys.exit(main(sys.argv[2:]))
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The package as ``pip install .`` installs it, in a folder of its own."""
    base = tmp_path_factory.mktemp("install")
    source = base / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(REPO_ROOT / name, source / name)
    shutil.copytree(
        REPO_ROOT / "src",
        source / "src",
        ignore=shutil.ignore_patterns("*.egg-info", "__pycache__"),
    )
    target = base / "site-packages"
    subprocess.run(
        [sys.executable, "-W", "ignore", "-c", BUILD_PY, str(target)],
        cwd=source, check=True, capture_output=True,
    )  # fmt: skip
    assert (target / "helpers" / "templates" / "workbook" / "report.css").is_file()
    return target


def workbook(site: Path, cwd: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "WORKBOOK_ROOT"}
    env["PYTHONPATH"] = str(site)
    return subprocess.run(
        [sys.executable, "-c", RUN, str(site), *argv],
        cwd=cwd, env=env, capture_output=True, text=True, timeout=900,
    )  # fmt: skip


def test_outside_a_project_it_refuses_with_exit_2(site: Path, tmp_path: Path) -> None:
    result = workbook(site, tmp_path, "build", "--year", "2016")
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Hittar inget projekt" in result.stderr and "pip install -e ." in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "reports").exists()


def test_in_a_project_without_notebooks_it_refuses_before_any_report(
    site: Path, tmp_path: Path
) -> None:
    project = copy_inputs(tmp_path / "projekt")
    result = workbook(site, project / "data", "build", "--year", "2016", "--unit", "klk")
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Notebooken för avsnittstypen" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (project / "reports").exists()
    assert not list(project.rglob("*.ipynb"))  # no section ran


@pytest.mark.e2e
def test_in_a_project_with_its_notebooks_it_builds_the_whole_report(
    site: Path, tmp_path: Path
) -> None:
    from helpers.core.paths import Project
    from helpers.data.definition import load_definition

    project = copy_inputs(tmp_path / "projekt")
    shutil.copytree(REPO_ROOT / "notebooks", project / "notebooks")
    result = workbook(site, project, "build", "--year", "2016", "--unit", "exempel")
    assert result.returncode == 0, result.stdout + result.stderr
    html = Project(project).report_file(2016, "exempel").read_text(encoding="utf-8")
    for section in load_definition(Project(project), 2016, "exempel").sections:
        assert f'<h2 id="{section.id}"' in html
