"""``workbook kolada``: indicator and key-figure values from Kolada, written into a unit's files.

``workbook kolada --year 2016 [--unit klk] [--yes] [--refresh] [--kommun 1497]`` reads the
mapping ``data/kolada.csv`` (which indicator or key figure is which Kolada KPI), fetches the
municipality's values (the kommun's code is ``kommun: kolada:`` in ``data/rapport.yaml``, or
``--kommun``), and, where the mapping names one, a comparison value (``riket`` or a
municipality group) from Kolada's open API v3, and writes them into ``indikatorvarden.csv`` and
``nyckeltalsvarden.csv`` of each unit. Empty cells are filled without asking; a value typed by
hand that differs from Kolada's is overwritten only after a yes on a terminal, or with
``--yes``. The diff of what would change is shown first.

All fetching happens before anything is written: if Kolada cannot be reached and nothing is
cached, the command says so and changes nothing.

The work is split by job: ``helpers.kolada.kolada_api`` (HTTP, paging, parsing, the on-disk cache),
``helpers.data.kolada_mapping`` (``data/kolada.csv``), ``helpers.kolada.kolada_changes`` (target
cells, the change set, writing it) and ``helpers.kolada.kolada_csv`` (byte-preserving CSV rewrites).
This module is only the command. The CLI imports it at start-up, so it imports neither requests,
pandas nor rich until the command runs.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from helpers.building.arguments import year_argument
from helpers.core.errors import DataError, ParameterError, counted, display_path
from helpers.core.paths import Project, check_unit, check_year, readable_file
from helpers.data.kolada_groups import read_groups
from helpers.data.kolada_mapping import MAPPING_FILE, MUNICIPALITY_ID, load_mapping
from helpers.data.params import units_of_year
from helpers.kolada.kolada_api import Client, KoladaError, KoladaValue, SessionLike
from helpers.kolada.kolada_changes import Change, Target, apply_changes, compute_changes, plan_unit

if TYPE_CHECKING:
    from rich.console import Console


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``workbook kolada``."""
    parser.add_argument(
        "--year", type=year_argument, required=True, metavar="ÅR", help="rapportåret, t.ex. 2016"
    )
    parser.add_argument(
        "--unit", help="enhetens id, t.ex. klk (utan: alla enheter med params för året)"
    )
    parser.add_argument(
        "--yes",
        "-y",
        action="store_true",
        help="skriv över värden som skrivits in för hand utan att fråga",
    )
    parser.add_argument(
        "--refresh",
        action="store_true",
        help="hämta från Kolada igen även om sparade svar finns i .cache/kolada/",
    )
    parser.add_argument(
        "--kommun",
        help="kommunens kod i Kolada (standard: kommun: kolada: i data/rapport.yaml)",
    )


def command(args: argparse.Namespace) -> int:
    """Run ``workbook kolada``; 0 when done (also when nothing needed changing).

    Anything the user can fix (no network and no cache, an HTTP error, a bad mapping, an
    unknown unit) raises a WorkbookError with a Swedish message, which ``workbook`` prints
    without a traceback and turns into a non-zero exit status. Nothing is written in that case.
    """
    return run(args)


def run(
    args: argparse.Namespace,
    *,
    session: SessionLike | None = None,
    stdin: TextIO | None = None,
    console: Console | None = None,
    today: date | None = None,
) -> int:
    """The command itself; raises WorkbookError for anything the user can fix."""
    if console is None:
        from rich.console import Console

        console = Console(highlight=False)
    stdin = stdin if stdin is not None else sys.stdin
    project = Project.current()
    year = check_year(args.year)
    municipality = str(getattr(args, "kommun", None) or default_municipality(project))
    if not MUNICIPALITY_ID.match(municipality):
        raise ParameterError(
            f"Kommunkoden {municipality!r} är ingen kommunkod — ange fyra siffror, t.ex. 1497."
        )
    units = _select_units(project, year, getattr(args, "unit", None))
    mapping_path = project.data / MAPPING_FILE
    if os.path.lexists(mapping_path):
        readable_file(mapping_path, project.root)
    groups, problems = read_groups(project)
    if problems:
        raise DataError(problems)
    mapping = load_mapping(mapping_path, display_path(mapping_path, project.root), groups)

    targets: list[Target] = []
    for unit in units:
        unit_targets, notes = plan_unit(project, year, unit, mapping, municipality)
        targets += unit_targets
        for note in notes:
            _say(console, note)
    if not targets:
        _say(console, "Inga värden att hämta: inget i data/kolada.csv matchar enheternas filer.")
        return 0

    wanted: dict[tuple[str, str], set[int]] = {}
    for target in targets:
        wanted.setdefault((target.kpi, target.municipality), set()).add(target.year)
    client = Client(
        project.root / ".cache" / "kolada",
        session=session,
        refresh=bool(getattr(args, "refresh", False)),
        today=today,
    )
    values: dict[tuple[str, str, int], KoladaValue] = {}
    try:
        for (kpi, where), years in sorted(wanted.items()):
            for period, value in client.fetch(kpi, where, years).items():
                values[(kpi, where, period)] = value
    except KoladaError as exc:
        raise type(exc)(f"{exc} Ingenting ändrades i datafilerna.") from None

    changes = compute_changes(targets, values)
    if not changes:
        _say(
            console,
            f"Inga ändringar: datafilerna för {', '.join(units)} {year} stämmer redan med Kolada.",
        )
        return 0
    _print_changes(console, changes, project.root)

    accepted = [c for c in changes if not c.overwrites]
    overwrites = [c for c in changes if c.overwrites]
    if overwrites:
        if getattr(args, "yes", False):
            accepted += overwrites
        elif _is_terminal(stdin):
            if _ask(console, stdin, len(overwrites)):
                accepted += overwrites
            else:
                left = counted(len(overwrites), "värde", "värden")
                _say(
                    console,
                    f"{left} som skrivits in för hand lämnades "
                    + ("orört." if len(overwrites) == 1 else "orörda."),
                )
        else:
            _say(
                console,
                f"{_values(len(overwrites))} som skrivits in för hand skrevs inte över: "
                "ingen kunde tillfrågas (indata kommer inte från en terminal). "
                "Kör med --yes för att skriva över dem.",
            )

    by_file: dict[Path, list[Change]] = {}
    for change in accepted:
        by_file.setdefault(change.target.path, []).append(change)
    for path, file_changes in by_file.items():
        shown = display_path(path, project.root)
        apply_changes(path, file_changes, shown)
        _say(console, f"Skrev {_values(len(file_changes))} från Kolada till {shown}.")
    if not by_file:
        _say(console, "Ingenting skrevs.")
    return 0


def default_municipality(project: Project) -> str:
    """The kommun's Kolada code from the report definition (``kommun: kolada:``)."""
    from helpers.data.definition import read_definition

    definition, problems = read_definition(project)
    if problems or definition is None:
        raise DataError(problems)
    if definition.municipality.kolada is None:
        raise ParameterError(
            "Kommunkoden i Kolada saknas: skriv den under kommun: i data/rapport.yaml "
            '(kolada: "1497" – fyra siffror inom citattecken) eller ange --kommun.'
        )
    return definition.municipality.kolada


def _select_units(project: Project, year: int, unit: str | None) -> list[str]:
    if unit:
        unit = check_unit(unit)
        if not project.unit_data(year, unit).is_dir():
            shown = display_path(project.unit_data(year, unit), project.root)
            raise ParameterError(
                f"Enheten {unit} har ingen data för {year} ({shown} saknas) — kontrollera år och "
                "enhet."
            )
        return [unit]
    units = [u for u in units_of_year(year, project) if project.unit_data(year, u).is_dir()]
    if not units:
        raise ParameterError(
            f"Inga enheter har både params/{year}/<enhet>.yaml och data/{year}/<enhet>/ — ange "
            "--unit eller lägg till enheternas filer."
        )
    return units


def _print_changes(console: Console, changes: Sequence[Change], root: Path) -> None:
    from rich.table import Table as RichTable
    from rich.text import Text

    by_file: dict[Path, list[Change]] = {}
    for change in changes:
        by_file.setdefault(change.target.path, []).append(change)
    for path, file_changes in by_file.items():
        dates = sorted({c.retrieved.isoformat() for c in file_changes})
        table = RichTable(
            title=Text(f"{display_path(path, root)} (Kolada, hämtad {', '.join(dates)})"),
            title_justify="left",
        )
        for name in ("Id", "År", "Kolumn", "Gammalt", "Nytt", ""):
            table.add_column(name, overflow="fold")
        for change in file_changes:
            target = change.target
            table.add_row(  # texts from data files: shown as text, never as console markup
                Text(target.item_id),
                str(target.year),
                Text(target.column),
                Text(target.old.strip() or "(tom)"),
                Text(change.new),
                "skrivs över" if change.overwrites else "fylls i",
            )
        console.print(table)


def _is_terminal(stream: TextIO) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


def _ask(console: Console, stdin: TextIO, count: int) -> bool:
    console.print(
        f"Skriva över {_values(count)} som skrivits in för hand? [j/n] ",
        end="",
        markup=False,
        highlight=False,
    )
    answer = stdin.readline().strip().lower()
    return answer in ("j", "ja", "y", "yes")


def _say(console: Console, text: str) -> None:
    console.print(text, markup=False, highlight=False, soft_wrap=True)


def _values(count: int) -> str:
    """``1 värde`` / ``3 värden``."""
    return counted(count, "värde", "värden")
