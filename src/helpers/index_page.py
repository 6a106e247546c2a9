"""``reports/index.html``: every built report of every year, with its result and goal summary.

The page lists what exists under ``reports/<år>/<enhet>.html`` (and a PDF beside it, when there
is one); the figures are computed from each unit's data as the report's Sammanfattning computes
them, the assessment columns are the kommun's (``data/rapport.yaml``), and a unit that
``enheter.csv`` marks as invented (``påhittad``) says so. It has the report's look and the same
accessibility: one ``h1``, a table per year with a caption and header cells, no empty cells, and
nothing loaded from outside. It is built with ``helpers.markup`` (every string from data escaped)
and carries the report's Content-Security-Policy. It carries no timestamp, so the same reports and
data give the same bytes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from helpers import __version__
from helpers.budget import AmountFormat, result_word
from helpers.definition import Assessment, ReportDefinition, read_definition
from helpers.errors import DataError, WorkbookError
from helpers.export import CONTENT_SECURITY_POLICY, CSS_FILE, write_atomically
from helpers.labels import Labels
from helpers.markup import Markup, html, join
from helpers.paths import Project
from helpers.summary import NO_ASSESSMENT, summarise
from helpers.unit_data import load_unit

INDEX_NAME = "index.html"
_YEAR_DIR = re.compile(r"^[0-9]{4}$")
_UNIT_FILE = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")


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


def built_reports(project: Project) -> list[tuple[int, str, Path]]:
    """(year, unit, path) of every report under ``reports/``: newest year first, units sorted."""
    found: list[tuple[int, str, Path]] = []
    if not project.reports.is_dir():
        return found
    for year_dir in project.reports.iterdir():
        if not (year_dir.is_dir() and _YEAR_DIR.match(year_dir.name)):
            continue
        for report in year_dir.glob("*.html"):
            if _UNIT_FILE.match(report.stem):
                found.append((int(year_dir.name), report.stem, report))
    return sorted(found, key=lambda item: (-item[0], item[1]))


def report_entry(project: Project, year: int, unit: str, report: Path) -> ReportEntry:
    """The index row of one report, its figures computed from the unit's data."""
    href = report.relative_to(project.reports).as_posix()
    pdf = report.with_suffix(".pdf")
    pdf_href = pdf.relative_to(project.reports).as_posix() if pdf.is_file() else None
    try:
        data = load_unit(year, unit, project)
        summary = summarise(data)
    except WorkbookError:
        return ReportEntry(year, unit, unit, "", href, pdf_href, None, None)
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
    )


def _result_cell(result: float | None, amounts: AmountFormat, labels: Labels) -> Markup:
    """``+76 tkr (överskott)`` in the unit's own amount unit; sign, word and colour follow the
    value as shown (a result shown as 0 is in balance)."""
    word = None if result is None else result_word(result, amounts, labels)
    if result is None or word is None:
        return html('<td class="num">{}</td>', labels("rapport.saknas"))
    return html(
        '<td class="{}">{} ({})</td>',
        "num neg" if amounts.sign(result) < 0 else "num",
        amounts.with_unit(result, signed=True),
        word,
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
        html(' <span class="wb-invented-tag">({})</span>', entry.invented) if entry.invented else ""
    )
    cells = [
        html('<th scope="row"><a href="{}">{}</a>{}</th>', entry.href, entry.unit_name, invented),
        _result_cell(entry.result, entry.amounts, labels),
    ]
    for key in (*(a.value for a in assessments), NO_ASSESSMENT):
        value = labels("rapport.saknas") if entry.goals is None else entry.goals.get(key, 0)
        cells.append(html('<td class="num">{}</td>', value))
    pdf = (
        html(
            '<a href="{}">{}<span class="wb-visually-hidden"> – {}</span></a>',
            entry.pdf_href,
            labels("index.pdf"),
            labels("index.pdf_för", enhetsnamn=entry.unit_name, år=year),
        )
        if entry.pdf_href
        else labels("index.ingen_pdf")
    )
    cells.append(html('<td class="nowrap">{}</td>', pdf))
    return html("<tr>{}</tr>", join(cells))


def year_table(
    year: int, entries: list[ReportEntry], assessments: list[Assessment], labels: Labels
) -> Markup:
    """One year's reports as an accessible table."""
    head = join(
        [
            html(
                '<th scope="col">{}</th><th scope="col" class="num">{}</th>',
                labels("index.enhet_kolumn", år=year),
                labels("index.resultat_kolumn", år=year),
            ),
            *(_goal_header(a) for a in assessments),
            html(
                '<th scope="col" class="num">{}</th><th scope="col">{}</th>',
                labels("index.utan_bedömning", år=year),
                labels("index.pdf_kolumn", år=year),
            ),
        ]
    )
    return html(
        '<section aria-labelledby="ar-{year}"><h2 id="ar-{year}">{year}</h2>'
        '<div class="wb-table-wrap" role="region" aria-label="{region}" '
        'tabindex="0"><table class="wb-table">'
        "<caption>{caption}</caption><thead><tr>{head}</tr></thead><tbody>{rows}</tbody>"
        "</table></div></section>",
        year=year,
        region=labels("index.tabell_etikett", år=year),
        caption=labels("index.tabell", år=year),
        head=head,
        rows=join(_row(year, entry, assessments, labels) for entry in entries),
    )


def index_html(entries: list[ReportEntry], definition: ReportDefinition) -> str:
    """The whole index page; its texts (``etiketter: index:``), assessment columns and kommun
    are the kommun's definition's."""
    assessments = list(definition.assessments.values())
    municipality = definition.municipality.name
    labels = definition.label_set({"år": "", "enhet": "", "kommun": municipality})
    title = labels("index.titel")
    years = sorted({e.year for e in entries}, reverse=True)
    if years:
        body = join(
            year_table(y, [e for e in entries if e.year == y], assessments, labels) for y in years
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
    entries = [report_entry(project, y, u, p) for y, u, p in built_reports(project)]
    definition, problems = read_definition(project)
    if definition is None:  # the page's texts are the definition's
        raise DataError(problems)
    path = project.reports / INDEX_NAME
    write_atomically(path, index_html(entries, definition))
    return path
