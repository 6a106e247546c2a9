"""``--scheduler`` addresses: a malformed one is refused by its form before any connection
(so at once, not after the connect timeout), and a failed connection leaves nothing behind —
no ``Exception ignored in: Client.__del__`` at exit. The installed command, as a user runs it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from helpers.cli import EXIT_BAD_INPUT, main
from helpers.core.errors import ParameterError

pytest.importorskip("distributed")

from helpers.building.cluster import (  # noqa: E402
    CONNECT_SECONDS,
    check_scheduler_address,
    connect_seconds,
)

WORKBOOK = Path(sys.executable).parent / "workbook"
CONNECT_VARIABLE = "DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT"
MALFORMED = [
    "nonsense",
    "http://127.0.0.1:8786",
    "https://berakning01:8786",
    "tcp://berakning01",
    "tcp://:8786",
    "tcp://berakning01:99999",
    "tcp://berakning01:port",
    "tcp://berakning01:8786/status",
    "inproc://berakning01",
    "tcp://berakning 01:8786",
    " ",
]


@pytest.mark.parametrize(
    "address",
    ["tcp://berakning01:8786", "berakning01:8786", "tls://10.0.0.5:8786", "tcp://[::1]:8786"],
)
def test_well_formed_addresses_pass(address: str) -> None:
    assert check_scheduler_address(f" {address} ") == address


@pytest.mark.parametrize("address", MALFORMED)
def test_malformed_addresses_are_refused_with_the_form_to_use(address: str) -> None:
    with pytest.raises(ParameterError) as caught:
        check_scheduler_address(address)
    message = str(caught.value)
    assert "Kunde inte ansluta till Dask-schemaläggaren" in message
    assert "protokoll://värd:port" in message and "tcp://" in message


@pytest.mark.parametrize("address", ["nonsense", "http://127.0.0.1:8786"])
def test_a_malformed_address_never_reaches_the_client(
    workspace: Path, address: str, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    import distributed

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("a Client was made for a malformed address")

    monkeypatch.setattr(distributed.Client, "__init__", refuse)
    assert main(["build", "--year", "2016", "--unit", "klk", "--scheduler", address]) == 2
    assert "protokoll://värd:port" in capsys.readouterr().err
    assert not (workspace / "reports" / "2016").exists()


@pytest.mark.parametrize("address", ["nonsense", "http://127.0.0.1:8786", "tcp://127.0.0.1:9"])
def test_the_command_fails_cleanly_without_exception_messages(
    workspace: Path, address: str
) -> None:
    # Nothing listens on port 9: refused however long it is tried, so the connect timeout
    # (``cluster.connect_seconds``, Dask's setting) is made short rather than waited out.
    env = {**os.environ, "WORKBOOK_ROOT": str(workspace), CONNECT_VARIABLE: "2s"}
    env.pop("WORKBOOK_SCHEDULER", None)
    result = subprocess.run(
        [str(WORKBOOK), "build", "--year", "2016", "--unit", "klk", "--scheduler", address],
        capture_output=True, text=True, env=env, timeout=600,
    )  # fmt: skip
    assert result.returncode == EXIT_BAD_INPUT
    assert result.stderr.startswith("Fel: Kunde inte ansluta till Dask-schemaläggaren")
    assert "Exception" not in result.stderr and "Traceback" not in result.stderr
    assert result.stderr.strip().count("\n") == 0, result.stderr
    assert not (workspace / "reports" / "2016").exists(), "nothing built"


def test_the_connect_timeout_is_ten_seconds_unless_dasks_setting_says_otherwise() -> None:
    """Set here as a Dask config file would; Dask reads ``DASK_*`` variables
    (``CONNECT_VARIABLE``) into the same setting when it is imported."""
    import dask.config

    assert connect_seconds() == CONNECT_SECONDS == 10  # Dask's own default (30 s) not set
    for text, seconds in (("2s", 2.0), ("500ms", 0.5), ("1 minute", 60.0), (45, 45.0)):
        with dask.config.set({"distributed.comm.timeouts.connect": text}):
            assert connect_seconds() == seconds
