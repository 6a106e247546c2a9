"""What a section actually read: the inputs behind its output, recorded while it runs.

Every input of a report is read through a few functions (``paths.read_input``,
``paths.readable_file``, ``UnitData.text``, ``readers.find_table``,
``placeholders.placeholder_files``).
While a section runs in a kernel, they record each input here with a *token* saying what the
section saw of it:

* ``sha256:<hex>`` — the file's content, hashed from the very bytes that were read;
* ``saknas`` — the section looked for the file and it was not there (a text not yet written, an
  optional table), so creating it must run the section again;
* ``utkast:ja`` / ``utkast:nej`` — the section only asked whether a text still holds the scaffold
  instruction (the summary's list of texts to write): rewording a written text leaves it alone;
* ``lista:<hex>`` — the names of the ``.md`` files under a folder (a new text changes it).

The runner turns recording on before each section (``start``) and asks the kernel for the read
set afterwards (``dump``); the build stores it in the section's fingerprint and, next time,
recomputes each token from the files as they are now (``current_token``): a section runs again
only when something it read has changed. Paths are relative to the project root (POSIX).
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ABSENT = "saknas"
_recording: dict[str, str] | None = None
_roots: tuple[Path, ...] = ()
_captures: list[dict[str, str]] = []  # reads of parts being computed (``captured``)


def start(root: Path | str) -> None:
    """Begin a new read set for a section of the project at ``root``."""
    global _recording, _roots
    _recording = {}
    _captures.clear()
    _roots = (Path(os.path.abspath(root)), Path(root).resolve())


def stop() -> dict[str, str]:
    """End recording; the read set (path → token)."""
    global _recording
    reads, _recording = _recording or {}, None
    return reads


def active() -> bool:
    return _recording is not None


def _name(path: Path) -> str | None:
    absolute = Path(os.path.abspath(path))
    for root in _roots:
        if absolute.is_relative_to(root):
            return absolute.relative_to(root).as_posix()
    return None  # outside the project: not an input (the package's own templates)


def _put(path: Path, token: str) -> None:
    if _recording is None:
        return
    name = _name(path)
    if name is not None:
        _put_name(name, token)


def _put_name(name: str, token: str) -> None:
    for reads in (_recording, *_captures):
        # What the content was seen as stays, whatever is asked of the file afterwards.
        if reads is not None and not (token.startswith("utkast:") and name in reads):
            reads[name] = token


@contextmanager
def captured() -> Iterator[dict[str, str]]:
    """The reads recorded inside the block (kept in the section's read set as well): what one
    part of a section read, to remember the part by (``parts.remembered``)."""
    reads: dict[str, str] = {}
    _captures.append(reads)
    try:
        yield reads
    finally:
        _captures.remove(reads)


def snapshot() -> tuple[tuple[str, str], ...]:
    """The section's reads so far, in a fixed order."""
    return tuple(sorted((_recording or {}).items()))


def unchanged(reads: dict[str, str]) -> bool:
    """Whether every file in ``reads`` would be read the same now (``current_token``)."""
    return bool(_roots) and all(
        current_token(_roots[0], name, token) == token for name, token in reads.items()
    )


def replay(reads: dict[str, str]) -> None:
    """Record ``reads`` as read now: a part taken from memory read them when it was computed,
    and ``unchanged`` says they are as they were."""
    if _recording is not None:
        for name, token in reads.items():
            _put_name(name, token)


def content_token(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def record_bytes(path: Path, data: bytes) -> None:
    """``path`` was read and held ``data``."""
    if _recording is not None:
        _put(path, content_token(data))


def record_file(path: Path) -> None:
    """``path`` is about to be read by a reader that opens it itself (CSV, Excel)."""
    if _recording is not None:
        _put(path, file_token(path))


def record_absent(path: Path) -> None:
    """The section looked for ``path`` and it was not there."""
    if _recording is not None:
        _put(path, ABSENT)


def record_placeholder(path: Path, placeholder: bool) -> None:
    """Only whether ``path`` still holds the scaffold instruction was used."""
    if _recording is not None:
        _put(path, f"utkast:{'ja' if placeholder else 'nej'}")


def record_listing(folder: Path, names: list[str]) -> None:
    """The section used which ``.md`` files exist under ``folder``."""
    if _recording is not None:
        _put(folder, listing_token(names))


def listing_token(names: list[str]) -> str:
    return "lista:" + hashlib.sha256("\n".join(sorted(names)).encode()).hexdigest()


def file_token(path: Path) -> str:
    try:
        with open(path, "rb") as handle:
            return content_token(handle.read())
    except FileNotFoundError:
        return ABSENT
    except OSError:
        return "oläslig"


def markdown_names(folder: Path) -> list[str]:
    if not folder.is_dir():
        return []
    return [p.relative_to(folder).as_posix() for p in folder.rglob("*.md")]


def current_token(root: Path, name: str, stored: str) -> str:
    """The token ``name`` would get now, of the same kind as ``stored``."""
    path = root / name
    if stored.startswith("lista:"):
        return listing_token(markdown_names(path))
    if stored.startswith("utkast:"):
        from helpers.core.placeholders import is_placeholder

        if not path.is_file():
            return ABSENT
        text = path.read_text(encoding="utf-8", errors="replace")
        return f"utkast:{'ja' if is_placeholder(text) else 'nej'}"
    if not os.path.lexists(path):
        return ABSENT
    return file_token(path)


def changed(root: Path, reads: dict[str, str]) -> list[str]:
    """The recorded inputs whose token differs now, sorted."""
    return sorted(
        name for name, token in reads.items() if current_token(root, name, token) != token
    )


def dump(path: Path | str) -> None:
    """Write the read set (and end recording); called in the kernel after a section ran."""
    reads = stop()
    target = Path(path)
    tmp = target.with_name(f".{target.name}.tmp")
    tmp.write_text(json.dumps(reads, sort_keys=True, indent=1) + "\n", encoding="utf-8")
    tmp.replace(target)


def load(path: Path) -> dict[str, str] | None:
    """A stored read set, or None when there is none (or it is unreadable)."""
    try:
        reads = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(reads, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in reads.items()
    ):
        return None
    return reads
