"""Reading a printed report's structure back with pikepdf, for the PDF tests."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

import pikepdf


def outline_titles(document: Any) -> list[str]:
    """The bookmarks' titles: the top level, then their children."""
    with document.open_outline() as outline:
        titles = [item.title for item in outline.root]
        titles += [child.title for item in outline.root for child in item.children]
    return titles


def pages_with_untagged_text(document: Any) -> list[int]:
    """1-based pages where text is drawn outside marked content (neither tagged nor artifact)."""
    pages = []
    for number, page in enumerate(document.pages, start=1):
        depth = 0
        for _, operator in pikepdf.parse_content_stream(page):
            name = str(operator)
            depth += name in ("BDC", "BMC")
            depth -= name == "EMC"
            if name == "BT" and depth == 0:
                pages.append(number)
                break
    return pages


# --------------------------------------------------------------- what keeps with what on a page

HEADINGS = ("/H", "/H1", "/H2", "/H3", "/H4", "/H5", "/H6")
# A heading grouped with its companion line (HTML ``<hgroup>``: a goal's heading and its
# assessment): Chromium tags it as a Div whose first element is the heading.
HEADING_GROUP = "hgroup"


@dataclass(frozen=True)
class Leaf:
    """One piece of drawn content in reading order: its page (1-based) and the structure
    elements it sits in, outermost first: (type, a number unique in the document)."""

    page: int
    path: tuple[tuple[str, int], ...]

    def outermost(self, *types: str) -> tuple[str, int] | None:
        return next((node for node in self.path if node[0] in types), None)

    def innermost(self, *types: str) -> tuple[str, int] | None:
        return next((node for node in reversed(self.path) if node[0] in types), None)

    @property
    def heading(self) -> tuple[str, int] | None:
        """The heading (or heading group) this piece belongs to, or None."""
        return self.outermost(*HEADINGS, HEADING_GROUP)


def _kids(element: Any) -> list[Any]:
    kids = element.get("/K")
    if kids is None:
        return []
    return list(kids) if isinstance(kids, pikepdf.Array) else [kids]


def _is_element(kid: Any) -> bool:
    return isinstance(kid, pikepdf.Dictionary) and "/S" in kid


def leaves(document: Any) -> list[Leaf]:
    """Every marked-content piece of the structure tree's leaf elements (text, images) in the
    tree's reading order. A container's own marked content (a box's border or background,
    drawn again where it is split) is decoration and left out."""
    pages = {page.objgen: number for number, page in enumerate(document.pages, start=1)}
    found: list[Leaf] = []
    numbers = itertools.count()

    def page_of(kid: Any, element: Any) -> int | None:
        if isinstance(kid, pikepdf.Dictionary) and "/MCID" not in kid:
            return None  # an object reference (a link annotation): nothing drawn
        owner = kid if isinstance(kid, pikepdf.Dictionary) and "/Pg" in kid else element
        return pages.get(owner.Pg.objgen) if "/Pg" in owner else None

    def walk(element: Any, path: tuple[tuple[str, int], ...]) -> None:
        kids = _kids(element)
        children = [kid for kid in kids if _is_element(kid)]
        kind = str(element.S)
        if kind == "/Div" and children and str(children[0].S) in HEADINGS:
            kind = HEADING_GROUP
        path = (*path, (kind, next(numbers)))
        for kid in kids:
            if _is_element(kid):
                walk(kid, path)
            elif not children and (page := page_of(kid, element)) is not None:
                found.append(Leaf(page, path))

    for top in _kids(document.Root.StructTreeRoot):
        if _is_element(top):
            walk(top, ())
    return found


def headings_apart_from_their_content(document: Any) -> list[tuple[str, int, int]]:
    """Every heading (or heading group) not on the page where its content begins: (type, the
    heading's first page, the content's page). The content is the first piece after the heading
    that belongs to no heading (a subheading right below moves with it); a heading at the very
    end of the document has none and is not listed."""
    found = leaves(document)
    apart = []
    start = 0
    for group, pieces in itertools.groupby(found, key=lambda leaf: leaf.heading):
        pieces = list(pieces)
        start += len(pieces)
        if group is None:
            continue
        content = next((leaf for leaf in found[start:] if leaf.heading is None), None)
        pages = {leaf.page for leaf in pieces}
        if content is not None and pages != {content.page}:
            apart.append((group[0], min(pages), content.page))
    return apart


def captions_apart_from_their_content(document: Any) -> list[tuple[int, int]]:
    """Every caption not on the page of what it captions: (caption's page, content's page). A
    table's caption belongs with the table's first data cell (the header row repeats on every
    page), a figure's with its image; a caption split over two pages is listed too."""
    found = leaves(document)
    by_owner: dict[tuple[str, int], list[Leaf]] = {}
    for leaf in found:
        for node in leaf.path:
            by_owner.setdefault(node, []).append(leaf)
    apart = set()
    for caption, pieces in itertools.groupby(found, key=lambda leaf: leaf.innermost("/Caption")):
        if caption is None:
            continue
        pages = {leaf.page for leaf in pieces}
        path = next(leaf.path for leaf in by_owner[caption])
        owner = path[path.index(caption) - 1] if path.index(caption) else None
        if owner is None:
            continue
        content = [leaf for leaf in by_owner[owner] if leaf.innermost("/Caption") is None]
        target = next((leaf for leaf in content if leaf.innermost("/TD", "/Figure")), None)
        target = target or next(iter(content), None)
        if target is not None and pages != {target.page}:
            apart.add((min(pages), target.page))
    return sorted(apart)


def tables_ending_in_a_lone_row(document: Any) -> list[int]:
    """The pages where a table's last data row stands alone, the rows before it on an earlier
    page (a total row, say, cut off from what it sums)."""
    rows_by_table: dict[tuple[str, int], dict[tuple[str, int], int]] = {}
    for leaf in leaves(document):
        table, row = leaf.innermost("/Table"), leaf.innermost("/TR")
        if table is None or row is None or leaf.innermost("/TD") is None:
            continue
        pages = rows_by_table.setdefault(table, {})
        pages[row] = min(pages.get(row, leaf.page), leaf.page)
    lone = []
    for pages in rows_by_table.values():
        ordered = list(pages.values())
        if len(ordered) > 1 and ordered[-1] != ordered[-2]:
            lone.append(ordered[-1])
    return lone
