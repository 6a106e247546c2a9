"""``workbook klar`` (set a section's sign-off) and ``workbook status`` (the season's progress)."""

from __future__ import annotations

import argparse
import getpass
import os
import subprocess
import sys
from typing import TYPE_CHECKING

from helpers.building.arguments import period_argument, year_argument
from helpers.core.errors import ParameterError, quote
from helpers.core.text_norm import fold_swedish

if TYPE_CHECKING:
    from rich.console import Console

    from helpers.core.errors import Problem
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


def approved_with_texts_warning(section: str, texts: list[str]) -> str:
    """The warning for an approved section that still has ``texts`` to write (paths under the
    unit's folder), in the words ``workbook status`` and ``workbook klar`` both print: the
    command's own message, not the report's (whose words are the definition's labels)."""
    return f"{section} är godkänd men har texter att skriva: {', '.join(texts)}"


def status_argument(text: str) -> str:
    """``--status``: a key of ``STATUS_ARGUMENTS`` or the status in words (any case, any
    spacing). Raises ``argparse.ArgumentTypeError`` naming the allowed words otherwise."""
    word = " ".join(text.split()).lower()
    word = STATUS_ALIASES.get(word, word)
    word = {fold_swedish(key): key for key in STATUS_ARGUMENTS}.get(fold_swedish(word), word)
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
    parser.add_argument(
        "--period", type=period_argument, help="perioden, t.ex. delar (standard: helar)"
    )
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
    from helpers.data.signoff import APPROVED, DRAFT, check_request, report_sections, set_status

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
    by = check_request(args.year, unit, sections, chosen, status, args.by or _who())
    if status != DRAFT:
        _refuse_bad_data(project, args.year, unit, status)
    path = set_status(project, args.year, unit, sections, chosen, status, by)
    print(f"{', '.join(chosen)}: {status} ({path.relative_to(project.root)})")
    print("Inget avsnitt körs om för det här; nästa bygge uppdaterar bara utkastmärket.")
    if status == APPROVED:
        _warn_texts_to_write(project, args.year, unit, chosen)
    return 0


def _warn_texts_to_write(project: Project, year: int, unit: str, chosen: list[str]) -> None:
    """Print the warning ``workbook status`` shows (``readiness.approved_with_texts``) for each
    of the ``chosen`` sections just approved that still has texts to write; the approval stands."""
    from helpers.building.readiness import unit_progress

    progress = unit_progress(project, year, unit, validate=False)
    for section in chosen:
        texts = progress.approved_with_texts.get(section)
        if texts:
            print(f"varning: {approved_with_texts_warning(section, texts)}")


def _refuse_bad_data(project: Project, year: int, unit: str, status: str) -> None:
    """A section is not marked ready while its report's data has problems: ``DataError`` with
    every problem ``workbook validate`` finds for the report (``validate.reports_problems``),
    after a line saying nothing was marked and what to do. Taking a mark back (``utkast``) is
    never refused."""
    from helpers.building.validate import reports_problems
    from helpers.core.errors import DataError

    problems = reports_problems(project, [(project.period, year, unit)], [year])
    if problems:
        period = "" if project.is_year_end else f" --period {project.period}"
        print(
            f"Inget avsnitt fick status '{status}': underlaget för {unit} {year} har fel. "
            f"Rätta dem (`workbook validate --year {year} --unit {unit}{period}` visar dem) och "
            "kör igen. Att ta tillbaka en klarmarkering (--status utkast) går alltid.",
            file=sys.stderr,
        )
        raise DataError(problems)


def add_status_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--year", type=year_argument, required=True, metavar="ÅR")
    parser.add_argument(
        "--unit", help="en enhet (utan: alla enheter med params för året, och kommunens rapport)"
    )
    parser.add_argument(
        "--period",
        type=period_argument,
        help="en period, t.ex. delar (utan: alla perioder som har params för året)",
    )


def status_command(args: argparse.Namespace) -> int:
    """Print the season's progress of the year (``--unit``, ``--period``: of those); 0 when the
    data it reports on is in order, 2 when it has problems — the rule of ``workbook validate``,
    whose problems these are (each unit's, and those of files every report reads)."""
    from rich.console import Console
    from rich.markup import escape

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
    from helpers.building.validate import project_problems, sorted_problems

    problems: list[Problem] = []
    for period in periods:
        seen = project.for_period(period)
        problems += _print_status(console, seen, args.year, unit, len(periods) > 1)
    common = sorted_problems(project_problems(project, [args.year]), project)
    if common:
        console.print("[bold]Fel som gäller alla rapporter[/bold]", highlight=False)
        for problem in common:
            console.print(escape(f"  problem: {problem}"), highlight=False)
    problems = sorted_problems([*problems, *common], project)
    if problems:
        # As validate: problems in the data it reports on are exit status 2 (scripts, CI).
        console.print(
            escape(
                f"\n{len(problems)} fel i underlaget. Rätta dem och kör igen "
                f"(`workbook validate --year {args.year}"
                + (f" --unit {unit}" if unit else "")
                + (f" --period {args.period}" if args.period else "")
                + "` visar bara felen)."
            ),
            highlight=False,
        )
        return 2
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
) -> list[Problem]:
    """One period's table and, per unit, its sections by status, texts and problems; the
    problems shown."""
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
    problems: list[Problem] = []
    for each in units:
        progress = unit_progress(project, year, each)
        problems += progress.problems
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
                "  [yellow]varning:[/yellow] " + escape(approved_with_texts_warning(section, texts))
            )
        for problem in progress.problems:
            lines.append(escape(f"  problem: {problem}"))
        details.append("\n".join(lines))
    console.print(table)
    for block in details:
        console.print(block, highlight=False, markup=True)
    return problems
