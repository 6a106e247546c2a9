"""Files written whole or not at all: a reader (a browser, Excel, the next build) sees either the
old file or the new one, never half of it."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_atomically(path: Path, content: str | bytes) -> None:
    """Write ``content`` (text as UTF-8, newlines as given) next to ``path`` and rename it into
    place: the old file stays until the new one is complete, and a failed write leaves no
    temporary file. The file is readable by everyone (0644), as a published report or a data
    file under version control should be; ``mkstemp`` alone would leave it private to the
    writer. Creates missing parent folders. Raises ``OSError`` as the file system gives it,
    its ``filename`` always ``path`` (or the folder that could not be made), never the
    temporary file."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        handle, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise OSError(exc.errno, exc.strerror, os.fspath(path)) from exc
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        # The temporary file is ours, not the analyst's: the error names the file written.
        raise OSError(exc.errno, exc.strerror, os.fspath(path)) from exc
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
