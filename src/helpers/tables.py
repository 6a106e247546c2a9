"""Accessible HTML tables for the report.

Built here rather than with ``Styler.to_html``: the report must meet WCAG 2.1 AA, which needs
``scope`` on header cells, row headers, a caption and no empty cells — Styler writes blank header
cells for index names and no scopes. Cells arrive already formatted (see ``numbers``).
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Cell:
    """One body cell: its text and CSS classes (``num`` right-aligns, ``neg`` marks a deficit)."""

    text: str
    classes: tuple[str, ...] = ()
    strong: bool = False


@dataclass
class TableSpecHtml:
    """A table to render: caption, column headers, and rows of (row header, cells)."""

    caption: str
    columns: Sequence[str]
    rows: list[tuple[str, list[Cell]]] = field(default_factory=list)
    row_classes: list[tuple[str, ...]] = field(default_factory=list)
    numeric_columns: frozenset[int] = frozenset()
    css_class: str = "wb-table"
    note: str | None = None

    def add(self, header: str, cells: list[Cell], classes: tuple[str, ...] = ()) -> None:
        self.rows.append((header, cells))
        self.row_classes.append(classes)


def _attr(classes: Sequence[str]) -> str:
    return f' class="{" ".join(classes)}"' if classes else ""


def render_table(table: TableSpecHtml) -> str:
    """The table as HTML; the first column holds row headers."""
    out = [f'<div class="wb-table-wrap"><table{_attr([table.css_class])}>']
    out.append(f"<caption>{html.escape(table.caption)}</caption>")
    out.append("<thead><tr>")
    for index, name in enumerate(table.columns):
        classes = ["num"] if index in table.numeric_columns else []
        out.append(f'<th scope="col"{_attr(classes)}>{html.escape(name)}</th>')
    out.append("</tr></thead><tbody>")
    for (header, cells), row_classes in zip(table.rows, table.row_classes, strict=True):
        out.append(f"<tr{_attr(row_classes)}>")
        out.append(f'<th scope="row">{html.escape(header)}</th>')
        for cell in cells:
            text = html.escape(cell.text) or "–"
            if cell.strong:
                text = f"<strong>{text}</strong>"
            out.append(f"<td{_attr(cell.classes)}>{text}</td>")
        out.append("</tr>")
    out.append("</tbody></table>")
    if table.note:
        out.append(f'<p class="wb-table-note">{html.escape(table.note)}</p>')
    out.append("</div>")
    return "".join(out)
