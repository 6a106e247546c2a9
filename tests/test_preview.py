"""``workbook preview`` for real: a subprocess serving KLK 2016 from a private workspace.

Edit a goal text and wait for the new sentence over HTTP (and in Chromium, where the page reloads
the report by itself); break a table and see the same problem list ``validate`` gives, with the
last good report still served; fix it and see the list go; Ctrl-C, and count what is left.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest
from conftest import copy_inputs
from preview_client import WAIT, Running

from helpers.building.execute import KERNEL_DIR_PREFIX
from helpers.building.validate import validate_unit
from helpers.core.paths import Project

pytest_plugins = ["browser"]
pytestmark = pytest.mark.e2e
YEAR, UNIT = 2016, "klk"


@pytest.fixture(scope="module")
def preview() -> Iterator[Running]:
    root = copy_inputs(Path(tempfile.mkdtemp(prefix="preview-")) / "ws")
    env = {**os.environ, "WORKBOOK_ROOT": str(root)}
    # Port 0: the system picks a free port as the server binds it, so test processes running side
    # by side (pytest-xdist) never race for one; the preview prints the address it got.
    process = subprocess.Popen(
        [sys.executable, "-m", "helpers.cli", "preview", "--year", str(YEAR), "--unit", UNIT,
         "--port", "0"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert process.stdout is not None
    address = None
    for line in process.stdout:  # until the address, or the end of output when it stopped
        address = re.search(r"http://127\.0\.0\.1:\d+", line)
        if address is not None:
            break
    if address is None:
        process.kill()
        raise AssertionError(f"the preview printed no address: {process.communicate()[1]}")
    running = Running(process, address[0], root)
    try:
        running.wait(
            lambda s: s["version"] >= 1 and not s["busy"] and s["watching"], "the first report"
        )
        yield running
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        shutil.rmtree(root.parent, ignore_errors=True)


def goal_text(root: Path) -> Path:
    return sorted((root / "data" / str(YEAR) / UNIT / "text" / "mal").glob("*-arbete.md"))[0]


def test_an_edit_reaches_the_served_report_running_only_its_section(preview: Running):
    version = preview.state()["version"]
    path = goal_text(preview.root)
    path.write_text(path.read_text("utf-8") + "\nEn mening från förhandsgranskningen.\n", "utf-8")
    state = preview.wait(lambda s: s["version"] > version, "the edited report")
    assert "En mening från förhandsgranskningen." in preview.report()
    assert len(state["rebuilt"]) == 1  # only the section that shows the goal


def test_a_data_error_shows_the_validate_list_over_the_last_good_report(preview: Running):
    good = preview.report()
    activities = preview.root / "data" / str(YEAR) / UNIT / "aktiviteter.csv"
    original = activities.read_text("utf-8")
    lines = original.splitlines()
    header = lines[0].split(",")
    cells = lines[1].split(",")
    cells[header.index("status")] = "nästan klar"
    activities.write_text("\n".join([lines[0], ",".join(cells), *lines[2:]]) + "\n", "utf-8")
    expected = [str(p) for p in validate_unit(Project(preview.root), YEAR, UNIT)]
    assert expected, "the edit is an error validate reports"
    state = preview.wait(lambda s: s["problems"], "the problem list")
    assert state["problems"] == expected
    assert preview.report() == good  # the last good report stays
    activities.write_text(original, "utf-8")
    preview.wait(lambda s: not s["problems"] and not s["busy"], "the list cleared")


@pytest.mark.browser
def test_the_page_reloads_the_report_by_itself_and_shows_problems(preview: Running, browser):
    context = browser.new_context()
    context.set_default_timeout(WAIT * 1000)
    page = context.new_page()
    page.goto(preview.base + "/", wait_until="load")
    frame = page.frame_locator("#pv-report")
    path = goal_text(preview.root)
    path.write_text(path.read_text("utf-8") + "\nSidan laddar om sig själv.\n", "utf-8")
    frame.get_by_text("Sidan laddar om sig själv.").wait_for()
    # A broken table: the page lists the problem, the report stays underneath.
    drift = preview.root / "data" / str(YEAR) / UNIT / "drift.csv"
    original = drift.read_text("utf-8")
    drift.write_text(original.replace("\n", "\nxyz,abc\n", 1), "utf-8")
    page.locator("#pv-problems li").first.wait_for()
    assert "drift.csv" in page.locator("#pv-problems").inner_text()
    assert frame.get_by_text("Sidan laddar om sig själv.").count() >= 1
    drift.write_text(original, "utf-8")
    page.locator("#pv-problems").wait_for(state="hidden")
    context.close()


@pytest.mark.browser  # browser tests run last: this one must come after them
def test_ctrl_c_stops_everything_the_preview_started(preview: Running):
    process = psutil.Process(preview.process.pid)
    started = process.children(recursive=True)
    assert started, "the preview runs a kernel"
    kernel_dirs = [
        p for p in Path(tempfile.gettempdir()).glob(f"{KERNEL_DIR_PREFIX}{preview.process.pid}-*")
    ]
    preview.process.send_signal(signal.SIGINT)
    assert preview.process.wait(timeout=WAIT) == 128 + signal.SIGINT
    _, alive = psutil.wait_procs(started, timeout=WAIT)
    assert alive == []
    assert all(not p.exists() for p in kernel_dirs)
    assert "Avbrutet." in preview.process.stderr.read()
