"""SectionRunner: papermill semantics in one long-lived kernel, clean between sections."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import nbformat
import pytest

from helpers.building.execute import SectionRunner


def write_notebook(path: Path, *sources: str) -> Path:
    """A notebook with a parameters cell (``year``, ``unit``) followed by ``sources``."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    params = nbformat.v4.new_code_cell('year = 2000\nunit = "x"')
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params, *(nbformat.v4.new_code_cell(s) for s in sources)]
    nbformat.write(nb, path)
    return path


@pytest.fixture(scope="module")
def runner() -> Iterator[SectionRunner]:
    runner = SectionRunner()
    yield runner
    runner.shutdown()


def test_nothing_leaks_from_one_section_into_the_next(runner: SectionRunner, tmp_path: Path):
    polluter = write_notebook(
        tmp_path / "a.ipynb",
        "import sys\nsys._workbook_same_kernel = True  # survives: modules are not namespace",
        "leaked_variable = 42\nimport json as leaked_module\nfrom os import path as leaked_name",
        "import pandas as pd\npd.set_option('display.precision', 1)\n"
        "pd.set_option('display.max_rows', 3)",
        "import altair as alt\nalt.renderers.enable('svg')\n"
        "alt.data_transformers.disable_max_rows()\nalt.theme.enable('dark')",
        "import warnings\nwarnings.simplefilter('error')",
    )
    checker = write_notebook(
        tmp_path / "b.ipynb",
        "import sys\nassert getattr(sys, '_workbook_same_kernel', False), 'not the same kernel'",
        "names = ('leaked_variable', 'leaked_module', 'leaked_name', 'pd', 'alt', 'warnings')\n"
        "for name in names:\n"
        "    assert name not in globals(), name",
        "import pandas\nassert pandas.get_option('display.precision') == 6\n"
        "assert pandas.get_option('display.max_rows') == 60",
        "import altair\nassert altair.renderers.active == 'default', altair.renderers.active\n"
        "assert altair.data_transformers.active == 'default', altair.data_transformers.active\n"
        "assert altair.theme.active == 'default', altair.theme.active",
        "import warnings\nwarnings.warn('only a warning')  # would raise if the filter leaked",
        "assert (year, unit) == (2016, 'klk')",
    )
    params = {"year": 2016, "unit": "klk"}
    assert runner.run(polluter, tmp_path / "out" / "a.ipynb", params, tmp_path) is None
    failure = runner.run(checker, tmp_path / "out" / "b.ipynb", params, tmp_path)
    assert failure is None, failure


def test_papermill_semantics_parameters_injected_and_notebook_written(
    runner: SectionRunner, tmp_path: Path
):
    notebook = write_notebook(tmp_path / "p.ipynb", "print(year, unit)")
    output = tmp_path / "out" / "p.ipynb"
    assert runner.run(notebook, output, {"year": 2016, "unit": "klk"}, tmp_path) is None
    executed = nbformat.read(output, as_version=4)
    injected = [c for c in executed.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert len(injected) == 1 and "year = 2016" in injected[0].source
    assert executed.metadata["papermill"]["parameters"] == {"year": 2016, "unit": "klk"}
    assert executed.cells[-1].outputs[0]["text"] == "2016 klk\n"


def test_a_failing_section_names_cell_and_last_line_and_the_kernel_goes_on(
    runner: SectionRunner, tmp_path: Path
):
    broken = write_notebook(tmp_path / "x.ipynb", "x = 1", "raise ValueError('trasig rad 7')")
    output = tmp_path / "out" / "x.ipynb"
    failure = runner.run(broken, output, {"year": 2016, "unit": "klk"}, tmp_path)
    assert failure is not None
    assert failure.last_line == "ValueError: trasig rad 7"
    executed = nbformat.read(output, as_version=4)  # kept for the analyst, with the traceback
    failing_cell = executed.cells[failure.cell - 1]
    assert "raise ValueError" in failing_cell.source
    assert failing_cell.outputs[-1]["output_type"] == "error"
    ok = write_notebook(tmp_path / "ok.ipynb", "assert 'x' not in globals()")
    assert runner.run(ok, tmp_path / "out" / "ok.ipynb", {}, tmp_path) is None


def test_the_kernel_launched_ahead_is_the_one_that_runs_the_sections(tmp_path: Path):
    """``launch`` starts the kernel early (while the worker imports papermill); ``start``
    connects to that kernel instead of ending it and starting another."""
    runner = SectionRunner()
    try:
        runner.launch()
        launched = runner.kernel_pid
        assert launched is not None
        runner.start()
        assert runner.kernel_pid == launched
        notebook = write_notebook(tmp_path / "nb.ipynb", "x = 1")
        assert runner.run(notebook, tmp_path / "ut.ipynb", {}, tmp_path) is None
        assert runner.kernel_pid == launched
    finally:
        runner.shutdown()
