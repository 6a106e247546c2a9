"""One exception tree for everything an analyst or operator can cause.

Messages are Swedish (the analyst's language) and say what to do; the command line prints them
without a traceback. Anything that is not a ``WorkbookError`` is a bug in the workbook itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


class WorkbookError(Exception):
    """Base of every error the workbook reports to a person instead of crashing."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input: where it is, what is wrong, what to do."""

    file: str
    message: str
    row: int | None = None
    column: str | None = None
    hint: str | None = None

    def __str__(self) -> str:
        place = self.file
        if self.row is not None:
            place += f", rad {self.row}"
        if self.column is not None:
            place += f", kolumn {self.column}"
        text = f"{place}: {self.message}"
        if self.hint:
            text += f" — {self.hint}"
        return text


class DataError(WorkbookError):
    """The data of a unit-year is wrong; carries every problem found, not only the first."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class ParameterError(WorkbookError):
    """A year, unit or section given on the command line or in a params file is not usable."""


class BuildError(WorkbookError):
    """A section failed while running or the report could not be written."""


class BuildLocked(WorkbookError):
    """Another build is already writing to the same reports."""


def display_path(path: Path, root: Path) -> str:
    """A path as the analyst knows it: relative to the project when inside it."""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()
