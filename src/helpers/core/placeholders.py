"""Placeholder texts: the instruction a scaffold writes where an analyst must still write.

``new_unit``, ``new_year`` and ``new_period`` write it; the summary, the season's progress and the
read log (``utkast:`` tokens) look for it. Lives here, below all of them, so that none of those
readers has to import the yearly chores.
"""

from __future__ import annotations

from pathlib import Path

from helpers.core import read_log

# The opening of every instruction the scaffolds write where an analyst must write text. As long as
# a narrative file contains it, the report shows the instruction (and so that text is missing).
PLACEHOLDER_MARK = "Text saknas – skriv här"


def is_placeholder(markdown: str) -> bool:
    """Whether a narrative text still contains a scaffold instruction instead of real text."""
    return PLACEHOLDER_MARK in markdown


def placeholder_files(folder: Path) -> list[Path]:
    """Narrative files under ``folder/text`` that still contain a scaffold instruction, sorted."""
    text_dir = folder / "text"
    if not text_dir.is_dir():
        read_log.record_absent(text_dir)
        return []
    files = sorted(text_dir.rglob("*.md"))
    read_log.record_listing(text_dir, [p.relative_to(text_dir).as_posix() for p in files])
    drafts = []
    for path in files:
        placeholder = is_placeholder(path.read_text(encoding="utf-8", errors="replace"))
        read_log.record_placeholder(path, placeholder)
        if placeholder:
            drafts.append(path)
    return drafts
