"""No hang, no orphan: real ``workbook build`` processes with real workers and kernels.

A dead kernel and an endless section fail only their own section (exit 1); SIGTERM, Ctrl-C and
``kill -9`` of the build leave no worker, kernel or temporary file behind. Processes are counted
with psutil; every wait has a generous bound that only guards against a hang — nothing here
depends on how fast the machine is.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import nbformat
import psutil
import pytest

from helpers.building.execute import KERNEL_DIR_PREFIX, OLD_KERNEL_DIR_PREFIX
from helpers.building.supervise import remove_stale_temp
from helpers.core.paths import REPO_ROOT

pytestmark = pytest.mark.e2e

HANG_GUARD = 600  # seconds; only a hang would take this long
# The time limit of the build with an endless section, which the module waits out (while its
# other tests run): the real sections must finish within it on a fully loaded machine too, so it
# is generous — a KLK text section takes about a quarter of a second once its kernel is ready
# (papermill's duration in a `make test` run; starting the kernel is outside the limit), 60
# times less; the endless one sleeps (deaf to signals), so it never slows them down.
SECTION_LIMIT = 15

# The real command line, on a project whose notebooks are a private copy (to add broken sections).
DRIVER = """
import sys
from dataclasses import dataclass
from pathlib import Path
from helpers.core.paths import Project

@dataclass(frozen=True)
class LocalNotebooks(Project):
    @property
    def notebooks(self):
        return self.root / "notebooks"

root = Path(sys.argv[1])
Project.current = classmethod(lambda cls: LocalNotebooks(root))
from helpers.cli import main
sys.exit(main(sys.argv[2:]))
"""


# A text section that runs the real notebook, then this cell: some sections never end, one kills
# its kernel. Which section is which is the report definition's (the unit's params).
MISBEHAVE = """
import os, pathlib, time
if section.startswith("sov"):
    pathlib.Path(os.environ["WORKBOOK_ROOT"], section).touch()
    time.sleep(3600)
if section.startswith("loop"):  # endless, and deaf to every signal it can ignore
    import signal
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, signal.SIG_IGN)
    while True:  # asleep, not busy: its time limit is wall-clock time, and a busy loop burnt
        time.sleep(1)  # a core (at the lowest priority) for all of it
if section.startswith("dod"):
    os._exit(1)
"""
SLEEPERS = ("sov15", "sov16")
GOOD = ("uppdrag", "handelser")  # two real sections of the example


def with_sections(root: Path, extra: tuple[str, ...]) -> None:
    """KLK's report: the two real sections, then ``extra`` (kind text) that misbehave."""
    params = root / "params/2016/klk.yaml"
    text = params.read_text(encoding="utf-8").split("rapport:")[0]
    items = "".join(f"    - {name}\n" for name in GOOD) + "".join(
        f"    - {{id: {name}, typ: text, text: framtid.md}}\n" for name in extra
    )
    params.write_text(text + "rapport:\n  avsnitt:\n" + items, encoding="utf-8")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """KLK's data with two real sections and two that never end."""
    return make_project(tmp_path / "ws")


def make_project(root: Path) -> Path:
    for name in ("data", "params"):
        shutil.copytree(REPO_ROOT / name, root / name)
    for unit in ("exempel", "von"):
        (root / f"params/2016/{unit}.yaml").unlink()
    shutil.rmtree(root / "params/2016/delar", ignore_errors=True)  # the helår report only
    (root / "notebooks").mkdir()
    for name in ("text.ipynb", "sammanfattning.ipynb"):
        shutil.copy(REPO_ROOT / "notebooks" / name, root / "notebooks" / name)
    nb = nbformat.read(root / "notebooks/text.ipynb", as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(MISBEHAVE.strip()))
    nbformat.write(nb, root / "notebooks/text.ipynb")
    with_sections(root, SLEEPERS)  # two, so that both workers are busy when it is stopped
    return root


def start_build(root: Path, temp: Path, *args: str) -> subprocess.Popen[str]:
    temp.mkdir(exist_ok=True)
    env = {**os.environ, "WORKBOOK_ROOT": str(root), "TMPDIR": str(temp)}
    return subprocess.Popen(
        # One unit: the consolidated report (its own notebooks) is not what is tested here.
        [
            sys.executable,
            "-c",
            DRIVER,
            str(root),
            "build",
            "--year",
            "2016",
            "--unit",
            "klk",
            *args,
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, as a job in a terminal
        # ... whose Ctrl-C is live: a pytest-xdist worker ignores SIGINT, and a child inherits that.
        preexec_fn=_sigint_as_in_a_terminal,
    )


def _sigint_as_in_a_terminal() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def wait_until(condition, what: str) -> None:
    end = time.monotonic() + HANG_GUARD
    while not condition():
        assert time.monotonic() < end, f"hang: {what}"
        time.sleep(0.2)


def descendants(pid: int) -> list[psutil.Process]:
    try:
        return psutil.Process(pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return []


def is_kernel(process: psutil.Process) -> bool:
    try:
        return any("ipykernel" in part for part in process.cmdline())
    except psutil.NoSuchProcess:
        return False


def running_section(root: Path, build: subprocess.Popen[str]) -> list[psutil.Process]:
    """Wait until the endless sections run; every process the build has started by then."""
    wait_until(
        lambda: all((root / name).exists() for name in SLEEPERS) or build.poll() is not None,
        "sections start",
    )
    assert build.poll() is None, build.communicate()
    started = descendants(build.pid)
    assert any(is_kernel(p) for p in started), [p.cmdline() for p in started]
    return started


def assert_nothing_left(started: list[psutil.Process], temp: Path) -> None:
    _, alive = psutil.wait_procs(started, timeout=HANG_GUARD)
    assert not alive, [p.cmdline() for p in alive]
    wait_until(lambda: not any(temp.iterdir()), f"temporary files: {list(temp.iterdir())}")


@pytest.mark.parametrize(
    ("how", "code"), [("SIGTERM", 128 + signal.SIGTERM), ("Ctrl-C", 128 + signal.SIGINT)]
)
def test_stopping_a_build_ends_everything_it_started_and_says_only_avbrutet(
    project: Path, tmp_path: Path, how: str, code: int
) -> None:
    temp = tmp_path / "tmp"
    build = start_build(project, temp, "--jobs", "2")
    started = running_section(project, build)
    if how == "SIGTERM":
        build.send_signal(signal.SIGTERM)
    else:  # the terminal sends SIGINT to the whole foreground process group
        os.killpg(build.pid, signal.SIGINT)
    out, err = build.communicate(timeout=HANG_GUARD)

    assert build.returncode == code
    assert err == "Avbrutet.\n"
    assert "Traceback" not in out
    assert_nothing_left(started, temp)
    assert not (project / "reports/2016/klk.html").exists()  # nothing half-built was published


def test_kill_9_of_a_build_leaves_no_worker_kernel_or_temporary_file(
    project: Path, tmp_path: Path
) -> None:
    temp = tmp_path / "tmp"
    build = start_build(project, temp, "--jobs", "2")
    started = running_section(project, build)
    workers = [p for p in started if not is_kernel(p)]
    assert len(workers) == 2 and len([p for p in started if is_kernel(p)]) == 2

    build.kill()
    build.communicate(timeout=HANG_GUARD)

    assert_nothing_left(started, temp)


@dataclass
class Started:
    project: Path
    temp: Path
    build: subprocess.Popen[str]


@pytest.fixture(scope="module", autouse=True)
def endless_build(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Started]:
    """The build with a dead kernel and an endless section, started when this module starts:
    it waits out its time limit (``SECTION_LIMIT``) while the module's other tests run, and
    ``test_a_dead_kernel_and_an_endless_section_fail_alone_and_the_rest_is_built`` (the last)
    reads its result. Its project, temporary folder and processes are its own."""
    base = tmp_path_factory.mktemp("endless")
    project = make_project(base / "ws")
    with_sections(project, ("loop15", "dod17"))
    executed = project / "build/2016/klk"
    # Notebooks of an earlier, successful run: a failure must never point at them.
    executed.mkdir(parents=True)
    earlier = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("förra körningen")])
    for name in ("loop15", "dod17"):
        nbformat.write(earlier, executed / f"{name}.ipynb")
    temp = base / "tmp"
    build = start_build(project, temp, "--jobs", "2", "--timeout", str(SECTION_LIMIT))
    try:
        yield Started(project, temp, build)
    finally:
        if build.poll() is None:  # the test that reads it did not run (a selection, -x)
            os.killpg(build.pid, signal.SIGKILL)
            build.communicate()


def test_stale_temporary_folders_of_ended_processes_are_removed(tmp_path: Path) -> None:
    finished = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                              capture_output=True, text=True, check=True)  # fmt: skip
    dead = int(finished.stdout)
    stale = tmp_path / f"{KERNEL_DIR_PREFIX}{dead}-abc"
    stale_old = tmp_path / f"{OLD_KERNEL_DIR_PREFIX}{dead}-abc"  # an earlier version's
    alive = tmp_path / f"{KERNEL_DIR_PREFIX}{os.getpid()}-abc"
    foreign = tmp_path / f"{KERNEL_DIR_PREFIX}xyz"  # not ours to judge: no owner in its name
    for folder in (stale, stale_old, alive, foreign):
        folder.mkdir()
        (folder / "kernel.json").write_text("{}")
    if psutil.pid_exists(dead):
        pytest.skip("the pid was reused already")
    assert sorted(remove_stale_temp(tmp_path)) == sorted([stale, stale_old])
    assert alive.exists() and foreign.exists() and not stale.exists()


def test_a_deep_temporary_directory_still_gives_the_kernel_bindable_sockets(
    tmp_path: Path,
) -> None:
    """A Unix socket's path holds at most 107 bytes: under a TMPDIR too deep for the kernel's
    sockets, their folder goes under /tmp, and a kernel started there runs code."""
    deep = tmp_path / ("d" * 60) / ("e" * 60)
    deep.mkdir(parents=True)
    code = (
        "import tempfile, os; tempfile.tempdir = None\n"
        "from helpers.building.execute import SectionRunner, kernel_dir_parent\n"
        "print(kernel_dir_parent())\n"
        "runner = SectionRunner(env=None, timeout=600, log=None)\n"
        "try:\n"
        "    runner.start(); runner.run_code('x = 1')\n"
        "    print(os.path.dirname(runner.sockets_dir))\n"
        "finally:\n"
        "    runner.shutdown()\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        env={**os.environ, "TMPDIR": str(deep)},
        capture_output=True,
        text=True,
        timeout=HANG_GUARD,
    )
    assert done.returncode == 0, done.stderr
    parent, folder = done.stdout.split()
    assert parent == folder == "/tmp"
    assert not any(deep.iterdir())


def test_a_dead_kernel_and_an_endless_section_fail_alone_and_the_rest_is_built(
    endless_build: Started,
) -> None:
    project, temp, build = endless_build.project, endless_build.temp, endless_build.build
    executed = project / "build/2016/klk"
    out, err = build.communicate(timeout=HANG_GUARD)
    assert build.returncode == 1, out + err
    assert "Traceback" not in out + err
    failures = {line.split("│")[3].strip(): line for line in err.splitlines() if "│ 2016" in line}
    assert set(failures) == {"loop15", "dod17"}, err
    assert "Tidsgräns" in failures["loop15"] and f"{SECTION_LIMIT} sekunder" in failures["loop15"]
    assert "Kärnan dog" in failures["dod17"] and "slutkod 1" in failures["dod17"]
    for name, line in failures.items():  # the notebook a failure points at is this run's
        pointed = line.split("│")[6].strip()
        if pointed and (project / pointed).is_file():  # (a long path may be folded)
            assert "förra körningen" not in (project / pointed).read_text(encoding="utf-8")
        notebook = executed / f"{name}.ipynb"
        assert not notebook.exists() or "förra körningen" not in notebook.read_text("utf-8")
    for good in GOOD:  # the other sections ran and are cached
        assert (executed / f"{good}.fingerprint.json").is_file()
    # The interrupted notebooks are kept, the cell that was running carrying the reason.
    looped = nbformat.read(executed / "loop15.ipynb", as_version=4)
    stopped = [
        c for c in looped.cells if any(o.output_type == "error" for o in c.get("outputs", []))
    ]
    assert len(stopped) == 1 and "while True" in stopped[0].source
    assert not (project / "reports/2016/klk.html").exists()
    assert not any(temp.iterdir())
