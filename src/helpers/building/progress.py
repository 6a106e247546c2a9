"""What a build shows while it runs and when it ends (rich), in Swedish.

On a terminal: one live progress line with sections done / cached / failed, the current unit,
elapsed and remaining time. In a log (not a TTY): nothing while running — only the summary.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table
from rich.text import Text

from helpers.core.errors import safe_text
from helpers.core.paths import YEAR_END

if TYPE_CHECKING:
    from helpers.building.build import BuildResult, UnitPlan


def year_label(year: int, period: str) -> str:
    """``2016`` for helår, ``2016 delar`` for another period."""
    return str(year) if period == YEAR_END else f"{year} {period}"


class BuildProgress:
    """Progress of the sections to execute; a no-op when the console is not interactive."""

    def __init__(self, console: Console | None = None):
        self.console = console or Console(stderr=True)
        self.live = self.console.is_terminal
        self.done = self.cached = self.failed = 0
        self._progress: Progress | None = None
        self._task: Any = None

    def start(self, to_run: int, cached: int) -> None:
        self.cached = cached
        if not self.live or to_run == 0:
            return
        self._progress = Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[counts]}"),
            TextColumn("förflutet"),
            TimeElapsedColumn(),
            TextColumn("kvar"),
            TimeRemainingColumn(),
            console=self.console,
            transient=True,
        )
        self._task = self._progress.add_task("Startar kärnor…", total=to_run, counts=self._counts())
        self._progress.start()

    def _counts(self) -> str:
        return f"klara {self.done} · cachade {self.cached} · fel {self.failed}"

    def section_done(self, year: int, unit: str, section: str, ok: bool) -> None:
        if ok:
            self.done += 1
        else:
            self.failed += 1
        if self._progress is not None and self._task is not None:
            self._progress.update(
                self._task, advance=1, description=f"{year} {unit}", counts=self._counts()
            )

    def stop(self) -> None:
        if self._progress is not None:
            self._progress.stop()
            self._progress = None


# Below this many columns the plan's reasons (long file paths) go under the table, one a line.
WIDE_PLAN = 120


def plan_table(plans: Iterable[UnitPlan], reasons: bool = True) -> Table:
    """``--dry-run``: every section in report order, its kind, whether it would run, and why
    (``reasons`` False: without the why, which :func:`plan_reasons` then gives as lines)."""
    table = Table(title="Byggplan", title_justify="left")
    names = ("år", "enhet", "avsnitt", "typ", "åtgärd") + (("varför",) if reasons else ())
    for name in names:
        # A narrow terminal wraps, and folds a path with no space in it, rather than cut "…".
        table.add_column(name, overflow="fold")
    for plan in plans:
        for row in _plan_rows(plan):
            table.add_row(*(Text(safe_text(cell)) for cell in row[: len(names)]))
    return table


def plan_reasons(plans: Iterable[UnitPlan]) -> list[str]:
    """Why each section or report of a narrow ``--dry-run`` runs, one line each, whole (a
    terminal wraps them; no file name is cut)."""
    return [
        f"{year} {unit} {section}: {reason}"
        for plan in plans
        for year, unit, section, _, action, reason in _plan_rows(plan)
        if action in ("körs", "exporteras")
    ]


def _plan_rows(plan: UnitPlan) -> list[tuple[str, str, str, str, str, str]]:
    label = year_label(plan.year, plan.period)
    rows = [
        (label, plan.unit, s.name, s.kind, "körs" if s.reason else "cachad",
         s.reason or "oförändrad")
        for s in plan.sections  # in report order
    ]  # fmt: skip
    action = "exporteras" if plan.report_reason else "oförändrad"
    rows.append((label, plan.unit, "(rapport)", "", action, plan.report_reason or "oförändrad"))
    return rows


def summary_table(result: BuildResult) -> Table:
    """After the build: one row per unit-year, plus one row per failed section."""
    table = Table(
        title=f"Sammanfattning ({result.seconds:.1f} s)", title_justify="left", show_lines=False
    )
    for name in ("år", "enhet", "körda", "cachade", "fel", "rapport"):
        table.add_column(name)
    for unit in result.units:
        if unit.failures:
            status = "[red]ej uppdaterad (tidigare rapport orörd)[/red]"
        elif unit.report_stale:
            status = (
                "[yellow]inte uppdaterad: inaktuella avsnitt "
                f"{', '.join(unit.stale_sections)} (bygg dem eller kör utan --section)[/yellow]"
            )
        elif unit.report_written:
            status = "[green]skriven[/green]"
        else:
            status = "oförändrad"
        table.add_row(
            year_label(unit.year, unit.period),
            unit.unit,
            str(unit.sections_run),
            str(unit.sections_cached),
            str(len(unit.failures)),
            status,
        )
    return table


def failure_table(result: BuildResult) -> Table | None:
    rows = [(u, s, f) for u in result.units for s, f in u.failures.items()]
    if not rows:
        return None
    table = Table(title="Fel", title_justify="left", title_style="bold red")
    for name in ("år", "enhet", "avsnitt", "cell", "fel (sista raden)", "körd notebook"):
        table.add_column(name, overflow="fold")
    for unit, section, failure in rows:
        table.add_row(
            year_label(unit.year, unit.period),
            unit.unit,
            section,
            str(failure.cell) if failure.cell is not None else "–",
            # Text from data: never console markup, and no terminal control sequences either.
            Text(safe_text(failure.last_line)),
            unit.executed.get(section, ""),
        )
    return table
