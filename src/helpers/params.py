"""The parameters of one report: ``params/<år>/<enhet>.yaml`` plus the unit's reference data."""

from __future__ import annotations

import datetime as dt
import re
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
    return sorted(
        int(p.name)
        for p in project.params.iterdir()
        if p.is_dir() and re.fullmatch(r"[0-9]{4}", p.name)
    )


def read_params_file(path: Path, shown_as: str) -> dict[str, Any]:
    """The YAML mapping of a params file, or a DataError naming the file."""
    try:
        loaded = yaml.safe_load(path.read_bytes().decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise DataError(
            [Problem(shown_as, "filen är inte sparad som UTF-8", hint="spara om den som UTF-8")]
        ) from None
    except ValueError as exc:  # e.g. a date that does not exist: prognosdatum: 2016-02-30
        raise DataError(
            [Problem(shown_as, f"ett värde går inte att läsa ({exc})", hint="rätta datumet")]
        ) from None
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
    """Read and check the params file of a unit-year.

    Raises ``ParameterError`` for a malformed year/unit or a missing file, ``DataError`` listing
    every problem in the file otherwise.
    """
    project = project or Project.current()
    year = check_year(year)
    unit = check_unit(unit)
    path = project.params_file(year, unit)
    if not path.is_file():
        raise ParameterError(
            f"{display_path(path, project.root)} finns inte — enheten {unit!r} har inga "
            f"parametrar för {year}. Skapa filen (se docs/data-format.md) eller kör "
            "`workbook new-year`."
        )
    params, problems = read_report_params(year, unit, project)
    if problems or params is None:
        raise DataError(problems)
    return params


def read_report_params(
    year: int, unit: str, project: Project
) -> tuple[ReportParams | None, list[Problem]]:
    """The params of a checked year and unit, and every problem found in the file."""
    path = project.params_file(year, unit)
    shown = display_path(path, project.root)
    if not path.is_file():
        return None, [
            Problem(
                shown,
                "filen saknas",
                hint=f"skapa den (se docs/data-format.md) eller kör `workbook new-year` "
                f"(finns enheten '{unit}' för {year}?)",
            )
        ]
    try:
        raw = read_params_file(path, shown)
    except DataError as exc:
        return None, exc.problems
    problems = params_problems(raw, year, unit, shown)
    if problems:
        return None, problems
    return ReportParams(
        year=year,
        unit=unit,
        title=str(raw["titel"]).strip(),
        forecast_date=_forecast_date(raw.get("prognosdatum")),
        raw=raw,
    ), []


def _forecast_date(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value).strip()
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text):
        raise ValueError(text)
    return dt.date.fromisoformat(text).isoformat()


def params_problems(raw: dict[str, Any], year: int, unit: str, shown: str) -> list[Problem]:
    """What is wrong with the keys of a params file (year, unit, title, forecast date)."""
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
    try:
        forecast_date = _forecast_date(forecast)
    except ValueError:
        problems.append(
            Problem(
                shown,
                f"'prognosdatum' {forecast!r} är inget datum",
                column="prognosdatum",
                hint="skriv ÅÅÅÅ-MM-DD, t.ex. prognosdatum: 2016-08-31",
            )
        )
    else:
        if forecast_date is not None and int(forecast_date[:4]) != year:
            problems.append(
                Problem(
                    shown,
                    f"'prognosdatum' {forecast_date} ligger inte i rapportåret {year}",
                    column="prognosdatum",
                    hint=f"skriv datumet då prognosen för {year} gjordes",
                )
            )
    return problems
