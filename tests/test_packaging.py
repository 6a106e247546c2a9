"""A lean, conventional install: every imported package declared, lock files per group that
agree, ``python -m helpers`` like the console script, a fingerprint that follows only the
runtime packages."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
import tomllib
from importlib import metadata
from pathlib import Path

import pytest

from helpers.core.paths import REPO_ROOT
from helpers.data import fingerprint

PYPROJECT = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
RUNTIME_LOCK = REPO_ROOT / "requirements" / "runtime.lock"
DEV_LOCK = REPO_ROOT / "requirements" / "dev.lock"
DEV_TOOLS = {"pytest", "pytest-xdist", "hypothesis", "ruff", "mypy", "playwright"}


def _name(requirement: str) -> str:
    match = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", requirement)
    assert match, requirement
    return re.sub(r"[-_.]+", "-", match[1]).lower()


def _pins(lock: Path) -> dict[str, str]:
    pins = {}
    for line in lock.read_text(encoding="utf-8").splitlines():
        match = re.match(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+)", line)
        if match:
            pins[_name(match[1])] = match[2]
    return pins


def _top_level_imports(folder: Path) -> set[str]:
    modules = set()
    for path in folder.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                modules |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules.add(node.module.split(".")[0])
    local = {"helpers", "tests", "benchmarks"} | {
        p.stem for d in ("tests", "benchmarks") for p in (REPO_ROOT / d).glob("*.py")
    }
    return {m for m in modules if m not in sys.stdlib_module_names and m not in local}


def _distributions_of(modules: set[str]) -> dict[str, set[str]]:
    providers = metadata.packages_distributions()
    return {m: {_name(d) for d in providers.get(m, [])} for m in modules}


RUNTIME = {_name(r) for r in PYPROJECT["project"]["dependencies"]}
DEV = {_name(r) for r in PYPROJECT["project"]["optional-dependencies"]["dev"]}


def test_every_package_the_code_imports_is_a_runtime_dependency() -> None:
    imported = _distributions_of(_top_level_imports(REPO_ROOT / "src" / "helpers"))
    undeclared = {m: d for m, d in imported.items() if not d & RUNTIME}
    assert not undeclared, f"imported by src/ but not in [project] dependencies: {undeclared}"


def test_every_package_the_tests_and_benchmarks_import_is_declared() -> None:
    modules = _top_level_imports(REPO_ROOT / "tests") | _top_level_imports(REPO_ROOT / "benchmarks")
    imported = _distributions_of(modules)
    undeclared = {m: d for m, d in imported.items() if not d & (RUNTIME | DEV)}
    assert not undeclared, f"imported by tests/benchmarks but not declared: {undeclared}"


def test_the_runtime_lock_pins_every_runtime_dependency_and_no_dev_tool() -> None:
    runtime = _pins(RUNTIME_LOCK)
    assert set(runtime) >= RUNTIME, RUNTIME - set(runtime)
    assert not DEV_TOOLS & set(runtime), DEV_TOOLS & set(runtime)


def test_the_dev_lock_adds_the_tools_and_agrees_with_the_runtime_lock() -> None:
    runtime, dev = _pins(RUNTIME_LOCK), _pins(DEV_LOCK)
    assert set(dev) >= DEV, DEV - set(dev)
    disagree = {n: (v, dev.get(n)) for n, v in runtime.items() if dev.get(n) != v}
    assert not disagree, f"runtime pins missing or different in dev.lock: {disagree}"


def test_the_installed_versions_are_the_locked_ones() -> None:
    wrong = {}
    for name, version in _pins(DEV_LOCK).items():
        try:
            installed = metadata.version(name)
        except metadata.PackageNotFoundError:
            wrong[name] = (version, None)
            continue
        if installed != version:
            wrong[name] = (version, installed)
    assert not wrong, f"run `make setup` (locked, installed): {wrong}"


@pytest.mark.parametrize(
    ("argv", "expected"),
    [(["--help"], 0), (["build", "--year", "2016", "--all"], 2), (["inget-sådant"], 2)],
)
def test_python_m_helpers_is_the_console_script(argv: list[str], expected: int) -> None:
    script = Path(sys.executable).with_name("workbook")
    via_module = subprocess.run(
        [sys.executable, "-m", "helpers", *argv], capture_output=True, text=True, timeout=600
    )
    via_script = subprocess.run([script, *argv], capture_output=True, text=True, timeout=600)
    assert via_module.returncode == via_script.returncode == expected
    assert via_module.stdout == via_script.stdout
    assert via_module.stderr == via_script.stderr


def test_the_fingerprint_follows_the_runtime_lock_only() -> None:
    assert fingerprint.LOCK_FILE == RUNTIME_LOCK
    project = fingerprint.Project(REPO_ROOT)
    assert fingerprint.Fingerprinter(project).lock == fingerprint.files_digest(
        [RUNTIME_LOCK], REPO_ROOT
    )


def test_without_a_lock_file_the_fingerprint_follows_the_installed_runtime(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(fingerprint, "LOCK_FILE", tmp_path / "no.lock")
    versions = fingerprint.installed_runtime_versions()
    names = {v.split("==")[0] for v in versions}
    assert {"pandas", "papermill", "nbconvert", "distributed"} <= names
    assert not DEV_TOOLS & names, "a developer's tool must not invalidate built reports"
    assert f"pandas=={metadata.version('pandas')}" in versions
    project = fingerprint.Project(REPO_ROOT)
    lock = fingerprint.Fingerprinter(project).lock
    assert lock == fingerprint.text_digest("\n".join(versions))
