"""Bad input of every kind, for every command it concerns: a Swedish message naming the file (or
argument), exit 2, no traceback, bounded memory, nothing written — and the previous report
byte-identical.

Each case is one small fault an unlucky operator or an attacker makes; the assertions are the
same for all of them. Every command, and every kind of fault, goes through the installed
``workbook`` command in some case (``run``: exit status, streams and the process's wiring as an
operator meets them; ``INSTALLED_CASES``), everything else in this process (``run_here``: the
same ``cli.main`` the command calls, the same assertions). Memory is bounded generously —
the point is that nothing expands a few bytes into gigabytes: the child's peak resident size
(``wait4``), in this process how far the peak resident size rose over what it was before the
command (Linux's ``/proc/self/clear_refs`` resets the peak; where it cannot, the peak of what
Python allocated, ``tracemalloc``, which slows every allocation several times over).
"""

from __future__ import annotations

import contextlib
import functools
import os
import shutil
import subprocess
import sys
import tempfile
import tracemalloc
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from helpers.core.paths import REPO_ROOT

WORKBOOK = Path(sys.executable).parent / "workbook"
PREVIOUS = "<!doctype html><p>förra rapporten</p>".encode()
SECRET = "HEMLIGT-INNEHÅLL-UTANFÖR-PROJEKTET"
MAX_RSS_MB = 600  # python, pandas and the data: far below what an expanding input would take
PARAMS = "params/2016/klk.yaml"


@dataclass
class Run:
    code: int
    out: str
    err: str
    peak_mb: float

    @property
    def text(self) -> str:
        return self.out + self.err


def run(argv: list[str], root: Path, *, user: int | None = None) -> Run:
    """The installed command on a workspace; with ``user``, as that (unprivileged) user."""
    env = {**os.environ, "WORKBOOK_ROOT": str(root), "TMPDIR": str(root / "tmp")}
    (root / "tmp").mkdir(exist_ok=True)
    command = [str(WORKBOOK), *argv]
    if user is not None:
        command = ["setpriv", f"--reuid={user}", f"--regid={user}", "--clear-groups", *command]
        # The session's render stores are root's: that user could not write them, and validate
        # and build refuse a WORKBOOK_CACHE_DIR that cannot be written before reading any data.
        env.pop("WORKBOOK_CACHE_DIR", None)
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        process = subprocess.Popen(command, stdout=out, stderr=err, env=env)
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return Run(
            process.returncode,
            out.read().decode("utf-8", "replace"),
            err.read().decode("utf-8", "replace"),
            usage.ru_maxrss / 1024,
        )


Runner = Callable[[list[str], Path], Run]


@pytest.fixture
def run_here(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Runner:
    """``run`` in this process: ``cli.main`` on a workspace, its exit status, output and the peak
    of Python's allocations while it ran."""
    from helpers.cli import main

    def run_in_process(argv: list[str], root: Path) -> Run:
        monkeypatch.setenv("WORKBOOK_ROOT", str(root))
        capsys.readouterr()
        code, peak_mb = _with_peak_memory(lambda: main(argv))
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err, peak_mb)

    return run_in_process


def _resident_kb(field: str) -> int:
    """``VmRSS`` or ``VmHWM`` (peak) of this process from /proc/self/status, in kB."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(f"{field}:"):
                return int(line.split()[1])
    raise LookupError(field)


def _reset_peak_resident() -> bool:
    """Set this process's peak resident size (``VmHWM``) to its present size (Linux 4.0+:
    ``5`` to ``/proc/self/clear_refs``); False where that cannot be done."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as clear_refs:
            clear_refs.write("5")
        return _resident_kb("VmHWM") > 0
    except (OSError, LookupError, ValueError):
        return False


def _with_peak_memory(call: Callable[[], int]) -> tuple[int, float]:
    """``call``'s result and how many MB this process's memory rose at most while it ran: the
    peak resident size over the size before (what ``wait4`` measures of a child, everything
    allocated by Python or C), or, where the peak cannot be reset, the peak of Python's
    allocations (``tracemalloc``)."""
    if _reset_peak_resident():
        before = _resident_kb("VmRSS")
        result = call()
        return result, (_resident_kb("VmHWM") - before) / 1024
    tracemalloc.start()
    try:
        result = call()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return result, peak / (1024 * 1024)


def each_command(case: int, commands: list[list[str]]) -> list[tuple[list[str], bool]]:
    """Every command with whether it runs as the installed command (one per case, taking
    turns) or in this process."""
    real = case % len(commands)
    return [(argv, i == real) for i, argv in enumerate(commands)]


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    """A workspace with KLK's inputs and a previous report that must survive every refusal."""
    root = tmp_path / "ws"
    for name in ("data", "params"):
        shutil.copytree(REPO_ROOT / name, root / name)
    report = root / "reports/2016/klk.html"
    report.parent.mkdir(parents=True)
    report.write_bytes(PREVIOUS)
    return root


def assert_refused(result: Run, root: Path, names: str) -> None:
    assert result.code == 2, result.text
    assert names in result.text, result.text
    assert "Traceback" not in result.text and "Error:" not in result.text.replace("Fel:", "")
    assert result.peak_mb < MAX_RSS_MB, f"{result.peak_mb:.0f} MB"
    assert SECRET not in result.text
    assert (root / "reports/2016/klk.html").read_bytes() == PREVIOUS
    assert not list((root / "build").rglob("*.ipynb")) if (root / "build").exists() else True


BUILD = ["build", "--year", "2016", "--unit", "klk", "--jobs", "1"]
VALIDATE = ["validate", "--year", "2016", "--unit", "klk"]
NEW_YEAR = ["new-year", "2017", "--from", "2016", "--unit", "klk"]
KOLADA = ["kolada", "--year", "2016", "--unit", "klk"]
NEW_UNIT = ["new-unit", "soc", "--name", "Socialförvaltningen"]


def write(relative: str, text: str | bytes) -> Callable[[Path], None]:
    def setup(root: Path) -> None:
        path = root / relative
        data = text if isinstance(text, bytes) else text.encode("utf-8")
        path.write_bytes(data)

    return setup


LAUGHS = (
    "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
    + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(8)
    )
    + "titel: *i\n"
)


def symlink_out(relative: str) -> Callable[[Path], None]:
    """Replace an input file with a link to a file outside the project."""

    def setup(root: Path) -> None:
        secret = root.parent / "utanfor.txt"
        secret.write_text(f"{SECRET}\n", encoding="utf-8")
        path = root / relative
        path.unlink()
        path.symlink_to(secret)

    return setup


def folder_link_out(root: Path) -> None:
    """``text/`` as a link to a system-like folder outside the project."""
    outside = root.parent / "system"
    (outside / "mal").mkdir(parents=True)
    (outside / "handelser.md").write_text(f"# {SECRET}\n", encoding="utf-8")
    text = root / "data/2016/klk/text"
    shutil.rmtree(text)
    text.symlink_to(outside)


def directory_instead_of(relative: str) -> Callable[[Path], None]:
    def setup(root: Path) -> None:
        path = root / relative
        path.unlink()
        path.mkdir()
        (path / "x").write_text("x", encoding="utf-8")

    return setup


CASES = {
    # case: (setup, commands, what the message must name)
    "deep YAML": (
        write(PARAMS, "år: 2016\nenhet: klk\ntitel: " + "[" * 5000 + "]" * 5000 + "\n"),
        [BUILD, VALIDATE, NEW_YEAR],
        f"{PARAMS}, rad 3: värdena är inbäddade",
    ),
    "billion laughs": (write(PARAMS, LAUGHS), [BUILD, VALIDATE, NEW_YEAR], "YAML-alias"),
    "12 MB params list": (
        write(PARAMS, "år: 2016\nlista: [" + "1, " * 4_000_000 + "1]\n"),
        [BUILD, VALIDATE, NEW_YEAR],
        f"{PARAMS}: filen är för stor",
    ),
    "title is a list": (
        write(PARAMS, "år: 2016\nenhet: klk\ntitel: [a, b]\n"),
        [BUILD, VALIDATE, NEW_YEAR],
        "'titel' ska vara en text",
    ),
    "impossible date": (
        write(PARAMS, "år: 2016\nenhet: klk\ntitel: T\nprognosdatum: 2016-02-30\n"),
        [BUILD, VALIDATE, NEW_YEAR],
        "'prognosdatum': '2016-02-30' är inget datum: februari 2016 har 29 dagar",
    ),
    "boolean-looking unit id": (
        write(PARAMS, "år: 2016\nenhet: yes\ntitel: T\n"),
        [BUILD, VALIDATE],
        "'enhet' är 'yes' men filen heter klk.yaml",
    ),
    "params file is a folder": (
        directory_instead_of(PARAMS),
        [BUILD, VALIDATE, NEW_YEAR],
        f"{PARAMS}: är en mapp",
    ),
    "a table is a folder": (
        directory_instead_of("data/2016/klk/text/handelser.md"),
        [BUILD, VALIDATE],
        "data/2016/klk/text/handelser.md: är en mapp",
    ),
    "narrative links out of the project": (
        symlink_out("data/2016/klk/text/handelser.md"),
        [BUILD, VALIDATE, NEW_YEAR],
        "data/2016/klk/text/handelser.md: pekar utanför projektet",
    ),
    "table links out of the project": (
        symlink_out("data/2016/klk/indikatorvarden.csv"),
        [BUILD, VALIDATE, NEW_YEAR, KOLADA],
        "data/2016/klk/indikatorvarden.csv: pekar utanför projektet",
    ),
    "params link out of the project": (
        symlink_out(PARAMS),
        [BUILD, VALIDATE, NEW_YEAR],
        f"{PARAMS}: pekar utanför projektet",
    ),
    "shared table links out of the project": (
        symlink_out("data/enheter.csv"),
        [BUILD, VALIDATE, NEW_UNIT],
        "data/enheter.csv: pekar utanför projektet",
    ),
    "text folder links out of the project": (
        folder_link_out,
        [BUILD, VALIDATE],
        "data/2016/klk/text: pekar utanför projektet",
    ),
    "badly named params file": (
        write("params/2016/KLK kopia.yaml", "år: 2016\n"),
        [
            ["build", "--year", "2016", "--jobs", "1"],
            ["validate", "--year", "2016"],
            ["new-year", "2017", "--from", "2016"],
            ["kolada", "--year", "2016"],
        ],
        "params/2016/KLK kopia.yaml: filnamnet 'KLK kopia' är inget giltigt enhets-id",
    ),
}


# The cases whose turn (``each_command``) runs through the installed command: every command,
# the three inputs that could expand in memory (the child's peak is measured as the operator
# meets it) and each kind of fault (a bad YAML text, a folder for a file, a link out of the
# project, a badly named file). The other cases run every command in this process: the same
# ``cli.main``, the same assertions; what only the installed command adds (its exit status, its
# streams, no traceback at exit) does not depend on the input and is proven by these.
INSTALLED_CASES = (
    "deep YAML",  # build
    "billion laughs",  # validate
    "12 MB params list",  # new-year
    "params file is a folder",  # build
    "shared table links out of the project",  # new-unit
    "badly named params file",  # validate
    "table links out of the project",  # kolada (its turn, below)
)


@pytest.mark.parametrize("case", list(CASES))
def test_bad_input_is_refused_alike_by_every_command(ws: Path, case: str, run_here: Runner) -> None:
    setup, commands, names = CASES[case]
    setup(ws)
    turn = list(CASES).index(case)
    if case == "table links out of the project":
        turn = commands.index(KOLADA)  # the one case that runs kolada installed
    for argv, installed in each_command(turn, commands):
        installed = installed and case in INSTALLED_CASES
        result = (run if installed else run_here)(argv, ws)
        assert_refused(result, ws, names)
        assert not (ws / "params/2017").exists() and not (ws / "data/2017").exists()


@pytest.mark.parametrize(
    "argv",
    [
        ["build", "--year", "20x6"],
        ["validate", "--year", "20x6"],
        ["new-year", "20x6", "--from", "2016"],
        ["new-year", "2017", "--from", "tjugo"],
        ["new-unit", "soc", "--name", "S", "--year", "20x6"],
        ["kolada", "--year", "20x6"],
        ["build", "--year", "2016", "--jobs", "två"],
        ["build", "--year", "2016", "--timeout", "0"],
        ["build", "--year", "2016", "--okänd"],
        ["new-unit"],
    ],
)
def test_bad_arguments_get_swedish_messages_and_exit_2(
    ws: Path, argv: list[str], run_here: Runner
) -> None:
    """A bad value (``--year 20x6``), an unknown option and a missing argument through the
    installed command, the others in this process (the same parser and ``cli.main``)."""
    installed = argv in (
        ["build", "--year", "20x6"],
        ["build", "--year", "2016", "--okänd"],
        ["new-unit"],
    )
    result = (run if installed else run_here)(argv, ws)
    assert result.code == 2, result.text
    assert "Fel:" in result.err and "användning: workbook" in result.err
    english = ("invalid", "required", "unrecognized", "expected", "usage:", "error:")
    assert not any(word in result.err for word in english), result.err
    assert "Traceback" not in result.text


@pytest.mark.parametrize("command", ["build", "validate", "kolada", "new-year"])
def test_a_year_without_params_is_refused_naming_the_folder(
    ws: Path, command: str, run_here: Runner
) -> None:
    (ws / "params/2019").mkdir()
    argv = {
        "build": ["build", "--year", "2019"],
        "validate": ["validate", "--year", "2019"],
        "kolada": ["kolada", "--year", "2019"],
        "new-year": ["new-year", "2020", "--from", "2019"],
    }[command]
    # The installed command for two commands (the others in this process: the same message
    # from the same code), and here without the folder:
    assert_refused(
        (run if command in ("build", "kolada") else run_here)(argv, ws), ws, "params/2019/"
    )
    shutil.rmtree(ws / "params/2019")
    assert_refused(run_here(argv, ws), ws, "params/2019/ saknas")


def test_the_same_bad_table_gives_the_same_exit_code_from_validate_and_build(
    ws: Path, run_here: Runner
) -> None:
    """Both through ``cli.main`` in this process: the installed build on a bad table cell is
    run by test_hostile_values (a control character in mal.csv), on other faults here."""
    drift = ws / "data/2016/klk/drift.csv"
    drift.write_text(drift.read_text(encoding="utf-8").replace(",20126,", ",4 3O7,"), "utf-8")
    validate, build = run_here(VALIDATE, ws), run_here(BUILD, ws)
    assert validate.code == build.code == 2
    assert "data/2016/klk/drift.csv" in validate.out and "data/2016/klk/drift.csv" in build.err


# ------------------------------------------------------------------ permissions and the disk

NOBODY = 65534


@pytest.fixture
def shared_ws(tmp_path: Path) -> Iterator[Path]:
    """A workspace another user can read and write (to take away one file's permission)."""
    base = Path(tempfile.mkdtemp(prefix="workbook-rattigheter-"))
    base.chmod(0o755)
    root = base / "ws"
    for name in ("data", "params"):
        shutil.copytree(REPO_ROOT / name, root / name)
    report = root / "reports/2016/klk.html"
    report.parent.mkdir(parents=True)
    report.write_bytes(PREVIOUS)
    subprocess.run(["chmod", "-R", "a+rwX", str(root)], check=True)
    yield root
    shutil.rmtree(base, ignore_errors=True)


@functools.cache
def _as_nobody_possible() -> bool:
    if os.geteuid() != 0 or shutil.which("setpriv") is None:
        return False
    probe = subprocess.run(
        ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups", str(WORKBOOK),
         "--help"],
        capture_output=True,
    )  # fmt: skip
    return probe.returncode == 0


PERMISSION_CASES = [("data/2016/klk/drift.csv", False), ("data/2016/klk/text/framtid.md", False),
                    (PARAMS, False), ("data/2016/klk/text/mal", True)]  # fmt: skip


@pytest.mark.parametrize(("relative", "folder"), PERMISSION_CASES)
def test_a_file_or_folder_without_read_permission_is_named(
    shared_ws: Path, relative: str, folder: bool
) -> None:
    """Validate and build take turns (build refuses through the same ``validate_unit`` it runs
    first): each meets an unreadable file as the unprivileged user, build a folder too."""
    if not _as_nobody_possible():
        pytest.skip("needs root and setpriv to run as an unprivileged user")
    (shared_ws / relative).chmod(0o000)
    argv = (VALIDATE, BUILD)[PERMISSION_CASES.index((relative, folder)) % 2]
    result = run(argv, shared_ws, user=NOBODY)
    assert_refused(result, shared_ws, relative)
    assert "behörighet saknas" in result.text


@contextlib.contextmanager
def mounted_tmpfs(target: Path, options: str) -> Iterator[bool]:
    target.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(target)], capture_output=True
    )
    try:
        yield done.returncode == 0
    finally:
        if done.returncode == 0:
            subprocess.run(["umount", "-l", str(target)], check=False)


def test_a_full_disk_when_writing_the_lock_is_named(ws: Path) -> None:
    with mounted_tmpfs(ws / "build", "size=64k") as ok:
        if not ok:
            pytest.skip("cannot mount a tmpfs here")
        with contextlib.suppress(OSError), open(ws / "build/fyllnad", "wb") as filler:
            while True:
                filler.write(b"\0" * 4096)
                filler.flush()
        result = run(BUILD, ws)
        assert_refused(result, ws, "build/")  # the folder, as preview names it, not its lock
        assert "Disken är full: build/ kunde inte skrivas" in result.err


def test_a_nearly_full_disk_stops_the_build_before_any_kernel(ws: Path) -> None:
    with mounted_tmpfs(ws / "build", "size=1m") as ok:
        if not ok:
            pytest.skip("cannot mount a tmpfs here")
        result = run(BUILD, ws)
        assert_refused(result, ws, "build/")
        assert "Disken är nästan full" in result.err


def test_a_read_only_reports_folder_is_named(ws: Path) -> None:
    previous = ws / "reports"
    shutil.rmtree(previous)
    with mounted_tmpfs(previous, "ro,size=1m") as ok:
        if not ok:
            pytest.skip("cannot mount a tmpfs here")
        result = run(BUILD, ws)
        assert result.code == 2 and "reports" in result.err and "skrivskyddad" in result.err
        assert "Traceback" not in result.text
        assert not (ws / "build").exists() or not list((ws / "build").rglob("*.ipynb"))


# ------------------------------------------------------------- YAML text, formulas, pipes


MISREAD_UNITS = ["on", "no", "off", "yes", "y", "2016", "null"]


@pytest.mark.parametrize("unit", MISREAD_UNITS)
def test_a_unit_id_that_yaml_would_misread_round_trips_as_text(
    ws: Path, unit: str, run_here: Runner
) -> None:
    """The first id through the installed command, the others through the ``cli.main`` it
    calls (what is written does not depend on the process; the other tests here run
    ``new-unit`` installed too)."""
    from helpers.core.paths import Project
    from helpers.data.params import read_report_params

    runner = run if unit == MISREAD_UNITS[0] else run_here
    result = runner(["new-unit", unit, "--name", "Ny enhet", "--year", "2016"], ws)
    assert result.code == 0, result.text
    params, problems = read_report_params(2016, unit, Project(ws))
    assert problems == [] and params is not None
    assert params.unit == unit and params.raw["enhet"] == unit
    import yaml  # any YAML 1.1 reader, not only the workbook's, reads the id as text

    assert yaml.safe_load((ws / f"params/2016/{unit}.yaml").read_text("utf-8"))["enhet"] == unit


def test_new_year_warns_about_cells_excel_would_run_as_formulas(ws: Path) -> None:
    mal = ws / "data/2016/klk/mal.csv"
    lines = mal.read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1].replace("Hjo ska vara", '"=HYPERLINK(""http://x"",""Hjo"") ska vara', 1)
    lines[1] = lines[1].replace("tillväxt,", 'tillväxt",', 1)
    lines[2] = lines[2].replace(",Hjo kommun ska", ",@SUM(1) Hjo kommun ska", 1)
    mal.write_text("\n".join(lines) + "\n", encoding="utf-8")

    result = run(NEW_YEAR, ws)

    assert result.code == 0, result.text
    warnings = [line for line in result.out.splitlines() if "Varning:" in line]
    assert len(warnings) == 2, result.out
    assert "data/2017/klk/mal.csv, rad 2, kolumn titel: texten börjar med '='" in warnings[0]
    assert "data/2017/klk/mal.csv, rad 3, kolumn titel: texten börjar med '@'" in warnings[1]
    # Copied as written (changing the analyst's text would be silent data loss), amounts such as
    # -1954 in drift.csv are numbers and not warned about.
    assert '=HYPERLINK(""http://x"",""Hjo"")' in (ws / "data/2017/klk/mal.csv").read_text("utf-8")
    assert "drift.csv" not in "\n".join(warnings)


@pytest.mark.parametrize("option", ["--name", "--short"])
def test_new_unit_refuses_a_text_excel_would_run_as_a_formula(ws: Path, option: str) -> None:
    values = {"--name": "Ny", "--short": "NY"}  # the kommun is data/rapport.yaml's
    values[option] = "=1+cmd|' /C calc'!A0"
    argv = ["new-unit", "ny"] + [x for pair in values.items() for x in pair]
    result = run(argv, ws)
    assert result.code == 2 and option in result.err and "formel" in result.err
    assert "ny" not in (ws / "data/enheter.csv").read_text(encoding="utf-8").split()


def test_output_into_a_closed_pipe_ends_quietly(ws: Path) -> None:
    env = {**os.environ, "WORKBOOK_ROOT": str(ws)}
    script = f"'{WORKBOOK}' new-unit soc --name Socialförvaltningen | head -1"
    done = subprocess.run(
        ["bash", "-o", "pipefail", "-c", script], capture_output=True, text=True, env=env
    )
    assert done.stdout.startswith("Enheten soc")
    assert done.stderr == "", done.stderr  # no BrokenPipeError, no "Exception ignored"
    assert done.returncode == 0
    assert (ws / "params/2016/soc.yaml").is_file()  # the command finished its work
