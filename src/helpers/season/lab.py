"""JupyterLab without code edits: the analyst picks year and unit in a local, untracked file.

``workbook.local.yaml`` in the project root (git-ignored; ``workbook lab --year 2017 --unit von``
writes it and starts JupyterLab; ``--period delar`` for a delår report)::

    år: 2017
    enhet: von
    period: helar

Every section notebook's parameters cell takes its defaults through :func:`preview_choice`
(the consolidated report's through :func:`preview_period_choice`: year and period), so opening
a notebook shows the chosen unit-year and period; nothing tracked changes (``git status`` stays
clean) and the build cache stays valid (no notebook changes, and a build never reads the file:
papermill's injected parameters decide, and section runs skip the file altogether).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any, NamedTuple

from helpers.building.arguments import period_argument, year_argument
from helpers.core.errors import DataError, ParameterError, Problem
from helpers.core.paths import REPO_ROOT, YEAR_END, Project, check_period, check_unit, check_year

LOCAL_FILE = "workbook.local.yaml"
# Set in the kernels of builds and previews: parameters come from papermill, not the file.
SECTION_RUN_ENV = "WORKBOOK_SECTION_RUN"


class LocalChoice(NamedTuple):
    """What ``workbook.local.yaml`` chooses; None for what it does not set."""

    year: int | None = None
    unit: str | None = None
    period: str | None = None


def local_choice(project: Project | None = None) -> LocalChoice:
    """Year, unit and period from ``workbook.local.yaml``, each None when not set; a
    ``DataError`` naming the file when it cannot be read or holds a year, unit or period that is
    not one."""
    from helpers.core.yaml_text import load_yaml, with_lines

    project = project or Project.current()
    path = project.root / LOCAL_FILE
    if not path.is_file():
        return LocalChoice()
    shown = LOCAL_FILE
    text = path.read_text(encoding="utf-8", errors="replace")
    settings = load_yaml(text, shown) or {}
    if not isinstance(settings, dict):
        raise DataError(
            [Problem(shown, "filen ska innehålla 'år: 2017', 'enhet: klk' och 'period: helar'")]
        )
    chosen: dict[str, Any] = {}
    problems: list[Problem] = []
    for key, check in (("år", check_year), ("enhet", check_unit), ("period", check_period)):
        value = settings.get(key)
        try:
            chosen[key] = check(value) if value not in (None, "") else None
        except ParameterError as exc:
            problems.append(
                Problem(shown, str(exc), column=key, hint="rätta filen eller ta bort den")
            )
    if problems:
        raise DataError(with_lines(problems, text, shown))
    return LocalChoice(chosen["år"], chosen["enhet"], chosen["period"])


def preview_choice(
    year: int, unit: str, section: str, period: str = YEAR_END
) -> tuple[int, str, str, str]:
    """The parameters a notebook opened in JupyterLab shows: the defaults written in its
    parameters cell (the embedded example), replaced by year, unit and period from
    ``workbook.local.yaml`` when it sets them. When the chosen report has no section
    ``section``, its first section of the same kind is shown."""
    if os.environ.get(SECTION_RUN_ENV):
        return year, unit, section, period
    project = Project.current()
    chosen = local_choice(project)
    if chosen == LocalChoice():
        return year, unit, section, period
    new_year, new_unit = chosen.year or year, chosen.unit or unit
    new_period = chosen.period or period
    example = (project.for_period(period), year, unit)
    target = (project.for_period(new_period), new_year, new_unit)
    return new_year, new_unit, _same_kind(example, target, section), new_period


def preview_period_choice(year: int, period: str = YEAR_END) -> tuple[int, str]:
    """Year and period for a consolidated-report notebook opened in JupyterLab (its unit is
    always the kommun): the parameters cell's, replaced by ``workbook.local.yaml``'s."""
    if os.environ.get(SECTION_RUN_ENV):
        return year, period
    chosen = local_choice(Project.current())
    return chosen.year or year, chosen.period or period


def _same_kind(
    example: tuple[Project, int, str], chosen: tuple[Project, int, str], section: str
) -> str:
    from helpers.data.definition import read_definition

    target, _ = read_definition(*chosen)
    if target is None or any(s.id == section for s in target.sections):
        return section
    source, _ = read_definition(*example)
    kind = next((s.kind for s in source.sections if s.id == section), None) if source else None
    return next((s.id for s in target.sections if s.kind == kind), section)


def write_choice(project: Project, year: int, unit: str, period: str = YEAR_END) -> Path:
    """Write ``workbook.local.yaml`` (after checking the unit-year has params for ``period``)."""
    params = project.for_period(check_period(period)).params_file(year, unit)
    if not params.is_file():
        raise ParameterError(
            f"Enheten {unit!r} har inga parametrar för {year} ({period}): "
            f"{params.relative_to(project.root).as_posix()} finns inte."
        )
    path = project.root / LOCAL_FILE
    path.write_text(
        "# Vilket år, vilken enhet och vilken period notebooks visar i JupyterLab\n"
        "# (workbook lab). Filen är lokal: git ignorerar den och bygget läser den inte.\n"
        f"år: {year}\nenhet: {unit}\nperiod: {period}\n",
        encoding="utf-8",
    )
    return path


def add_lab_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--year", type=year_argument, metavar="ÅR", help="året att visa")
    parser.add_argument("--unit", help="enheten att visa, t.ex. klk")
    parser.add_argument(
        "--period", type=period_argument, help="perioden att visa, t.ex. delar (standard: helar)"
    )
    parser.add_argument(
        "--no-browser", action="store_true", help="öppna ingen webbläsare (bara servern)"
    )


def lab_command(args: argparse.Namespace) -> int:
    project = Project.current()
    if args.year is not None or args.unit is not None or args.period is not None:
        from helpers.data.params import available_units, available_years

        current = local_choice(project)
        period = check_period(args.period) if args.period else current.period or YEAR_END
        seen = project.for_period(period)
        years = available_years(project)
        year = args.year or current.year or (years[-1] if years else None)
        if year is None:
            raise ParameterError("Ange --year ÅR: det finns inga år under params/.")
        units = available_units(check_year(year), seen)
        unit = check_unit(args.unit) if args.unit else current.unit or (units[0] if units else "")
        path = write_choice(project, check_year(year), unit, period)
        print(f"JupyterLab visar {unit} {year} ({period}; {path.name}, ändra med workbook lab).")
    jupyter = shutil.which("jupyter", path=str(Path(sys.executable).parent)) or "jupyter"
    command = [jupyter, "lab", f"--notebook-dir={project.root}"]
    command.append(f"--config={REPO_ROOT / 'jupyter_server_config.py'}")
    if args.no_browser:
        command.append("--no-browser")
    return subprocess.call(command)
