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
"""

from __future__ import annotations

import json
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
    store = render_cache.store(STORE)
    key = None
    if store is not None:
        key = render_cache.key_of("fragment", fragment, bs4.__version__, render_cache.loaded_code())
        stored = store.get(key)
        if stored is not None:
            return ParsedFragment(**json.loads(stored))
    parsed = _parse(fragment)
    if store is not None and key is not None:
        store.put(key, json.dumps(asdict(parsed), ensure_ascii=False))
    return parsed


def _parse(fragment: str) -> ParsedFragment:
    start, end = fragment.find("<"), fragment.rfind(">") + 1
    if start < 0:
        return ParsedFragment(None, text_only=True)
    lead, core, tail = fragment[:start], fragment[start:end], fragment[end:]
    if end <= start or "<" in tail or PROBE in core or NOTEBOOK_CLASS in core:
        return _not_self_contained(fragment)
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
    probe.extract()
    missing_alt = 0
    for image in main.select(MISSING_ALT):
        image.attrs["alt"] = MISSING_ALT_TEXT
        missing_alt += 1
    return ParsedFragment(main.decode_contents(), False, lead, tail, missing_alt, _headings(main))


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
        for h in tree.find_all(["h2", "h3"], id=True)
    ]
