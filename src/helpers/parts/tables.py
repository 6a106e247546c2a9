"""Accessible HTML tables for the report.

Built here rather than with ``Styler.to_html``: the report must meet WCAG 2.1 AA, which needs
``scope`` on header cells, row headers, a caption and no empty cells — Styler writes blank header
cells for index names and no scopes. Cells arrive already formatted (see ``numbers``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from helpers.core.labels import Labels
from helpers.core.markup import Markup, html, join


@dataclass(frozen=True)
class Cell:
    """One body cell: its text and CSS classes (``num`` right-aligns, ``neg`` marks a deficit).

    ``link`` makes the text a link (an in-page ``#anchor``); an empty text is written as the
    definition's ``rapport.saknas`` so no cell is ever blank.
    """

    text: str
    classes: tuple[str, ...] = ()
    strong: bool = False
    link: str | None = None


@dataclass
class TableSpecHtml:
    """A table to render: caption, column headers, and rows of (row header, cells)."""

    caption: str
    columns: Sequence[str]
    rows: list[tuple[str, list[Cell]]] = field(default_factory=list)
    row_classes: list[tuple[str, ...]] = field(default_factory=list)
    # Words read after a row header but not shown, e.g. "(del av Äldreomsorg)" for an indented
    # row, so the structure that indentation shows is also there for assistive technology.
    row_hints: list[str] = field(default_factory=list)
    numeric_columns: frozenset[int] = frozenset()
    css_class: str = "wb-table"
    note: str | None = None
    # For a table right under a heading that says the same: the caption is read, not shown.
    caption_hidden: bool = False
    # The report's labels: an empty cell's text (rapport.saknas), the region's name
    # (rapport.tabell). Required to render.
    labels: Labels | None = None
    # The scrolling region's name when the caption alone repeats in the report (every goal's
    # "Aktivitetsplan 2016"): e.g. the caption and the goal it belongs to.
    region_label: str | None = None
    # An in-page link (``#anchor``) per row header, or None.
    row_links: list[str | None] = field(default_factory=list)

    def add(
        self,
        header: str,
        cells: list[Cell],
        classes: tuple[str, ...] = (),
        hint: str = "",
        link: str | None = None,
    ) -> None:
        self.rows.append((header, cells))
        self.row_classes.append(classes)
        self.row_hints.append(hint)
        self.row_links.append(link)


def _attr(classes: Sequence[str]) -> Markup:
    return html(' class="{}"', " ".join(classes)) if classes else Markup("")


def render_table(table: TableSpecHtml) -> Markup:
    """The table as HTML in a scrollable, labelled region; the first column holds row headers.

    Each body cell carries its column's name (``data-label``): on a phone the stylesheet stacks
    the rows, so the row header and every value show without sideways scrolling.

    Every text (caption, headers, cells, note, link) is escaped by ``helpers.core.markup``.
    Raises ValueError for a table built without ``labels``.
    """
    if table.labels is None:
        raise ValueError("a table is rendered with the report's labels: pass labels=")
    empty = table.labels("rapport.saknas")
    # A wide table scrolls sideways on a small screen; the scrolling region must be reachable
    # and named for keyboard users (WCAG 2.1.1), so it is focusable and labelled by the caption.
    head = join(
        html(
            '<th scope="col"{}>{}</th>',
            _attr(["num"] if index in table.numeric_columns else []),
            name,
        )
        for index, name in enumerate(table.columns)
    )
    rows = []
    hints = table.row_hints or [""] * len(table.rows)
    links = table.row_links or [None] * len(table.rows)
    for (header, cells), row_classes, hint, link in zip(
        table.rows, table.row_classes, hints, links, strict=True
    ):
        hidden = (
            html('<span class="wb-visually-hidden"> {}</span>', hint.strip())
            if hint.strip()
            else Markup("")
        )
        name: Markup | str = header.strip() or empty
        if link:
            name = html('<a href="{}">{}</a>', link, name)
        body = [html('<th scope="row">{}{}</th>', name, hidden)]
        for position, cell in enumerate(cells, start=1):
            text: Markup | str = cell.text.strip() or empty
            if cell.link:
                text = html('<a href="{}">{}</a>', cell.link, text)
            if cell.strong:
                text = html("<strong>{}</strong>", text)
            # On a phone each row stacks, every value under its column's name (CSS attr()).
            label = table.columns[position] if position < len(table.columns) else ""
            body.append(html('<td{} data-label="{}">{}</td>', _attr(cell.classes), label, text))
        rows.append(html("<tr{}>{}</tr>", _attr(row_classes), join(body)))
    note = html('<p class="wb-table-note">{}</p>', table.note) if table.note else Markup("")
    return html(
        '<div class="wb-table-wrap" role="region" aria-label="{region}" tabindex="0">'
        "<table{table_class}><caption{caption_class}>{caption}</caption>"
        "<thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>{note}</div>",
        region=table.labels("rapport.tabell", rubrik=table.region_label or table.caption),
        caption=table.caption,
        table_class=_attr([table.css_class]),
        caption_class=_attr(["wb-visually-hidden"]) if table.caption_hidden else Markup(""),
        head=head,
        rows=join(rows),
        note=note,
    )
