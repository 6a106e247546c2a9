"""A content-addressed store of rendered pieces: chart SVGs and the export's per-fragment work.

Drawing a chart (altair's schema validation, vl-convert) and parsing a section's HTML cost far
more than the rest of a rebuild, and an edit to one text leaves almost all of them as they were.
Each piece is stored under a key that is the SHA-256 of *everything* its value depends on (the
exact Vega-Lite spec and the vl-convert version; a fragment's exact HTML and the parser's
version …, see the callers ``figures`` and ``export``), so a stored value is only ever found for
the same input: a report built from the store is byte for byte the report built without it
(``tests/test_render_cache.py``).

**Where.** ``build/.cache/<store>/`` of the project (``build/`` is not in git). Delete the folder
whenever you like (``make clean-cache``): the next build draws everything again. Setting the
environment variable ``WORKBOOK_CACHE=0`` turns the store off (nothing read or written).
``WORKBOOK_CACHE_DIR`` puts the stores in another folder (relative paths from the project
folder), which several projects may share: a checkout per season, a CI runner's kept folder, the
test suite's temporary projects. Keys hold everything a value depends on, the project included
where it matters, so a shared store only ever answers with what would have been drawn.

**Safe with concurrent builds.** A value is written to a temporary file in the same folder and
renamed into place, so a reader sees a whole value or none; two builds writing the same key
write the same bytes. Files that cannot be read or written are simply misses (a read-only
project builds as before, only slower).

**Bounded.** Each store is kept under ``MAX_BYTES``: the first write of a process looks at the
store's size and removes the entries used longest ago (reads touch an entry's time) until it
fits again.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Any

CACHE_VARIABLE = "WORKBOOK_CACHE"
CACHE_DIR_VARIABLE = "WORKBOOK_CACHE_DIR"
CACHE_FOLDER = ".cache"
MAX_BYTES = 200 * 1024 * 1024  # per store; the example's charts and fragments take ~5 MB


def enabled() -> bool:
    """False when ``WORKBOOK_CACHE`` is ``0``, ``nej``, ``no``, ``false`` or ``off``."""
    value = os.environ.get(CACHE_VARIABLE, "").strip().lower()
    return value not in ("0", "nej", "no", "false", "off")


def key_of(*parts: Any) -> str:
    """The SHA-256 (hex) of JSON-encodable ``parts``, canonically encoded."""
    text = json.dumps(parts, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class ContentCache:
    """Text values by key in one folder (``<key[:2]>/<key>``); see the module for the rules."""

    def __init__(self, folder: Path, max_bytes: int = MAX_BYTES):
        self.folder = folder
        self.max_bytes = max_bytes
        self._pruned = False

    def path(self, key: str) -> Path:
        return self.folder / key[:2] / key

    def get(self, key: str) -> str | None:
        path = self.path(key)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, ValueError):
            return None
        with contextlib.suppress(OSError):
            os.utime(path)  # recently used: kept when the store is pruned
        return text

    def put(self, key: str, text: str) -> None:
        path = self.path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            handle, tmp = tempfile.mkstemp(prefix=".", suffix=".tmp", dir=path.parent)
            try:
                with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
                    out.write(text)
                os.replace(tmp, path)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        except OSError:
            return  # a store that cannot be written is a store without this value
        if not self._pruned:
            self._pruned = True
            self.prune()

    def prune(self) -> None:
        """Remove the least recently used entries until the store is under ``max_bytes``."""
        entries = []
        for path in self.folder.glob("*/*"):
            if path.name.startswith("."):
                continue
            with contextlib.suppress(OSError):
                stat = path.stat()
                entries.append((stat.st_mtime, stat.st_size, path))
        total = sum(size for _, size, _ in entries)
        for _, size, path in sorted(entries, key=lambda entry: entry[0]):
            if total <= self.max_bytes:
                break
            with contextlib.suppress(OSError):
                path.unlink()
                total -= size


@lru_cache(maxsize=8)
def _store(folder: str) -> ContentCache:
    return ContentCache(Path(folder))


def store(name: str) -> ContentCache | None:
    """The project's store ``name`` (``build/.cache/<name>/``, or ``<WORKBOOK_CACHE_DIR>/<name>/``),
    or None when caching is off or there is no project here."""
    if not enabled():
        return None
    from helpers.core.errors import WorkbookError
    from helpers.core.paths import Project

    try:
        project = Project.current()
    except WorkbookError:
        return None
    return _store(str(stores_folder(project.root, project.build) / name))


def stores_folder(root: Path, build: Path) -> Path:
    """The folder of the stores: ``WORKBOOK_CACHE_DIR`` when set (a relative path is taken from
    the project folder ``root``), else ``<build>/.cache``."""
    chosen = os.environ.get(CACHE_DIR_VARIABLE, "").strip()
    if not chosen:
        return build / CACHE_FOLDER
    return root / Path(chosen).expanduser()


def check_stores_folder(root: Path) -> None:
    """``ParameterError`` (exit 2) when ``WORKBOOK_CACHE_DIR`` names a folder the stores cannot
    be kept in: a file, a folder under a file, a folder that cannot be written, or one that does
    not exist yet and cannot be made (the nearest folder above it cannot be written, or is on a
    read-only disk). Found by looking, without writing anything. The message says what is wrong
    with the folder and that the variable is what to change — never to delete or rename what is
    in the way, which may be any file of the system (``/etc/passwd``). The one check of the
    setting: ``validate`` (through ``settings.check_build_settings``) and ``build`` call it
    before anything runs. With the stores off (``WORKBOOK_CACHE=0``) the folder is never used,
    and not checked."""
    from helpers.core.errors import ParameterError, quote

    chosen = os.environ.get(CACHE_DIR_VARIABLE, "").strip()
    if not chosen or not enabled():
        return
    folder = stores_folder(root, root / "build")
    problem = _why_unwritable(folder)
    if problem is not None:
        raise ParameterError(
            f"Miljövariabeln {CACHE_DIR_VARIABLE} ('{quote(chosen)}'): "
            + _unwritable_text(problem, folder, root)
            + f" Ändra {CACHE_DIR_VARIABLE} till en mapp som går att skriva i (den skapas om den "
            "saknas; där sparas diagrammen och avsnitten), eller ta bort variabeln för att "
            f"använda build/{CACHE_FOLDER}/ i projektet."
        )


def _unwritable_text(problem: OSError, folder: Path, root: Path) -> str:
    """What is wrong with the stores' ``folder`` (``problem``: ``_why_unwritable``'s), as a
    Swedish sentence without advice: the advice is to change the variable, not the folder."""
    from helpers.core.errors import display_path

    shown = display_path(folder, root) + "/"
    if problem.errno == errno.ENOTDIR:
        blocker = next(
            (p for p in [*reversed(folder.parents), folder] if p.exists() and not p.is_dir()),
            folder,
        )
        where = "det" if blocker == folder else display_path(blocker, root)
        return f"{shown} kunde inte skrivas: {where} är en fil, men här ska det vara en mapp."
    if problem.errno in (errno.EACCES, errno.EPERM):
        return f"{shown} kunde inte skrivas: skrivrätt saknas."
    if problem.errno == errno.EROFS:
        return f"{shown} kunde inte skrivas: disken är skrivskyddad."
    name = errno.errorcode.get(problem.errno or 0, "okänt fel")
    return f"{shown} kunde inte skrivas (systemfel {name})."


def _why_unwritable(folder: Path) -> OSError | None:
    """Why values could not be stored in ``folder`` (made with its parents when missing), as the
    ``OSError`` a write would raise; None when they could. Nothing is written."""
    existing = folder
    while True:
        try:
            existing.stat()
            break
        except (FileNotFoundError, NotADirectoryError):
            if existing.parent == existing:
                return None
            existing = existing.parent
        except OSError as exc:  # no permission to look, a loop of links …
            return exc
    if not existing.is_dir():
        return NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), str(folder))
    if os.access(existing, os.W_OK | os.X_OK):
        return None
    try:
        read_only = bool(os.statvfs(existing).f_flag & os.ST_RDONLY)
    except OSError:
        read_only = False
    code = errno.EROFS if read_only else errno.EACCES
    return OSError(code, os.strerror(code), str(existing))


@lru_cache(maxsize=1)
def loaded_code() -> str:
    """The digest of the helpers package's code (``fingerprint.code_digest``) when this process
    first asked: the code it runs, which a later edit on disk does not change."""
    from helpers.data.fingerprint import code_digest

    return code_digest()
