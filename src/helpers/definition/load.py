"""Loading a report definition: ``data/rapport.yaml`` merged with a unit's ``rapport:`` key.

:func:`read_definition` returns the merged :class:`ReportDefinition` or every problem found (file,
line, key path); :func:`load_definition` raises them as one ``DataError``. Both read only small
YAML files (no pandas), so a build can plan and refuse before any kernel starts.

The key ``drift:`` (in rapport.yaml and at the top of a params file) belongs to the operating
statement: it is merged (params over rapport.yaml, mapping by mapping) and passed on as
``ReportDefinition.drift``, never read here.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import yaml

from helpers.definition.located import Located, plain_value, read_located
from helpers.definition.model import ReportDefinition
from helpers.definition.reader import Reader, read_labels
from helpers.definition.sections import (
    apply_overrides,
    check_sections,
    finish_section,
    read_drafts,
    required_labels,
)
from helpers.definition.vocabulary import (
    read_assessments,
    read_levels,
    read_municipality,
    read_statuses,
)
from helpers.errors import DataError, Problem, display_path
from helpers.paths import Project, read_input

DEFINITION_FILE = "rapport.yaml"
OVERRIDE_KEY = "rapport"
DRIFT_KEY = "drift"
TOP_KEYS = (
    "kommun",
    "jämförelse",
    "nivåer",
    "bedömningar",
    "statusar",
    "avsnitt",
    "etiketter",
    DRIFT_KEY,
)
OVERRIDE_KEYS = ("avsnitt", "utan", "ändra", "etiketter")


def definition_path(project: Project) -> Path:
    return project.data / DEFINITION_FILE


def read_file(path: Path, shown: str, root: Path) -> Located | None:
    """A YAML file inside the project ``root`` as located values; a missing file, or one the
    data-root rule refuses (``paths.read_input``), is a DataError."""
    if not os.path.lexists(path):
        raise DataError(
            [
                Problem(
                    shown,
                    "filen saknas",
                    hint="rapportdefinitionen beskriver kommunens rapport; kopiera exemplet i "
                    "docs/data-format.md (Rapportdefinitionen) och anpassa det",
                )
            ]
        )
    return read_located(read_input(path, root), shown)


def load_definition(project: Project, year: int, unit: str) -> ReportDefinition:
    """The merged definition of one unit-year's report; DataError listing every problem."""
    definition, problems = read_definition(project, year, unit)
    if problems or definition is None:
        raise DataError(problems)
    return definition


def read_definition(
    project: Project, year: int | None = None, unit: str | None = None
) -> tuple[ReportDefinition | None, list[Problem]]:
    """The definition (with the unit's overrides when ``unit`` is given) and its problems."""
    path = definition_path(project)
    reader = Reader(display_path(path, project.root))
    try:
        root = read_file(path, reader.shown_as, project.root)
    except DataError as exc:
        return None, exc.problems
    if root is None or not isinstance(root.value, dict):
        where = root or Located(None, 1, ())
        reader.problem(where, "filen ska innehålla nycklar som 'kommun:' och 'avsnitt:'")
        return None, reader.problems
    top = root.value
    reader.known_keys(top, TOP_KEYS, "rapportdefinitionen")
    municipality = read_municipality(reader, top.get("kommun"), root)
    comparison = reader.text(top.get("jämförelse"), "jämförelse", required=root) or ""
    levels = read_levels(reader, top.get("nivåer"), root)
    assessments = read_assessments(reader, top.get("bedömningar"), root)
    statuses = read_statuses(reader, top.get("statusar"), root)
    drafts = read_drafts(reader, top.get("avsnitt"), root)
    labels = {k: v for k, (v, _) in read_labels(reader, top.get("etiketter")).items()}
    if top.get("etiketter") is None:
        reader.text(None, "etiketter", required=root)
    drift = plain_value(top.get(DRIFT_KEY))

    unit_reader: Reader | None = None
    override: dict[str, Located] = {}
    if unit is not None and year is not None:
        unit_reader, override, unit_drift = _read_override(project, year, unit)
        if override:
            drafts = apply_overrides(drafts, unit_reader, override)
            unit_labels = read_labels(unit_reader, override.get("etiketter"))
            labels.update({k: v for k, (v, _) in unit_labels.items()})
        drift = _merged(drift, unit_drift)

    sections = [(s, d) for d in drafts if (s := finish_section(d, levels, unit_reader)) is not None]
    section_reader = unit_reader if unit_reader is not None and "avsnitt" in override else reader
    check_sections(section_reader, sections, top.get("avsnitt"))
    specs = [s for s, _ in sections]
    required_labels(reader, top.get("etiketter"), labels, specs)
    problems = reader.problems + (unit_reader.problems if unit_reader else [])
    if problems:
        return None, problems
    return ReportDefinition(
        municipality, comparison, levels, assessments, statuses, specs, labels, drift
    ), []


def _read_override(
    project: Project, year: int, unit: str
) -> tuple[Reader, dict[str, Located], Any]:
    """The ``rapport:`` and ``drift:`` keys of the unit's params file.

    A file that is no YAML at all is the params check's to report; one that is YAML but uses
    what a definition refuses (an alias, a repeated key) is reported here, never ignored.
    """
    path = project.params_file(year, unit)
    reader = Reader(display_path(path, project.root))
    if not os.path.lexists(path):
        return reader, {}, None  # reported by the params check
    try:
        raw = read_input(path, project.root)
    except DataError:
        return reader, {}, None  # reported by the params check
    try:
        root = read_located(raw, reader.shown_as)
    except DataError as exc:
        try:
            yaml.safe_load(raw)
        except (yaml.YAMLError, ValueError, UnicodeDecodeError):
            return reader, {}, None  # not YAML: reported by the params check
        reader.problems += exc.problems
        return reader, {}, None
    top = root.value if root is not None and isinstance(root.value, dict) else {}
    override = reader.mapping(top.get(OVERRIDE_KEY), OVERRIDE_KEY)
    reader.known_keys(override, OVERRIDE_KEYS, OVERRIDE_KEY)
    return reader, override, plain_value(top.get(DRIFT_KEY))


def _merged(base: Any, override: Any) -> Any:
    """``override`` laid over ``base``: mappings merged key by key, anything else replaced."""
    if override is None:
        return base
    if isinstance(base, dict) and isinstance(override, dict):
        merged = dict(base)
        for key, value in override.items():
            merged[key] = _merged(base.get(key), value)
        return merged
    return override
