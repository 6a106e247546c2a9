"""CSV files kept as raw records, so that a rewrite changes only the cells it must.

``workbook kolada`` writes into files that analysts keep in Excel: delimiter, column and row
order, line endings, quoting, BOM and the bytes of every untouched record survive a rewrite,
and the new file is written aside and moved into place.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from helpers.core.errors import DataError, Problem
from helpers.data.csv_reader import sep_line, sniff_delimiter
from helpers.data.table_layout import header_name, locate_header, title_like


@dataclass
class CsvDocument:
    """A CSV file kept as its raw records, so that untouched bytes can be written back as-is."""

    path: Path
    raw: bytes
    bom: bool
    delimiter: str
    records: list[str]  # each with its own line ending; quoted newlines stay inside a record
    header_index: int
    columns: list[str]

    def data_rows(self) -> list[tuple[int, dict[str, str]]]:
        """(record index, cells by column name) for each non-blank record after the header."""
        rows: list[tuple[int, dict[str, str]]] = []
        for index in range(self.header_index + 1, len(self.records)):
            body = record_body(self.records[index])
            if not body.strip():
                continue
            cells = parse_fields(body, self.delimiter)
            cells += [""] * (len(self.columns) - len(cells))
            rows.append((index, {name: cells[i] for i, name in enumerate(self.columns)}))
        return rows

    def encode(self) -> bytes:
        text = "".join(self.records)
        return ("\ufeff" if self.bom else "").encode("utf-8") + text.encode("utf-8")


def read_document(path: Path, shown_as: str, expected: Sequence[str] = ()) -> CsvDocument:
    """Read a CSV file as raw records; DataError when it is not UTF-8 or has no header.

    The separator and the header row are found as ``read_table`` finds them (a ``sep=`` line,
    title rows above the header; ``expected`` names the table's columns).
    """
    raw = path.read_bytes()
    bom = raw.startswith(b"\xef\xbb\xbf")
    try:
        text = raw[3:].decode("utf-8") if bom else raw.decode("utf-8")
    except UnicodeDecodeError:
        raise DataError(
            [
                Problem(
                    shown_as,
                    "filen är inte sparad som UTF-8",
                    hint="spara om filen som 'CSV UTF-8 (kommaavgränsad)' i Excel",
                )
            ]
        ) from None
    records = _split_records(text)
    bodies = [record_body(r) for r in records]
    separator = sep_line(bodies[0]) if bodies else None
    skip = 1 if separator is not None else 0
    delimiter = (separator.delimiter if separator else None) or sniff_delimiter(
        bodies[skip : skip + 40], expected
    )
    fields = [(i, parse_fields(body, delimiter)) for i, body in enumerate(bodies)][skip:]
    found = locate_header(fields, expected, title_like)
    if found is None:
        raise DataError([Problem(shown_as, "filen är tom", hint="lägg till rubrikraden")])
    header_index, cells = fields[found]
    columns = [header_name(c, expected) for c in cells]
    return CsvDocument(path, raw, bom, delimiter, records, header_index, columns)


def _split_records(text: str) -> list[str]:
    pieces = text.split("\n")
    lines = [piece + "\n" for piece in pieces[:-1]]
    if pieces[-1]:
        lines.append(pieces[-1])
    records: list[str] = []
    pending = ""
    for line in lines:
        pending += line
        if pending.count('"') % 2 == 0:  # a record ends where no quoted field is open
            records.append(pending)
            pending = ""
    if pending:
        records.append(pending)
    return records


def record_body(record: str) -> str:
    return record.rstrip("\r\n")


def record_ending(record: str) -> str:
    return record[len(record_body(record)) :]


def parse_fields(body: str, delimiter: str) -> list[str]:
    return next(csv.reader(io.StringIO(body, newline=""), delimiter=delimiter), [])


def raw_fields(body: str, delimiter: str) -> list[str]:
    """The fields of a record exactly as written (quotes included)."""
    fields: list[str] = []
    current: list[str] = []
    quoted = False
    for char in body:
        if char == '"':
            quoted = not quoted
        if char == delimiter and not quoted:
            fields.append("".join(current))
            current = []
        else:
            current.append(char)
    fields.append("".join(current))
    return fields


def encode_field(text: str, delimiter: str) -> str:
    if any(c in text for c in (delimiter, '"', "\n", "\r")):
        return '"' + text.replace('"', '""') + '"'
    return text


def record_lines(records: Sequence[str]) -> list[int]:
    lines: list[int] = []
    line = 1
    for record in records:
        lines.append(line)
        line += record.count("\n")
    return lines


def write_atomically(path: Path, content: bytes) -> None:
    aside = path.with_name(f".{path.name}.kolada-tmp")
    try:
        aside.write_bytes(content)
        shutil.copymode(path, aside)
        os.replace(aside, path)
    finally:
        if aside.exists():
            aside.unlink()
