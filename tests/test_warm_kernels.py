"""Warm kernels between builds (``warm_kernels``): reused, same report, and nothing left behind.

Real ``workbook build`` processes with ``WORKBOOK_WARM_KERNELS`` set, on KLK's data with two
real text sections (and, where a build is stopped mid-section, two that never end). Processes
are found and counted with psutil; every wait has a generous bound that only guards against a
hang — nothing here depends on how fast the machine is.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
from pathlib import Path

import psutil
import pytest
from test_supervise import (
    DRIVER,
    HANG_GUARD,
    SLEEPERS,
    is_kernel,
    project,  # noqa: F401 (fixture: KLK with two real sections and two that never end)
    wait_until,
    with_sections,
)

from helpers.building import warm_kernels
from helpers.building.warm_kernels import ServerConfig, server_config, warm_seconds
from helpers.core.errors import ParameterError
from helpers.core.paths import Project

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="abstract sockets: Linux"),
]


def build_env(root: Path, warm: str) -> dict[str, str]:
    return {
        **os.environ,
        "WORKBOOK_ROOT": str(root),
        "WORKBOOK_WARM_KERNELS": warm,
        "TMPDIR": str(root.parent / "tmp"),
    }


def start_build(root: Path, warm: str, *args: str) -> subprocess.Popen[str]:
    (root.parent / "tmp").mkdir(exist_ok=True)
    return subprocess.Popen(
        [sys.executable, "-c", DRIVER, str(root), "build", "--year", "2016", "--unit", "klk",
         *args],
        env=build_env(root, warm),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )  # fmt: skip


def run_build(root: Path, warm: str, *args: str) -> str:
    build = start_build(root, warm, *args)
    out, err = build.communicate(timeout=HANG_GUARD)
    assert build.returncode == 0, (out, err)
    return out


def servers(root: Path) -> list[psutil.Process]:
    """The warm-kernel servers of ``root`` (by their WORKBOOK_ROOT)."""
    found = []
    for process in psutil.process_iter():
        with contextlib.suppress(psutil.Error):
            if "helpers.building.warm_server" in " ".join(process.cmdline()) and (
                process.environ().get("WORKBOOK_ROOT") == str(root)
            ):
                found.append(process)
    return found


def server_and_kernels(root: Path) -> tuple[psutil.Process, set[int]]:
    (server,) = servers(root)
    wait_until(
        lambda: len([p for p in server.children(recursive=True) if is_kernel(p)]) >= 1,
        "the server's kernels",
    )
    return server, {p.pid for p in server.children(recursive=True) if is_kernel(p)}


def gone(processes: list[psutil.Process]) -> None:
    _, alive = psutil.wait_procs(processes, timeout=HANG_GUARD)
    assert not alive, [p.cmdline() for p in alive]


ONE_JOB = ("--jobs", "1")


@pytest.fixture
def two_sections(project: Path) -> Path:  # noqa: F811 (the fixture imported above)
    """KLK with its two real text sections only; its server ended after the test."""
    with_sections(project, ())
    yield project
    for server in servers(project):
        with contextlib.suppress(psutil.Error):
            everything = [server, *server.children(recursive=True)]
            server.terminate()
            gone(everything)


def test_a_second_build_runs_on_the_kernels_the_first_left_warm(two_sections: Path) -> None:
    root = two_sections
    run_build(root, "600")
    server, kernels = server_and_kernels(root)
    text = root / "data/2016/klk/text/uppdrag.md"
    text.write_text(text.read_text(encoding="utf-8") + "\nEn ny mening.\n", encoding="utf-8")
    out = run_build(root, "600")
    assert "Körda avsnitt: 1," in out
    assert servers(root) == [server]
    assert server_and_kernels(root)[1] == kernels  # the same kernels ran the edited section

    # The report is the one a cold build of the same inputs writes, byte for byte (on one
    # kernel: how many kernels build a report does not change it).
    cold = root.parent / "kall" / "ws"
    shutil.copytree(root, cold, ignore=shutil.ignore_patterns("build", "reports"))
    run_build(cold, "0", "--force", *ONE_JOB)
    assert (cold / "reports/2016/klk.html").read_bytes() == (
        root / "reports/2016/klk.html"
    ).read_bytes()
    assert not servers(cold)  # WORKBOOK_WARM_KERNELS=0: nothing left warm

    # SIGTERM ends the warm server with its workers and kernels (its own case of
    # ``test_the_server_ends_with_its_workers_and_kernels`` once: this server serves it).
    everything = [server, *server.children(recursive=True)]
    server.terminate()
    gone(everything)


@pytest.mark.parametrize("how", ["--cold, then idle", "kill -9"])
def test_the_server_ends_with_its_workers_and_kernels(two_sections: Path, how: str) -> None:
    """Every way a server ends takes its workers and kernels with it. ``--cold`` leaves a new
    server warm, which then serves the idle end (so one build fewer); SIGTERM is the end of
    ``test_a_second_build_runs_on_the_kernels_the_first_left_warm``'s server; ``--cold`` with
    warm kernels off ends two servers' workers and kernels in
    ``test_cold_servers.test_cold_ends_every_server_of_the_project`` (two builds fewer here).
    One worker (and kernel) each: how a server ends is one path for all its workers, and
    servers of two are ended there and in
    ``test_a_build_stopped_mid_section_ends_the_server_and_its_kernels``."""
    root = two_sections
    build = start_build(root, "600", *ONE_JOB)
    wait_until(lambda: servers(root) or build.poll() is not None, "a server")
    server, _ = server_and_kernels(root)  # found while the build runs
    everything = [server, *server.children(recursive=True)]
    out, err = build.communicate(timeout=HANG_GUARD)
    assert build.returncode == 0, (out, err)
    if how == "--cold, then idle":  # ends the warm kernels, then builds on new ones (left warm)
        cold = start_build(root, "5", "--cold", "--force", *ONE_JOB)
        wait_until(
            lambda: any(p.pid != server.pid for p in servers(root)) or cold.poll() is not None,
            "a new server",
        )
        gone(everything)
        renewed, _ = server_and_kernels(root)  # found while the build runs (or 5 s after it)
        everything = [renewed, *renewed.children(recursive=True)]
        out, err = cold.communicate(timeout=HANG_GUARD)
        assert cold.returncode == 0, (out, err)
        assert renewed.is_running()  # left warm; it ends 5 s after the build, being idle
    elif how == "kill -9":
        server.kill()
    gone(everything)


def test_a_build_stopped_mid_section_ends_the_server_and_its_kernels(project: Path) -> None:  # noqa: F811
    root = project  # two sections that never end, one on each of two kernels
    build = start_build(root, "600", "--jobs", "2")
    wait_until(
        lambda: all((root / name).exists() for name in SLEEPERS) or build.poll() is not None,
        "sections start",
    )
    assert build.poll() is None, build.communicate()
    server, _ = server_and_kernels(root)
    everything = [server, *server.children(recursive=True)]
    build.send_signal(signal.SIGINT)
    _, err = build.communicate(timeout=HANG_GUARD)
    assert build.returncode == 128 + signal.SIGINT and "Avbrutet." in err
    gone(everything)


def test_a_request_for_other_code_ends_the_server(
    two_sections: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = two_sections
    run_build(root, "600", *ONE_JOB)  # one kernel: a server's code is one for all its kernels
    server, _ = server_and_kernels(root)
    everything = [server, *server.children(recursive=True)]
    for name, value in build_env(root, "600").items():
        monkeypatch.setenv(name, value)
    config = server_config(Project(root), 1, 600.0, {"WORKBOOK_ROOT": str(root)}, 1)
    assert warm_kernels.server_state(config) is not None  # the address the build used
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as connection:
        connection.connect(config.address)
        stale = {**json.loads(json.dumps(config.__dict__)), "code": "annan kod"}
        warm_kernels.send(connection, {"identity": ServerConfig(**stale).identity, "run": []})
        assert next(warm_kernels.messages(connection)) == {"stale": True}
    gone(everything)


def test_warm_kernels_only_in_a_terminal_outside_ci_unless_the_variable_says(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("WORKBOOK_WARM_KERNELS", raising=False)
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setattr(warm_kernels, "_interactive", lambda: True)
    assert warm_seconds() == warm_kernels.DEFAULT_SECONDS
    monkeypatch.setenv("CI", "true")
    assert warm_seconds() == 0
    monkeypatch.delenv("CI")
    monkeypatch.setattr(warm_kernels, "_interactive", lambda: False)
    assert warm_seconds() == 0
    for text, seconds in (("90", 90.0), ("1,5", 1.5), ("0", 0.0), ("nej", 0.0)):
        monkeypatch.setenv("WORKBOOK_WARM_KERNELS", text)
        assert warm_seconds() == seconds
    for text in ("snart", "-1", "1e9"):
        monkeypatch.setenv("WORKBOOK_WARM_KERNELS", text)
        with pytest.raises(ParameterError, match="WORKBOOK_WARM_KERNELS"):
            warm_seconds()


def test_the_address_changes_with_code_lock_settings_and_environment(tmp_path: Path) -> None:
    config = ServerConfig(
        str(tmp_path), 2, 600.0, 600.0, {"WORKBOOK_ROOT": str(tmp_path)}, "kod", "lås",
        sys.executable, os.getuid(), {"LANG": "sv_SE.UTF-8"}, str(tmp_path / "log"),
    )  # fmt: skip
    others = [
        {"code": "ny kod"}, {"lock": "nytt lås"}, {"jobs": 1}, {"timeout": 60.0},
        {"root": str(tmp_path / "annan")}, {"environment": {"LANG": "C"}},
    ]  # fmt: skip
    addresses = {ServerConfig(**{**config.__dict__, **other}).address for other in others}
    assert config.address not in addresses and len(addresses) == len(others)
    longer = ServerConfig(**{**config.__dict__, "idle_seconds": 5.0})
    assert longer.address == config.address  # how long it stays is not what it is


def test_both_ends_know_each_others_user() -> None:
    left, right = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
    with left, right:
        assert warm_kernels.peer_uid(left) == os.getuid() == warm_kernels.peer_uid(right)


def test_a_kept_kernel_gets_the_sections_it_ran_before(tmp_path: Path) -> None:
    from collections import deque

    from helpers.building.supervise import SectionPool, Task, by_affinity

    tasks = [Task(name, tmp_path / f"{name}.ipynb", tmp_path / f"ut/{name}.ipynb", {}, tmp_path)
             for name in ("a", "b", "c")]  # fmt: skip
    with SectionPool(2, timeout=60, keep=True) as pool:
        first, second = pool._start_worker(), pool._start_worker()
        second.ran.add(tasks[1].output)
        queue = deque(tasks[1:2])
        assert by_affinity([first, second], queue) == [second, first]
        queue = deque(tasks)
        pool._assign(second, queue)  # its own section, though another is queued first
        pool._assign(first, queue)
        assert (second.task, first.task, list(queue)) == (tasks[1], tasks[0], tasks[2:])
        second.task = first.task = None  # not waited for: the pool ends them ...
        pool.stop(interrupted=True)  # ... at once, as on Ctrl-C, not after their kernels boot
