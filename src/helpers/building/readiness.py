"""How far each unit's report has come in the season: sign-off, texts to write, problems.

``workbook status --year Y`` prints :func:`unit_progress` for every unit of the year and
period, and for the consolidated report (``kommun``), and the index page shows the same per
unit (``index_page``). *Percent ready* is the share of the
report's sections that are ``godkänd`` (a section counts when someone has approved it; a text
still to be written or a problem in the data keeps its section from being approved in practice,
and both are listed beside it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from helpers.core.errors import Problem
from helpers.core.paths import CONSOLIDATED, Project
from helpers.data.definition import read_definition
from helpers.data.signoff import APPROVED, STATUSES, SignOff, read_signoffs

if TYPE_CHECKING:
    from helpers.data.definition import ReportDefinition


@dataclass
class UnitProgress:
    year: int
    unit: str
    signoffs: dict[str, SignOff] = field(default_factory=dict)  # section id → sign-off
    texts_to_write: list[str] = field(default_factory=list)  # paths under the unit's folder
    problems: list[Problem] = field(default_factory=list)
    # Approved sections that still have texts to write: section id → those texts (a warning:
    # someone approved a section whose text is the scaffold's "Text saknas – skriv här").
    approved_with_texts: dict[str, list[str]] = field(default_factory=dict)

    def by_status(self) -> dict[str, list[str]]:
        """Status → the sections with it, in report order (every status present)."""
        grouped: dict[str, list[str]] = {status: [] for status in STATUSES}
        for section, sign in self.signoffs.items():
            grouped[sign.status].append(section)
        return grouped

    @property
    def percent(self) -> int:
        """Approved sections as a whole percent of all sections (0 for a report without any)."""
        if not self.signoffs:
            return 0
        approved = sum(1 for s in self.signoffs.values() if s.status == APPROVED)
        return round(100 * approved / len(self.signoffs))


def texts_to_write(
    project: Project, year: int, unit: str, definition: ReportDefinition
) -> list[str]:
    """The unit's texts still to write (paths relative to its folder): of the texts its report
    uses, those holding the scaffold instruction and those that do not exist yet
    (``placeholders.texts_to_write`` with the definition's ``uses_text``)."""
    from helpers.core.placeholders import texts_to_write as unwritten

    folder = project.unit_data(year, unit)
    return unwritten(folder, definition.uses_text, definition.text_files)


def approved_with_texts(
    project: Project, year: int, unit: str, progress: UnitProgress, owned: dict[str, list[str]]
) -> dict[str, list[str]]:
    """The approved sections of ``progress`` that still have texts to write, with those texts.

    A text belongs to a section when the report definition names it for the section
    (``owned``: paths under the unit's folder) or the section read it when it last ran (its
    read set, ``read_log``). A text no section can be said to own counts against every
    approved section only when all sections are approved (the report says it is done)."""
    from helpers.core import read_log

    if not progress.texts_to_write:
        return {}
    folder = project.unit_data(year, unit)
    prefix = folder.relative_to(project.root).as_posix() + "/"
    owners: dict[str, set[str]] = {}
    for section, files in owned.items():
        reads = read_log.load(project.executed_dir(year, unit) / f"{section}.reads.json") or {}
        read = {name.removeprefix(prefix) for name in reads if name.startswith(prefix)}
        for text in progress.texts_to_write:
            if text in files or text in read:
                owners.setdefault(text, set()).add(section)
    approved = [s for s, sign in progress.signoffs.items() if sign.status == APPROVED]
    everything = bool(approved) and len(approved) == len(progress.signoffs)
    found: dict[str, list[str]] = {}
    for section in approved:
        texts = [
            t
            for t in progress.texts_to_write
            if section in owners.get(t, ()) or (everything and t not in owners)
        ]
        if texts:
            found[section] = texts
    return found


def unit_progress(project: Project, year: int, unit: str, *, validate: bool = True) -> UnitProgress:
    """The unit-year's progress in the project's period (``kommun``: the consolidated
    report's); ``validate``: also every problem ``workbook validate`` finds."""
    if unit == CONSOLIDATED:
        return consolidated_progress(project, year, validate=validate)
    progress = UnitProgress(year, unit)
    definition, problems = read_definition(project, year, unit)
    if definition is None:
        progress.problems = problems
        return progress
    sections = [s.id for s in definition.sections]
    progress.signoffs, signoff_problems = read_signoffs(project, year, unit, sections)
    progress.texts_to_write = texts_to_write(project, year, unit, definition)
    owned = {
        s.id: [f"text/{ref.file}" for ref in (s.text, s.after) if ref] for s in definition.sections
    }
    progress.approved_with_texts = approved_with_texts(project, year, unit, progress, owned)
    if validate:
        from helpers.building.validate import validate_unit

        progress.problems = validate_unit(project, year, unit)
    else:
        progress.problems = problems + signoff_problems
    return progress


def consolidated_progress(project: Project, year: int, *, validate: bool = True) -> UnitProgress:
    """The consolidated report's progress: its sections' sign-off (``kommun/klarmarkering.csv``),
    the kommun's texts still holding the scaffold instruction, and (``validate``) every problem
    of its data."""
    from helpers.data.kommun_definition import read_consolidated

    progress = UnitProgress(year, CONSOLIDATED)
    definition, problems = read_consolidated(project)
    if definition is None:
        progress.problems = problems
        return progress
    sections = [s.id for s in definition.sections]
    progress.signoffs, signoff_problems = read_signoffs(project, year, CONSOLIDATED, sections)
    from helpers.core.placeholders import texts_to_write as unwritten

    progress.texts_to_write = unwritten(project.unit_data(year, CONSOLIDATED))
    progress.approved_with_texts = approved_with_texts(
        project, year, CONSOLIDATED, progress, {s: [] for s in sections}
    )
    if validate:
        from helpers.checks.kommun_checks import validate_consolidated

        progress.problems = validate_consolidated(project, year)
    else:
        progress.problems = problems + signoff_problems
    return progress
