"""Loading a report definition: ``data/rapport.yaml`` merged with a unit's ``rapport:`` key.

:func:`read_definition` returns the merged :class:`ReportDefinition` or every problem found (file,
line, key path); :func:`load_definition` raises them as one ``DataError``. Both read only small
YAML files (no pandas), so a build can plan and refuse before any kernel starts.

The key ``drift:`` (in rapport.yaml and at the top of a params file) belongs to the operating
statement: it is merged here (params over rapport.yaml, mapping by mapping), each key's file and
line kept, and interpreted by ``budget_settings.parse_drift_settings`` with the definition's
``etiketter: drift:``; the result is ``ReportDefinition.drift``. This is the one reader of both
files' ``drift:`` keys.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from helpers.core.errors import DataError, Problem, display_path
from helpers.core.paths import Project, read_input
from helpers.core.yaml_text import load_yaml, with_lines
from helpers.data.budget_settings import Origin, parse_drift_settings
from helpers.data.definition.located import Located, plain_value, read_located
from helpers.data.definition.model import ReportDefinition
from helpers.data.definition.reader import Reader, read_labels
from helpers.data.definition.sections import (
    apply_overrides,
    check_sections,
    finish_section,
    read_drafts,
    required_labels,
)
from helpers.data.definition.vocabulary import (
    level_ids,
    read_assessments,
    read_levels,
    read_municipality,
    read_statuses,
)
from helpers.data.params import PARAMS_KEYS, read_params_file
from helpers.data.readers import decode_text

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
    "perioder",  # read by helpers.data.periods (names, drift per period)
    "sammanställning",  # read by helpers.consolidated (the kommun's consolidated report)
    "jämförelsegrupper",  # read by helpers.data.kolada_groups (named Kolada comparison groups)
)
OVERRIDE_KEYS = ("avsnitt", "utan", "ändra", "etiketter")


def definition_path(project: Project) -> Path:
    return project.data / DEFINITION_FILE


def _definition_document(project: Project) -> tuple[Any, str, bool]:
    """``data/rapport.yaml`` read as YAML (every scalar as text), the file's name as shown in
    messages, and whether it could be read: a missing or unreadable file gives ``(None, shown,
    False)`` — the definition's own check (:func:`read_definition`) reports it, once."""
    path = definition_path(project)
    shown = display_path(path, project.root)
    if not os.path.lexists(path):
        return None, shown, False
    try:
        # Every scalar as text (yaml_text), as those modules read them: "0000" stays a code.
        value = load_yaml(decode_text(read_input(path, project.root), shown, table=False), shown)
    except DataError:
        return None, shown, False
    return value, shown, True


def definition_part(project: Project, key: str) -> tuple[Any, str]:
    """One top-level key of ``data/rapport.yaml`` (every scalar as text; None when absent)
    and the file's name as shown in messages. A missing or unreadable file gives None: the
    definition's own check (:func:`read_definition`) reports it, once. For the keys other
    modules own (``perioder``, ``sammanställning``, ``jämförelsegrupper``): one YAML reader."""
    value, shown, _ = _definition_document(project)
    return (value.get(key) if isinstance(value, dict) else None), shown


def definition_loads(project: Project) -> bool:
    """``data/rapport.yaml`` exists and reads as YAML. When it does not, the definition's own
    check says why, once; checks of its parts (periods, …) say nothing more, or they would
    report as missing what the file may well define."""
    return _definition_document(project)[2]


def with_definition_lines(project: Project, problems: list[Problem]) -> list[Problem]:
    """``problems`` about values of ``data/rapport.yaml`` read through :func:`definition_part`
    (which names a key, ``perioder.delar.namn``, but has no lines) with the line of each value
    (``yaml_text.with_lines``), so they name file, line and key as the definition's own do."""
    if not any(p.row is None and p.column for p in problems):
        return problems
    path = definition_path(project)
    shown = display_path(path, project.root)
    try:
        text = decode_text(read_input(path, project.root), shown, table=False)
    except (DataError, OSError):
        return problems
    return with_lines(problems, text, shown)


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
    drift, origins = _drift_layer(None, {}, top.get(DRIFT_KEY), reader.shown_as)
    if not project.is_year_end:  # the period's drift: lies between the kommun's and the unit's
        period_drift = _period_drift(top.get("perioder"), project.period)
        drift, origins = _drift_layer(drift, origins, period_drift, reader.shown_as)

    unit_reader: Reader | None = None
    override: dict[str, Located] = {}
    if unit is not None and year is not None:
        unit_reader, override, unit_drift = _read_override(project, year, unit)
        if override:
            drafts = apply_overrides(drafts, unit_reader, override)
            unit_labels = read_labels(unit_reader, override.get("etiketter"))
            labels.update({k: v for k, (v, _) in unit_labels.items()})
        drift, origins = _drift_layer(drift, origins, unit_drift, unit_reader.shown_as)

    named_levels = level_ids(top.get("nivåer"))
    sections = [
        (s, d) for d in drafts if (s := finish_section(d, named_levels, unit_reader)) is not None
    ]
    own_list = unit_reader is not None and "avsnitt" in override
    section_reader = unit_reader if own_list and unit_reader is not None else reader
    listed = override.get("avsnitt") if own_list else top.get("avsnitt")
    # "No sections" only when none is written: a section left out for its own fault is one
    # problem, already said.
    check_sections(section_reader, sections, listed if not drafts else None)
    specs = [s for s, _ in sections]
    required_labels(reader, top.get("etiketter"), labels, specs)
    own = [s.labels for s in specs if s.kind == "drift"]  # a drift section's own etiketter
    drift_labels = {
        key.removeprefix("drift."): value
        for key, value in {**labels, **(own[0] if own else {})}.items()
        if key.startswith("drift.") and isinstance(value, str)
    }
    settings, drift_problems = parse_drift_settings(drift, origins, drift_labels)
    problems = reader.problems + (unit_reader.problems if unit_reader else []) + drift_problems
    if problems:
        return None, problems
    return ReportDefinition(
        municipality, comparison, levels, assessments, statuses, specs, labels, settings
    ), []


def _read_override(
    project: Project, year: int, unit: str
) -> tuple[Reader, dict[str, Located], Located | None]:
    """The ``rapport:`` and ``drift:`` keys of the unit's params file (and a problem for each
    top-level key that is not one of ``PARAMS_KEYS``, with its line).

    A file the params check refuses (missing, not YAML, an alias, too deep …) is that check's to
    report, once; what a definition refuses beyond it (a repeated key) is reported here.
    """
    path = project.params_file(year, unit)
    reader = Reader(display_path(path, project.root))
    try:
        read_params_file(path, reader.shown_as, project.root)
        root = read_located(read_input(path, project.root), reader.shown_as)
    except (DataError, OSError):
        return reader, {}, None  # reported by the params check
    top = root.value if root is not None and isinstance(root.value, dict) else {}
    reader.known_keys(top, PARAMS_KEYS, "parameterfilen")
    override = reader.mapping(top.get(OVERRIDE_KEY), OVERRIDE_KEY)
    reader.known_keys(override, OVERRIDE_KEYS, OVERRIDE_KEY)
    return reader, override, top.get(DRIFT_KEY)


def _drift_layer(
    base: Any, origins: dict[str, Origin], where: Located | None, shown_as: str
) -> tuple[Any, dict[str, Origin]]:
    """``drift:`` of one file laid over ``base``, and where each key (``belopp``,
    ``rubriker.summa``; ``""`` for the mapping) was written. An empty ``drift:`` changes
    nothing."""
    if where is None:
        return base, origins
    origins = {**origins, "": Origin(shown_as, where.line)}
    if isinstance(where.value, dict):
        for key, value in where.value.items():
            origins[key] = Origin(shown_as, value.line)
            if isinstance(value.value, dict):
                for sub_key, sub_value in value.value.items():
                    origins[f"{key}.{sub_key}"] = Origin(shown_as, sub_value.line)
    return _merged(base, plain_value(where)), origins


def _period_drift(periods: Located | None, period: str) -> Located | None:
    """The ``drift:`` of a period under ``perioder:`` (None when it has none)."""
    entry = periods.value.get(period) if periods is not None and isinstance(
        periods.value, dict) else None  # fmt: skip
    if entry is None or not isinstance(entry.value, dict):
        return None
    return entry.value.get(DRIFT_KEY)


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
