"""Warm kernels between builds: a season's second ``workbook build`` skips the kernels' start.

Starting a worker, its kernel and the kernel's imports costs seconds; running an edited section
on a warm kernel costs a fraction of one. As Quarto's kernel daemon does for ``quarto render``,
a build in an analyst's terminal leaves its kernels running for a while
(``WORKBOOK_WARM_KERNELS`` seconds, :data:`DEFAULT_SECONDS` by default) and the next build of
the same project runs its sections on them. The kernels are those of an ordinary
``supervise.SectionPool`` held by a small server process (``warm_server``); sections are reset
between runs exactly as between two sections of one build.

**When.** Only in an interactive terminal (standard input and error are one) outside CI, or
when ``WORKBOOK_WARM_KERNELS`` says how many seconds (``0`` turns it off). ``workbook preview``
and builds on a Dask cluster never use it.

**Which kernels.** A server serves one project, one code and one environment: its address is
a digest of the project's folder, the helpers code and the runtime lock (``fingerprint``), the
Python executable, the environment variables that can change a report (``WORKBOOK_*``,
``PYTHON*``, ``LANG``, ``LC_*``, ``TZ``, ``PATH`` …), the number of kernels and the section
time limit. A build after any change to those finds no server and starts a new one; the old one
sees the code change (it looks every ``CHECK_SECONDS``) or its idle time run out, and ends.

Every address starts with the project's tag (``build/.warm-kernels-tag``, moving with the
folder), so ``workbook build --cold`` finds and ends all of the project's servers, whatever
environment they were started in (``project_servers``).

**Ending.** The server ends, and with it every worker and kernel (``SectionPool``), after
``WORKBOOK_WARM_KERNELS`` seconds without a build, when the code under it changes, on SIGTERM
or SIGHUP, when a build asks it to (:func:`stop_server`), and when the build it is running
sections for goes away (Ctrl-C, ``kill -9``): then the running sections are stopped too; and
when the build that started it goes away before it says ``keep`` (``start_server``). Its
workers die with it (``PR_SET_PDEATHSIG``), also on ``kill -9`` of the server.

**Safety.** The address is in Linux's abstract socket namespace (nothing on disk, gone with the
process), and both ends check the other's user id (``SO_PEERCRED``): no other user can run a
section or answer for one. Elsewhere than Linux, builds start their kernels as before.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import secrets
import socket
import struct
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from helpers.building.execute import SectionFailure
from helpers.building.supervise import SectionPool, Task
from helpers.core.errors import ParameterError, quote
from helpers.core.paths import Project

VARIABLE = "WORKBOOK_WARM_KERNELS"
DEFAULT_SECONDS = 600.0  # an analyst's pause between two saves and builds
MAX_WARM_SECONDS = 86_400  # a day: longer is a typing error, not a wish
CHECK_SECONDS = 10.0  # how often an idle server looks for a code change
CONNECT_SECONDS = 60.0  # a server started by this build gets this long to listen
LOG_NAME = "warm-kernels.log"
TAG_NAME = ".warm-kernels-tag"  # in build/: the project's tag (``project_tag``)
ADDRESS_PREFIX = b"\0workbook-warm-kernels-"
KEEP = b"keep\n"  # the starting build to its server: stay warm after me (``start_server``)
FORMAT = 1
_OFF = ("0", "nej", "no", "false", "off")
_ENVIRONMENT_PREFIXES = ("WORKBOOK_", "PYTHON", "LC_", "JUPYTER", "IPYTHON")
_ENVIRONMENT_NAMES = ("LANG", "LANGUAGE", "TZ", "PATH", "HOME", "TMPDIR", "VIRTUAL_ENV")

Done = Callable[[Any, SectionFailure | None], None]


def warm_seconds() -> float:
    """How long a build's kernels stay warm after it (0: not at all); see module.

    ``ParameterError`` naming the variable and the allowed range when ``WORKBOOK_WARM_KERNELS``
    is not a number of seconds from 0 to :data:`MAX_WARM_SECONDS`."""
    text = os.environ.get(VARIABLE, "").strip()
    if text:
        if text.lower() in _OFF:
            return 0.0
        try:
            value = float(text.replace(",", "."))
        except ValueError:
            value = float("nan")
        if not 0 <= value <= MAX_WARM_SECONDS:
            what = "är inget antal sekunder" if value != value else "är utanför det tillåtna"
            raise ParameterError(
                f"Miljövariabeln {VARIABLE}: '{quote(text)}' {what} — ange ett antal sekunder "
                f"0–{MAX_WARM_SECONDS} (högst ett dygn), t.ex. 600, eller 0 för att inte hålla "
                "kärnor varma mellan byggen."
            )
        return value
    if not sys.platform.startswith("linux") or os.environ.get("CI", "").strip():
        return 0.0
    return DEFAULT_SECONDS if _interactive() else 0.0


def _interactive() -> bool:
    try:
        return os.isatty(0) and os.isatty(2)
    except OSError:
        return False


@dataclass(frozen=True)
class ServerConfig:
    """What a server is for; ``identity`` is its address (see module)."""

    root: str
    jobs: int
    timeout: float
    idle_seconds: float
    env: dict[str, str]  # what the pool gives its workers (``WORKBOOK_ROOT``)
    code: str
    lock: str
    python: str
    uid: int
    environment: dict[str, str]  # the build's ``relevant_environment``
    log: str  # the workers' and kernels' log (``build/warm-kernels.log``)
    project: str = ""  # the project's tag (``project_tag``): first in the address

    @property
    def identity(self) -> str:
        parts = {**asdict(self), "format": FORMAT}
        del parts["idle_seconds"]  # how long it stays is not what it is
        text = json.dumps(parts, sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(text.encode()).hexdigest()[:40]

    @property
    def address(self) -> bytes:
        return ADDRESS_PREFIX + f"{self.project}-{self.identity}".encode()


def project_tag(project: Project) -> str:
    """The project's own tag, kept in ``build/`` (it moves with the folder): every warm server
    of the project, whatever its environment or settings, has it first in its address, so that
    ``--cold`` finds them all (``project_servers``)."""
    path = project.build / TAG_NAME
    with contextlib.suppress(OSError, UnicodeDecodeError):
        text = path.read_text(encoding="ascii").strip()
        if len(text) == 16 and all(c in "0123456789abcdef" for c in text):
            return text
    text = secrets.token_hex(8)
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text + "\n", encoding="ascii")
    return text


def project_servers(project: Project) -> list[bytes]:
    """The addresses of every warm server of ``project`` listening now (Linux lists abstract
    socket names in ``/proc/net/unix``, ``@`` for the leading zero byte)."""
    wanted = b"@" + ADDRESS_PREFIX[1:] + project_tag(project).encode() + b"-"
    try:
        table = Path("/proc/net/unix").read_bytes()
    except OSError:
        return []
    found = {
        b"\0" + name[1:]
        for line in table.splitlines()[1:]
        for name in line.split()[7:8]
        if name.startswith(wanted)
    }
    return sorted(found)


def relevant_environment() -> dict[str, str]:
    """The environment variables that can change what a section shows (see module); not
    ``WORKBOOK_WARM_KERNELS`` itself: how long kernels stay warm is not what they are."""
    return {
        name: value
        for name, value in os.environ.items()
        if (name.startswith(_ENVIRONMENT_PREFIXES) or name in _ENVIRONMENT_NAMES)
        and name != VARIABLE
    }


def server_config(
    project: Project, jobs: int, timeout: float, env: dict[str, str], idle_seconds: float
) -> ServerConfig:
    """The server a build of ``project`` with these kernels and settings would use."""
    from helpers.data.fingerprint import Fingerprinter

    fingerprinter = Fingerprinter(project)
    return ServerConfig(
        str(project.root.resolve()),
        jobs,
        timeout,
        idle_seconds,
        dict(env),
        fingerprinter.code,
        fingerprinter.lock,
        sys.executable,
        os.getuid(),
        relevant_environment(),
        str(project.build / LOG_NAME),
        project_tag(project),
    )


# ------------------------------------------------------------------------------- the wire


def peer_uid(connection: socket.socket) -> int:
    """The user id of the process at the other end (Linux ``SO_PEERCRED``)."""
    credentials = connection.getsockopt(
        socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i")
    )
    _pid, uid, _gid = struct.unpack("3i", credentials)
    return int(uid)


def send(connection: socket.socket, message: dict[str, Any]) -> None:
    connection.sendall(json.dumps(message).encode() + b"\n")


def messages(connection: socket.socket) -> Iterator[dict[str, Any]]:
    """The JSON lines arriving on ``connection`` until it closes."""
    buffer = b""
    while True:
        chunk = connection.recv(65536)
        if not chunk:
            return
        buffer += chunk
        *lines, buffer = buffer.split(b"\n")
        for line in lines:
            if line.strip():
                yield json.loads(line)


def task_message(task: Task, index: int) -> dict[str, Any]:
    return {**json.loads(task.message()), "index": index}


# ------------------------------------------------------------------------------ the client


class WarmKernels:
    """A build's use of the project's warm-kernel server (``run`` like a pool's). It connects
    when the sections are to run: validation may take long, and a server waits for a
    connection's request only ``warm_server.REQUEST_SECONDS``."""

    def __init__(self, config: ServerConfig, starter: Any = None):
        self.config = config
        self.connection: socket.socket | None = None
        # The standard input of a server this build started (``start_server``): until the build
        # says ``keep`` on it, the server ends when it closes (the build was stopped, however
        # early: the pipe closes with the process).
        self.starter = starter

    def keep(self) -> None:
        """The server this build started stays warm for the next build (the build got as far
        as running its sections, or stopped for a reason that is not an interruption)."""
        from helpers.building.supervise import stop_requested

        if stop_requested() is not None:  # stopped, though its exception was swallowed
            raise KeyboardInterrupt
        if self.starter is not None:
            with contextlib.suppress(OSError, ValueError):
                self.starter.write(KEEP)
                self.starter.flush()

    def close(self) -> None:
        if self.connection is not None:
            with contextlib.suppress(OSError):
                self.connection.close()
        if self.starter is not None:
            with contextlib.suppress(OSError, ValueError):
                self.starter.close()
            self.starter = None

    def run(self, tasks: list[Task], done: Done) -> None:
        """Run ``tasks`` on the server's kernels, ``done(key, failure)`` as each ends. Should
        the server not answer or go away meanwhile, what it did not finish runs on a pool of
        this build's own (its notebooks are written afresh there)."""
        finished: set[int] = set()
        self.connection = connect(self.config, CONNECT_SECONDS)
        try:
            if self.connection is None:
                raise ConnectionError("no warm-kernel server")
            send(
                self.connection,
                {
                    "identity": self.config.identity,
                    "run": [task_message(t, i) for i, t in enumerate(tasks)],
                },
            )
            self.keep()  # it has this build's request: it ends if the build goes away
            for message in messages(self.connection):
                if message.get("end"):
                    return
                index = message.get("index")
                if isinstance(index, int) and 0 <= index < len(tasks) and index not in finished:
                    finished.add(index)
                    failure = message.get("failure")
                    done(tasks[index].key, SectionFailure(**failure) if failure else None)
        except (OSError, ValueError):
            pass  # the server went away: the rest runs here
        finally:
            self.close()
        rest = [task for index, task in enumerate(tasks) if index not in finished]
        if rest:
            with SectionPool(
                min(self.config.jobs, len(rest)),
                env=self.config.env,
                timeout=self.config.timeout,
                log=Path(self.config.log),
            ) as pool:
                pool.run(rest, done)


def connect(
    config: ServerConfig, timeout: float = 0.0, address: bytes | None = None
) -> socket.socket | None:
    """A connection to the server for ``config`` (or at ``address``), or None (none listens
    within ``timeout``)."""
    end = time.monotonic() + timeout
    while True:
        connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            connection.connect(address or config.address)
            if peer_uid(connection) != os.getuid():  # not ours: never talk to it
                connection.close()
                return None
            return connection
        except OSError:
            connection.close()
        if time.monotonic() >= end:
            return None
        time.sleep(0.02)


def warm_kernels(config: ServerConfig) -> WarmKernels | None:
    """The project's warm kernels: the running server's, or a new server's (started now, its
    kernels booting while the build validates); None when none can be started."""
    connection = connect(config)
    if connection is not None:
        connection.close()
        return WarmKernels(config)
    starter = start_server(config)
    if starter is None:
        return None
    return WarmKernels(config, starter)


def start_server(config: ServerConfig) -> Any:
    """Start a server for ``config`` in a session of its own (it outlives this build once the
    build says ``keep``); the server's standard input, which this build holds open, or None.

    The server reads its config as the first line, then waits for ``keep``: should the pipe
    close before (Ctrl-C or ``kill -9`` of the build at any moment, even before the server
    listens), it ends with every worker and kernel it started."""
    log = Path(config.log)
    try:
        log.parent.mkdir(parents=True, exist_ok=True)
        with open(log, "ab") as output:
            process = subprocess.Popen(
                [sys.executable, "-m", "helpers.building.warm_server"],
                stdin=subprocess.PIPE,
                stdout=output,
                stderr=output,
                env={**os.environ, **config.env},
                start_new_session=True,  # no Ctrl-C from the terminal: it ends by itself
            )
        assert process.stdin is not None
        process.stdin.write(json.dumps(asdict(config)).encode() + b"\n")
        process.stdin.flush()
    except OSError:
        return None
    return process.stdin


def stop_server(config: ServerConfig, address: bytes | None = None) -> bool:
    """Ask the server for ``config`` (or the one at ``address``: any server ends on a request
    that is not for it) to end, its kernels with it; whether one was there."""
    connection = connect(config, address=address)
    if connection is None:
        return False
    with contextlib.closing(connection), contextlib.suppress(OSError):
        send(connection, {"identity": config.identity, "stop": True})
        for _ in messages(connection):
            pass
    return True


def stop_warm_kernels(project: Project, jobs: int, timeout: float) -> bool:
    """End every warm server of ``project`` (``workbook build --cold``), whatever environment
    or settings it was started with, also one started before the folder moved; whether there
    were any."""
    config = server_config(project, jobs, timeout, kernel_env(project), 0)
    addresses = set(project_servers(project)) | {config.address}
    return any([stop_server(config, address) for address in sorted(addresses)])


def kernel_env(project: Project) -> dict[str, str]:
    """What every worker and kernel of a build of ``project`` is given."""
    return {"WORKBOOK_ROOT": str(project.root)}


def server_state(config: ServerConfig) -> dict[str, Any] | None:
    """The server's process id and its kernels' (``pid``, ``kernels``), or None."""
    connection = connect(config)
    if connection is None:
        return None
    with contextlib.closing(connection):
        try:
            send(connection, {"identity": config.identity, "state": True})
            return next(messages(connection), None)
        except (OSError, ValueError):
            return None
