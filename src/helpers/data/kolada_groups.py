"""Named comparison groups: ``jämförelsegrupper:`` in ``data/rapport.yaml``.

A kommun compares its indicators with Kolada's values for a group it chooses — its own
"liknande kommuner" (a Kolada municipality group id ``G…``), riket (``0000``) or another
municipality — and readers must see *which* group::

    jämförelsegrupper:
      riket: {kolada: "0000", namn: Riket}
      liknande: {kolada: G123456, namn: "Liknande kommuner, kommunövergripande"}

``data/kolada.csv`` names a group by its key in the column ``jämförelse`` (``liknande``); the
values ``workbook kolada`` fetches for it fill the comparison column, with their retrieval date,
and the report labels the comparison with the group's ``namn`` in tables and charts (unless the
indicator has its own ``jämförelse_namn``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from helpers.core import read_log
from helpers.core.errors import DataError, Problem, display_path
from helpers.core.paths import Project
from helpers.data.definition.load import definition_part, with_definition_lines

KEY = "jämförelsegrupper"
_KEY = re.compile(r"^[a-zåäö][a-zåäö0-9_-]{0,39}$")
_KOLADA_ID = re.compile(r"^([0-9]{4}|G[0-9A-Za-z]+)$")


@dataclass(frozen=True)
class ComparisonGroup:
    key: str  # as written in kolada.csv's jämförelse column
    kolada: str  # Kolada's id: a municipality (four digits) or a group (G…)
    name: str  # what readers see


def read_groups(project: Project) -> tuple[dict[str, ComparisonGroup], list[Problem]]:
    """See ``_read_groups``, every problem with its value's line (``with_definition_lines``)."""
    value, problems = _read_groups(project)
    return value, with_definition_lines(project, problems)


def _read_groups(project: Project) -> tuple[dict[str, ComparisonGroup], list[Problem]]:
    """The named comparison groups and every problem with them (none without the key)."""
    value, shown = definition_part(project, KEY)
    if value is None:
        return {}, []
    if not isinstance(value, dict):
        return {}, [Problem(shown, f"'{KEY}' ska vara en tabell: nyckel: {{kolada: …, namn: …}}",
                            column=KEY)]  # fmt: skip
    groups: dict[str, ComparisonGroup] = {}
    problems: list[Problem] = []
    for key, entry in value.items():
        where = f"{KEY}.{key}"
        entry = entry if isinstance(entry, dict) else {}
        kolada, name = str(entry.get("kolada") or "").strip(), str(entry.get("namn") or "").strip()
        if not _KEY.fullmatch(str(key)):
            message, hint = f"'{key}' är inget giltigt namn på en grupp", "t.ex. liknande"
        elif not _KOLADA_ID.fullmatch(kolada):
            message = f"kolada: '{kolada}' är inget Kolada-id"
            hint = 'skriv kommunkoden ("0000" för riket, inom citattecken) eller gruppens id (G…)'
        elif not name:
            message, hint = "namn saknas", "skriv namnet läsaren ska se, t.ex. Liknande kommuner"
        else:
            message = hint = ""
        if message:
            problems.append(Problem(shown, message, column=where, hint=hint))
        else:
            groups[str(key)] = ComparisonGroup(str(key), kolada, name)
    return groups, problems


def mapping_problems(project: Project) -> list[Problem]:
    """Every problem of ``data/kolada.csv`` (``kolada_mapping.load_mapping``: its header as
    every table's, its rows), read with the comparison groups as ``workbook kolada`` reads it;
    none when there is no such file (it is optional). Part of every check (``validate``)."""
    from helpers.data.kolada_mapping import MAPPING_FILE, load_mapping

    path = project.data / MAPPING_FILE
    if not path.is_file():
        return []
    groups, _ = read_groups(project)  # their own problems are reported by read_groups
    try:
        load_mapping(path, display_path(path, project.root), groups)
    except DataError as exc:
        return list(exc.problems)
    return []


def comparison_names(project: Project, unit: str) -> dict[str, str]:
    """For each indicator of ``unit`` whose comparison ``data/kolada.csv`` fetches for a named
    group: the group's name. Empty when there is no mapping or it cannot be read (``workbook
    kolada`` and ``validate`` report a broken one)."""
    from helpers.data.kolada_mapping import MAPPING_FILE, load_mapping

    groups, _ = read_groups(project)
    path = project.data / MAPPING_FILE
    if not groups or not path.is_file():
        if groups:  # creating the mapping must run the sections that show comparisons again
            read_log.record_absent(path)
        return {}
    # The names shown come from the mapping: a section that shows them reads it (an edit to
    # kolada.csv runs the section again, as an edit to its own tables does).
    read_log.record_file(path)
    try:
        rows = load_mapping(path, display_path(path, project.root), groups)
    except DataError:
        return {}
    by_id = {g.kolada: g.name for g in groups.values()}
    return {
        row.item_id: by_id[row.comparison]
        for row in rows
        if row.kind == "indikator" and row.applies_to(unit) and row.comparison in by_id
    }
