"""``workbook build``: arguments and output of the build command."""

from __future__ import annotations

import argparse
from contextlib import ExitStack
from typing import TYPE_CHECKING

from helpers.building.arguments import (
    period_argument,
    timeout_argument,
    whole_number,
    year_argument,
)
from helpers.building.cpus import default_jobs
from helpers.core.errors import ParameterError, counted

if TYPE_CHECKING:
    from rich.console import Console


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--year", type=year_argument, metavar="ÅR", help="rapportåret, t.ex. 2016")
    parser.add_argument("--all", action="store_true", help="bygg alla år som har params/<år>/")
    parser.add_argument("--unit", help="en enhet (utan: alla enheter med params för året)")
    parser.add_argument(
        "--period",
        type=period_argument,
        help="en period, t.ex. delar eller helar (utan: alla perioder som har params för året, "
        "och den sammanställda rapporten)",
    )
    parser.add_argument("--section", help="ett avsnitt, t.ex. kf_mal (utan: alla avsnitt)")
    parser.add_argument(
        "--jobs",
        type=whole_number,
        metavar="N",
        help="antal parallella kärnor (standard: WORKBOOK_JOBS, annars de processorer bygget "
        "får använda — affinitet och cgroup-kvot)",
    )
    parser.add_argument(
        "--timeout",
        type=timeout_argument,
        metavar="SEKUNDER",
        help="längsta tid för ett avsnitt innan det avbryts och räknas som fel (standard: "
        "WORKBOOK_SECTION_TIMEOUT eller 600; högst 86400)",
    )
    parser.add_argument(
        "--force", action="store_true", help="bygg om allt, även det som inte har ändrats"
    )
    parser.add_argument(
        "--dry-run", action="store_true", help="visa vad som skulle byggas och varför, bygg inget"
    )
    parser.add_argument(
        "--cold",
        action="store_true",
        help="avsluta projektets varma kärnor först och starta nya (se WORKBOOK_WARM_KERNELS "
        "i docs/operator.md)",
    )
    parser.add_argument("--pdf", action="store_true", help="skriv också en PDF per rapport")
    parser.add_argument(
        "--docx", action="store_true", help="skriv också en Word-fil (.docx) per rapport"
    )
    parser.add_argument(
        "--scheduler",
        metavar="ADRESS",
        help="kör avsnitten på ett Dask-kluster, t.ex. tcp://berakning01:8786 (standard: "
        "WORKBOOK_SCHEDULER; utan: lokalt). Kräver projektet på samma sökväg hos varje "
        "arbetare — se docs/operator.md",
    )


def command(args: argparse.Namespace) -> int:
    from rich.text import Text

    from helpers.building.build import (
        all_years,
        build_years,
        every_problem,
        plan_periods,
        print_pdfs,
        select_periods,
        validate_plans,
        write_index,
        write_word_files,
    )
    from helpers.building.cluster import (
        check_scheduler_address,
        cluster_executor,
        describe,
        scheduler_from_environment,
    )
    from helpers.building.execute import timeout_from_environment
    from helpers.building.progress import (
        WIDE_PLAN,
        BuildProgress,
        failure_table,
        plan_reasons,
        plan_table,
        summary_table,
    )
    from helpers.building.warm_kernels import stop_warm_kernels, warm_seconds
    from helpers.core.paths import Project, check_period, check_year, period_order, periods_of_unit
    from helpers.data.render_cache import check_stores_folder

    if args.all == (args.year is not None):
        raise ParameterError("Ange antingen --year ÅR (t.ex. --year 2016) eller --all.")
    if args.jobs is None:
        args.jobs = default_jobs()  # WORKBOOK_JOBS, checked before anything runs
    elif args.jobs < 1:
        raise ParameterError(f"--jobs {args.jobs} går inte — ange minst 1.")
    # The environment's limit is checked before anything runs, as --timeout is by argparse.
    timeout = args.timeout if args.timeout is not None else timeout_from_environment()
    warm = warm_seconds()  # WORKBOOK_WARM_KERNELS, checked as early
    scheduler = args.scheduler or scheduler_from_environment()
    if scheduler:  # its form, also for --dry-run (whether it answers is found by connecting)
        check_scheduler_address(scheduler)
    project = Project.current()
    check_stores_folder(project.root)  # WORKBOOK_CACHE_DIR, as validate checks it
    years = all_years(project) if args.all else [check_year(args.year)]
    out = _console()
    periods: list[str] | None
    if args.period is not None:
        periods = [check_period(args.period)]
    else:
        periods = period_order({p for y in years for p in project.periods_of_year(y)}) or None
        if periods is not None:
            periods = periods_of_unit(project, years, args.unit, periods)
    consolidated = args.unit is None and args.section is None
    if args.unit is None:  # a unit of data/enheter.csv without params is named, not passed over
        from helpers.data.params import unreported_notices

        for notice in unreported_notices(project, years):
            out.print(Text(notice), soft_wrap=True)

    if args.dry_run:
        with every_problem(project, years, args.unit, periods, consolidated):
            selections = select_periods(project, years, args.unit, periods)
            plans = plan_periods(
                project, selections, args.unit, args.section, args.force, consolidated, args.pdf
            )
        wide = out.width >= WIDE_PLAN
        out.print(plan_table(plans, reasons=wide))
        if not wide:
            out.print("Varför:", highlight=False)
            for line in plan_reasons(plans):
                out.print(Text(f"  {line}"), soft_wrap=True)
        runs = sum(len(p.to_run) for p in plans)
        cached = sum(len(p.sections) - len(p.to_run) for p in plans)
        out.print(f"{runs} avsnitt skulle köras, {counted(cached, 'är cachat', 'är cachade')}.")
        # What the build would refuse before running anything, with the build's exit code.
        validate_plans(project, plans)
        return 0

    if args.cold:
        stop_warm_kernels(project, args.jobs, timeout)
    with ExitStack() as stack:
        executor = None
        if scheduler:
            executor = stack.enter_context(cluster_executor(scheduler, project.root))
            out.print(f"Dask-kluster {scheduler}: {describe(executor)}")
        result = build_years(
            years,
            args.unit,
            project,
            section=args.section,
            jobs=args.jobs,
            force=args.force,
            progress=BuildProgress(),
            timeout=timeout,
            periods=periods,
            consolidated=consolidated,
            pdf=args.pdf,
            executor=executor,
            warm=warm,
        )
    out.print(summary_table(result))
    ran = sum(u.sections_run for u in result.units)
    cached = sum(u.sections_cached for u in result.units)
    failed = sum(len(u.failures) for u in result.units)
    out.print(f"Körda avsnitt: {ran}, cachade: {cached}, fel: {failed} ({result.seconds:.1f} s)")
    failures = failure_table(result)
    if failures is not None:
        _console(stderr=True).print(failures)
    pdfs = print_pdfs(project, result) if args.pdf else []
    for pdf in pdfs:
        out.print(f"PDF: {pdf}")
    for document in write_word_files(result) if args.docx else []:
        out.print(f"Word: {document}")
    # After the PDFs: the index's PDF column lists what exists now.
    index = write_index(project, result, pdfs_written=bool(pdfs))
    if index is not None:
        out.print(f"Översikt: {index}")
    if result.failed:
        _console(stderr=True).print(
            "[red]Bygget misslyckades för minst ett avsnitt.[/red] Öppna den körda notebooken "
            "(kolumnen 'körd notebook') för att se felet; tidigare rapporter är orörda."
        )
        return 1
    return 0


def _console(stderr: bool = False) -> Console:
    """A console; in a log (not a terminal) wide enough that tables do not wrap every word."""
    from rich.console import Console  # only a build prints: `build --help` does without rich

    console = Console(stderr=stderr)
    if not console.is_terminal:
        console = Console(stderr=stderr, width=max(console.width, 160))
    return console
