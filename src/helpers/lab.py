"""JupyterLab without code edits: the analyst picks year and unit in a local, untracked file.

``workbook.local.yaml`` in the project root (git-ignored; ``workbook lab --year 2017 --unit von``
writes it and starts JupyterLab)::

    år: 2017
    enhet: von

Every section notebook's parameters cell takes its defaults through :func:`preview_choice`, so
opening a notebook shows the chosen unit-year; nothing tracked changes (``git status`` stays
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

from helpers.cli import year_argument
from helpers.errors import DataError, ParameterError, Problem
from helpers.paths import REPO_ROOT, Project, check_unit, check_year

LOCAL_FILE = "workbook.local.yaml"
# Set in the kernels of builds and previews: parameters come from papermill, not the file.
SECTION_RUN_ENV = "WORKBOOK_SECTION_RUN"


def local_choice(project: Project | None = None) -> tuple[int | None, str | None]:
    """(year, unit) from ``workbook.local.yaml``, each None when not set; a ``DataError`` naming
    the file when it cannot be read or holds a year or unit that is not one."""
    from helpers.yaml_text import load_yaml

    project = project or Project.current()
    path = project.root / LOCAL_FILE
    if not path.is_file():
        return None, None
    shown = LOCAL_FILE
    settings = load_yaml(path.read_text(encoding="utf-8", errors="replace"), shown) or {}
    if not isinstance(settings, dict):
        raise DataError([Problem(shown, "filen ska innehålla 'år: 2017' och 'enhet: klk'")])
    year, unit = settings.get("år"), settings.get("enhet")
    try:
        return (
            check_year(year) if year not in (None, "") else None,
            check_unit(unit) if unit not in (None, "") else None,
        )
    except ParameterError as exc:
        raise DataError([Problem(shown, str(exc), hint="rätta filen eller ta bort den")]) from None


def preview_choice(year: int, unit: str, section: str) -> tuple[int, str, str]:
    """The parameters a notebook opened in JupyterLab shows: the defaults written in its
    parameters cell (the embedded example), replaced by year and unit from
    ``workbook.local.yaml`` when it sets them. When the chosen unit's report has no section
    ``section``, its first section of the same kind is shown."""
    if os.environ.get(SECTION_RUN_ENV):
        return year, unit, section
    project = Project.current()
    chosen_year, chosen_unit = local_choice(project)
    if chosen_year is None and chosen_unit is None:
        return year, unit, section
    new_year, new_unit = chosen_year or year, chosen_unit or unit
    return new_year, new_unit, _same_kind(project, (year, unit), (new_year, new_unit), section)


def _same_kind(
    project: Project, example: tuple[int, str], chosen: tuple[int, str], section: str
) -> str:
    from helpers.definition import read_definition

    target, _ = read_definition(project, *chosen)
    if target is None or any(s.id == section for s in target.sections):
        return section
    source, _ = read_definition(project, *example)
    kind = next((s.kind for s in source.sections if s.id == section), None) if source else None
    return next((s.id for s in target.sections if s.kind == kind), section)


def write_choice(project: Project, year: int, unit: str) -> Path:
    """Write ``workbook.local.yaml`` (after checking the unit-year has params)."""
    if not project.params_file(year, unit).is_file():
        raise ParameterError(
            f"Enheten {unit!r} har inga parametrar för {year} "
            f"(params/{year}/{unit}.yaml finns inte)."
        )
    path = project.root / LOCAL_FILE
    path.write_text(
        "# Vilket år och vilken enhet notebooks visar i JupyterLab (workbook lab).\n"
        f"# Filen är lokal: git ignorerar den och bygget läser den inte.\når: {year}\n"
        f"enhet: {unit}\n",
        encoding="utf-8",
    )
    return path


def add_lab_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--year", type=year_argument, metavar="ÅR", help="året att visa")
    parser.add_argument("--unit", help="enheten att visa, t.ex. klk")
    parser.add_argument(
        "--no-browser", action="store_true", help="öppna ingen webbläsare (bara servern)"
    )


def lab_command(args: argparse.Namespace) -> int:
    project = Project.current()
    if args.year is not None or args.unit is not None:
        from helpers.params import available_units, available_years

        current_year, current_unit = local_choice(project)
        years = available_years(project)
        year = args.year or current_year or (years[-1] if years else None)
        if year is None:
            raise ParameterError("Ange --year ÅR: det finns inga år under params/.")
        units = available_units(check_year(year), project)
        unit = check_unit(args.unit) if args.unit else current_unit or (units[0] if units else "")
        path = write_choice(project, check_year(year), unit)
        print(f"JupyterLab visar {unit} {year} ({path.name}, ändra med workbook lab).")
    jupyter = shutil.which("jupyter", path=str(Path(sys.executable).parent)) or "jupyter"
    command = [jupyter, "lab", f"--notebook-dir={project.root}"]
    command.append(f"--config={REPO_ROOT / 'jupyter_server_config.py'}")
    if args.no_browser:
        command.append("--no-browser")
    return subprocess.call(command)
