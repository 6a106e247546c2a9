"""The section notebooks as an analyst meets them in JupyterLab, and as they are kept in git.

Every notebook runs top to bottom with its default parameters in a real kernel, both with
``notebooks/`` as working directory (JupyterLab) and from the repository root — one warm kernel
per working directory, reset between notebooks as the build resets it between sections
(``SectionRunner``); committed
notebooks carry no outputs, keep their kernelspec and stay thin; and running then stripping a
notebook (the pre-commit hook / git filter) gives back the committed file byte for byte.
"""

from __future__ import annotations

import ast
import concurrent.futures
import re
import subprocess
from pathlib import Path

import nbformat
import pytest
import yaml
from nbclient import NotebookClient

from helpers.building.execute import SectionRunner
from helpers.core.kinds import KINDS
from helpers.core.paths import CONSOLIDATED, REPO_ROOT, Project
from helpers.data.definition import read_definition
from helpers.data.kommun_definition import CONSOLIDATED_KINDS, read_consolidated

KIND_NOTEBOOKS = sorted((REPO_ROOT / "notebooks").glob("*.ipynb"))
# The analysts' own section notebooks (kind egen), and the template new-unit starts one from.
CUSTOM_NOTEBOOKS = sorted((REPO_ROOT / "notebooks" / "egna").glob("*.ipynb"))
CUSTOM_TEMPLATE = REPO_ROOT / "src" / "helpers" / "templates" / "custom" / "egen.ipynb"
NOTEBOOKS = KIND_NOTEBOOKS + CUSTOM_NOTEBOOKS
# What a custom notebook may import besides helpers: it computes and draws, it reads nothing.
CUSTOM_IMPORTS = ("pandas", "altair", "numpy", "math", "statistics", "datetime")
# Reading files by path in a notebook: the data goes through helpers (report.table).
READS_FILES = re.compile(
    r"\bopen\(|\bpd\.read_|\bpandas\.read_|\bread_(csv|excel|table)\(|\bPath\("
)
NBSTRIPOUT = REPO_ROOT / ".venv" / "bin" / "nbstripout"


def _read(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(path, as_version=4)


def _code_cells(nb: nbformat.NotebookNode) -> list[nbformat.NotebookNode]:
    return [cell for cell in nb.cells if cell.cell_type == "code"]


def test_there_is_one_notebook_per_section_kind() -> None:
    shared = [kind.notebook for kind in KINDS.values() if not kind.custom]
    shared += [kind.notebook for kind in CONSOLIDATED_KINDS.values()]
    assert sorted(p.name for p in KIND_NOTEBOOKS) == sorted(shared)


def _reads_files(source: str) -> bool:
    return bool(READS_FILES.search(source))


def test_the_file_reading_check_can_fail() -> None:
    for source in ('pd.read_csv("data/x.csv")', 'open("x")', 'Path("data") / "x"'):
        assert _reads_files(source)
    assert not _reads_files('report.table(part, "vantetider")')


@pytest.mark.parametrize("path", [*CUSTOM_NOTEBOOKS, CUSTOM_TEMPLATE], ids=lambda p: p.stem)
def test_a_custom_notebook_computes_but_reads_nothing_by_path(path: Path) -> None:
    """The issue's rule for a unit's own notebook: pandas and altair freely, files only through
    helpers; the same parameters cell as every section notebook."""
    nb = _read(path)
    nbformat.validate(nb)
    cells = _code_cells(nb)
    assert all(c.outputs == [] and c.execution_count is None for c in cells)
    assert "parameters" in cells[0].metadata.get("tags", [])
    names = [n.targets[0].id for n in ast.parse(cells[0].source).body]
    assert names == ["year", "unit", "section", "period"]
    for cell in cells[1:]:
        assert not _reads_files(cell.source), f"{path.name}: read tables with report.table"
        for node in ast.walk(ast.parse(cell.source)):
            if isinstance(node, ast.Import | ast.ImportFrom):
                module = node.module if isinstance(node, ast.ImportFrom) else node.names[0].name
                top = module.split(".")[0]
                assert top == "helpers" or top in CUSTOM_IMPORTS, f"{path.name}: {module}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_committed_notebook_is_clean(path: Path) -> None:
    nb = _read(path)
    nbformat.validate(nb)
    assert nb.metadata.kernelspec.name == "python3", "papermill needs the kernelspec"
    for cell in _code_cells(nb):
        assert cell.outputs == [], f"{path.name}: outputs are committed"
        assert cell.execution_count is None, f"{path.name}: execution count is committed"
    for key in ("widgets", "signature"):
        assert key not in nb.metadata


@pytest.mark.parametrize("path", KIND_NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_is_thin_and_parameterised(path: Path) -> None:
    cells = _code_cells(_read(path))
    tagged = [c for c in cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1 and tagged[0] is cells[0], "first code cell is the parameters cell"
    defaults = {}
    for node in ast.parse(tagged[0].source).body:
        assert isinstance(node, ast.Assign), "the parameters cell only assigns values"
        defaults[node.targets[0].id] = ast.literal_eval(node.value)
    assert set(defaults) == {"year", "unit", "section", "period"}
    project = Project(REPO_ROOT).for_period(defaults["period"])
    if defaults["unit"] == CONSOLIDATED:
        # The default section is one of the consolidated report's sections, of this kind.
        consolidated, problems = read_consolidated(project)
        assert problems == []
        kinds = {s.id: s.kind for s in consolidated.sections}
        assert CONSOLIDATED_KINDS[kinds[defaults["section"]]].notebook == path.name
    else:
        assert project.params_file(defaults["year"], defaults["unit"]).is_file()
        # The default section is one of the example's sections, of this notebook's kind.
        definition, problems = read_definition(project, defaults["year"], defaults["unit"])
        assert problems == []
        notebooks = {s.id: s.notebook_path for s in definition.sections}
        expected = path.relative_to(REPO_ROOT / "notebooks").as_posix()
        assert notebooks[defaults["section"]] == expected
    for cell in cells[1:]:
        source = cell.source
        tree = ast.parse(source)
        defined = [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.ClassDef)]
        assert not defined, f"{path.name}: define functions in src/helpers, not in a notebook"
        assert "open(" not in source and not re.search(r"\bpd\.read_", source), (
            f"{path.name}: read data through helpers, not in a notebook"
        )
        imports = [n for n in ast.walk(tree) if isinstance(n, ast.Import | ast.ImportFrom)]
        for node in imports:
            module = node.module if isinstance(node, ast.ImportFrom) else node.names[0].name
            assert module == "helpers" or module.startswith("helpers."), (
                f"{path.name}: notebooks import only helpers (got {module})"
            )


def _execute_all(cwd: Path, output: Path) -> dict[str, str]:
    """Each notebook with its defaults on one kernel started in ``cwd``; name → what failed."""

    def run() -> dict[str, str]:
        failures: dict[str, str] = {}
        runner = SectionRunner(timeout=600)
        try:
            runner.start()  # the kernel's working directory is the process's: ``cwd``
            for path in NOTEBOOKS:
                executed = output / path.name
                failure = runner.run(path, executed, {}, cwd)
                if failure is not None:
                    failures[path.name] = failure.last_line
                    continue
                shown = [
                    out
                    for cell in _code_cells(_read(executed))[2:]
                    for out in cell.outputs
                    if out.output_type in ("display_data", "execute_result")
                ]
                if not shown or not all("text/html" in out.data for out in shown):
                    failures[path.name] = "a report cell showed no HTML"
        finally:
            runner.shutdown()
        return failures

    # Its own thread, so its own event loop: a loop another test left running in this thread
    # (e.g. a browser driver's, under xdist) must not stop papermill's.
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as thread:
        return thread.submit(run).result()


@pytest.mark.e2e
@pytest.mark.parametrize("cwd", ["notebooks", "."], ids=["from-notebooks", "from-repo-root"])
def test_every_notebook_runs_with_its_defaults(
    cwd: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("WORKBOOK_ROOT", raising=False)  # as in JupyterLab: the repository's data
    monkeypatch.chdir(REPO_ROOT / cwd)
    failures = _execute_all((REPO_ROOT / cwd).resolve(), tmp_path)
    assert failures == {}


def _strip_arguments() -> list[str]:
    config = yaml.safe_load((REPO_ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    hooks = [h for repo in config["repos"] for h in repo["hooks"] if h["id"] == "nbstripout"]
    assert hooks, ".pre-commit-config.yaml has the nbstripout hook"
    return [str(a) for a in hooks[0].get("args", [])]


@pytest.mark.e2e
def test_running_and_stripping_gives_back_the_committed_notebook(tmp_path: Path) -> None:
    """What JupyterLab saves after a run, cleaned by the hook, is what git already has."""
    if not NBSTRIPOUT.exists():
        pytest.skip("nbstripout is not installed in .venv")
    path = REPO_ROOT / "notebooks" / "drift.ipynb"
    nb = _read(path)
    NotebookClient(
        nb,
        kernel_name="python3",
        timeout=600,
        startup_timeout=600,
        resources={"metadata": {"path": str(path.parent)}},
    ).execute()
    saved = tmp_path / path.name
    nbformat.write(nb, saved)
    assert saved.read_bytes() != path.read_bytes()  # the run left outputs behind
    subprocess.run([str(NBSTRIPOUT), *_strip_arguments(), str(saved)], check=True)
    assert saved.read_bytes() == path.read_bytes()
