"""The parameters of one report: ``params/<år>/<enhet>.yaml`` plus the unit's reference data."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from helpers.errors import DataError, ParameterError, Problem, display_path
from helpers.paths import Project, check_unit, check_year


@dataclass(frozen=True)
class ReportParams:
    """What a report is about: year, unit and the few settings an analyst chooses."""

    year: int
    unit: str
    title: str
    forecast_date: str | None
    raw: dict[str, Any]

    @property
    def previous_year(self) -> int:
        return self.year - 1


def available_units(year: int, project: Project | None = None) -> list[str]:
    """Unit ids that have a params file for the year, sorted."""
    project = project or Project.current()
    folder = project.params / str(check_year(year))
    if not folder.is_dir():
        return []
    return sorted(p.stem for p in folder.glob("*.yaml"))


def available_years(project: Project | None = None) -> list[int]:
    """Years that have a params folder, sorted."""
    project = project or Project.current()
    if not project.params.is_dir():
        return []
    return sorted(int(p.name) for p in project.params.iterdir() if p.is_dir() and p.name.isdigit())


def read_params_file(path: Path, shown_as: str) -> dict[str, Any]:
    """The YAML mapping of a params file, or a DataError naming the file."""
    try:
        loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise DataError([Problem(shown_as, "filen är inte sparad som UTF-8")]) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        row = mark.line + 1 if mark is not None else None
        raise DataError(
            [
                Problem(
                    shown_as,
                    "filen är inte giltig YAML",
                    row=row,
                    hint="jämför med ett exempel i docs/data-format.md",
                )
            ]
        ) from None
    if not isinstance(loaded, dict):
        raise DataError([Problem(shown_as, "filen ska innehålla nycklar som 'år: 2016'")])
    return loaded


def load_params(year: int | str, unit: str, project: Project | None = None) -> ReportParams:
    """Read and check the params file of a unit-year."""
    project = project or Project.current()
    year = check_year(year)
    unit = check_unit(unit)
    path = project.params_file(year, unit)
    shown = display_path(path, project.root)
    if not path.is_file():
        raise ParameterError(
            f"{shown} finns inte — enheten {unit!r} har inga parametrar för {year}. "
            f"Skapa filen (se docs/data-format.md) eller kör `workbook new-year`."
        )
    raw = read_params_file(path, shown)
    problems: list[Problem] = []
    if str(raw.get("år")) != str(year):
        problems.append(
            Problem(
                shown,
                f"'år' är {raw.get('år')!r} men filen ligger under {year}",
                column="år",
                hint=f"skriv år: {year}",
            )
        )
    if raw.get("enhet") != unit:
        problems.append(
            Problem(
                shown,
                f"'enhet' är {raw.get('enhet')!r} men filen heter {unit}.yaml",
                column="enhet",
                hint=f"skriv enhet: {unit}",
            )
        )
    title = raw.get("titel")
    if not isinstance(title, str) or not title.strip():
        problems.append(
            Problem(
                shown,
                "'titel' saknas",
                column="titel",
                hint=f"skriv t.ex. titel: Verksamhetsuppföljning {year}",
            )
        )
    forecast = raw.get("prognosdatum")
    if isinstance(forecast, dt.date):
        forecast = forecast.isoformat()
    elif forecast is not None:
        try:
            forecast = dt.date.fromisoformat(str(forecast)).isoformat()
        except ValueError:
            problems.append(
                Problem(
                    shown,
                    f"'prognosdatum' {forecast!r} är inget datum",
                    column="prognosdatum",
                    hint="skriv ÅÅÅÅ-MM-DD",
                )
            )
    if problems:
        raise DataError(problems)
    return ReportParams(
        year=year, unit=unit, title=str(title).strip(), forecast_date=forecast, raw=raw
    )
