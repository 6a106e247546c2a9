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

**Charts and blocks set aside.** Most of a goal section's HTML is its charts' SVG, and the
rest is one ``<section>`` per goal, all unchanged when one goal's text is edited. So before a
fragment is parsed, each ``<svg>…</svg>`` and each ``<section>…</section>`` in it (a block's
own charts set aside in turn) that is self-contained by the same test is set aside: parsed on
its own (kept in the store by its exact text, as a fragment is) and replaced by an empty
placeholder element, whose serialization its own then replaces, and whose headings take its
place among the fragment's. By the same argument that gives the same bytes, provided the
placeholder is an element of the tree (not text in a comment, an attribute or a ``<style>``),
the placeholders are in order, and none lies inside an element that keeps its text otherwise
(``<pre>``, ``<textarea>``, ``<script>``, ``<template>`` …) or inside a heading (whose text is
the table of contents'). Otherwise the fragment is parsed whole. Blocks are the innermost
sections (a goal area's goals, not the area); one that is not self-contained is simply parsed
with its fragment.

Parsed fragments are also kept in memory by their text (``MEMORY_ITEMS``): the table of
contents and the page read the same ones, and the preview exports again and again.
"""

from __future__ import annotations

import json
import re
from collections import OrderedDict
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
# A chart's SVG or a block (a goal's ``<section>``) and the element that stands in for it while
# its fragment is parsed (see module). Leftmost first: a block's charts are set aside inside it.
# A block is an innermost ``<section>`` (none opens inside it): a goal, also in a goal area.
SET_ASIDE_ELEMENT = re.compile(r"<section\b(?:(?!<section\b).)*?</section>|<svg\b.*?</svg>", re.S)
SVG_ELEMENT = re.compile(r"<svg\b.*?</svg>", re.S)  # inside a block: only its charts
SET_ASIDE = "wb-export-svg"
MEMORY_ITEMS = 512  # parsed fragments, charts and blocks kept in memory by their text


@dataclass(frozen=True)
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
    """``parse(text)``, kept in memory and in the store by ``kind`` and the exact text."""
    remembered = _MEMORY.get((kind, text))
    if remembered is not None:
        _MEMORY.move_to_end((kind, text))
        return remembered
    parsed = _from_store(kind, text, parse)
    _MEMORY[(kind, text)] = parsed
    if len(_MEMORY) > MEMORY_ITEMS:
        _MEMORY.popitem(last=False)
    return parsed


_MEMORY: OrderedDict[tuple[str, str], ParsedFragment] = OrderedDict()


def _from_store(kind: str, text: str, parse: Callable[[str], ParsedFragment]) -> ParsedFragment:
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
    return _parse_fragment(fragment, SET_ASIDE_ELEMENT)


def _parse_block(block: str) -> ParsedFragment:
    return _parse_fragment(block, SVG_ELEMENT)


def _parse_whole(fragment: str) -> ParsedFragment:
    return _parse_fragment(fragment, None)


def _parse_fragment(fragment: str, set_aside: re.Pattern[str] | None) -> ParsedFragment:
    """``fragment`` parsed with what ``set_aside`` matches set aside (None: nothing)."""
    start, end = fragment.find("<"), fragment.rfind(">") + 1
    if start < 0:
        return ParsedFragment(None, text_only=True)
    lead, core, tail = fragment[:start], fragment[start:end], fragment[end:]
    if end <= start or "<" in tail or PROBE in core or NOTEBOOK_CLASS in core:
        return _not_self_contained(fragment)
    aside: list[ParsedFragment] = []
    if set_aside is not None and SET_ASIDE not in core:
        core = set_aside.sub(lambda match: _placeholder(match.group(), aside), core)
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
    return ParsedFragment(serialized, False, lead, tail, missing_alt, _headings(main, aside))


def _placeholder(element: str, aside: list[ParsedFragment]) -> str:
    """The placeholder element for ``element`` (a chart's SVG, a block) when it is
    self-contained, its parse put on ``aside``; else ``element`` itself, parsed with its
    fragment."""
    if element.startswith("<svg"):
        piece = _stored("svg", element, _parse_whole)
    else:  # a block: its own charts are set aside in turn
        piece = _stored("block", element, _parse_block)
    if piece.core is None or piece.lead or piece.tail:
        return element
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


def _headings(tree: bs4.Tag, aside: list[ParsedFragment] | None = None) -> list[dict[str, str]]:
    """Every h2 and h3 with an id, in order: its name, id and text as text (whitespace folded);
    a placeholder's place holds the headings of what it stands for (``aside``)."""
    found: list[dict[str, str]] = []
    for tag in tree.find_all(lambda t: t.name in HEADINGS or t.name.startswith(SET_ASIDE)):
        if tag.name.startswith(SET_ASIDE):
            found += aside[int(tag.name.rsplit("-", 1)[1])].headings if aside else []
        elif tag.get("id") is not None:
            found.append(
                {
                    "name": tag.name,
                    "id": str(tag["id"]),
                    "text": " ".join(tag.get_text(" ").split()),
                }
            )
    return found
