"""One exception tree for everything an analyst or operator can cause.

Messages are Swedish (the analyst's language) and say what to do; the command line prints them
without a traceback. Anything that is not a ``WorkbookError`` is a bug in the workbook itself.
"""

from __future__ import annotations

import contextlib
import os
import re
from dataclasses import dataclass, field, fields
from pathlib import Path

# A value quoted in a message is shown up to this many characters: a cell may hold megabytes.
MAX_QUOTED = 80
# No field of a Problem is longer than this, whatever a caller put in it.
MAX_FIELD = 600


# Characters that must never reach a terminal or a log as themselves: C0 and C1 controls (ESC
# starts the sequences that recolour a terminal or set its title, BEL rings, backspace and CR
# overwrite what was printed), DEL, line and paragraph separators and the bidirectional
# overrides and isolates that reorder what is shown ("Trojan Source"). Newline is kept in a
# message (a problem list has lines), never in a quoted value.
_UNSAFE = re.compile(
    "[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069]"
)
_UNSAFE_IN_VALUE = re.compile(_UNSAFE.pattern[:-1] + "\n]")


def _escape_char(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def safe_text(text: str, *, keep_newlines: bool = True) -> str:
    """``text`` with every control character written out visibly (ESC as ``\\x1b``).

    The one place messages are made safe for a terminal: ``quote``, every field of a ``Problem``
    and every other ``WorkbookError`` message (see ``cli.report_error``) pass through it.
    """
    pattern = _UNSAFE if keep_newlines else _UNSAFE_IN_VALUE
    return pattern.sub(_escape_char, text)


def count(number: int) -> str:
    """A count the Swedish way: ``10 000`` (a no-break space between the thousands)."""
    return f"{number:,}".replace(",", "\u00a0")


def counted(number: float, one: str, many: str) -> str:
    """``number`` and the words after it in the form Swedish gives them: ``1 cell``, ``3
    celler``, ``10 000 rader`` (``count``), ``1,5 sekunder``; ``one`` only for exactly 1. Every
    count a message shows with a noun (or an adjective that agrees with it: ``1 värde …
    orört``) goes through here; words the same in both forms (``fel``, ``avsnitt``) need no
    call."""
    shown = count(int(number)) if float(number).is_integer() else f"{number:g}".replace(".", ",")
    return f"{shown} {one if number == 1 else many}"


def quote(value: object, limit: int = MAX_QUOTED) -> str:
    """``value`` as text for a message: control characters escaped visibly (``safe_text``), cut
    to ``limit`` characters with its full length named.

    >>> quote("x" * 1000, 10)
    'xxxxxxxxx… (1\xa0000 tecken)'
    """
    text = str(value)
    if len(text) > limit:
        return f"{safe_text(text[: limit - 1], keep_newlines=False)}… ({count(len(text))} tecken)"
    return safe_text(text, keep_newlines=False)


def _bounded(text: str) -> str:
    """The start and the end of an over-long text (the advice usually sits at the end)."""
    if len(text) <= MAX_FIELD:
        return text
    head, tail = MAX_FIELD * 2 // 3, MAX_FIELD // 3
    return f"{text[:head]} … [{count(len(text) - head - tail)} tecken utelämnade] … {text[-tail:]}"


class WorkbookError(Exception):
    """Base of every error the workbook reports to a person instead of crashing."""

    def _render_traceback_(self) -> list[str]:
        """What IPython (JupyterLab) shows instead of a traceback: see ``notebook_errors``."""
        from helpers.core.notebook_errors import render_error

        return render_error(self)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input: where it is, what is wrong, what to do."""

    file: str
    message: str
    row: int | None = None
    column: str | None = None
    hint: str | None = None
    # The column's position in its file (0 = first), set where the file's header is known
    # (``validate.in_file_order``), so problems are listed as the analyst reads the row; not
    # part of what the problem is (equality, hashing).
    place: int | None = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        for item in fields(self):
            value = getattr(self, item.name)
            if isinstance(value, str):
                object.__setattr__(self, item.name, _bounded(safe_text(value)))

    def __str__(self) -> str:
        place = self.file
        if self.row is not None:
            place += f", rad {self.row}"
        if self.column is not None:
            # A YAML file has keys (``drift.belopp``), a table columns.
            yaml_file = self.file.lower().endswith((".yaml", ".yml"))
            place += f", {'nyckel' if yaml_file else 'kolumn'} {self.column}"
        text = f"{place}: {self.message}"
        if self.hint:
            text += f" — {self.hint}"
        return text


class DataError(WorkbookError):
    """The data of a unit-year is wrong; carries every problem found, not only the first."""

    def __init__(self, problems: list[Problem], closing: str = ""):
        self.problems = list(problems)
        # A line printed after the problems (what happened and what can be done), or "".
        self.closing = closing
        super().__init__("\n".join(str(p) for p in self.problems))


class ParameterError(WorkbookError):
    """A year, unit or section given on the command line or in a params file is not usable."""


class BuildError(WorkbookError):
    """A section failed while running or the report could not be written."""


class WriteError(WorkbookError):
    """A file the command writes (not an input) could not be written; the message names it,
    why, and what to do. Exit 2 like every error a person must act on."""


class BuildLocked(WorkbookError):
    """Another build is already writing to the same reports."""


def display_path(path: Path, root: Path) -> str:
    """A path as the analyst knows it: relative to the project when inside it.

    Symbolic links are not resolved: a link is named by its own path, not by its target.
    """
    absolute = Path(os.path.abspath(path))
    with contextlib.suppress(ValueError):
        return absolute.relative_to(os.path.abspath(root)).as_posix()
    # Only then the root's real path: resolving it walks the file system (a system call per
    # folder), and validation names every file it reads.
    with contextlib.suppress(ValueError):
        return absolute.relative_to(os.path.realpath(root)).as_posix()
    return path.as_posix()
