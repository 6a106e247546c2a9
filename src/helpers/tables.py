"""Accessible HTML tables for the report.

Built here rather than with ``Styler.to_html``: the report must meet WCAG 2.1 AA, which needs
``scope`` on header cells, row headers, a caption and no empty cells — Styler writes blank header
cells for index names and no scopes. Cells arrive already formatted (see ``numbers``).
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass, field

from helpers.numbers import MISSING

EMPTY = MISSING


@dataclass(frozen=True)
class Cell:
    """One body cell: its text and CSS classes (``num`` right-aligns, ``neg`` marks a deficit).

    ``link`` makes the text a link (an in-page ``#anchor``); an empty text is written as
    :data:`EMPTY` so no cell is ever blank.
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

    def add(
        self, header: str, cells: list[Cell], classes: tuple[str, ...] = (), hint: str = ""
    ) -> None:
        self.rows.append((header, cells))
        self.row_classes.append(classes)
        self.row_hints.append(hint)


def _attr(classes: Sequence[str]) -> str:
    return f' class="{" ".join(classes)}"' if classes else ""


def render_table(table: TableSpecHtml) -> str:
    """The table as HTML in a scrollable, labelled region; the first column holds row headers."""
    # A wide table scrolls sideways on a small screen; the scrolling region must be reachable
    # and named for keyboard users (WCAG 2.1.1), so it is focusable and labelled by the caption.
    label = html.escape(f"Tabell: {table.caption}", quote=True)
    out = [
        f'<div class="wb-table-wrap" role="region" aria-label="{label}" tabindex="0">'
        f"<table{_attr([table.css_class])}>"
    ]
    caption_class = _attr(["wb-visually-hidden"]) if table.caption_hidden else ""
    out.append(f"<caption{caption_class}>{html.escape(table.caption)}</caption>")
    out.append("<thead><tr>")
    for index, name in enumerate(table.columns):
        classes = ["num"] if index in table.numeric_columns else []
        out.append(f'<th scope="col"{_attr(classes)}>{html.escape(name)}</th>')
    out.append("</tr></thead><tbody>")
    hints = table.row_hints or [""] * len(table.rows)
    for (header, cells), row_classes, hint in zip(
        table.rows, table.row_classes, hints, strict=True
    ):
        out.append(f"<tr{_attr(row_classes)}>")
        hidden = (
            f'<span class="wb-visually-hidden"> {html.escape(hint.strip())}</span>'
            if hint.strip()
            else ""
        )
        out.append(f'<th scope="row">{html.escape(header.strip()) or EMPTY}{hidden}</th>')
        for cell in cells:
            text = html.escape(cell.text.strip()) or EMPTY
            if cell.link:
                text = f'<a href="{html.escape(cell.link, quote=True)}">{text}</a>'
            if cell.strong:
                text = f"<strong>{text}</strong>"
            out.append(f"<td{_attr(cell.classes)}>{text}</td>")
        out.append("</tr>")
    out.append("</tbody></table>")
    if table.note:
        out.append(f'<p class="wb-table-note">{html.escape(table.note)}</p>')
    out.append("</div>")
    return "".join(out)
