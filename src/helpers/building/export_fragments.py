"""The export's HTML parsing, done once per section fragment instead of once per report.

nbconvert's ``HTMLExporter`` renders the page and then parses and re-serializes *all* of it with
BeautifulSoup (to give images without ``alt`` one, and notebook cells a ``tabindex``); the table
of contents parses every fragment once more for its headings. On a report with a few dozen
charts that was most of an export, though an edit changes one section.

A fragment (one HTML output of an executed section) is *self-contained* when its tags close
within it: parsed inside the page's ``<html><body><main>`` it leaves the tree as it found it. Then
BeautifulSoup's tree — and so its serialization and the headings — for the fragment is the same
whether the page around it is parsed with it or not, because ``html.parser`` decides nothing
from what lies outside an open tag, and BeautifulSoup escapes a text by its own characters and
parent only. :func:`parse_fragment` checks that with a probe element after the fragment, and
gives the serialization, the number of images it gave ``alt`` text and the headings;
``export.ReportExporter`` then parses only the page around the fragments and puts the
serialized fragments back in. A fragment that is not self-contained makes the export parse the
whole page as before. Results are kept by the fragment's exact text (``render_cache``, store
``html``), so an unchanged section costs nothing to export again.

**Charts set aside.** Most of a goal section's HTML is its charts' SVG, unchanged when one of
its texts is edited. So before a fragment is parsed, each ``<svg>…</svg>`` in it that is
self-contained by the same test is set aside: parsed on its own (kept in the store by its exact
text, as a fragment is) and replaced by an empty placeholder element, whose serialization its
own then replaces. By the same argument that gives the same bytes, provided the placeholder is
an element of the tree (not text in a comment, an attribute or a ``<style>``), the placeholders
are in order, and none lies inside an element that keeps its text otherwise (``<pre>``,
``<textarea>``, ``<script>``, ``<template>`` …) or inside a heading (whose text is the table of
contents'). Otherwise the fragment is parsed whole.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import asdict, dataclass, field

import bs4
from bs4 import BeautifulSoup

from helpers.data import render_cache

STORE = "html"
PROBE = "wb-export-probe"
# What nbconvert's HTMLExporter does to the parsed page (nbconvert/exporters/html.py).
MISSING_ALT = "img:not([alt])"
MISSING_ALT_TEXT = "No description has been provided for this image"
FOCUSABLE = (".jp-Notebook div.jp-Cell-inputWrapper", ".jp-Notebook div.jp-OutputArea-output")
NOTEBOOK_CLASS = "jp-Notebook"
HEADINGS = ("h2", "h3")
# A chart's SVG and the element that stands in for it while its fragment is parsed (see module).
SVG_ELEMENT = re.compile(r"<svg\b.*?</svg>", re.S)
SET_ASIDE = "wb-export-svg"


@dataclass
class ParsedFragment:
    """One fragment as the export needs it (see module).

    The fragment is ``lead + core + tail``: the text before its first ``<``, the markup from
    there to its last ``>``, and the text after. BeautifulSoup folds a run of whitespace into
    one character, and a run of text goes on across the end of a fragment into the page's
    text; so the page is parsed with ``lead``, a placeholder and ``tail`` in the fragment's
    place (the same runs of text), and ``core``'s serialization replaces the placeholder.
    """

    core: str | None  # the core's serialization; None: see ``text_only``
    text_only: bool = False  # no markup at all: the page is parsed with it (else: not
    # self-contained, the whole page is parsed)
    lead: str = ""
    tail: str = ""
    missing_alt: int = 0
    headings: list[dict[str, str]] = field(default_factory=list)  # name, id, text (h2/h3)


def parse_fragment(fragment: str) -> ParsedFragment:
    """The fragment parsed as part of the page (see module), from the store when it was before."""
    return _stored("fragment", fragment, _parse)


def _stored(kind: str, text: str, parse: Callable[[str], ParsedFragment]) -> ParsedFragment:
    """``parse(text)``, kept in the store by ``kind`` and the exact text."""
    store = render_cache.store(STORE)
    key = None
    if store is not None:
        key = render_cache.key_of(kind, text, bs4.__version__, render_cache.loaded_code())
        stored = store.get(key)
        if stored is not None:
            return ParsedFragment(**json.loads(stored))
    parsed = parse(text)
    if store is not None and key is not None:
        store.put(key, json.dumps(asdict(parsed), ensure_ascii=False))
    return parsed


def _parse(fragment: str) -> ParsedFragment:
    return _parse_fragment(fragment, set_aside=True)


def _parse_whole(fragment: str) -> ParsedFragment:
    return _parse_fragment(fragment, set_aside=False)


def _parse_fragment(fragment: str, *, set_aside: bool) -> ParsedFragment:
    start, end = fragment.find("<"), fragment.rfind(">") + 1
    if start < 0:
        return ParsedFragment(None, text_only=True)
    lead, core, tail = fragment[:start], fragment[start:end], fragment[end:]
    if end <= start or "<" in tail or PROBE in core or NOTEBOOK_CLASS in core:
        return _not_self_contained(fragment)
    aside: list[ParsedFragment] = []
    if set_aside and SET_ASIDE not in core:
        core = SVG_ELEMENT.sub(lambda match: _placeholder(match.group(), aside), core)
    soup = BeautifulSoup(
        f"<html><body><main>{core}<{PROBE}></{PROBE}></main></body></html>", "html.parser"
    )
    main = _only_child(_only_child(_only_child(soup)))
    if main is None or main.name != "main" or len(main.contents) < 2:
        return _not_self_contained(fragment)
    first, probe = main.contents[0], main.contents[-1]
    last = main.contents[-2]
    if (
        getattr(probe, "name", None) != PROBE
        or type(first) is bs4.NavigableString
        or type(last) is bs4.NavigableString
    ):
        return _not_self_contained(fragment)
    if aside and not _placed_as_elements(soup, main, len(aside)):
        return _parse_whole(fragment)
    probe.extract()
    missing_alt = sum(piece.missing_alt for piece in aside)
    for image in main.select(MISSING_ALT):
        image.attrs["alt"] = MISSING_ALT_TEXT
        missing_alt += 1
    serialized = main.decode_contents()
    for index, piece in enumerate(aside):
        placeholder = f"<{SET_ASIDE}-{index}></{SET_ASIDE}-{index}>"
        if piece.core is None or serialized.count(placeholder) != 1:
            return _parse_whole(fragment)
        serialized = serialized.replace(placeholder, piece.core)
    return ParsedFragment(serialized, False, lead, tail, missing_alt, _headings(main))


def _placeholder(svg: str, aside: list[ParsedFragment]) -> str:
    """The placeholder element for ``svg`` when it is self-contained and holds no heading, its
    parse put on ``aside``; else ``svg`` itself, parsed with its fragment."""
    piece = _stored("svg", svg, _parse_whole)
    if piece.core is None or piece.lead or piece.tail or piece.headings:
        return svg
    aside.append(piece)
    name = f"{SET_ASIDE}-{len(aside) - 1}"
    return f"<{name}></{name}>"


def _placed_as_elements(soup: BeautifulSoup, main: bs4.Tag, count: int) -> bool:
    """Whether the ``count`` placeholders are empty elements of the tree, in order, none inside
    an element whose text BeautifulSoup keeps otherwise (``pre``, ``script`` …) or a heading."""
    found = main.find_all(lambda tag: tag.name.startswith(SET_ASIDE))
    if [tag.name for tag in found] != [f"{SET_ASIDE}-{index}" for index in range(count)]:
        return False
    builder = soup.builder
    special = {*builder.preserve_whitespace_tags, *builder.string_containers, *HEADINGS}
    return all(
        not tag.contents
        and not tag.attrs
        and not any(parent.name in special for parent in tag.parents)
        for tag in found
    )


def _only_child(node: bs4.Tag | None) -> bs4.Tag | None:
    if node is None or len(node.contents) != 1 or not isinstance(node.contents[0], bs4.Tag):
        return None
    return node.contents[0]


def _not_self_contained(fragment: str) -> ParsedFragment:
    return ParsedFragment(None, headings=_headings(BeautifulSoup(fragment, "html.parser")))


def _headings(tree: bs4.Tag) -> list[dict[str, str]]:
    """Every h2 and h3 with an id, in order: its name, id and text as text (whitespace folded)."""
    return [
        {"name": h.name, "id": str(h["id"]), "text": " ".join(h.get_text(" ").split())}
        for h in tree.find_all(list(HEADINGS), id=True)
    ]
