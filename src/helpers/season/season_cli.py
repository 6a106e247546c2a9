"""``workbook klar`` (set a section's sign-off) and ``workbook status`` (the season's progress)."""

from __future__ import annotations

import argparse
import getpass
import os
import subprocess
from typing import TYPE_CHECKING

from helpers.building.arguments import year_argument
from helpers.core.errors import ParameterError, quote

if TYPE_CHECKING:
    from rich.console import Console

    from helpers.core.paths import Project

STATUS_ARGUMENTS = {"utkast": "utkast", "granskning": "klar för granskning", "godkänd": "godkänd"}
# The words as `workbook status` and the file show them are accepted too, and each spelt without
# å/ä/ö (a keyboard or terminal without them); nothing else is (a guessed word such as "klar"
# could mean either step, so it is refused rather than read).
STATUS_ALIASES = {
    "klar för granskning": "granskning",
    "klar for granskning": "granskning",
    "godkand": "godkänd",
}


def status_argument(text: str) -> str:
    """``--status``: a key of ``STATUS_ARGUMENTS`` or the status in words (any case, any
    spacing). Raises ``argparse.ArgumentTypeError`` naming the allowed words otherwise."""
    word = " ".join(text.split()).lower()
    word = STATUS_ALIASES.get(word, word)
    if word not in STATUS_ARGUMENTS:
        raise argparse.ArgumentTypeError(
            f"'{quote(text)}' är ingen status — välj utkast, granskning (eller "
            "'klar för granskning') eller godkänd"
        )
    return word


def add_klar_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--year", type=year_argument, required=True, metavar="ÅR")
    parser.add_argument(
        "--unit", required=True, help="enheten, t.ex. klk (kommun: den sammanställda rapporten)"
    )
    parser.add_argument("--period", help="perioden, t.ex. delar (standard: helar)")
    parser.add_argument("sections", nargs="*", metavar="AVSNITT", help="avsnittens id")
    parser.add_argument("--alla", action="store_true", help="alla avsnitt i rapporten")
    parser.add_argument(
        "--status",
        type=status_argument,
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
    from helpers.core.paths import YEAR_END, Project, check_period, check_unit
    from helpers.data.params import check_report_params
    from helpers.data.signoff import report_sections, set_status

    if args.alla and args.sections:
        raise ParameterError(
            f"Ange antingen avsnitt ({', '.join(map(quote, args.sections))}) eller --alla, "
            "inte båda: --alla klarmarkerar alla avsnitt i rapporten."
        )
    project = Project.current(check_period(args.period or YEAR_END))
    unit = check_unit(args.unit)
    check_report_params(project, args.year, unit)
    sections = report_sections(project, args.year, unit)
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
    parser.add_argument(
        "--unit", help="en enhet (utan: alla enheter med params för året, och kommunens rapport)"
    )
    parser.add_argument(
        "--period", help="en period, t.ex. delar (utan: alla perioder som har params för året)"
    )


def status_command(args: argparse.Namespace) -> int:
    from rich.console import Console

    from helpers.core.paths import YEAR_END, Project, check_period, check_unit, periods_of_unit
    from helpers.data.params import check_report_params, units_of_year

    project = Project.current()
    if args.period is not None:
        periods = [check_period(args.period)]
    else:
        periods = project.periods_of_year(args.year) or [YEAR_END]
    unit = check_unit(args.unit) if args.unit else None
    if unit is not None and args.period is None:
        periods = periods_of_unit(project, [args.year], unit, periods)
    for period in periods:
        if unit is None:
            units_of_year(args.year, project.for_period(period))  # the year and period exist
        else:
            check_report_params(project.for_period(period), args.year, unit)
    console = Console()
    if not console.is_terminal:
        console = Console(width=max(console.width, 160))
    for period in periods:
        _print_status(console, project.for_period(period), args.year, unit, len(periods) > 1)
    return 0


def _status_units(project: Project, year: int) -> list[str]:
    """The units of the year and period, then ``kommun`` when there is a consolidated report."""
    from helpers.core.paths import CONSOLIDATED
    from helpers.data.kommun_definition import read_consolidated
    from helpers.data.params import units_of_year

    units = units_of_year(year, project)
    if read_consolidated(project)[0] is not None:
        units.append(CONSOLIDATED)
    return units


def _print_status(
    console: Console, project: Project, year: int, unit: str | None, named: bool
) -> None:
    """One period's table and, per unit, its sections by status, texts and problems."""
    from rich.markup import escape
    from rich.table import Table

    from helpers.building.readiness import unit_progress
    from helpers.data.periods import period_spec
    from helpers.data.signoff import STATUSES

    units = [unit] if unit else _status_units(project, year)
    title = f"Status {year}"
    if named or not project.is_year_end:
        title += f", {period_spec(project, project.period).name}"
    table = Table(title=title, title_justify="left")
    for name in ("enhet", *STATUSES, "texter att skriva", "problem", "klart"):
        table.add_column(name, justify="right" if name != "enhet" else "left")
    details = []
    for each in units:
        progress = unit_progress(project, year, each)
        grouped = progress.by_status()
        table.add_row(
            each,
            *(str(len(grouped[s])) for s in STATUSES),
            str(len(progress.texts_to_write)),
            str(len(progress.problems)),
            f"{progress.percent} %",
        )
        header = f"[bold]{each}[/bold] ({progress.percent} % klart)"  # each: a checked id
        if progress.approved_with_texts:
            header += " — [yellow]godkänd men har texter att skriva[/yellow]"
        lines = [header]
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
        for section, texts in progress.approved_with_texts.items():
            lines.append(
                "  [yellow]varning:[/yellow] "
                + escape(f"{section} är godkänd men har texter att skriva: {', '.join(texts)}")
            )
        for problem in progress.problems:
            lines.append(escape(f"  problem: {problem}"))
        details.append("\n".join(lines))
    console.print(table)
    for block in details:
        console.print(block, highlight=False, markup=True)
