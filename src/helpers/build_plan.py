"""Planning a build: what must run and why, from content fingerprints (no kernel, no pandas).

For every unit-year and section, the content fingerprint of its inputs is compared with the one
stored beside its executed notebook (``build/<år>/<enhet>/<avsnitt>.fingerprint.json``).
Unchanged sections are cached. The report has one too (``report.fingerprint.json``: its sections'
fingerprints and the export code), so an unchanged report is not exported again.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from helpers.errors import BuildError, display_path
from helpers.fingerprint import Fingerprinter, changed_parts, read_stored, text_digest
from helpers.params import available_units
from helpers.paths import Project, check_section, check_unit

REPORT_FINGERPRINT = "report.fingerprint.json"


def section_notebooks(project: Project, only: str | None = None) -> list[Path]:
    """The section notebooks in report order (``NN_name.ipynb``)."""
    notebooks = sorted(project.notebooks.glob("[0-9][0-9]_*.ipynb"))
    if only is not None:
        check_section(only)
        notebooks = [nb for nb in notebooks if nb.stem == only]
        if not notebooks:
            raise BuildError(
                f"Avsnittet {only!r} finns inte bland notebooks/ — se `workbook build --dry-run`."
            )
    return notebooks


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
    name: str
    notebook: Path
    output: Path
    fingerprint: dict[str, str]
    reason: str | None  # why it runs; None when cached

    @property
    def fingerprint_file(self) -> Path:
        return self.output.with_name(f"{self.name}.fingerprint.json")


@dataclass
class UnitPlan:
    year: int
    unit: str
    sections: list[SectionPlan]  # the sections this build may run (all, or --section's)
    all_sections: list[SectionPlan]  # every section of the report, for the export
    report_reason: str | None

    @property
    def to_run(self) -> list[SectionPlan]:
        return [s for s in self.sections if s.reason]


def section_parameters(year: int, unit: str) -> dict[str, Any]:
    """The values papermill injects into a section notebook's parameters cell."""
    return {"year": year, "unit": unit}


def plan_build(
    project: Project,
    years: list[int],
    unit: str | None = None,
    section: str | None = None,
    force: bool = False,
) -> list[UnitPlan]:
    """What a build would do and why; reads only small files and stored fingerprints."""
    notebooks = section_notebooks(project)
    selected = {nb.stem for nb in section_notebooks(project, section)}
    fingerprinter = Fingerprinter(project)
    plans = []
    if unit is not None:
        check_unit(unit)
        with_params = [y for y in years if project.params_file(y, unit).is_file()]
        if not with_params:
            raise BuildError(
                f"{display_path(project.params_file(years[-1], unit), project.root)} finns inte "
                f"— enheten {unit!r} har inga parametrar för {', '.join(map(str, years))}. "
                "Kör `workbook new-year` eller välj en annan enhet."
            )
        years = with_params  # with --all: the years the unit exists in
    for year in years:
        units = [unit] if unit else available_units(year, project)
        for name in units:
            all_sections = []
            for notebook in notebooks:
                output = project.executed_dir(year, name) / notebook.name
                current = fingerprinter.section(
                    notebook, year, name, section_parameters(year, name)
                )
                stored = read_stored(output.with_name(f"{notebook.stem}.fingerprint.json"))
                if force:
                    reason: str | None = "--force"
                elif not output.is_file() or stored is None:
                    reason = "inget tidigare resultat"
                elif stored.get("total") != current["total"]:
                    reason = "ändrat: " + ", ".join(changed_parts(current, stored))
                else:
                    reason = None
                all_sections.append(SectionPlan(notebook.stem, notebook, output, current, reason))
            sections = [s for s in all_sections if s.name in selected]
            plan = UnitPlan(year, name, sections, all_sections, None)
            plan.report_reason = _report_reason(project, fingerprinter, plan, force)
            plans.append(plan)
    return plans


def report_fingerprint(fingerprinter: Fingerprinter, plan: UnitPlan) -> dict[str, str]:
    """The fingerprint stored beside an exported report (``REPORT_FINGERPRINT``)."""
    return fingerprinter.report({s.name: s.fingerprint["total"] for s in plan.all_sections})


def _report_reason(
    project: Project, fingerprinter: Fingerprinter, plan: UnitPlan, force: bool
) -> str | None:
    if plan.to_run or force:
        others = [s.name for s in plan.all_sections if s not in plan.sections and s.reason]
        if others:  # --section: the report would mix current and stale sections
            return f"bara om övriga avsnitt är aktuella ({len(others)} är inte det)"
        return "avsnitt körs"
    report = project.report_file(plan.year, plan.unit)
    stored = read_stored(project.executed_dir(plan.year, plan.unit) / REPORT_FINGERPRINT)
    if not report.is_file() or stored is None:
        return "ingen rapport"
    if stored.get("total") != report_fingerprint(fingerprinter, plan)["total"]:
        return "ändrat: " + ", ".join(
            changed_parts(report_fingerprint(fingerprinter, plan), stored)
        )
    return None
