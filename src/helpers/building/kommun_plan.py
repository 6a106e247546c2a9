"""Planning the consolidated report like a unit's: a ``UnitPlan`` with unit ``kommun``.

Each section's fingerprint covers its notebook, its parameters, the kommun's own data folder,
the shared data, the code and the lock — and, from every unit of the year and period, only the
files its kind reads (``CONSOLIDATED_KINDS[...].reads``). So a changed ``text/handelser.md`` of
one unit re-runs that unit's sections and no consolidated one, while a changed goal text re-runs
the consolidated goals section and nothing else of the consolidated report.
"""

from __future__ import annotations

import json
from pathlib import Path

from helpers.building.build_plan import (
    SectionPlan,
    UnitPlan,
    report_reason,
    rerun_reason,
    section_parameters,
)
from helpers.core.errors import BuildError, DataError
from helpers.core.paths import CONSOLIDATED, Project
from helpers.data.fingerprint import (
    FORMAT,
    Fingerprinter,
    files_digest,
    read_stored,
    section_inputs,
    text_digest,
    with_total,
)
from helpers.data.kommun_definition import (
    CONSOLIDATED_KINDS,
    PARAMS,
    ConsolidatedKind,
    read_consolidated,
)
from helpers.data.params import available_units


def kind_notebook(project: Project, kind: ConsolidatedKind) -> Path:
    notebook = project.notebooks / kind.notebook
    if not notebook.is_file():
        raise BuildError(
            f"Notebooken för den sammanställda rapportens avsnittstyp '{kind.name}' saknas: "
            f"{notebook} finns inte. Kör i projektmappen eller sätt WORKBOOK_ROOT."
        )
    return notebook


def units_read(project: Project, year: int, kind: ConsolidatedKind) -> str:
    """One hash over the files of every unit of the year and period that ``kind`` reads."""
    files = []
    for unit in available_units(year, project):
        if PARAMS in kind.reads:
            files.append(project.params_file(year, unit))
        folder = project.unit_data(year, unit)
        for pattern in kind.reads:
            if pattern != PARAMS:
                files += [p for p in folder.glob(pattern) if p.is_file()]
    # The set of units is an input too: a unit added or removed changes every section.
    listing = text_digest(json.dumps(available_units(year, project)))
    return text_digest(listing + files_digest(files, project.root))


def section_fingerprint(
    project: Project, fingerprinter: Fingerprinter, year: int, kind: ConsolidatedKind,
    parameters: dict[str, object],
) -> dict[str, str]:  # fmt: skip
    notebook = kind_notebook(project, kind)
    kommun_folder = project.unit_data(year, CONSOLIDATED)
    parts = {
        "format": str(FORMAT),
        "notebook": files_digest([notebook], notebook.parent),
        "parameters": text_digest(json.dumps(parameters, sort_keys=True)),
        "data": files_digest(section_inputs(kommun_folder, project.root), project.root),
        "units": units_read(project, year, kind),
        "shared": fingerprinter.shared,
        "code": fingerprinter.code,
        "lock": fingerprinter.lock,
    }
    return with_total(parts)


def plan_consolidated(
    project: Project, years: list[int], force: bool = False, pdf: bool = False
) -> list[UnitPlan]:
    """The consolidated report of each year in the project's period (none when rapport.yaml
    has no ``sammanställning:`` or the year has no units). DataError when the definition is
    wrong. ``pdf`` (``--pdf``): the report links to the PDF printed after the build."""
    definition, problems = read_consolidated(project)
    if problems:
        raise DataError(problems)
    if definition is None:
        return []
    fingerprinter = Fingerprinter(project)
    plans = []
    for year in years:
        if not available_units(year, project):
            continue
        sections = []
        for spec in definition.sections:
            kind = CONSOLIDATED_KINDS[spec.kind]
            output = project.executed_dir(year, CONSOLIDATED) / f"{spec.id}.ipynb"
            parameters = section_parameters(year, CONSOLIDATED, spec.id, project.period)
            current = section_fingerprint(project, fingerprinter, year, kind, parameters)
            stored = read_stored(output.with_name(f"{spec.id}.fingerprint.json"))
            reason = rerun_reason(force, output, stored, current)
            notebook = kind_notebook(project, kind)
            sections.append(
                SectionPlan(spec.id, spec.kind, notebook, output, parameters, current, reason)
            )
        has_pdf = pdf or project.report_file(year, CONSOLIDATED).with_suffix(".pdf").is_file()
        plan = UnitPlan(year, CONSOLIDATED, sections, sections, None, project.period, has_pdf)
        plan.report_reason = report_reason(project, fingerprinter, plan, force)
        plans.append(plan)
    return plans
