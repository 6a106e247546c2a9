"""``reports/index.html``: every built report of every year, with its result and goal summary.

The page lists what exists under ``reports/<år>/<enhet>.html`` (and a PDF beside it, when there
is one); the figures are computed from each unit's data as the report's Sammanfattning computes
them, the assessment columns are the kommun's (``data/rapport.yaml``), and a unit that
``enheter.csv`` marks as invented (``påhittad``) says so. It has the report's look and the same
accessibility: one ``h1``, a table per year with a caption and header cells, no empty cells, and
nothing loaded from outside. It is built with ``helpers.core.markup`` (every string from data
escaped) and carries the report's Content-Security-Policy. It carries no timestamp, so the same
reports and data give the same bytes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from helpers import __version__
from helpers.building.export import CONTENT_SECURITY_POLICY, CSS_FILE
from helpers.building.readiness import UnitProgress, unit_progress
from helpers.core.errors import DataError, WorkbookError
from helpers.core.files import write_atomically
from helpers.core.labels import Labels
from helpers.core.markup import Markup, html, join
from helpers.core.paths import CONSOLIDATED, YEAR_END, Project, period_order
from helpers.data.definition import Assessment, ReportDefinition, read_definition
from helpers.data.periods import period_spec
from helpers.data.signoff import STATUS_LABELS
from helpers.data.unit_data import load_unit
from helpers.parts.budget import AmountFormat, result_word
from helpers.parts.summary import NO_ASSESSMENT, summarise

INDEX_NAME = "index.html"
_YEAR_DIR = re.compile(r"^[0-9]{4}$")
_UNIT_FILE = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
_PERIOD_DIR = re.compile(r"^[a-z][a-z0-9]{0,19}$")


@dataclass(frozen=True)
class ReportEntry:
    """One built report as the index shows it; figures are None when the data cannot be read."""

    year: int
    unit: str
    unit_name: str
    municipality: str
    href: str
    pdf_href: str | None
    result: float | None
    goals: dict[str, int] | None
    amounts: AmountFormat = AmountFormat()  # unit and decimals of the unit's statement
    invented: str = ""  # the definition's short label for an invented example, when it is one
    period: str = YEAR_END
    progress: UnitProgress | None = None  # sign-off and texts to write (``season``)


def built_reports(project: Project) -> list[tuple[int, str, Path]]:
    """(year, unit, path) of every unit report of the project's period under ``reports/``:
    newest year first, units sorted (the consolidated report is not a unit's)."""
    found: list[tuple[int, str, Path]] = []
    if not project.reports.is_dir():
        return found
    for year_dir in project.reports.iterdir():
        if not (year_dir.is_dir() and _YEAR_DIR.match(year_dir.name)):
            continue
        folder = project.report_file(int(year_dir.name), CONSOLIDATED).parent
        for report in folder.glob("*.html"):
            # A folder named like a report (``index.html/``) is no report.
            if _UNIT_FILE.match(report.stem) and report.stem != CONSOLIDATED and report.is_file():
                found.append((int(year_dir.name), report.stem, report))
    return sorted(found, key=lambda item: (-item[0], item[1]))


def built_periods(project: Project, year: int) -> list[str]:
    """The periods of ``year`` with a built report (helår first)."""
    folder = project.reports / str(year)
    found = {YEAR_END} if _has_report(folder) else set()
    found |= {
        sub.name
        for sub in folder.iterdir()
        if sub.is_dir() and _PERIOD_DIR.match(sub.name) and _has_report(sub)
    }
    return period_order(found)


def _has_report(folder: Path) -> bool:
    """Whether ``folder`` holds an HTML file (a folder named ``….html`` is none)."""
    return any(path.is_file() for path in folder.glob("*.html"))


def report_entry(project: Project, year: int, unit: str, report: Path) -> ReportEntry:
    """The index row of one report, its figures computed from the unit's data."""
    href = report.relative_to(project.reports).as_posix()
    pdf = report.with_suffix(".pdf")
    pdf_href = pdf.relative_to(project.reports).as_posix() if pdf.is_file() else None
    try:
        data = load_unit(year, unit, project)
        summary = summarise(data)
    except WorkbookError:
        return ReportEntry(year, unit, unit, "", href, pdf_href, None, None, period=project.period)
    return ReportEntry(
        year,
        unit,
        data.info.display_name,
        data.info.municipality,
        href,
        pdf_href,
        summary.result,
        dict(summary.goals_by_assessment),
        summary.statement.format if summary.statement else AmountFormat(),
        data.labels()("rapport.påhittad_kort") if data.info.invented else "",
        project.period,
        unit_progress(project, year, unit, validate=False),
    )


def _result_cell(
    result: float | None, amounts: AmountFormat, labels: Labels, header: str
) -> Markup:
    """``+76 tkr (överskott)`` in the unit's own amount unit; sign, word and colour follow the
    value as shown (a result shown as 0 is in balance)."""
    word = None if result is None else result_word(result, amounts, labels)
    if result is None or word is None:
        return html('<td class="num" data-label="{}">{}</td>', header, labels("rapport.saknas"))
    # ``wrap``: the word may go under the amount, so the table fits a tablet without scrolling.
    return html(
        '<td class="{}" data-label="{}">{}</td>',
        "num wrap neg" if amounts.sign(result) < 0 else "num wrap",
        header,
        labels("resultat.med_ord", belopp=amounts.with_unit(result, signed=True), ord=word),
    )


def _goal_header(assessment: Assessment) -> Markup:
    return html(
        '<th scope="col" class="num"><span class="wb-assessment--{}">'
        '<span class="wb-symbol" aria-hidden="true">{}</span> {}</span></th>',
        assessment.tone,
        assessment.symbol,
        assessment.text,
    )


def _row(year: int, entry: ReportEntry, assessments: list[Assessment], labels: Labels) -> Markup:
    invented = (
        html(
            ' <span class="wb-invented-tag">{}</span>',
            labels("index.påhittad", påhittad=entry.invented),
        )
        if entry.invented
        else ""
    )
    cells = [
        html('<th scope="row"><a href="{}">{}</a>{}</th>', entry.href, entry.unit_name, invented),
        _result_cell(entry.result, entry.amounts, labels, labels("index.resultat_kolumn", år=year)),
    ]
    names = [a.text for a in assessments] + [labels("index.utan_bedömning", år=year)]
    for key, name in zip((*(a.value for a in assessments), NO_ASSESSMENT), names, strict=True):
        value = labels("rapport.saknas") if entry.goals is None else entry.goals.get(key, 0)
        cells.append(html('<td class="num" data-label="{}">{}</td>', name, value))
    pdf = pdf_link(entry.pdf_href, entry.unit_name, year, labels)
    # One element in the cell: on a phone the cell is a flex row of its label and its value.
    cells.append(
        html(
            '<td data-label="{}"><span>{}</span></td>',
            labels("klarmarkering.kolumn"),
            progress_text(entry.progress, labels),
        )
    )
    pdf_header = labels("index.pdf_kolumn", år=year)
    cells.append(html('<td class="nowrap" data-label="{}">{}</td>', pdf_header, pdf))
    return html("<tr>{}</tr>", join(cells))


def pdf_link(href: str | None, name: str, year: int, labels: Labels) -> Markup:
    """The link to a report's PDF, ``PDF`` on screen and its report's name for a screen reader
    (``index.pdf``, ``index.pdf_för``), or ``index.ingen_pdf`` when there is none."""
    if not href:
        return html("{}", labels("index.ingen_pdf"))
    return html(
        '<a href="{}">{}<span class="wb-visually-hidden"> {}</span></a>',
        href,
        labels("index.pdf"),
        labels("index.pdf_för", enhetsnamn=name, år=year),
    )


def progress_text(progress: UnitProgress | None, labels: Labels) -> Markup:
    """``58 % klart: 7 Godkänd, 2 Klar för granskning, 3 Utkast; 1 text att skriva``, in the
    definition's words (``etiketter: klarmarkering``)."""
    if progress is None:
        return html("{}", labels("rapport.saknas"))
    grouped = progress.by_status()
    counts = labels.joined(
        "rapport.uppräkning",
        (
            labels(
                "klarmarkering.i_status",
                antal=len(grouped[status]),
                status=labels(f"klarmarkering.{STATUS_LABELS[status]}"),
            )
            for status in reversed(list(grouped))
            if grouped[status]
        ),
    )
    texts = labels("klarmarkering.texter_att_skriva", antal=len(progress.texts_to_write))
    return labels.markup(
        "klarmarkering.läge",
        klart=html("<strong>{}</strong>", labels("klarmarkering.klart", procent=progress.percent)),
        statusar=counts,
        texter=texts,
    )


@dataclass(frozen=True)
class PeriodReports:
    """The built reports of one year and period: its name, units, consolidated report."""

    period: str
    name: str
    entries: list[ReportEntry]
    consolidated_href: str | None = None
    consolidated_progress: UnitProgress | None = None  # its sign-off (``kommun``)
    consolidated_pdf: str | None = None  # its PDF beside it, when printed


def period_table(
    year: int, shown_year: str, entries: list[ReportEntry], assessments: list[Assessment],
    labels: Labels,
) -> Markup:  # fmt: skip
    """One year-period's unit reports as an accessible table (``shown_year``: ``2016`` or
    ``2016, Delår`` in the caption)."""
    head = join(
        [
            html(
                '<th scope="col">{}</th><th scope="col" class="num">{}</th>',
                labels("index.enhet_kolumn", år=year),
                labels("index.resultat_kolumn", år=year),
            ),
            *(_goal_header(a) for a in assessments),
            html(
                '<th scope="col" class="num">{}</th><th scope="col">{}</th><th scope="col">{}</th>',
                labels("index.utan_bedömning", år=year),
                labels("klarmarkering.kolumn"),
                labels("index.pdf_kolumn", år=year),
            ),
        ]
    )
    return html(
        '<div class="wb-table-wrap" role="region" aria-label="{region}" '
        'tabindex="0"><table class="wb-table">'
        "<caption>{caption}</caption><thead><tr>{head}</tr></thead><tbody>{rows}</tbody>"
        "</table></div>",
        region=labels("index.tabell_etikett", år=shown_year),
        caption=labels("index.tabell", år=shown_year),
        head=head,
        rows=join(_row(year, entry, assessments, labels) for entry in entries),
    )


def year_table(
    year: int,
    entries: list[ReportEntry],
    assessments: list[Assessment],
    labels: Labels,
    periods: list[PeriodReports] | None = None,
) -> Markup:
    """One year's reports: per period (helår first) a link to its consolidated report, when
    there is one, and the units' reports as a table."""
    periods = periods or [PeriodReports(YEAR_END, "", entries)]
    several = len(periods) > 1 or periods[0].period != YEAR_END
    parts = []
    for group in periods:
        if several:
            parts.append(html('<h3 id="ar-{}-{}">{}</h3>', year, group.period, group.name))
        if group.consolidated_href:
            name = labels("index.sammanställd", period=group.name.lower())
            parts.append(
                html(
                    '<div class="wb-consolidated"><p><a href="{href}">{name}</a></p>'
                    '<dl class="wb-facts"><div><dt>{signoff}</dt><dd>{progress}</dd></div>'
                    "<div><dt>{pdf_header}</dt><dd>{pdf}</dd></div></dl></div>",
                    href=group.consolidated_href,
                    name=name,
                    signoff=labels("klarmarkering.kolumn"),
                    progress=progress_text(group.consolidated_progress, labels),
                    pdf_header=labels("index.pdf_kolumn", år=year),
                    pdf=pdf_link(group.consolidated_pdf, name, year, labels),
                )
            )
        if group.entries:
            shown = (
                labels("index.år_och_period", år=year, period=group.name) if several else str(year)
            )
            parts.append(period_table(year, shown, group.entries, assessments, labels))
    return html(
        '<section aria-labelledby="ar-{0}"><h2 id="ar-{0}">{0}</h2>{1}</section>',
        year,
        join(parts),
    )


def index_html(
    entries: list[ReportEntry],
    definition: ReportDefinition,
    by_year: dict[int, list[PeriodReports]] | None = None,
) -> str:
    """The whole index page; its texts (``etiketter: index:``), assessment columns and kommun
    are the kommun's definition's."""
    assessments = list(definition.assessments.values())
    municipality = definition.municipality.name
    labels = definition.label_set({"år": "", "enhet": "", "kommun": municipality})
    title = labels("index.titel")
    by_year = by_year or {}
    years = sorted({e.year for e in entries} | set(by_year), reverse=True)
    if years:
        body = join(
            year_table(y, [e for e in entries if e.year == y], assessments, labels, by_year.get(y))
            for y in years
        )
        intro = html("<p>{}</p>", labels("index.ingress"))
    else:
        body = Markup("")
        intro = html('<p class="wb-empty">{}</p>', labels("index.inga_rapporter"))
    css = Markup(CSS_FILE.read_text(encoding="utf-8"))  # the workbook's own file
    header = html('<p class="wb-municipality">{}</p>', municipality) if municipality else Markup("")
    page = html(
        '<!DOCTYPE html>\n<html lang="sv">\n<head>\n<meta charset="utf-8">\n'
        '<meta http-equiv="Content-Security-Policy" content="{csp}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="generator" content="workbook {version}">\n'
        "<title>{title}</title>\n<style>\n{css}</style>\n</head>\n<body>\n"
        '<a class="wb-skip" href="#innehall">{skip}</a>\n'
        '<header class="wb-header">{header}'
        '<h1>{heading}</h1><p class="wb-unit">{subheading}</p></header>\n'
        '<main id="innehall">{intro}{body}</main>\n'
        '<footer class="wb-footer"><p>{built}</p></footer>\n'
        "</body>\n</html>\n",
        csp=CONTENT_SECURITY_POLICY,
        version=__version__,
        title=title,
        css=css,
        header=header,
        skip=labels("index.hoppa"),
        heading=labels("index.rubrik"),
        subheading=labels("index.underrubrik"),
        built=labels("index.byggd", version=__version__),
        intro=intro,
        body=body,
    )
    return str(page)


def write_index(project: Project) -> Path:
    """Write ``reports/index.html`` listing every built report; its path."""
    definition, problems = read_definition(project)
    if definition is None:  # the page's texts are the definition's
        raise DataError(problems)
    entries: list[ReportEntry] = []
    by_year: dict[int, list[PeriodReports]] = {}
    years = (
        sorted(int(p.name) for p in project.reports.iterdir() if _YEAR_DIR.match(p.name))
        if project.reports.is_dir()
        else []
    )
    for year in years:
        for period in built_periods(project, year):
            seen = project.for_period(period)
            found = [report_entry(seen, y, u, p) for y, u, p in built_reports(seen) if y == year]
            consolidated = seen.report_file(year, CONSOLIDATED)
            href = (
                consolidated.relative_to(project.reports).as_posix()
                if consolidated.is_file()
                else None
            )
            pdf = consolidated.with_suffix(".pdf")
            pdf_href = (
                pdf.relative_to(project.reports).as_posix() if href and pdf.is_file() else None
            )
            name = period_spec(project, period).name
            progress = unit_progress(seen, year, CONSOLIDATED, validate=False) if href else None
            by_year.setdefault(year, []).append(
                PeriodReports(period, name, found, href, progress, pdf_href)
            )
            entries += found
    path = project.reports / INDEX_NAME
    write_atomically(path, index_html(entries, definition, by_year))
    return path
