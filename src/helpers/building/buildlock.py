"""One build at a time per project: an advisory file lock around everything a build writes.

The lock is ``build/.lock`` (``flock``), so it is released by the operating system when the
build's process ends, however it ends; the file only carries the holder's pid and start time for
the message.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager

from helpers.core.errors import BuildError, BuildLocked
from helpers.core.paths import Project, write_error_text


@contextmanager
def build_lock(project: Project) -> Iterator[None]:
    """Hold the project's build lock, or raise ``BuildLocked`` at once if another build has it.

    A lock that cannot be written (full disk, read-only folder) is a ``BuildError`` naming it.
    """
    path = project.build / ".lock"
    try:
        project.build.mkdir(parents=True, exist_ok=True)
        handle = open(path, "a+", encoding="utf-8")  # noqa: SIM115 - held for the whole block
    except OSError as exc:
        raise _lock_error(exc, project) from None
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "okänd process"
            raise BuildLocked(
                f"Ett annat bygge pågår redan i {project.root} ({holder}). Vänta tills det är "
                "klart och kör sedan kommandot igen. Om inget bygge pågår: kontrollera att "
                "ingen annan `workbook build` körs (t.ex. i en annan terminal)."
            ) from None
        started = dt.datetime.now().isoformat(timespec="seconds")
        try:
            handle.seek(0)
            handle.truncate()
            handle.write(f"pid {os.getpid()}, startad {started}")
            handle.flush()
        except OSError as exc:
            raise _lock_error(exc, project) from None
        yield
    finally:
        # Closing releases the lock; the flush of a full disk may fail, the release does not.
        with contextlib.suppress(OSError):
            handle.close()


def _lock_error(exc: OSError, project: Project) -> BuildError:
    """The lock could not be made or written: named as ``build/``, the folder the user knows
    and ``preview`` names (``build.check_folders_writable``), unless the lock file itself is
    what refuses writing in a writable folder."""
    path = project.build / ".lock"
    own_file = (
        os.path.lexists(path) and not os.access(path, os.W_OK) and os.access(project.build, os.W_OK)
    )
    if own_file:
        return BuildError(write_error_text(exc, path, project.root))
    return BuildError(write_error_text(exc, project.build, project.root, folder=True))
