"""Rules between the report definition and a unit-year's data.

The definition says which sections a report has; the data must fit them, and nothing in the
data may vanish silently: a goal on a level no section shows, a key figure in a group no section
shows, a text still pointing at a goal, priority or control that no longer exists (typical after
a new mandate period replaced the goals). Sections a unit left out make no demand at all: their
tables and texts are neither required nor checked. Each function returns problems, never raises.
"""

from __future__ import annotations

import re
from pathlib import Path

from helpers.checks.table_checks import LoadedTable, is_present
from helpers.core.errors import DataError, Problem, display_path
from helpers.core.paths import input_files, read_input
from helpers.data.definition import ReportDefinition, SectionSpec
from helpers.data.readers import decode_text
from helpers.parts.narrative import split_heading

# Per-item texts: (table, id column, folder under text/, file name pattern with {id}).
GOAL_TEXTS = ("arbete", "motivering", "bedomning")
_GOAL_TEXT = re.compile(r"^(?P<id>.+)-(?P<part>arbete|motivering|bedomning)\.md$")
ITEM_FOLDERS = (
    ("malomraden", "område_id", "malomraden"),
    ("prioriteringar", "prioritering_id", "prioriteringar"),
    ("internkontroll", "kontroll_id", "internkontroll"),
)


def required_texts(definition: ReportDefinition, tables: dict[str, LoadedTable]) -> list[str]:
    """The narrative files (relative to text/) this report needs, in report order."""
    paths = [ref.file for section in definition.sections for ref in section.texts]
    goals = tables.get("mal")
    if goals is not None:
        paths += [f"mal/{v}-arbete.md" for v in goals.frame["mal_id"] if is_present(v)]
    areas = tables.get("malomraden")
    if areas is not None:
        paths += [f"malomraden/{v}.md" for v in areas.frame["område_id"] if is_present(v)]
    return list(dict.fromkeys(paths))


def heading_problems(definition: ReportDefinition, text_folder: Path, root: Path) -> list[Problem]:
    """A section without ``rubrik:`` takes its heading from its text's ``#`` line."""
    problems = []
    for section in definition.sections:
        if section.heading is not None or section.text is None:
            continue
        path = text_folder / section.text.file
        if not path.is_file():
            continue  # reported as a missing text
        shown = display_path(path, root)
        try:
            text = decode_text(read_input(path, root), shown, table=False)
        except DataError:  # unreadable: reported by the narrative check
            continue
        if text.strip() and split_heading(text)[0] is None:  # empty: reported as empty
            problems.append(
                Problem(
                    shown,
                    f"avsnittet '{section.id}' får sin rubrik härifrån, men texten börjar inte "
                    "med en rubrik",
                    row=1,
                    hint="skriv '# Rubrik' på första raden, eller ge avsnittet rubrik: i "
                    + section.source[0],
                )
            )
    return problems


def goal_problems(definition: ReportDefinition, tables: dict[str, LoadedTable]) -> list[Problem]:
    """Every goal is shown by a section of its level; a goal area needs malomraden.csv."""
    goals = tables.get("mal")
    if goals is None:
        return []
    shown_levels = set(definition.shown_levels)
    problems = []
    for line, row in goals.records():
        level = row["nivå"]
        if is_present(level) and level not in shown_levels:
            problems.append(
                Problem(
                    goals.shown_as,
                    f"målet '{row['mal_id']}' har nivån '{level}', men rapporten har inget avsnitt "
                    "som visar den nivån",
                    row=line,
                    column="nivå",
                    hint=f"lägg till ett avsnitt med typ: mal och nivå: {level}, eller ta bort "
                    "målet (visas nivåer: " + (", ".join(sorted(shown_levels)) or "inga") + ")",
                )
            )
        if is_present(row.get("område")) and "malomraden" not in tables:
            problems.append(
                Problem(
                    goals.shown_as,
                    f"målet hör till området '{row['område']}', men malomraden.csv saknas",
                    row=line,
                    column="område",
                    hint="skapa malomraden.csv (område_id, rubrik) eller töm kolumnen",
                )
            )
    return problems


def key_figure_group_problems(
    definition: ReportDefinition, tables: dict[str, LoadedTable]
) -> list[Problem]:
    """With sections per group, every key figure belongs to a shown group and every group a
    section names has key figures."""
    figures = tables.get("nyckeltal")
    sections = definition.of_kind("nyckeltal")
    if figures is None or not sections or all(s.group is None for s in sections):
        return []
    problems = []
    if any(s.group is None for s in sections):
        return []  # one section shows them all
    shown = {s.group for s in sections}
    present = set()
    for line, row in figures.records():
        group = row.get("grupp") if is_present(row.get("grupp")) else ""
        present.add(group)
        if group not in shown:
            problems.append(
                Problem(
                    figures.shown_as,
                    f"nyckeltalet '{row['nyckeltal_id']}' "
                    + (f"i gruppen '{group}'" if group else "utan grupp")
                    + " visas inte i något avsnitt",
                    row=line,
                    column="grupp",
                    hint="skriv en av grupperna " + ", ".join(sorted(g for g in shown if g)),
                )
            )
    for section in sections:
        if section.group not in present:
            problems.append(
                _section_problem(
                    section,
                    f"inget nyckeltal har gruppen '{section.group}'",
                    "skriv gruppen i kolumnen grupp i nyckeltal.csv",
                )
            )
    return problems


def _section_problem(section: SectionSpec, message: str, hint: str) -> Problem:
    file, line = section.source
    return Problem(file, f"avsnittet '{section.id}': {message}", row=line or None, hint=hint)


def orphan_text_problems(
    tables: dict[str, LoadedTable], text_folder: Path, root: Path
) -> list[Problem]:
    """Texts of goals, goal areas, priorities and controls whose id is not in the table (any
    more): reported, never carried silently."""
    problems: list[Problem] = []
    goals = tables.get("mal")
    if goals is not None and (text_folder / "mal").is_dir():
        ids = {v for v in goals.frame["mal_id"] if is_present(v)}
        for path in input_files(text_folder / "mal", root, ".md", problems):
            match = _GOAL_TEXT.fullmatch(path.name)
            if match is None:
                problems.append(
                    _unknown_file(
                        path, root, "<mal_id>-arbete.md, -motivering.md eller -bedomning.md"
                    )
                )
            elif match["id"] not in ids:
                problems.append(_orphan(path, root, f"målet '{match['id']}'", goals.shown_as))
    for stem, column, folder in ITEM_FOLDERS:
        table = tables.get(stem)
        if table is None or not (text_folder / folder).is_dir():
            continue
        ids = {v for v in table.frame[column] if is_present(v)}
        for path in input_files(text_folder / folder, root, ".md", problems):
            if path.stem not in ids:
                problems.append(_orphan(path, root, f"'{path.stem}'", table.shown_as))
    return problems


def _orphan(path: Path, root: Path, what: str, table: str) -> Problem:
    return Problem(
        display_path(path, root),
        f"texten hör till {what}, som inte finns i {table}",
        hint="ta bort eller flytta texten om målet/raden har utgått, annars rätta filnamnet "
        "eller lägg tillbaka raden",
    )


def _unknown_file(path: Path, root: Path, expected: str) -> Problem:
    return Problem(
        display_path(path, root),
        "filnamnet säger inte vilket mål texten hör till",
        hint=f"döp om filen till {expected}",
    )


def data_problems(
    definition: ReportDefinition, tables: dict[str, LoadedTable], folder: Path, root: Path
) -> list[Problem]:
    """Every rule of this module for one unit-year."""
    text_folder = folder / "text"
    return (
        heading_problems(definition, text_folder, root)
        + goal_problems(definition, tables)
        + key_figure_group_problems(definition, tables)
        + orphan_text_problems(tables, text_folder, root)
    )
