"""A data error in a notebook: the Swedish problem list in JupyterLab, a failed section in a build.

Both run real kernels: the first talks to one as JupyterLab does (an execute request, the
outputs read off the iopub channel), the second runs a section notebook with papermill through
the build's own ``SectionRunner``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from helpers.building.execute import SectionRunner
from helpers.core.errors import DataError, Problem, WorkbookError
from helpers.core.notebook_errors import MAX_SHOWN, error_html, summary_line
from helpers.core.paths import REPO_ROOT

pytestmark = pytest.mark.e2e

BROKEN_ROW = "KS Samverkan,delverksamhet,9626,9821,10301,10113"
BROKEN = "KS Samverkan,delverksamhett,9626,9821,10301,10113"


@pytest.fixture
def broken(workspace: Path) -> tuple[Path, int]:
    """A workspace whose drift.csv has a bad ``typ``; the row (line) it is on."""
    path = workspace / "data/2016/klk/drift.csv"
    text = path.read_text(encoding="utf-8")
    assert text.count(BROKEN_ROW) == 1
    path.write_text(text.replace(BROKEN_ROW, BROKEN), encoding="utf-8")
    line = text[: text.index(BROKEN_ROW)].count("\n") + 1
    return workspace, line


@pytest.fixture
def kernel(broken: tuple[Path, int]) -> Iterator[object]:
    from jupyter_client.manager import KernelManager

    manager = KernelManager(kernel_name="python3")
    manager.start_kernel(env={**os.environ, "WORKBOOK_ROOT": str(broken[0])})
    client = manager.blocking_client()
    client.start_channels()
    try:
        client.wait_for_ready(timeout=600)
        yield client
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)


def execute(client, code: str) -> tuple[dict, list[dict]]:
    """Run ``code`` as JupyterLab does; the reply and the outputs the cell would show."""
    outputs: list[dict] = []

    def collect(message: dict) -> None:
        if message["msg_type"] in ("display_data", "execute_result", "error", "stream"):
            outputs.append({"type": message["msg_type"], **message["content"]})

    reply = client.execute_interactive(code, output_hook=collect, timeout=600)
    return reply["content"], outputs


def test_jupyterlab_shows_the_swedish_problem_list_not_a_traceback(
    kernel, broken: tuple[Path, int]
) -> None:
    _, line = broken
    reply, outputs = execute(kernel, "from helpers import report\ndata = report.load(2016, 'klk')")

    assert reply["status"] == "error" and reply["ename"] == "DataError"
    displays = [o for o in outputs if o["type"] == "display_data"]
    errors = [o for o in outputs if o["type"] == "error"]
    assert len(displays) == 1 and len(errors) == 1
    table = displays[0]["data"]["text/html"]
    cells = re.findall(r"<td>(.*?)</td>", table)
    assert cells[:3] == ["data/2016/klk/drift.csv", str(line), "typ"]
    assert "delverksamhett" in cells[3]
    traceback = "\n".join(errors[0]["traceback"])
    assert "Traceback" not in traceback and ".py" not in traceback and "File " not in traceback
    assert traceback == "DataError: 1 fel i underlaget (se listan ovan)"
    assert "rad" in displays[0]["data"]["text/plain"]


def test_a_bug_still_shows_its_python_traceback(kernel) -> None:
    reply, outputs = execute(kernel, "from helpers import report\nreport.heading(None)")
    (error,) = [o for o in outputs if o["type"] == "error"]
    assert reply["status"] == "error"
    assert not [o for o in outputs if o["type"] == "display_data"]
    assert len(error["traceback"]) > 1  # IPython's own traceback, frames and all


def test_a_papermill_build_still_marks_the_section_failed_with_the_message(
    broken: tuple[Path, int], tmp_path: Path
) -> None:
    workspace, line = broken
    runner = SectionRunner(env={"WORKBOOK_ROOT": str(workspace)})
    try:
        failure = runner.run(
            REPO_ROOT / "notebooks" / "drift.ipynb",
            tmp_path / "drift.ipynb",
            {"year": 2016, "unit": "klk", "section": "drift"},
            REPO_ROOT,
        )
    finally:
        runner.shutdown()
    assert failure is not None and failure.error == "DataError"
    assert f"drift.csv, rad {line}, kolumn typ" in failure.last_line
    assert failure.cell is not None


def test_error_html_escapes_and_bounds_what_it_shows() -> None:
    problems = [
        Problem("<b>f.csv</b>", "<script>x</script>", row=i, column="c") for i in range(250)
    ]
    html = str(error_html(DataError(problems)))
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert html.count("<tr>") == MAX_SHOWN + 1 and "50 fel till" in html
    other = str(error_html(WorkbookError("<i>fel</i>")))
    assert "&lt;i&gt;" in other and summary_line(WorkbookError("x")) == "WorkbookError: x"
