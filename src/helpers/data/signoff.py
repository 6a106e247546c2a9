"""Sign-off (klarmarkering): per unit-year and section, how far it has come, who said so, when.

Kept as data under version control, ``data/<år>/<enhet>/klarmarkering.csv``::

    avsnitt,status,av,datum
    kf_mal,godkänd,Anna Ek,2017-02-14

``status`` is one of :data:`STATUSES` (utkast → klar för granskning → godkänd); a section
without a row is an ``utkast``. The file is read with the same table reader and cell parsers as
every other table (``unit_data.read_spec_table``), so ``workbook validate`` and the report read
it alike; ``workbook klar`` writes it (``set_status``), and an analyst may edit it by hand.

No section notebook reads the file, so a change of status never runs a section again: only the
report's draft mark changes (``export`` asks :func:`draft_mark`), and the report fingerprint
covers the file (``fingerprint.Fingerprinter.report``).
"""

from __future__ import annotations

import csv
import datetime as dt
import errno
import io
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from helpers.core.errors import (
    DataError,
    ParameterError,
    Problem,
    WriteError,
    display_path,
    quote,
)
from helpers.core.files import write_atomically
from helpers.core.paths import CONSOLIDATED, Project
from helpers.core.schema import Column, TableSpec
from helpers.data.cell_values import check_plain_text

if TYPE_CHECKING:
    from helpers.core.labels import Labels
    from helpers.data.unit_data import UnitData

SIGNOFF_STEM = "klarmarkering"
DRAFT, REVIEW, APPROVED = "utkast", "klar för granskning", "godkänd"
STATUSES = (DRAFT, REVIEW, APPROVED)
# The label (etiketter: klarmarkering.<key>) that names each status in reports and the index.
STATUS_LABELS = {DRAFT: "status_utkast", REVIEW: "status_granskning", APPROVED: "status_godkänd"}

SIGNOFF_SPEC = TableSpec(
    SIGNOFF_STEM,
    (
        Column("avsnitt", "id", required=True),
        Column("status", "choice", required=True, choices=STATUSES),
        Column("av", one_line_plain=True),
        Column("datum", "date"),
    ),
    key=("avsnitt",),
    required_file=False,
)


@dataclass(frozen=True)
class SignOff:
    section: str
    status: str = DRAFT
    by: str = ""
    date: str = ""


def signoff_file(project: Project, year: int, unit: str) -> Path:
    """The unit-year's sign-off file (CSV; an ``.xlsx`` of the same name is read too)."""
    from helpers.data.readers import find_table

    folder = project.unit_data(year, unit)
    return find_table(folder, SIGNOFF_STEM) or folder / f"{SIGNOFF_STEM}.csv"


def read_signoffs(
    project: Project, year: int, unit: str, sections: list[str]
) -> tuple[dict[str, SignOff], list[Problem]]:
    """Every section's sign-off (``utkast`` when it has no row) and every problem in the file:
    cells that cannot be read, a section twice, a section the report does not have."""
    from helpers.data.unit_data import LINE_COLUMN, read_spec_table

    folder = project.unit_data(year, unit)
    frame, problems = read_spec_table(folder, SIGNOFF_SPEC, project)
    shown = display_path(signoff_file(project, year, unit), project.root)
    found: dict[str, SignOff] = {}
    for row in frame.to_dict("records"):
        section, line = row["avsnitt"], row[LINE_COLUMN]
        if not section:
            continue
        if section not in sections:
            problems.append(
                Problem(
                    shown,
                    f"avsnittet '{section}' finns inte i rapporten",
                    row=line,
                    column="avsnitt",
                    hint=f"avsnitten är: {', '.join(sections)}",
                )
            )
        elif section in found:
            problems.append(
                Problem(
                    shown,
                    f"avsnittet '{section}' står på flera rader",
                    row=line,
                    column="avsnitt",
                    hint="ta bort raden (en rad per avsnitt)",
                )
            )
        else:
            found[section] = SignOff(section, row["status"] or DRAFT, row["av"], row["datum"])
    return {s: found.get(s, SignOff(s)) for s in sections}, problems


def signoff_problems(project: Project, year: int, unit: str, sections: list[str]) -> list[Problem]:
    return read_signoffs(project, year, unit, sections)[1]


def check_request(
    year: int, unit: str, sections: list[str], chosen: list[str], status: str, by: str
) -> str:
    """``by`` as it is written, once the request is one ``set_status`` can carry out: raises
    ``ParameterError`` when ``status`` is not one of ``STATUSES``, ``by`` is no plain one-line
    name or a chosen section is not in the report (naming the report's sections). Reads no
    file, so ``workbook klar`` refuses a wrong argument before it looks at the data."""
    if status not in STATUSES:
        raise ParameterError(f"Okänd status '{quote(status)}' — välj en av: {', '.join(STATUSES)}.")
    try:
        by = check_plain_text(by)
    except ValueError as exc:
        raise ParameterError(f"--by: {exc}.") from None
    unknown = [s for s in chosen if s not in sections]
    if unknown:
        names = ", ".join(f"'{quote(s)}'" for s in unknown)
        raise ParameterError(
            f"{'Avsnittet' if len(unknown) == 1 else 'Avsnitten'} {names} finns inte i "
            f"rapporten {year} {unit}. Avsnitten är: {', '.join(sections)} (eller --alla)."
        )
    return by


def set_status(
    project: Project,
    year: int,
    unit: str,
    sections: list[str],
    chosen: list[str],
    status: str,
    by: str,
    date: dt.date | None = None,
) -> Path:
    """Give the ``chosen`` sections ``status`` (by ``by``, on ``date``: today) and write the
    file atomically, one row per section in report order.

    Raises ``ParameterError`` (a wrong argument, exit 2) when ``status`` is not one of
    ``STATUSES``, ``by`` is no plain one-line name (``cell_values.check_plain_text``: the file
    is opened in Excel, where ``=HYPERLINK(…)`` would be a formula) or a chosen section is not
    in the report (naming the report's sections), and ``DataError`` when the file as it is
    cannot be read or written; nothing is written then."""
    by = check_request(year, unit, sections, chosen, status, by)
    current, problems = read_signoffs(project, year, unit, sections)
    if problems:
        raise DataError(problems)
    path = signoff_file(project, year, unit)
    if path.suffix != ".csv":
        raise DataError(
            [
                Problem(
                    display_path(path, project.root),
                    "klarmarkeringen är en Excel-fil och skrivs inte av workbook klar",
                    hint="ändra statusen i Excel, eller spara filen som klarmarkering.csv",
                )
            ]
        )
    day = (date or dt.date.today()).isoformat()
    for section in chosen:
        current[section] = SignOff(section, status, by, day)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([c.name for c in SIGNOFF_SPEC.columns])
    for section in sections:
        sign = current[section]
        if sign.status != DRAFT or sign.by:
            writer.writerow([sign.section, sign.status, sign.by, sign.date])
    _write_atomically(path, out.getvalue(), project.root)
    return path


def _write_atomically(path: Path, text: str, root: Path) -> None:
    """``files.write_atomically``, its failure a ``WriteError`` naming ``path`` (never the
    temporary file), why and what to do."""
    try:
        write_atomically(path, text)
    except OSError as exc:
        raise WriteError(f"{_write_problem(exc, path, root)}.") from None


def _write_problem(exc: OSError, path: Path, root: Path) -> Problem:
    """Why the sign-off file ``path`` could not be written, and what to do, in Swedish."""
    shown, folder = display_path(path, root), display_path(path.parent, root) + "/"
    message = "klarmarkeringen kunde inte skrivas"
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return Problem(
            shown,
            f"{message}: skrivrätt saknas till mappen {folder} (eller disken är skrivskyddad)",
            hint="be den som äger mappen om skrivrätt, eller kör workbook klar som en användare "
            "som har det; ingenting ändrades",
        )
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return Problem(shown, f"{message}: disken är full", hint="frigör utrymme och kör igen")
    if exc.errno in (errno.ENOTDIR, errno.EEXIST):
        return Problem(
            shown,
            f"{message}: {folder} (eller en mapp ovanför) är en fil, men här ska det vara en mapp",
            hint="ta bort eller döp om filen och kör igen; ingenting ändrades",
        )
    if exc.errno in (errno.EISDIR, errno.ENOTEMPTY):
        return Problem(
            shown,
            f"{message}: det finns en mapp med filens namn",
            hint="ta bort eller döp om mappen och kör igen; ingenting ändrades",
        )
    reason = exc.strerror or type(exc).__name__
    return Problem(shown, f"{message} ({reason})", hint="kontrollera mappen och kör igen")


def not_approved(signoffs: dict[str, SignOff]) -> list[str]:
    return [s for s, sign in signoffs.items() if sign.status != APPROVED]


def draft_mark(data: UnitData) -> dict[str, str] | None:
    """The unit report's draft mark while a section is not approved (None when all are): the
    definition's words (``etiketter: klarmarkering``), e.g. ``Utkast`` and ``3 av 12 avsnitt är
    godkända.``. The build validated the file; an unreadable one counts as not approved."""
    sections = [s.id for s in data.definition.sections]
    return report_draft_mark(data.project, data.year, data.info.unit, sections, data.labels())


def report_draft_mark(
    project: Project, year: int, unit: str, sections: list[str], labels: Labels
) -> dict[str, str] | None:
    """The draft mark (``mark``, ``text``) of the report ``unit`` (a unit, or ``kommun`` for the
    consolidated report) of the project's period, in ``labels``' words; None when every one of
    ``sections`` is approved."""
    signoffs, problems = read_signoffs(project, year, unit, sections)
    waiting = sections if problems else not_approved(signoffs)
    if not waiting:
        return None
    approved = len(sections) - len(waiting)
    return {
        "mark": labels("klarmarkering.utkast"),
        "text": labels("klarmarkering.utkast_text", godkända=approved, antal=len(sections)),
    }


def report_sections(project: Project, year: int, unit: str) -> list[str]:
    """The section ids of the report ``unit`` of the project's period, in order: its report
    definition's, or for ``kommun`` the consolidated report's (``sammanställning:``). A
    ``DataError`` when the definition cannot be read."""
    if unit == CONSOLIDATED:
        from helpers.data.kommun_definition import read_consolidated

        definition, problems = read_consolidated(project)
        if definition is None:
            raise DataError(
                problems
                or [
                    Problem(
                        "data/rapport.yaml",
                        "rapporten har ingen sammanställning för hela kommunen",
                        column="sammanställning",
                        hint="lägg till 'sammanställning:' eller ange en enhet",
                    )
                ]
            )
        return [s.id for s in definition.sections]
    from helpers.data.definition import load_definition

    return [s.id for s in load_definition(project, year, unit).sections]
