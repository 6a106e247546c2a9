"""Typed tables remembered by content: a process parses and types a given table file once.

Validation reads the shared tables (``enheter``, ``delverksamheter``) once per unit, a build
validates and then loads the same tables to render them, the preview validates again after every
edit though one file changed, and the test session copies the example data into fresh projects.
The parse (``readers`` + ``unit_data.typed_frame``: every cell through ``cell_values``) is the same
work each time; this module keeps its result.

**The key is the content and everything else the result depends on** (``table_key``): the
file's bytes (a BLAKE2b digest), its name (the suffix picks the reader; an .xlsx's sheet is
chosen by its stem), the name messages give it (``shown``), and the parts of the ``TableSpec``
the readers and ``typed_frame`` read (``spec_fingerprint``). Never its mtime or size: file
systems keep coarse timestamps, and a file rewritten within the same tick with other content of
the same size would be taken for the old one. The parse reads no setting and no environment
variable, so nothing else enters the key. Reading the bytes stays per call (and with it the
read set, ``paths.readable_file``); only the parsing is saved.

**What is handed out is the caller's own** (``TypedTable.copy``): a deep copy of the frame, the
problems as an immutable tuple (``Problem`` is frozen); the rows as dicts (``TypedTable.rows``,
what ``table_checks.LoadedTable`` walks) are converted once per entry and only ever handed out
copied, row by row, by ``LoadedTable.records``.

**Bounded** (``TableMemo``): at most ``MAX_ENTRIES`` tables and ``MAX_BYTES`` of file content,
least recently used dropped first, so a JupyterLab kernel, the preview server or a long test
session does not grow without bound. Safe to use from several threads.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import pandas as pd

from helpers.core.errors import Problem
from helpers.core.schema import TableSpec

LINE_COLUMN = "_rad"  # the typed frame's column of each row's line in the analyst's file

MAX_ENTRIES = 256
MAX_BYTES = 64 * 1024 * 1024  # of file content; an entry's frame is a few times its file


@dataclass(frozen=True, eq=False)
class TypedTable:
    """One table file read and typed against its spec: what validate and the report both use.

    ``frame``: the typed DataFrame (``unit_data.typed_frame``: ``LINE_COLUMN`` then the spec's
    columns; only the spec's columns when the file lacks a required one; empty when the file
    could not be read). ``problems``: every problem found, in the order found. ``shown_as``: the
    table's name in messages (an .xlsx's with its sheet when it has several). ``columns``: the
    header as read, in the file's order; None when the file could not be read at all.
    """

    frame: pd.DataFrame
    problems: tuple[Problem, ...]
    shown_as: str
    columns: tuple[str, ...] | None
    _source: TypedTable | None = field(default=None, repr=False)

    @property
    def readable(self) -> bool:
        """Whether the file could be read as a table (its header found)."""
        return self.columns is not None

    def copy(self) -> TypedTable:
        """The caller's own: a deep copy of the frame (``attrs`` included); the rows stay the
        remembered entry's, converted once (``rows``)."""
        return TypedTable(
            self.frame.copy(deep=True), self.problems, self.shown_as, self.columns, self._origin
        )

    @property
    def _origin(self) -> TypedTable:
        return self._source if self._source is not None else self

    @property
    def rows(self) -> list[tuple[int, dict[str, Any]]]:
        """(line in the file, row as a dict) for every row of the frame as read, converted once
        per remembered table, whichever copy asks. Shared: never change it or its dicts
        (``LoadedTable.records`` hands out each row copied)."""
        return self._origin._converted_rows

    @cached_property
    def _converted_rows(self) -> list[tuple[int, dict[str, Any]]]:
        return frame_rows(self.frame)


def frame_rows(frame: pd.DataFrame) -> list[tuple[int, dict[str, Any]]]:
    """(line, row) for every row of a typed frame: ``DataFrame.to_dict("records")``, each with
    the line of ``LINE_COLUMN`` as an int."""
    lines = frame[LINE_COLUMN].tolist()
    rows = frame.to_dict("records")
    return [(int(line), row) for line, row in zip(lines, rows, strict=True)]


def spec_fingerprint(spec: TableSpec) -> Hashable:
    """What of ``spec`` reading and typing a table depends on, as a hashable value: the stem,
    the columns (``Column`` is frozen: name, kind, choices, flags, unit) in order, and the
    retired columns with their hints in order (they order and word problems). Not the key,
    the references or ``required_file``: only the checks and a missing file's message read
    them, and leaving them out lets validate's spec and the loader's optional copy
    (``replace(spec, required_file=False)``) share one entry. A field ``typed_frame`` or a
    reader starts to read must be added here."""
    return (spec.stem, spec.columns, tuple(spec.retired_columns.items()))


def table_key(raw: bytes, name: str, shown_as: str, spec: TableSpec) -> Hashable:
    """The memo's key for the table file ``name`` (``drift.csv``) holding ``raw``, shown as
    ``shown_as``, typed against ``spec``: its content's digest, never its mtime or size."""
    digest = hashlib.blake2b(raw, digest_size=32).digest()
    return (digest, len(raw), name, shown_as, spec_fingerprint(spec))


class TableMemo:
    """A bounded, thread-safe LRU of ``TypedTable`` by ``table_key``: at most ``max_entries``
    tables and ``max_bytes`` of the files' content (an entry larger than that alone is not
    kept)."""

    def __init__(self, max_entries: int = MAX_ENTRIES, max_bytes: int = MAX_BYTES) -> None:
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self._entries: OrderedDict[Hashable, tuple[TypedTable, int]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> TypedTable | None:
        """The remembered table (not a copy: ``TypedTable.copy`` it), or None."""
        with self._lock:
            found = self._entries.get(key)
            if found is None:
                return None
            self._entries.move_to_end(key)
            return found[0]

    def put(self, key: Hashable, table: TypedTable, size: int) -> None:
        """Remember ``table`` (read from ``size`` bytes), dropping the least recently used
        tables beyond the bounds."""
        if size > self.max_bytes or self.max_entries < 1:
            return
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self._bytes -= old[1]
            self._entries[key] = (table, size)
            self._bytes += size
            while len(self._entries) > self.max_entries or self._bytes > self.max_bytes:
                _, (_, dropped) = self._entries.popitem(last=False)
                self._bytes -= dropped

    def clear(self) -> None:
        """Forget every table."""
        with self._lock:
            self._entries.clear()
            self._bytes = 0

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def content_bytes(self) -> int:
        """The bytes of file content the remembered tables were read from."""
        return self._bytes
