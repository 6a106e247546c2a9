"""A section cut short by ``SectionRunner.kill_now`` (what Ctrl-C and SIGTERM call in a build,
a section worker and the preview) leaves the results of its earlier run as they were: the new
notebook is written aside and only renamed into place when a run completes."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

from test_execute import write_notebook

from helpers.building.execute import SectionRunner, reads_file

WAIT = 900.0  # a hang guard on a loaded machine, not a speed requirement


def _wait_for(condition: Callable[[], bool], what: str) -> None:
    end = time.monotonic() + WAIT
    while not condition():
        assert time.monotonic() < end, f"never saw {what}"
        time.sleep(0.01)


def test_a_section_killed_mid_run_keeps_its_earlier_notebook_and_read_set(tmp_path: Path):
    started, release = tmp_path / "började", tmp_path / "släpp"
    notebook = write_notebook(
        tmp_path / "avsnitt.ipynb",
        f"from pathlib import Path\nimport time\nPath({str(started)!r}).touch()\n"
        f"while not Path({str(release)!r}).exists():\n    time.sleep(0.01)",
        "print('klar')",
    )
    output = tmp_path / "ut" / "avsnitt.ipynb"
    runner = SectionRunner(timeout=WAIT)
    try:
        release.touch()  # the first run goes straight through
        assert runner.run(notebook, output, {}, tmp_path) is None
        earlier_notebook = output.read_bytes()
        earlier_reads = reads_file(output).read_bytes() if reads_file(output).is_file() else None
        started.unlink()
        release.unlink()  # the second run waits in its first cell
        outcome: list[object] = []
        second = threading.Thread(
            target=lambda: outcome.append(runner.run(notebook, output, {}, tmp_path))
        )
        second.start()
        _wait_for(started.exists, "the second run begin")
        kernel = runner.kernel_pid
        assert kernel is not None
        runner.kill_now()  # as the Ctrl-C handler does
        second.join(WAIT)
        assert not second.is_alive(), "the run did not end when its kernel was killed"
    finally:
        release.touch()
        runner.shutdown()
    assert outcome and outcome[0] is not None, "a killed run must not count as completed"
    assert output.read_bytes() == earlier_notebook
    after_reads = reads_file(output).read_bytes() if reads_file(output).is_file() else None
    assert after_reads == earlier_reads
    assert not list(output.parent.glob(".*.running*")), "left a running file"
