"""A Ctrl-C (or SIGTERM) whose exception Python swallows — one raised in a callback during an
import is printed as "Exception ignored" and lost — still stops the command: ``workbook`` ends
"Avbrutet." with 128 + the signal, not 0 as if never stopped, and a build that started a
warm-kernel server does not tell it to stay warm (``supervise.stop_requested``)."""

from __future__ import annotations

import argparse
import os
import signal
import time
from collections.abc import Iterator

import pytest

from helpers import cli
from helpers.building import supervise
from helpers.building.warm_kernels import WarmKernels


@pytest.fixture
def ctrl_c_live() -> Iterator[None]:
    """SIGINT raising KeyboardInterrupt in this process, as in a terminal (a pytest-xdist
    worker ignores it)."""
    before = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, before)


def _swallowing(signum: int, code: int):  # noqa: ANN202
    """A command that receives ``signum`` and loses the exception it raises, then returns."""

    def command(_args: argparse.Namespace) -> int:
        try:
            os.kill(os.getpid(), signum)
            time.sleep(5)  # the handler raises here, at once
        except (KeyboardInterrupt, supervise.Interrupted):
            pass  # swallowed, as Python does in a callback during an import
        return code

    return command


@pytest.mark.parametrize("code", [0, 1])
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_a_swallowed_stop_signal_still_ends_the_command_as_stopped(
    ctrl_c_live: None, capsys: pytest.CaptureFixture[str], signum: int, code: int
) -> None:
    args = argparse.Namespace(func=_swallowing(signum, code))
    assert cli._run(args) == 128 + signum
    assert "Avbrutet." in capsys.readouterr().err
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # restored


def test_a_command_not_stopped_returns_its_own_code(ctrl_c_live: None) -> None:
    assert cli._run(argparse.Namespace(func=lambda _args: 3)) == 3
    assert supervise.stop_requested() is None


class _Pipe:
    def __init__(self) -> None:
        self.written = b""

    def write(self, data: bytes) -> None:
        self.written += data

    def flush(self) -> None:
        pass


def test_a_stopped_build_does_not_keep_the_server_it_started(ctrl_c_live: None) -> None:
    previous = supervise.raise_on_termination()
    try:
        pipe = _Pipe()
        kernels = WarmKernels(config=None, starter=pipe)  # type: ignore[arg-type]
        kernels.keep()
        assert pipe.written == b"keep\n"  # not stopped: the server stays warm
        pipe.written = b""
        try:
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(5)
        except KeyboardInterrupt:
            pass  # swallowed
        with pytest.raises(KeyboardInterrupt):
            kernels.keep()
        assert pipe.written == b""
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def test_ctrl_c_outside_the_commands_own_handling_still_says_avbrutet(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def interrupted(_args: argparse.Namespace) -> int:
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "_run", interrupted)
    assert cli.main(["validate", "--year", "2016"]) == 128 + signal.SIGINT
    assert "Avbrutet." in capsys.readouterr().err
