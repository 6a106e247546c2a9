"""Content fingerprints: has anything a section depends on changed since it last ran?

A section's output depends on its notebook, the parameters papermill injects, the unit's params
file and data files, the shared data files (``data/*`` outside the year folders), the helpers
code (including templates) and the runtime dependencies: ``requirements/runtime.lock`` (the
developer's tools have a lock of their own, so adding a test tool invalidates no report), or,
where the package is installed without its repository, the installed versions of what
``workbook`` requires. Each part is hashed by content, and the
parts are stored as JSON beside the executed notebook, so a later build can both decide quickly
and say *what* changed. Hashing reads only small text files: no pandas, no kernel.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from helpers.core.paths import PACKAGE_DIR, REPO_ROOT, Project, input_files, read_input

LOCK_FILE = REPO_ROOT / "requirements" / "runtime.lock"
FORMAT = 1

# Dependency names as shown in --dry-run ("why it runs").
PART_NAMES = {
    "notebook": "notebooken",
    "parameters": "parametrarna",
    "params": "params-filen",
    "data": "enhetens data",
    "units": "enheternas data",
    "shared": "gemensamma data",
    "code": "helpers-koden",
    "lock": "körmiljöns paket (requirements/runtime.lock)",
    "sections": "avsnitten",
    "format": "byggformatet",
    "reads": "lästa filer",
    "signoff": "klarmarkeringen",
    "files": "enhetens filer",
}


def files_digest(files: Iterable[Path], root: Path) -> str:
    """One hash over the names (relative to ``root``) and contents of ``files``.

    Each file is read through ``paths.read_input``: a file outside ``root`` (a symbolic link out
    of the project) or one that cannot be read is a ``DataError`` naming it, before anything else
    of a build happens.
    """
    digest = hashlib.sha256()
    for path in sorted(files):
        if not os.path.lexists(path) or os.path.isdir(path):
            continue
        name = path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)
        digest.update(name.encode())
        digest.update(b"\0")
        digest.update(hashlib.sha256(read_input(path, root)).digest())
    return digest.hexdigest()


def text_digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def code_digest() -> str:
    """One hash over the helpers package: its modules and templates, as they are now.

    Hashed again only when a file's size, modification or change time (ns) or inode changed
    since the last call in this process (the preview plans, records and exports many times a
    session), or since any process hashed exactly these files (``remembered_code_digest``)."""
    files = sorted(_source_files(PACKAGE_DIR))
    signature = []
    for path in files:
        stat = path.stat()
        signature.append((str(path), stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino))
    if _CODE_DIGEST.get("signature") != signature:
        _CODE_DIGEST.update(signature=signature, digest=remembered_code_digest(files, signature))
    return _CODE_DIGEST["digest"]


_CODE_DIGEST: dict[str, Any] = {}
CODE_STORE = "kod"
_HEX_DIGEST = frozenset("0123456789abcdef")


def remembered_code_digest(files: list[Path], signature: list[tuple[Any, ...]]) -> str:
    """``files_digest`` of the package's ``files``, taken from the project's store (``kod``)
    when a process hashed them before with the same ``signature`` — every file's path, size,
    modification and change time (ns) and inode, as ``make`` trusts a file's time; the change
    time cannot be set back, so no edit keeps it. Each build, section kernel and preview
    otherwise read and hash the whole package (~0.2 s) before its first fingerprint or chart."""
    from helpers.data import render_cache

    store = render_cache.store(CODE_STORE)
    key = render_cache.key_of("code-digest", FORMAT, signature)
    if store is not None:
        stored = store.get(key)
        if stored is not None and len(stored) == 64 and set(stored) <= _HEX_DIGEST:
            return stored
    digest = files_digest(files, PACKAGE_DIR)
    if store is not None:
        store.put(key, digest)
    return digest


def lock_digest() -> str:
    """The runtime dependencies: ``requirements/runtime.lock``, or without it the installed
    versions of what ``workbook`` requires."""
    if LOCK_FILE.is_file():
        return files_digest([LOCK_FILE], REPO_ROOT)
    return text_digest("\n".join(installed_runtime_versions()))


def _source_files(folder: Path) -> list[Path]:
    return [
        p
        for p in folder.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"
    ]


@dataclass
class Fingerprinter:
    """Computes fingerprints for one build; each input is hashed at most once."""

    project: Project
    _units: dict[tuple[int, str], dict[str, str]] = field(default_factory=dict)
    _tokens: dict[tuple[str, str], str] = field(default_factory=dict)
    _periods: dict[str, Fingerprinter] = field(default_factory=dict)

    def for_period(self, period: str) -> Fingerprinter:
        """The same build's fingerprinter for the project seen for ``period`` (its unit data
        and sign-off files are the period's); code, lock and shared data are hashed once."""
        if period == self.project.period:
            return self
        if period not in self._periods:
            other = Fingerprinter(self.project.for_period(period), _tokens=self._tokens)
            for name in ("code", "lock", "shared"):
                if name in self.__dict__:
                    other.__dict__[name] = self.__dict__[name]
            self._periods[period] = other
        return self._periods[period]

    @cached_property
    def code(self) -> str:
        return code_digest()

    @cached_property
    def lock(self) -> str:
        return lock_digest()

    @cached_property
    def shared(self) -> str:
        data = self.project.data
        files = [p for p in data.iterdir() if not p.is_dir()] if data.is_dir() else []
        return files_digest(files, self.project.root)

    def unit(self, year: int, unit: str) -> dict[str, str]:
        key = (year, unit)
        if key not in self._units:
            folder = self.project.unit_data(year, unit)
            data_files = section_inputs(folder, self.project.root)
            self._units[key] = {
                "params": files_digest([self.project.params_file(year, unit)], self.project.root),
                "data": files_digest(data_files, self.project.root),
            }
        return self._units[key]

    def section(
        self,
        notebook: Path,
        year: int,
        unit: str,
        parameters: dict[str, Any],
        reads: dict[str, str] | None = None,
        *,
        as_read: bool = False,
    ) -> dict[str, str]:
        """The parts of one section's fingerprint, plus their combination under ``total``.

        ``reads`` is what the section read when it last ran (``read_log``: path → token); the
        fingerprint then covers exactly those inputs, as they are now. Without it (a section
        that has not run yet) it covers the unit's params, all its data and the shared data.
        ``as_read``: the tokens in ``reads`` as recorded (the fingerprint stored after a run),
        so an input changed while the section ran makes it stale, never wrongly current.
        """
        parts = {
            "format": str(FORMAT),
            "notebook": files_digest([notebook], notebook.parent),
            "parameters": text_digest(json.dumps(parameters, sort_keys=True)),
            "code": self.code,
            "lock": self.lock,
        }
        if reads is None:
            parts |= {**self.unit(year, unit), "shared": self.shared}
        else:
            parts["reads"] = reads_digest(reads if as_read else self.current_reads(reads))
        return with_total(parts)

    def current_reads(self, reads: dict[str, str]) -> dict[str, str]:
        """The tokens of recorded inputs as the files are now (each computed once a build)."""
        from helpers.core.read_log import current_token

        current = {}
        for name, token in reads.items():
            key = (name, token.split(":", 1)[0])
            if key not in self._tokens:
                self._tokens[key] = current_token(self.project.root, name, token)
            current[name] = self._tokens[key]
        return current

    def report(
        self,
        sections: dict[str, str],
        signoff: Path | None = None,
        folder: Path | None = None,
    ) -> dict[str, str]:
        """The report's fingerprint: its sections' fingerprints, the export code, the sign-off
        file (``signoff``), which only the export's draft mark reads, and the names of the files
        in the unit's data ``folder``: a file no section reads (a second ``drift.xlsx`` beside
        ``drift.csv``, a schema without its table) makes the report stale, so the build
        validates the unit again and refuses what ``validate`` refuses."""
        parts = {
            "format": str(FORMAT),
            "sections": text_digest(json.dumps(sections, sort_keys=True)),
            "code": self.code,
        }
        if signoff is not None:
            parts["signoff"] = files_digest([signoff], self.project.root)
        if folder is not None:
            names = sorted(
                p.relative_to(folder).as_posix() for p in input_files(folder, self.project.root)
            )
            parts["files"] = text_digest(json.dumps(names))
        return with_total(parts)


def reads_digest(reads: dict[str, str]) -> str:
    return text_digest(json.dumps(reads, sort_keys=True))


def section_inputs(folder: Path, root: Path) -> list[Path]:
    """The files under a report's data folder that its sections may read: all but the sign-off
    file (``signoff``), which only the export reads (it is in the report's fingerprint)."""
    from helpers.data.signoff import SIGNOFF_STEM

    return [
        p for p in input_files(folder, root) if not (p.parent == folder and p.stem == SIGNOFF_STEM)
    ]


def installed_runtime_versions(distribution: str = "workbook") -> list[str]:
    """``name==version`` of every installed package ``distribution`` needs at run time (its
    requirements without extras, followed transitively), sorted."""
    import re
    from importlib import metadata

    seen: dict[str, str] = {}
    pending = [distribution]
    while pending:
        name = pending.pop()
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue
        key = re.sub(r"[-_.]+", "-", dist.metadata["Name"]).lower()
        if key in seen:
            continue
        seen[key] = dist.version
        for requirement in dist.requires or []:
            if re.search(r"\bextra\s*==", requirement):
                continue
            match = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", requirement)
            if match:
                pending.append(match[1])
    return sorted(f"{name}=={version}" for name, version in seen.items() if name != distribution)


def with_total(parts: dict[str, str]) -> dict[str, str]:
    return {**parts, "total": text_digest(json.dumps(parts, sort_keys=True))}


def read_stored(path: Path) -> dict[str, str] | None:
    """A stored fingerprint, or None when there is none (or it is unreadable)."""
    try:
        stored = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return stored if isinstance(stored, dict) else None


def store(path: Path, parts: dict[str, str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(json.dumps(parts, sort_keys=True, indent=1) + "\n", encoding="utf-8")
    tmp.replace(path)


def changed_parts(current: dict[str, str], stored: dict[str, str] | None) -> list[str]:
    """Which dependencies differ, in words (Swedish) for the plan."""
    if stored is None:
        return ["inget tidigare resultat"]
    return [
        PART_NAMES.get(name, name)
        for name, value in current.items()
        if name != "total" and stored.get(name) != value
    ]
