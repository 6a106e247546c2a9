"""The parameters of one report: ``params/<år>/<enhet>.yaml`` plus the unit's reference data."""

from __future__ import annotations

import calendar
import datetime as dt
import difflib
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from helpers.core.errors import DataError, ParameterError, Problem, display_path
from helpers.core.paths import (
    CONSOLIDATED,
    YEAR_END,
    Project,
    check_period,
    check_unit,
    check_year,
    read_input,
)
from helpers.core.text_norm import control_character, fold_swedish
from helpers.core.yaml_text import load_yaml, with_lines
from helpers.data.readers import decode_text


def marked_invented(raw: dict[str, Any]) -> bool:
    """A params mapping with ``påhittad: ja``: its report's figures are invented (an example)."""
    return str(raw.get("påhittad", "")).strip().lower() == "ja"


@dataclass(frozen=True)
class ReportParams:
    """What a report is about: year, unit and the few settings an analyst chooses."""

    year: int
    unit: str
    title: str
    forecast_date: str | None
    raw: dict[str, Any]
    period: str = YEAR_END  # the period id (the folder the file is in): helar, delar …
    period_end: str | None = None  # periodslut: the cut-off date (ISO); helår: 31 December

    @property
    def is_year_end(self) -> bool:
        return self.period == YEAR_END

    @property
    def invented(self) -> bool:
        """``påhittad: ja``: this report's figures are invented (an example)."""
        return marked_invented(self.raw)

    @property
    def previous_year(self) -> int:
        return self.year - 1

    @property
    def diary_number(self) -> str | None:
        """``diarienummer:`` (optional): the case number the printed report's footer shows."""
        value = self.raw.get("diarienummer")
        text = " ".join(str(value).split()) if value is not None else ""
        return text or None


def available_units(year: int, project: Project | None = None) -> list[str]:
    """Unit ids that have a params file for the year, sorted (names not checked: see
    ``units_of_year``)."""
    project = project or Project.current()
    folder = project.params_dir(check_year(year))
    if not folder.is_dir():
        return []
    return sorted(p.stem for p in folder.glob("*.yaml"))


def units_of_year(year: int, project: Project | None = None) -> list[str]:
    """The units with a params file for ``year``: every command selects units through this.

    Raises ``ParameterError`` naming the folder when ``params/<år>/`` is missing or holds no
    params file, and ``DataError`` naming each file whose name is no valid unit id
    (``KLK.yaml``, ``klk .yaml``) or that is not a file.
    """
    project = project or Project.current()
    year = check_year(year)
    folder = project.params_dir(year)
    shown = display_path(folder, project.root) + "/"
    if not folder.is_dir():
        if not project.is_year_end and (project.params / str(year)).is_dir():
            raise ParameterError(_missing_period_message(project, year, shown))
        raise ParameterError(
            f"Det finns inga enheter för {year}: mappen {shown} saknas. Kör "
            f"{_new_year_command(project, year)} eller ange ett annat år."
            + project.emptiness_note()
        )
    problems: list[Problem] = []
    units: list[str] = []
    for path in sorted(folder.iterdir()):
        if path.suffix.lower() not in (".yaml", ".yml"):
            continue
        shown_file = display_path(path, project.root)
        if path.suffix != ".yaml":
            problems.append(
                Problem(
                    shown_file,
                    "filen läses inte: filändelsen ska vara .yaml",
                    hint=f"döp om den till {path.stem}.yaml",
                )
            )
            continue
        try:
            check_unit(path.stem)
        except ParameterError:
            problems.append(
                Problem(
                    shown_file,
                    f"filnamnet '{path.stem}' är inget giltigt enhets-id",
                    hint="döp om filen till enhetens id med små bokstäver a–z, siffror och "
                    "bindestreck, t.ex. klk.yaml",
                )
            )
            continue
        if path.is_dir():
            problems.append(
                Problem(
                    shown_file,
                    "är en mapp, men här ska det vara en fil",
                    hint="ta bort eller döp om mappen",
                )
            )
            continue
        if path.stem == CONSOLIDATED:
            problems.append(
                Problem(
                    shown_file,
                    f"'{CONSOLIDATED}' är namnet på den sammanställda rapporten och kan inte vara "
                    "en enhet",
                    hint="ge enheten ett annat id (döp om filen och raden i data/enheter.csv)",
                )
            )
            continue
        units.append(path.stem)
    if problems:
        raise DataError(problems)
    if not units:
        raise ParameterError(
            f"Det finns inga enheter för {year}: mappen {shown} har ingen params-fil "
            f"(<enhet>.yaml). Kör {_new_year_command(project, year)} eller "
            "`workbook new-unit`, eller ange ett annat år."
        )
    return units


def _missing_period_message(project: Project, year: int, shown: str) -> str:
    """The period of ``project`` has no folder for ``year`` while the year exists: name the
    period, the periods there are, and how to create it."""
    periods = project.periods_of_year(year)
    there = f"Perioderna för {year} är: {', '.join(periods)}" if periods else ""
    source = periods[0] if periods else YEAR_END
    close = difflib.get_close_matches(project.period, periods, n=1)
    if close:  # a slip of the keyboard, not a period to create
        return (
            f"Perioden '{project.period}' finns inte för {year} — menade du '{close[0]}'? "
            f"{there}. Ange en av dem med --period (t.ex. --period {close[0]})."
        )
    return (
        f"Perioden '{project.period}' finns inte för {year}: mappen {shown} saknas. "
        + (f"{there}. " if there else "")
        + f"Ange en av dem med --period, eller skapa perioden med `workbook new-period "
        f"{project.period} --from {source} --year {year}`."
    )


def check_report_params(project: Project, year: int, unit: str) -> None:
    """Refuse (``ParameterError``, exit 2) a year, period or unit that has no report: the
    same messages as ``build`` and ``validate`` give for the same arguments. ``unit`` may be
    ``kommun`` (the consolidated report: the year and period must have units)."""
    folder = project.params_dir(check_year(year))
    if not folder.is_dir() or not any(folder.glob("*.yaml")):
        units_of_year(year, project)  # raises, naming the year or the period
    if unit != CONSOLIDATED and not os.path.lexists(project.params_file(year, unit)):
        raise ParameterError(missing_unit_message(project, [year], unit))


def unit_guess(project: Project, years: list[int], unit: str) -> str | None:
    """The known unit ``unit`` is probably a misspelling of (``difflib``'s closest of the units
    with params for ``years`` in any period), when ``unit`` has params nowhere — not in another
    period of those years, not in another year of this period; None otherwise."""
    if unit == CONSOLIDATED:
        return None
    known: set[str] = set()
    for year in years:
        for period in {project.period, *project.periods_of_year(year)}:
            known.update(available_units(year, project.for_period(period)))
    if unit in known or any(
        os.path.lexists(project.params_file(y, unit)) for y in available_years(project)
    ):
        return None
    close = difflib.get_close_matches(unit, sorted(known), n=1)
    return close[0] if close else None


def missing_unit_message(project: Project, years: list[int], unit: str) -> str:
    """``unit`` has no params file for any of ``years`` (of the project's period): "menade du
    …?" when it is close to a unit that has (``unit_guess``), else the command that creates
    it."""
    shown = display_path(project.params_file(years[-1], unit), project.root)
    guess = unit_guess(project, years, unit)
    if guess is not None:
        return (
            f"{shown} finns inte — enheten {unit!r} har inga parametrar för "
            f"{', '.join(map(str, years))}{_period_words(project)} — menade du '{guess}'? "
            f"Ange den med --unit {guess}."
        )
    return (
        f"{shown} finns inte — enheten {unit!r} har inga parametrar för "
        f"{', '.join(map(str, years))}{_period_words(project)}. Kör "
        f"{create_unit_command(project, years[-1], unit)}, eller välj en annan enhet."
    )


def _period_words(project: Project) -> str:
    return "" if project.is_year_end else f" (perioden {project.period})"


def create_unit_command(project: Project, year: int, unit: str, *, listed: bool = False) -> str:
    """The command that makes ``unit``'s report for ``year`` in the project's period, from what
    exists: another period of the same year (``new-period``), an earlier year of this period
    (``new-year``), or nothing (``new-unit``; ``listed``: the unit is in ``data/enheter.csv``
    already, so its name is not asked for). Quoted with backticks, as messages show commands.
    """
    period, end = project.period, "" if project.is_year_end else " --slut ÅÅÅÅ-MM-DD"
    for other in project.periods_of_year(year):
        if other != period and os.path.lexists(project.for_period(other).params_file(year, unit)):
            return f"`workbook new-period {period} --from {other} --year {year} --unit {unit}{end}`"
    earlier = [
        y
        for y in available_years(project)
        if y < year and os.path.lexists(project.params_file(y, unit))
    ]
    if earlier:
        periods = "" if project.is_year_end else f" --from-period {period}{end}"
        return f"`workbook new-year {year} --from {max(earlier)} --unit {unit}{periods}`"
    if listed:
        return f"`workbook new-unit {unit} --year {year}`"
    return f'`workbook new-unit {unit} --name "…" --year {year}`'


def listed_without_report(project: Project, year: int) -> list[tuple[str, str, int]]:
    """The units of ``data/enheter.csv`` with no params file for ``year`` in any period, so no
    command that takes every unit of the year builds or checks them: (unit id, the list's file
    as shown, its line there). Empty when the list is missing or cannot be read (``validate``
    reports that) and for a year without params."""
    from helpers.core.schema import SPECS
    from helpers.data.readers import find_table, read_table

    path = find_table(project.data, "enheter")
    if path is None or not project.periods_of_year(year):
        return []
    shown = display_path(path, project.root)
    try:
        table = read_table(path, shown, SPECS["enheter"].names)
    except (DataError, OSError):
        return []
    base = project.for_period(YEAR_END)
    periods = [YEAR_END, *project.periods_of_year(year)]
    found = []
    for row, line in zip(table.rows, table.lines, strict=False):
        unit = (row.get("enhet") or "").strip()
        try:
            check_unit(unit)
        except ParameterError:
            continue  # validate names an id that is no valid unit id
        if unit == CONSOLIDATED:
            continue
        if not any(os.path.lexists(base.for_period(p).params_file(year, unit)) for p in periods):
            found.append((unit, shown, line))
    return found


def unreported_notices(project: Project, years: list[int]) -> list[str]:
    """A Swedish notice per unit of ``data/enheter.csv`` that has no report in one of
    ``years`` (``listed_without_report``), naming the command that creates it. A notice, not a
    problem: the list is shared by every year, so a unit added later is in it for earlier years
    too, and those years still build."""
    notices = []
    for year in years:
        for unit, shown, line in listed_without_report(project, year):
            command = create_unit_command(project.for_period(YEAR_END), year, unit, listed=True)
            notices.append(
                f"Obs: enheten '{unit}' står i {shown} (rad {line}) men har inga params för "
                f"{year}, så den kontrolleras och byggs inte. Ska den ha en rapport {year}: kör "
                f"{command}."
            )
    return notices


def _new_year_command(project: Project, year: int) -> str:
    """The ``new-year`` command that would make ``year``: from the latest year before it that
    exists; ``new-unit`` when no year before it exists (``new-year`` only goes forward), naming
    the years there are."""
    years = [y for y in available_years(project) if y != year]
    earlier = [y for y in years if y < year]
    if earlier:
        return f"`workbook new-year {year} --from {max(earlier)}`"
    there = f" (åren som finns: {', '.join(map(str, years))})" if years else ""
    return f"`workbook new-unit`{there}"


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


# A params file holds a handful of settings; anything this big is not one.
MAX_PARAMS_BYTES = 1_000_000
# Every top-level key a params file may have (docs/data-format.md, "Parametrar"); any other is a
# misspelling the definition loader names, with the closest of these.
PARAMS_KEYS = ("år", "enhet", "period", "periodslut", "titel", "prognosdatum", "diarienummer",
               "påhittad", "rapport", "drift")  # fmt: skip


def read_params_file(path: Path, shown_as: str, root: Path | None = None) -> dict[str, Any]:
    """The YAML mapping of a params file (every value text, see ``yaml_text``), or a
    ``DataError`` naming the file: outside the project, unreadable, too large, not UTF-8, not
    valid YAML, aliases, deep nesting, or not a mapping."""
    return _params_mapping(_params_text(path, shown_as, root), shown_as)


def _params_text(path: Path, shown_as: str, root: Path | None = None) -> str:
    root = root if root is not None else Project.current().root
    raw = read_input(path, root, max_bytes=MAX_PARAMS_BYTES)
    return decode_text(raw, shown_as, table=False)


def _params_mapping(text: str, shown_as: str) -> dict[str, Any]:
    loaded = load_yaml(text, shown_as)
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
    if not os.path.lexists(path):
        raise ParameterError(missing_unit_message(project, [year], unit))
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
    if not os.path.lexists(path):
        return None, [
            Problem(
                shown,
                "filen saknas",
                hint=f"kör {create_unit_command(project, year, unit)}, eller skapa filen (se "
                "docs/data-format.md)",
            )
        ]
    try:
        text = _params_text(path, shown, project.root)
        raw = _params_mapping(text, shown)
    except DataError as exc:
        return None, exc.problems
    problems = params_problems(raw, year, unit, shown) + period_problems(raw, year, project, shown)
    if problems:
        return None, with_lines(problems, text, shown)
    return ReportParams(
        year=year,
        unit=unit,
        title=str(raw["titel"]).strip(),
        forecast_date=_forecast_date(raw.get("prognosdatum")),
        raw=raw,
        period=project.period,
        period_end=_forecast_date(raw.get("periodslut")) or year_end(year),
    ), []


_MONTHS = ("januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti",
           "september", "oktober", "november", "december")  # fmt: skip


def _forecast_date(value: object) -> str | None:
    """``prognosdatum`` as ISO text, or None when empty; ``ValueError`` with a Swedish cause."""
    if value is None:
        return None
    if isinstance(value, dt.date):
        return value.isoformat()
    if not isinstance(value, str):
        raise ValueError("ska vara ett datum (ÅÅÅÅ-MM-DD), inte en lista eller tabell")
    text = value.strip()
    if not text:
        return None
    match = re.fullmatch(r"([0-9]{4})-([0-9]{2})-([0-9]{2})", text)
    if not match:
        raise ValueError(f"'{text}' är inget datum i formen ÅÅÅÅ-MM-DD")
    year, month, day = (int(g) for g in match.groups())
    if not 1 <= month <= 12:
        raise ValueError(f"'{text}' är inget datum: månad {month} finns inte")
    days = calendar.monthrange(year, month)[1]
    if not 1 <= day <= days:
        raise ValueError(f"'{text}' är inget datum: {_MONTHS[month - 1]} {year} har {days} dagar")
    return dt.date(year, month, day).isoformat()


def checked_period_end(value: str | None, year: int, period: str) -> str:
    """A period's cut-off date given on the command line (``--slut``) as the params file will
    hold it: ``ÅÅÅÅ-MM-DD``, a date that exists, in ``year`` — the forms ``periodslut`` accepts
    (``period_problems``), checked before anything is written.

    Raises ``ParameterError`` (Swedish, saying what to write) for a missing or other date.
    """
    example = f"--slut {year}-08-31"
    if value is None or not value.strip():
        raise ParameterError(
            f"Perioden {period} behöver sitt slutdatum: ange --slut ÅÅÅÅ-MM-DD, t.ex. {example}."
        )
    try:
        end = _forecast_date(value)
    except ValueError as exc:
        raise ParameterError(
            f"--slut: {exc}. Skriv periodens sista dag som ÅÅÅÅ-MM-DD, t.ex. {example}. "
            "Inget har skrivits."
        ) from None
    if end is None or int(end[:4]) != year:
        raise ParameterError(
            f"--slut: {end} ligger inte i rapportåret {year}. Skriv periodens sista dag i {year}, "
            f"t.ex. {example}. Inget har skrivits."
        )
    return end


def _text_value(raw: dict[str, Any], key: str) -> str | None:
    """A key's value as text (ids and years are compared as text), None if absent or a list."""
    value = raw.get(key)
    if value is None or isinstance(value, dict | list):
        return None
    return str(value).strip()


def params_problems(raw: dict[str, Any], year: int, unit: str, shown: str) -> list[Problem]:
    """What is wrong with the keys of a params file (year, unit, title, forecast date).

    Every value is compared as the text it is written as (``enhet: on`` is the id ``on``).
    """
    problems: list[Problem] = []
    if _text_value(raw, "år") != str(year):
        problems.append(
            Problem(
                shown,
                f"'år' är {_quoted(raw.get('år'))} men filen ligger under {year}",
                column="år",
                hint=f"skriv år: {year}",
            )
        )
    if _text_value(raw, "enhet") != unit:
        problems.append(
            Problem(
                shown,
                f"'enhet' är {_quoted(raw.get('enhet'))} men filen heter {unit}.yaml",
                column="enhet",
                hint=f"skriv enhet: '{unit}'",
            )
        )
    title = raw.get("titel")
    if title is None or (isinstance(title, str) and not title.strip()):
        problems.append(
            Problem(
                shown,
                "'titel' saknas",
                column="titel",
                hint=f"skriv t.ex. titel: Verksamhetsuppföljning {year}",
            )
        )
    elif not isinstance(title, str):
        problems.append(
            Problem(
                shown,
                "'titel' ska vara en text, inte en lista eller tabell",
                column="titel",
                hint=f"skriv titeln på en rad, t.ex. titel: Verksamhetsuppföljning {year}",
            )
        )
    elif (control := control_character(title, one_line=True)) is not None:
        problems.append(
            Problem(
                shown,
                f"'titel' ska stå på en rad men innehåller tecknet {control[1]}",
                column="titel",
                hint=f"skriv titeln på en rad utan radbrytningar och styrtecken, t.ex. titel: "
                f"Verksamhetsuppföljning {year}",
            )
        )
    forecast = raw.get("prognosdatum")
    try:
        forecast_date = _forecast_date(forecast)
    except ValueError as exc:
        problems.append(
            Problem(
                shown,
                f"'prognosdatum': {exc}",
                column="prognosdatum",
                hint=f"skriv ett datum som finns, ÅÅÅÅ-MM-DD, t.ex. prognosdatum: {year}-08-31",
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


def _period_hint(written: str, year: int, project: Project) -> str:
    """What to do when params say ``period: <written>`` in another period's folder: an id with
    å, ä or ö is the id without them (``delår`` → ``delar``), and a folder is suggested only
    for a valid id."""
    folded = fold_swedish(written)
    if folded == project.period:
        return f"skriv period: {folded} (periodens id skrivs utan å, ä och ö)"
    try:
        check_period(folded)
    except ParameterError:
        return f"skriv period: {project.period} (ett id med små bokstäver a–z och siffror)"
    if folded != written:
        return (
            f"skriv period: {project.period}, eller, gäller filen perioden {folded} (id:t skrivs "
            f"utan å, ä och ö), skriv period: {folded} och flytta filen till "
            f"params/{year}/{folded}/"
        )
    return (
        f"skriv period: {project.period}, eller flytta filen till params/{year}/{folded}/ "
        f"(helår: direkt under params/{year}/)"
    )


def period_problems(raw: dict[str, Any], year: int, project: Project, shown: str) -> list[Problem]:
    """What is wrong with ``period`` and ``periodslut``: the period is the folder the file is in
    (``params/<år>/<period>/``; helår has none); a period other than helår needs its cut-off date
    ``periodslut`` (ÅÅÅÅ-MM-DD, inside the year); a helår's is 31 December, so one written in a
    helår file must be that day (any other is refused: it would reach the report's headings)."""
    problems: list[Problem] = []
    written = _text_value(raw, "period")
    if written is not None and written != project.period:
        where = f"params/{year}/" if project.is_year_end else f"params/{year}/{project.period}/"
        problems.append(
            Problem(
                shown,
                f"'period' är {_quoted(raw.get('period'))} men filen ligger under {where}",
                column="period",
                hint=_period_hint(written, year, project),
            )
        )
    try:
        end = _forecast_date(raw.get("periodslut"))
    except ValueError as exc:
        return [
            *problems,
            Problem(shown, f"'periodslut': {exc}", column="periodslut",
                    hint=f"skriv ett datum som finns, ÅÅÅÅ-MM-DD, t.ex. periodslut: {year}-08-31"),
        ]  # fmt: skip
    if end is None and not project.is_year_end:
        problems.append(
            Problem(
                shown,
                f"'periodslut' saknas: perioden {project.period} behöver sitt slutdatum",
                column="periodslut",
                hint=f"skriv t.ex. periodslut: {year}-08-31 (utfallet räknas till och med den "
                "dagen)",
            )
        )
    elif end is not None and int(end[:4]) != year:
        problems.append(
            Problem(
                shown,
                f"'periodslut' {end} ligger inte i rapportåret {year}",
                column="periodslut",
                hint=f"skriv periodens sista dag i {year}",
            )
        )
    elif end is not None and project.is_year_end and end != year_end(year):
        # A helår runs to 31 December: another cut-off would put a date the report does not
        # cover into its {periodslut} headings (it was taken silently).
        problems.append(
            Problem(
                shown,
                f"'periodslut' {end} står i helårets params, men helåret slutar {year_end(year)}",
                column="periodslut",
                hint=f"ta bort raden periodslut (helåret räknas alltid till och med "
                f"{year_end(year)}); gäller rapporten en period före årets slut, flytta filen "
                f"till params/{year}/<period>/ (t.ex. params/{year}/delar/)",
            )
        )
    return problems


def year_end(year: int) -> str:
    """The cut-off date of a helår report, ISO: 31 December of ``year``."""
    return f"{year}-12-31"


def _quoted(value: object) -> str:
    """A value as the message shows it: text in quotes, shortened; a list or table named so."""
    if value is None:
        return "tomt"
    if isinstance(value, dict | list):
        return "en lista eller tabell"
    text = str(value)
    return f"'{text[:60]}…'" if len(text) > 60 else f"'{text}'"
