"""Report periods: a report is for a year *and* a period (helår, delår, tertial …).

A period is an id that is safe in a path (``helar``, ``delar``, ``tertial1``: see
``paths.check_period``) and a cut-off date (``periodslut`` in the report's params; helår: 31
December). The year-end period ``helar`` keeps the paths a year has always had; every other
period has one folder more under the year (``params/<år>/<period>/``, ``data/<år>/<period>/``,
``reports/<år>/<period>/``), so a delår report and the year-end report of the same unit and year
exist side by side, each with its own params, tables and texts.

What a period is called and how its operating statement looks is data: the key ``perioder:`` of
``data/rapport.yaml``::

    perioder:
      helar: {namn: Helår}
      delar:
        namn: Delår
        drift:                       # laid over rapport.yaml's drift:, under the unit's drift:
          kolumner: [budget, utfall, prognos, avvikelse_prognos]
          rubriker: {utfall: "Utfall till {periodslut}"}
"""

from __future__ import annotations

from dataclasses import dataclass

from helpers.core.errors import ParameterError, Problem, display_path
from helpers.core.paths import YEAR_END, Project, check_period
from helpers.data.definition.load import definition_loads, definition_part, with_definition_lines

PERIODS_KEY = "perioder"
PERIOD_KEYS = ("namn", "drift")
DEFAULT_NAMES = {YEAR_END: "Helår"}


@dataclass(frozen=True)
class PeriodSpec:
    """A period of the kommun's definition: its id and the name readers see."""

    id: str
    name: str

    @property
    def is_year_end(self) -> bool:
        return self.id == YEAR_END


def read_periods(project: Project) -> tuple[dict[str, PeriodSpec], list[Problem]]:
    """See ``_read_periods``, every problem with its value's line (``with_definition_lines``)."""
    value, problems = _read_periods(project)
    return value, with_definition_lines(project, problems)


def _read_periods(project: Project) -> tuple[dict[str, PeriodSpec], list[Problem]]:
    """The periods ``data/rapport.yaml`` names (helår always), and every problem with them."""
    periods = {YEAR_END: PeriodSpec(YEAR_END, DEFAULT_NAMES[YEAR_END])}
    value, shown = definition_part(project, PERIODS_KEY)
    if value is None:
        return periods, []
    problems: list[Problem] = []
    if not isinstance(value, dict):
        hint = "skriv perioderna som 'delar: {namn: Delår}', en per rad (se docs/data-format.md)"
        return periods, [Problem(shown, "'perioder' ska vara en tabell", column="perioder",
                                 hint=hint)]  # fmt: skip
    for key, entry in value.items():
        where = f"perioder.{key}"
        try:
            period = check_period(str(key))
        except Exception:  # noqa: BLE001 - a ParameterError, reported as a problem of the file
            problems.append(
                Problem(shown, f"'{key}' är inget giltigt period-id", column=where,
                        hint="använd små bokstäver a–z och siffror, t.ex. delar eller tertial1")
            )  # fmt: skip
            continue
        entry = entry if isinstance(entry, dict) else {}
        unknown = [k for k in entry if k not in PERIOD_KEYS]
        for name in unknown:
            problems.append(
                Problem(shown, f"okänd nyckel '{name}'", column=f"{where}.{name}",
                        hint=f"tillåtna nycklar: {', '.join(PERIOD_KEYS)}")
            )  # fmt: skip
        name = entry.get("namn")
        text = str(name).strip() if isinstance(name, str) and name.strip() else None
        periods[period] = PeriodSpec(period, text or DEFAULT_NAMES.get(period, period))
    return periods, problems


def period_spec(project: Project, period: str) -> PeriodSpec:
    """The named period (a period rapport.yaml does not name is called by its id)."""
    periods, _ = read_periods(project)
    return periods.get(period, PeriodSpec(period, DEFAULT_NAMES.get(period, period)))


def undefined_period(project: Project, year: int) -> list[Problem]:
    """A problem for each period folder of ``params/<år>/`` that ``perioder:`` does not name."""
    if not definition_loads(project):
        return []  # the definition's own check reports a missing or unreadable file
    periods, problems = read_periods(project)
    for period in project.periods_of_year(year):
        if period not in periods:
            folder = project.for_period(period).params_dir(year)
            problems.append(
                Problem(
                    display_path(folder, project.root) + "/",
                    f"perioden '{period}' finns inte under perioder: i data/rapport.yaml",
                    hint=f"lägg till '{period}: {{namn: …}}' under perioder:, eller döp om mappen",
                )
            )
    return problems


def check_defined_period(project: Project, period: str) -> None:
    """Refuse (``ParameterError``) to create files for a period ``perioder:`` does not name:
    ``validate`` and ``build`` would then refuse every report of it (``undefined_period``)."""
    periods, _ = read_periods(project)
    if period not in periods:
        named = ", ".join(periods)
        raise ParameterError(
            f"Perioden '{period}' finns inte under perioder: i data/rapport.yaml (där finns: "
            f"{named}). Lägg till '{period}: {{namn: …}}' under perioder: först, eller välj en "
            "av dem."
        )
