"""Reading a printed report's structure back with pikepdf, for the PDF tests."""

from __future__ import annotations

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
