"""The warm-kernel server (``python -m helpers.building.warm_server``): see ``warm_kernels``.

Started by a build with its ``ServerConfig`` as JSON on standard input. It listens on the
config's abstract address first (a second server for the same address exits at once), starts
the pool's workers so their kernels boot, and then serves one build at a time: a request is one
JSON line (``run``: sections; ``state``; ``stop``) carrying the build's identity, which must be
the server's. Each finished section goes back as a line (``index``, ``failure``), then ``end``.

It ends — the pool's ``stop`` ends every worker and kernel — after ``idle_seconds`` without a
request, when the helpers code or the runtime lock differ from those it started with (looked at
every ``CHECK_SECONDS`` and before every request), on SIGTERM/SIGHUP, on ``stop``, and when the
build it serves goes away before its sections are done.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import sys
import threading
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

from helpers.building.supervise import Cancelled, Interrupted, SectionPool, Task
from helpers.building.warm_kernels import (
    CHECK_SECONDS,
    KEEP,
    ServerConfig,
    messages,
    peer_uid,
    send,
)

REQUEST_SECONDS = 30.0  # a build that connected gets this long to say what it wants


def main() -> int:
    try:
        config = ServerConfig(**json.loads(sys.stdin.buffer.readline()))
    except (ValueError, TypeError):  # the build was stopped while it wrote the config
        return 0
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        listener.bind(config.address)
    except OSError:  # another server has the address: it serves this project
        return 0
    listener.listen(4)
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _interrupt)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # its own session: no terminal's Ctrl-C
    threading.Thread(target=_watch_starter, name="starter", daemon=True).start()
    try:
        with SectionPool(
            config.jobs, env=config.env, timeout=config.timeout, log=Path(config.log), keep=True
        ) as pool:
            pool.start(config.jobs)
            try:
                serve(listener, pool, config)
            finally:  # before the pool stops: a new server may take the address at once
                listener.close()
    except (Interrupted, Cancelled):
        return 0
    return 0


def _watch_starter() -> None:
    """End the server when the build that started it goes away before saying ``keep`` (it was
    stopped while the server started: nobody will use these kernels)."""
    with contextlib.suppress(OSError, ValueError):
        if sys.stdin.buffer.readline() == KEEP:
            return
    os.kill(os.getpid(), signal.SIGTERM)  # ends the pool, its workers and kernels


def _interrupt(signum: int, _frame: Any) -> None:
    raise Interrupted(signum)


def serve(listener: socket.socket, pool: SectionPool, config: ServerConfig) -> None:
    """Answer builds until the server must end (see module)."""
    last = time.monotonic()
    while True:
        idle = time.monotonic() - last
        if idle >= config.idle_seconds or not current(config):
            return
        listener.settimeout(min(CHECK_SECONDS, config.idle_seconds - idle))
        try:
            connection, _ = listener.accept()
        except TimeoutError:
            continue
        with contextlib.closing(connection):
            if peer_uid(connection) != os.getuid():
                continue  # another user's process: not a word
            if not answer(connection, pool, config):
                listener.close()  # before the build hears the end: it may start a new one
                return
        last = time.monotonic()


def current(config: ServerConfig) -> bool:
    """Whether the code and the runtime lock are still those the kernels were started with."""
    from helpers.data.fingerprint import code_digest, lock_digest

    with contextlib.suppress(Exception):  # unreadable: not current either
        return code_digest() == config.code and lock_digest() == config.lock
    return False


def answer(connection: socket.socket, pool: SectionPool, config: ServerConfig) -> bool:
    """One request; False when the server must end afterwards."""
    connection.settimeout(REQUEST_SECONDS)
    try:
        request = next(messages(connection), None)
    except (OSError, ValueError):
        return True
    if request is None:
        return True
    connection.settimeout(None)
    if request.get("identity") != config.identity or not current(config):
        with contextlib.suppress(OSError):
            send(connection, {"stale": True})
        return False
    if request.get("stop"):
        return False
    if request.get("state"):
        with contextlib.suppress(OSError):
            send(connection, {"pid": os.getpid(), "kernels": pool.kernel_pids()})
        return True
    tasks = [
        Task(
            item["index"],
            Path(item["notebook"]),
            Path(item["output"]),
            item["parameters"],
            Path(item["cwd"]),
        )
        for item in request.get("run", [])
    ]
    gone = threading.Event()
    threading.Thread(target=_watch, args=(connection, gone), daemon=True).start()

    def done(index: int, failure: Any) -> None:
        try:
            send(connection, {"index": index, "failure": asdict(failure) if failure else None})
        except OSError:
            gone.set()

    pool.run(tasks, done, cancelled=gone.is_set)  # Cancelled: the build went away
    try:
        send(connection, {"end": True})
    except OSError:
        return False
    return True


def _watch(connection: socket.socket, gone: threading.Event) -> None:
    """Set ``gone`` when the build closes its end (it sends nothing more during a run)."""
    try:
        while connection.recv(4096):
            pass
    except OSError:
        pass
    gone.set()


if __name__ == "__main__":
    sys.exit(main())
