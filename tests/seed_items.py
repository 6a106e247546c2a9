"""Checkable facts derived from the seed report, and a check of a built report against them.

The seed (``<repo>/../shared/seed/*.txt``) is the real report the workbook must reproduce, as
text converted from the original document: Markdown headings, bold-only lines, tab-separated
table rows and narrative paragraphs. :func:`extract_items` turns it into a list of
:class:`SeedItem` (headings, table cells and the first sentence of every paragraph);
:func:`missing_items` reports the items whose text cannot be found in a report's visible text
(:func:`visible_text`), both sides compared after :func:`normalise`.

Typical use (an end-to-end test)::

    items = extract_items(seed_path().read_text(encoding="utf-8"))
    missing = missing_items(items, visible_text(html))

Matching is a substring test on normalised text, so it is deliberately forgiving about layout
(what element a text sits in, how numbers are grouped) and strict about wording. Very short
cells (``0``, ``76``, ``-``) are weak checks: they are satisfied by any occurrence anywhere.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Literal

__all__ = [
    "EXPECTED_FIXES",
    "FORM_LABELS",
    "Kind",
    "SeedItem",
    "extract_items",
    "missing_items",
    "normalise",
    "seed_path",
    "visible_text",
]

Kind = Literal["heading", "cell", "sentence"]

#: Longest first sentence kept, in characters; longer ones are cut at a word boundary.
SENTENCE_CAP = 120

#: Form text of the report template: pure labels, not facts. Lines (headings, bold lines or
#: paragraphs) consisting only of one of these are skipped. Compared after :func:`normalise`,
#: which also drops the trailing colon and emphasis markers.
FORM_LABELS: tuple[str, ...] = (
    "Så här har verksamheten arbetat för att nå målet:",
    "Bedömning:",
    "Motivering:",
    "Aktivitetsplan 2016:",
    "Uppföljning:",
)

#: Label prefixes dropped from the start of a paragraph before its first sentence is taken:
#: ``"Uppföljning: Utkast till ..."`` yields ``"Utkast till ..."``.
LABEL_PREFIXES: tuple[str, ...] = ("Uppföljning:",)

#: Known errors in the seed that the report corrects by computation: (seed text, expected text).
#: An item whose text is a seed text here is satisfied by the expected text (and only by it).
#:
#: - The operating table's typed *Summa* for *Utfall 2016* reads 41 577, but its rows add up to
#:   41 575; the report computes the total, so it shows 41 575.
EXPECTED_FIXES: tuple[tuple[str, str], ...] = (("41 577", "41 575"),)

_HEADING_RE = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_BOLD_ONLY_RE = re.compile(r"(?:\s*\*\*[^*]+\*\*\s*)+")
_BOLD_PART_RE = re.compile(r"\*\*([^*]+)\*\*")
_HTML_TAG_RE = re.compile(r"</?[A-Za-z][^>]*>")
_MD_LINK_RE = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_LIST_MARKER_RE = re.compile(r"^\s*(?:[-+]|\*(?=\s)|\d+[.)])\s+")
_ARTEFACT_RE = re.compile(r"^[-=:|+\s]{3,}$")
_INDICATOR_DASH_RE = re.compile(r"^-\s+(?=\D)")
_SENTENCE_END_RE = re.compile(r"[.!?](?=\s)")

_DASHES = str.maketrans({"\u2212": "-", "\u2013": "-", "\u2011": "-", "\u2012": "-"})
_QUOTES = str.maketrans(
    {
        "\u201d": '"',  # ”
        "\u201c": '"',  # “
        "\u201e": '"',  # „
        "\u201f": '"',  # ‟
        "\u00ab": '"',  # «
        "\u00bb": '"',  # »
        "\u2019": "'",  # ’
        "\u2018": "'",  # ‘
        "\u201a": "'",  # ‚
    }
)
_INVISIBLE_RE = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff]")
_WHITESPACE_RE = re.compile(r"\s+")
_MINUS_SPACE_RE = re.compile(r"(?<![\w-])- (?=\d)")
_DIGIT_GROUP_RE = re.compile(r"(?<=\d) (?=\d{3}(?!\d))")
_PERCENT_RE = re.compile(r"(?<=\d) %")
_DECIMAL_POINT_RE = re.compile(r"(?<=\d)\.(?=\d)")
_LEADING_PLUS_RE = re.compile(r"^\+(?=\d)")


@dataclass(frozen=True)
class SeedItem:
    """One checkable fact of the seed.

    Attributes:
        kind: ``"heading"`` (a Markdown heading or a part of a bold-only line), ``"cell"`` (a
            table cell) or ``"sentence"`` (the first sentence of a narrative paragraph).
        text: The fact as it reads in the seed, with Markdown/HTML markup removed.
        line: 1-based line number in the seed where it starts.
    """

    kind: Kind
    text: str
    line: int


def seed_path() -> Path | None:
    """Return the seed file, ``<repo>/../shared/seed/*.txt`` (repo = parent of ``tests/``).

    Returns the first such file in name order, or ``None`` when there is none.
    """
    repo = Path(__file__).resolve().parent.parent
    seed_dir = repo.parent / "shared" / "seed"
    if not seed_dir.is_dir():
        return None
    candidates = sorted(p for p in seed_dir.glob("*.txt") if p.is_file())
    return candidates[0] if candidates else None


def normalise(text: str) -> str:
    """Normalise text for comparison; applied alike to seed items and report text.

    - Unicode NFC; soft hyphens and zero-width characters removed.
    - All whitespace (incl. non-breaking U+00A0 and narrow no-break U+202F) collapsed to one
      space, ends stripped.
    - Unicode minus (U+2212), en dash and other hyphen-like dashes become ``-``.
    - Spaces inside numbers removed: thousands groups (``41 575`` -> ``41575``), a detached
      minus (``- 6`` -> ``-6``) and a space before a percent sign (``4 %`` -> ``4%``).
    - A decimal point between digits becomes a comma (``0.9`` -> ``0,9``).
    - Case folded; typographic quotes unified (”“„«» -> ``"``, ’‘ -> ``'``).
    - Emphasis markers ``*``/``**`` removed; trailing colons stripped.
    """
    text = unicodedata.normalize("NFC", text)
    text = _INVISIBLE_RE.sub("", text)
    text = text.replace("*", "")
    text = _WHITESPACE_RE.sub(" ", text).strip()
    text = text.translate(_DASHES)
    text = _MINUS_SPACE_RE.sub("-", text)
    text = _DIGIT_GROUP_RE.sub("", text)
    text = _PERCENT_RE.sub("%", text)
    text = _DECIMAL_POINT_RE.sub(",", text)
    text = text.casefold().translate(_QUOTES)
    while text.endswith(":"):
        text = text[:-1].rstrip()
    return text


_FORM_LABEL_KEYS = frozenset(normalise(label) for label in FORM_LABELS)


def _strip_markup(text: str) -> str:
    """Remove HTML tags, Markdown links (keeping their text) and emphasis markers."""
    text = _HTML_TAG_RE.sub("", text)
    text = _MD_LINK_RE.sub(r"\1", text)
    text = text.replace("*", "")
    return _WHITESPACE_RE.sub(" ", text).strip()


def _strip_trailing_colons(text: str) -> str:
    while text.endswith(":"):
        text = text[:-1].rstrip()
    return text


def _is_form_label(text: str) -> bool:
    return normalise(text) in _FORM_LABEL_KEYS


def _first_sentence(text: str) -> str:
    """Text up to and including the first ``.``, ``!`` or ``?`` followed by whitespace.

    The whole text if there is no such end; capped at :data:`SENTENCE_CAP` characters, cut at
    a word boundary.
    """
    match = _SENTENCE_END_RE.search(text)
    sentence = text[: match.end()] if match else text
    if len(sentence) > SENTENCE_CAP:
        cut = sentence.rfind(" ", 0, SENTENCE_CAP + 1)
        sentence = sentence[: cut if cut > 0 else SENTENCE_CAP]
    return sentence.strip()


def _paragraph_sentence(paragraph: str) -> str | None:
    """The first sentence of a narrative paragraph, or ``None`` for pure form labels."""
    text = _LIST_MARKER_RE.sub("", paragraph, count=1)
    text = _strip_markup(text)
    if not text or _is_form_label(text):
        return None
    for prefix in LABEL_PREFIXES:
        if text.casefold().startswith(prefix.casefold()):
            text = text[len(prefix) :].strip()
            if not text:
                return None
            break
    return _strip_trailing_colons(_first_sentence(text)) or None


def _table_cells(line: str) -> list[str]:
    """The non-empty cells of a tab-separated row, markup and Markdown artefacts removed."""
    cells: list[str] = []
    for index, raw in enumerate(line.split("\t")):
        cell = _strip_markup(raw)
        if not cell or _ARTEFACT_RE.fullmatch(cell):
            continue
        if index == 0:
            cell = _INDICATOR_DASH_RE.sub("", cell)
        cells.append(cell)
    return cells


def extract_items(seed_text: str) -> list[SeedItem]:
    """Derive the checkable facts from the seed text, in document order, deduplicated.

    - ``heading``: every Markdown heading's text (``#`` marks, ``<b>``/``**`` markup and
      trailing colons removed), and the parts of bold-only lines:
      ``**Kommunfullmäktiges prioriterade mål 1:****Hjo ska vara ...**`` yields the goal label
      ``Kommunfullmäktiges prioriterade mål 1`` and the title ``Hjo ska vara ...``.
    - ``cell``: every non-empty cell of a tab-separated table row, ``<b>`` tags removed; rows of
      dashes (``-----``) are skipped and indicator names (first cells) lose a leading ``- ``.
    - ``sentence``: the first sentence of every narrative paragraph (consecutive non-blank,
      non-table, non-heading lines; each list item is a paragraph of its own), leading list
      markers and emphasis removed; see :func:`_first_sentence`.

    Pure form labels (:data:`FORM_LABELS`) are skipped; a paragraph starting with a label in
    :data:`LABEL_PREFIXES` yields the first sentence of the text after it. Items whose
    normalised text equals an earlier item's are dropped (the first one is kept).
    """
    found: list[SeedItem] = []
    paragraph: list[str] = []
    paragraph_line = 0

    def flush() -> None:
        nonlocal paragraph
        if paragraph:
            sentence = _paragraph_sentence(" ".join(paragraph))
            if sentence:
                found.append(SeedItem("sentence", sentence, paragraph_line))
        paragraph = []

    for number, raw_line in enumerate(seed_text.splitlines(), start=1):
        line = raw_line.rstrip(" \r\n")
        if not line.strip():
            flush()
            continue
        if "\t" in line:
            flush()
            found.extend(SeedItem("cell", cell, number) for cell in _table_cells(line))
            continue
        heading = _HEADING_RE.match(line)
        if heading:
            flush()
            text = _strip_trailing_colons(_strip_markup(heading.group(2)))
            if text and not _is_form_label(text):
                found.append(SeedItem("heading", text, number))
            continue
        bold_line = _HTML_TAG_RE.sub(
            lambda tag: "**" if tag.group(0).lower() in ("<b>", "</b>") else tag.group(0), line
        )
        if _BOLD_ONLY_RE.fullmatch(bold_line):
            flush()
            for part in _BOLD_PART_RE.findall(bold_line):
                text = _strip_trailing_colons(_strip_markup(part))
                if text and not _is_form_label(text):
                    found.append(SeedItem("heading", text, number))
            continue
        if _LIST_MARKER_RE.match(line):
            flush()
        if not paragraph:
            paragraph_line = number
        paragraph.append(line.strip())
    flush()

    seen: set[str] = set()
    items: list[SeedItem] = []
    for item in found:
        key = normalise(item.text)
        if key and key not in seen:
            seen.add(key)
            items.append(item)
    return items


# Elements rendered inline: their boundaries do not separate words.
_INLINE_TAGS = frozenset(
    {
        "a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "del", "dfn", "em", "i", "ins",
        "kbd", "mark", "q", "s", "samp", "small", "span", "strong", "sub", "sup", "time", "u",
        "var", "wbr",
    }
)  # fmt: skip
_SKIPPED_TAGS = frozenset({"script", "style", "head", "template"})
_VOID_TAGS = frozenset(
    {
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
        "source", "track", "wbr",
    }
)  # fmt: skip


class _VisibleTextParser(HTMLParser):
    """Collect the text of an HTML document that a reader sees."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip_tag: str | None = None  # name of the skipped element we are inside
        self._skip_depth = 0  # nesting of same-named elements inside it

    def _separate(self, tag: str) -> None:
        if tag not in _INLINE_TAGS:
            self.parts.append(" ")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._skip_tag is not None:
            if self._skip_tag == "head" and tag == "body":  # </head> is optional in HTML
                self._skip_tag = None
            elif tag == self._skip_tag and tag not in _VOID_TAGS:
                self._skip_depth += 1
                return
            else:
                return
        if tag not in _VOID_TAGS and (
            tag in _SKIPPED_TAGS or any(name == "hidden" for name, _ in attrs)
        ):
            self._skip_tag = tag
            self._skip_depth = 0
            return
        self._separate(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._skip_tag is None:
            self._separate(tag)

    def handle_endtag(self, tag: str) -> None:
        if self._skip_tag is not None:
            if tag == self._skip_tag:
                if self._skip_depth:
                    self._skip_depth -= 1
                else:
                    self._skip_tag = None
            return
        self._separate(tag)

    def handle_data(self, data: str) -> None:
        if self._skip_tag is None:
            self.parts.append(data)


def visible_text(html: str) -> str:
    """Return the text a reader sees in an HTML document, parsed with :mod:`html.parser`.

    ``<script>``, ``<style>``, ``<head>`` and ``<template>`` elements and elements carrying the
    ``hidden`` attribute are dropped. Text nodes are joined with a space at every element
    boundary except those of inline elements (``<b>``, ``<em>``, ``<span>``, ``<a>``, ...), so
    that ``<em>2020</em>.`` reads ``2020.`` as on screen while table cells, paragraphs and
    line breaks stay separate words. All whitespace (incl. non-breaking spaces) is collapsed
    to single spaces.
    """
    parser = _VisibleTextParser()
    parser.feed(html)
    parser.close()
    return _WHITESPACE_RE.sub(" ", "".join(parser.parts)).strip()


_FIX_KEYS: dict[str, tuple[str, ...]] = {}
for _seed_text, _expected_text in EXPECTED_FIXES:
    _FIX_KEYS.setdefault(normalise(_seed_text), ())
    _FIX_KEYS[normalise(_seed_text)] += (normalise(_expected_text),)


def _accepted_forms(item: SeedItem) -> tuple[str, ...]:
    """The normalised texts any one of which satisfies ``item`` when found in a report.

    - Items listed in :data:`EXPECTED_FIXES` are satisfied only by their expected text.
    - A signed positive number (``+76``) is satisfied with or without its plus sign: the seed
      marks favourable deviations with ``+``, and a report may or may not print the sign.
    """
    key = normalise(item.text)
    if key in _FIX_KEYS:
        return _FIX_KEYS[key]
    if _LEADING_PLUS_RE.match(key):
        return (key, key[1:])
    return (key,)


def missing_items(items: Iterable[SeedItem], report_text: str) -> list[SeedItem]:
    """Return the items not found in ``report_text`` (a report's visible text), in order.

    An item is found when one of its accepted forms (see :func:`_accepted_forms`) is a
    substring of the normalised report text; both sides are normalised with :func:`normalise`.
    """
    haystack = normalise(report_text)
    return [item for item in items if not any(form in haystack for form in _accepted_forms(item))]
