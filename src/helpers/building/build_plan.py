"""Planning a build: what must run and why, from content fingerprints (no kernel, no pandas).

The sections of a unit's report, in order, are those of its report definition
(``data/rapport.yaml`` with the unit's ``rapport:`` changes); each runs the notebook of its kind
(``helpers.core.kinds``) with the parameters ``year``, ``unit`` and ``section``. For every unit-year
and section, the content fingerprint of its inputs is compared with the one stored beside its
executed notebook (``build/<år>[/<period>]/<enhet>/<avsnitt>.fingerprint.json``). Once a section
has run, its fingerprint covers exactly the files it read (its read set, ``read_log``, stored as
``<avsnitt>.reads.json``; any period's folders, since the kernel records every input under the
project root); before that, all the unit's data. Unchanged sections are cached. The report has
one too (``_report.fingerprint.json``: its sections' fingerprints, the export code and the
sign-off file), so an unchanged report is not exported again.
"""

from __future__ import annotations

import difflib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from helpers.core import read_log
from helpers.core.errors import BuildError, DataError, Problem, display_path
from helpers.core.paths import YEAR_END, Project, check_section, check_unit
from helpers.data.definition import ReportDefinition, SectionSpec, read_definition
from helpers.data.fingerprint import (
    PART_NAMES,
    Fingerprinter,
    changed_parts,
    read_stored,
    text_digest,
)
from helpers.data.params import available_units, check_report_params, missing_unit_message

# Starts with "_", which no section id can: never the name of a section's fingerprint.
REPORT_FINGERPRINT = "_report.fingerprint.json"


def kind_notebook(project: Project, section: SectionSpec) -> Path:
    """The notebook of a section (its kind's, or a custom section's own under
    ``notebooks/egna/``); BuildError when it is not there (e.g. the package was installed without
    the project's notebooks), so a build never makes a report without it."""
    notebook = project.notebooks / section.notebook_path
    if not notebook.is_file():
        if section.notebook is not None:
            raise BuildError(
                f"Notebooken för avsnittet '{section.id}' saknas: {notebook} finns inte. Skapa "
                "den i notebooks/egna/ (se docs/analytiker.md, 4b. Egna avsnitt) eller rätta "
                "notebook: i "
                f"{section.source[0]} (rad {section.source[1]})."
            )
        if not notebook.parent.is_dir():
            raise BuildError(
                f"Notebooken för avsnittstypen '{section.kind}' saknas: {notebook} finns inte. "
                "Workbook hittar inte projektets notebooks/ — kör i projektmappen, sätt "
                "WORKBOOK_ROOT till den, eller installera workbook med `pip install -e .` i "
                "projektmappen."
            )
        raise BuildError(
            f"Notebooken för avsnittstypen '{section.kind}' saknas: "
            f"{display_path(notebook, project.root)} finns inte. Hämta tillbaka filen (t.ex. "
            f"`git checkout -- {display_path(notebook, project.root)}`)."
        )
    return notebook


def unit_definitions(
    project: Project, unit_years: list[tuple[int, str]]
) -> dict[tuple[int, str], ReportDefinition]:
    """The merged report definition of every unit-year; DataError with all their problems."""
    definitions = {}
    problems: list[Problem] = []
    for year, unit in unit_years:
        definition, found = read_definition(project, year, unit)
        problems += found
        if definition is not None:
            definitions[(year, unit)] = definition
    if problems:
        raise DataError(list(dict.fromkeys(problems)))
    return definitions


def data_fingerprint(
    project: Project, year: int, unit: str, fingerprinter: Fingerprinter | None = None
) -> str:
    """A short content hash of everything the unit's report is built from (shown in the report)."""
    fingerprinter = fingerprinter or Fingerprinter(project)
    parts = {**fingerprinter.unit(year, unit), "shared": fingerprinter.shared}
    return text_digest(json.dumps(parts, sort_keys=True))[:12]


# ---------------------------------------------------------------------------------------- plan


@dataclass
class SectionPlan:
    name: str  # the section id
    kind: str
    notebook: Path
    output: Path
    parameters: dict[str, Any]
    fingerprint: dict[str, str]
    reason: str | None  # why it runs; None when cached

    changed_inputs: tuple[str, ...] = ()  # recorded inputs that changed (for the reason)

    @property
    def fingerprint_file(self) -> Path:
        return self.output.with_name(f"{self.name}.fingerprint.json")

    @property
    def reads_file(self) -> Path:
        """What the section read when it last ran (``read_log``), written by its kernel."""
        return self.output.with_name(f"{self.name}.reads.json")


@dataclass
class UnitPlan:
    year: int
    unit: str  # a unit id, or CONSOLIDATED for the kommun's consolidated report
    sections: list[SectionPlan]  # the sections this build may run (all, or --section's)
    all_sections: list[SectionPlan]  # every section of the report, for the export
    report_reason: str | None
    period: str = YEAR_END
    # The report links to its PDF: one is there, or this build prints one (--pdf).
    pdf_link: bool = False

    @property
    def key(self) -> tuple[str, int, str]:
        return (self.period, self.year, self.unit)

    @property
    def to_run(self) -> list[SectionPlan]:
        return [s for s in self.sections if s.reason]


def section_parameters(
    year: int, unit: str, section: str, period: str = YEAR_END
) -> dict[str, Any]:
    """The values papermill injects into a section notebook's parameters cell."""
    return {"year": year, "unit": unit, "section": section, "period": period}


def plan_build(
    project: Project,
    years: list[int],
    unit: str | None = None,
    section: str | None = None,
    force: bool = False,
    pdf: bool = False,
) -> list[UnitPlan]:
    """What a build would do and why; reads only small files and stored fingerprints.

    ``pdf`` (``--pdf``): the reports will have a PDF beside them, so they link to it.

    Raises ``DataError`` when a report definition is wrong and ``BuildError`` when ``section``
    is no section of the selected units or a kind's notebook is missing.
    """
    if section is not None:
        check_section(section)
    fingerprinter = Fingerprinter(project)
    if unit is not None:
        check_unit(unit)
        with_params = [y for y in years if os.path.lexists(project.params_file(y, unit))]
        if not with_params:
            if len(years) == 1:
                check_report_params(project, years[0], unit)  # names a missing year or period
            raise BuildError(missing_unit_message(project, years, unit))
        years = with_params  # with --all: the years the unit exists in
    unit_years = [(y, u) for y in years for u in ([unit] if unit else available_units(y, project))]
    definitions = unit_definitions(project, unit_years)
    plans = []
    for year, name in unit_years:
        all_sections = []
        for spec in definitions[(year, name)].sections:
            notebook = kind_notebook(project, spec)
            output = project.executed_dir(year, name) / f"{spec.id}.ipynb"
            parameters = section_parameters(year, name, spec.id, project.period)
            stored = read_stored(output.with_name(f"{spec.id}.fingerprint.json"))
            reads = read_log.load(output.with_name(f"{spec.id}.reads.json"))
            if stored is None or "reads" not in stored:
                reads = None  # stored before read sets: compare like with like
            current = fingerprinter.section(notebook, year, name, parameters, reads)
            changed: list[str] = []
            if reads is not None and stored is not None and stored["reads"] != current["reads"]:
                changed = sorted(
                    n for n, t in fingerprinter.current_reads(reads).items() if reads[n] != t
                )
            reason = rerun_reason(force, output, stored, current, changed)
            all_sections.append(
                SectionPlan(
                    spec.id, spec.kind, notebook, output, parameters, current, reason,
                    tuple(sorted(changed)),
                )
            )  # fmt: skip
        sections = [s for s in all_sections if section is None or s.name == section]
        has_pdf = pdf or project.report_file(year, name).with_suffix(".pdf").is_file()
        plan = UnitPlan(year, name, sections, all_sections, None, project.period, has_pdf)
        plan.report_reason = report_reason(project, fingerprinter, plan, force)
        plans.append(plan)
    if section is not None and plans and not any(p.sections for p in plans):
        # In the report's order (the reader's and the analyst's), each once over the units.
        known = list(dict.fromkeys(s.name for p in plans for s in p.all_sections))
        close = difflib.get_close_matches(section, known, n=1)
        guess = f" (menade du '{close[0]}'?)" if close else ""
        raise BuildError(
            f"Avsnittet {section!r} finns inte i rapporten{guess} — avsnitten är, i rapportens "
            f"ordning: {', '.join(known)} (se `workbook build --dry-run`)."
        )
    return plans


def report_fingerprint(fingerprinter: Fingerprinter, plan: UnitPlan) -> dict[str, str]:
    """The fingerprint stored beside an exported report (``REPORT_FINGERPRINT``)."""
    from helpers.data.signoff import signoff_file

    parts = {s.name: s.fingerprint["total"] for s in plan.all_sections}
    if plan.pdf_link:  # the link to the PDF is part of the report's HTML
        parts["(pdf)"] = "länk"
    project = fingerprinter.project
    return fingerprinter.report(
        parts,
        signoff_file(project, plan.year, plan.unit),
        folder=project.unit_data(plan.year, plan.unit),
    )


def report_reason(
    project: Project, fingerprinter: Fingerprinter, plan: UnitPlan, force: bool
) -> str | None:
    others = [s for s in plan.all_sections if s not in plan.sections and s.reason]
    if others and (plan.to_run or force or plan.sections != plan.all_sections):
        # --section: the report would mix current and stale sections; say which and why
        stale = "; ".join(f"{s.name} ({s.reason})" for s in others)
        return f"bara om övriga avsnitt är aktuella — inte aktuella: {stale}"
    if plan.to_run or force:
        return "avsnitt körs"
    report = project.report_file(plan.year, plan.unit)
    stored = read_stored(project.executed_dir(plan.year, plan.unit) / REPORT_FINGERPRINT)
    if not report.is_file() or stored is None:
        return "ingen rapport"
    current = report_fingerprint(fingerprinter, plan)  # once: it lists the unit's files
    if stored.get("total") != current["total"]:
        return "ändrat: " + ", ".join(changed_parts(current, stored))
    return None


def rerun_reason(
    force: bool,
    output: Path,
    stored: dict[str, Any] | None,
    current: dict[str, Any],
    changed_inputs: list[str] | None = None,
) -> str | None:
    """Why a section runs again (shown by ``--dry-run``); None when its stored result is current.

    ``changed_inputs``: the files of the section's read set that changed (``read_log``), named
    instead of the read set as a whole."""
    if force:
        return "--force"
    if not output.is_file() or stored is None:
        return "inget tidigare resultat"
    if stored.get("total") != current["total"]:
        parts = changed_parts(current, stored)
        if changed_inputs:
            parts = [p for p in parts if p != PART_NAMES["reads"]] + changed_inputs
        return "ändrat: " + ", ".join(parts)
    return None
