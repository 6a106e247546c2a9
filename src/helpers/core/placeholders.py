"""Placeholder texts: the instruction a scaffold writes where an analyst must still write.

``new_unit``, ``new_year`` and ``new_period`` write it; the summary, the season's progress and the
read log (``utkast:`` tokens) look for it. Lives here, below all of them, so that none of those
readers has to import the yearly chores.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path

from helpers.core import read_log

# The opening of every instruction the scaffolds write where an analyst must write text. As long as
# a narrative file contains it, the report shows the instruction (and so that text is missing).
PLACEHOLDER_MARK = "Text saknas – skriv här"


def is_placeholder(markdown: str) -> bool:
    """Whether a narrative text still contains a scaffold instruction instead of real text."""
    return PLACEHOLDER_MARK in markdown


def placeholder_files(folder: Path, uses: Callable[[str], bool] | None = None) -> list[Path]:
    """Narrative files under ``folder/text`` that still contain a scaffold instruction, sorted;
    with ``uses`` only those it accepts (given the path relative to ``text/``, with ``/``):
    a file the report does not show is not read."""
    text_dir = folder / "text"
    if not text_dir.is_dir():
        read_log.record_absent(text_dir)
        return []
    files = sorted(text_dir.rglob("*.md"))
    read_log.record_listing(text_dir, [p.relative_to(text_dir).as_posix() for p in files])
    if uses is not None:
        files = [p for p in files if uses(p.relative_to(text_dir).as_posix())]
    drafts = []
    for path in files:
        placeholder = is_placeholder(path.read_text(encoding="utf-8", errors="replace"))
        read_log.record_placeholder(path, placeholder)
        if placeholder:
            drafts.append(path)
    return drafts


def texts_to_write(
    folder: Path, uses: Callable[[str], bool] | None = None, expected: Iterable[str] = ()
) -> list[str]:
    """The texts still to write of the report whose data is ``folder``, as paths relative to it
    (``text/inledning.md``), sorted: the files the report uses (``uses``, e.g.
    ``ReportDefinition.uses_text``; None: every file under ``text/``) that still hold the
    scaffold instruction, and the ``expected`` texts (relative to ``text/``) that do not exist.
    The one list the report's draft notice, ``workbook status``, the index page and the
    sign-off warnings show."""
    found = {p.relative_to(folder).as_posix() for p in placeholder_files(folder, uses)}
    found.update(f"text/{name}" for name in expected if not os.path.lexists(folder / "text" / name))
    return sorted(found)
