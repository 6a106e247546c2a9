"""``workbook klar`` (set a section's sign-off) and ``workbook status`` (the season's progress)."""

from __future__ import annotations

import argparse
import getpass
import os
import subprocess

from helpers.cli import year_argument
from helpers.errors import ParameterError

STATUS_ARGUMENTS = {"utkast": "utkast", "granskning": "klar för granskning", "godkänd": "godkänd"}


def add_klar_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--year", type=year_argument, required=True, metavar="ÅR")
    parser.add_argument("--unit", required=True, help="enheten, t.ex. klk")
    parser.add_argument("sections", nargs="*", metavar="AVSNITT", help="avsnittens id")
    parser.add_argument("--alla", action="store_true", help="alla avsnitt i rapporten")
    parser.add_argument(
        "--status",
        choices=list(STATUS_ARGUMENTS),
        default="granskning",
        help="utkast, granskning (klar för granskning, standard) eller godkänd",
    )
    parser.add_argument("--by", metavar="NAMN", help="vem (standard: git:s user.name)")


def _who() -> str:
    try:
        name = subprocess.run(
            ["git", "config", "user.name"], capture_output=True, text=True, timeout=5
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        name = ""
    return name or os.environ.get("USER") or getpass.getuser()


def klar_command(args: argparse.Namespace) -> int:
    from helpers.definition import load_definition
    from helpers.paths import Project, check_unit
    from helpers.signoff import set_status

    project = Project.current()
    unit = check_unit(args.unit)
    definition = load_definition(project, args.year, unit)
    sections = [s.id for s in definition.sections]
    chosen = sections if args.alla else list(dict.fromkeys(args.sections))
    if not chosen:
        raise ParameterError(
            f"Ange vilka avsnitt (t.ex. {sections[0]}) eller --alla. Avsnitten är: "
            + ", ".join(sections)
        )
    status = STATUS_ARGUMENTS[args.status]
    path = set_status(project, args.year, unit, sections, chosen, status, args.by or _who())
    print(f"{', '.join(chosen)}: {status} ({path.relative_to(project.root)})")
    print("Inget avsnitt körs om för det här; nästa bygge uppdaterar bara utkastmärket.")
    return 0


def add_status_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--year", type=year_argument, required=True, metavar="ÅR")
    parser.add_argument("--unit", help="en enhet (utan: alla enheter med params för året)")


def status_command(args: argparse.Namespace) -> int:
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    from helpers.params import units_of_year
    from helpers.paths import Project, check_unit
    from helpers.season import unit_progress
    from helpers.signoff import STATUSES

    project = Project.current()
    units = [check_unit(args.unit)] if args.unit else units_of_year(args.year, project)
    console = Console()
    if not console.is_terminal:
        console = Console(width=max(console.width, 160))
    table = Table(title=f"Status {args.year}", title_justify="left")
    for name in ("enhet", *STATUSES, "texter att skriva", "problem", "klart"):
        table.add_column(name, justify="right" if name != "enhet" else "left")
    details = []
    for unit in units:
        progress = unit_progress(project, args.year, unit)
        grouped = progress.by_status()
        table.add_row(
            unit,
            *(str(len(grouped[s])) for s in STATUSES),
            str(len(progress.texts_to_write)),
            str(len(progress.problems)),
            f"{progress.percent} %",
        )
        lines = [f"[bold]{unit}[/bold] ({progress.percent} % klart)"]  # unit: a checked id
        for status in STATUSES:
            if grouped[status]:
                who = [
                    f"{s}" + (f" ({sign.by}, {sign.date})" if sign.by else "")
                    for s in grouped[status]
                    for sign in [progress.signoffs[s]]
                ]
                lines.append(escape(f"  {status}: {', '.join(who)}"))
        if progress.texts_to_write:
            lines.append(escape(f"  texter att skriva: {', '.join(progress.texts_to_write)}"))
        for problem in progress.problems:
            lines.append(escape(f"  problem: {problem}"))
        details.append("\n".join(lines))
    console.print(table)
    for block in details:
        console.print(block, highlight=False, markup=True)
    return 0
