"""Narrative Markdown → safe HTML for the report.

Analysts paste text from Word and web pages, so raw HTML in Markdown is expected. It is rendered,
then cleaned by an allow-list sanitizer (nh3/ammonia): no script, no event handlers, no
``javascript:`` links, no iframes and no external resources survive. Headings are shifted to fit
the place in the report where the text appears and get stable ids for the table of contents;
tables get the workbook's own table look and scrolling wrapper.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Sequence
from typing import Any

import nh3
from markdown_it import MarkdownIt
from markdown_it.token import Token

from helpers.core.errors import quote
from helpers.core.labels import Labels
from helpers.core.markup import Markup
from helpers.core.markup import html as html_markup
from helpers.data.readers import parse_number

_MD = MarkdownIt("commonmark", {"html": True, "typographer": False}).enable(
    ["table", "strikethrough"]
)

_ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "code", "dd", "del", "div", "dl", "dt",
    "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "li", "ol",
    "p", "pre", "s", "small", "span", "strong", "sub", "sup", "table", "tbody", "td", "tfoot",
    "th", "thead", "tr", "u", "ul",
}  # fmt: skip
_ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan", "class", "data-label"},
    "th": {"colspan", "rowspan", "scope", "class"},
    "table": {"class"},
    "div": {"class", "role", "aria-label", "tabindex"},
    "ol": {"start"},
}
# The only values these attributes may have (the table wrapper and look of our own tables).
_FIXED_VALUES = {
    ("div", "class"): {"wb-table-wrap"},
    ("div", "role"): {"region"},
    ("div", "tabindex"): {"0"},
    ("table", "class"): {"wb-table"},
    ("td", "class"): {"num"},
    ("th", "class"): {"num"},
}


def _keep_attribute(tag: str, attribute: str, value: str) -> str | None:
    allowed = _FIXED_VALUES.get((tag, attribute))
    if allowed is not None and value not in allowed:
        return None
    # Images may only be embedded data: a report never loads anything from outside itself.
    if tag == "img" and attribute == "src" and not value.strip().startswith("data:image/"):
        return None
    # A link may go to the web or an e-mail address, never to a document made of data.
    if tag == "a" and attribute == "href" and value.strip().lower().startswith("data:"):
        return None
    return value


_FORBIDDEN_ELEMENTS = (
    "script", "iframe", "frame", "frameset", "object", "embed", "applet", "link", "style",
    "meta", "base", "form", "input", "button", "svg", "math", "audio", "video", "source",
)  # fmt: skip
_TAG = re.compile(r"<([a-zA-Z][a-zA-Z0-9-]*)((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>?", re.S)
_EVENT_ATTRIBUTE = re.compile(r"(?:^|[\s\"'/])(on[a-z]+)\s*=", re.I)
_SCRIPT_URL = re.compile(r"(?:java|vb)script\s*:|data\s*:\s*text/html", re.I)
_EXTERNAL = re.compile(
    r"\b(?:src|srcset|background|poster|href|data)\s*=\s*[\"']?\s*(?:https?:)?//|url\s*\(", re.I
)
_EMBEDDED_IMAGE = re.compile(r"\bsrc\s*=\s*[\"']?\s*data:image/", re.I)
# A Markdown link or image to a script, or to data that is not an embedded image.
_MARKDOWN_SCRIPT_LINK = re.compile(
    r"\]\(\s*<?\s*(?:(?:java|vb)script\s*:|data\s*:(?!\s*image/))", re.I
)


def unsafe_html(markdown: str) -> list[tuple[int, str]]:
    """Raw HTML in a narrative that the report will not show: (line, what it is).

    ``markdown_to_html`` removes all of it anyway; this tells the analyst, so that nothing they
    meant to show silently disappears. Lines count from 1 in the file.
    """
    found: list[tuple[int, str]] = []

    def line_of(position: int) -> int:
        return markdown.count("\n", 0, position) + 1

    tokens = _MD.parse(markdown) if "<" in markdown or "![" in markdown else []
    for match, line in _raw_html_tags(tokens):
        name = match.group(1).lower()
        attributes = html.unescape(match.group(2))
        if name in _FORBIDDEN_ELEMENTS:
            found.append((line, f"<{name}>"))
            continue
        event = _EVENT_ATTRIBUTE.search(attributes)
        if event:
            found.append((line, f"attributet {event.group(1)}= i <{name}>"))
        elif _SCRIPT_URL.search(re.sub(r"[\s\x00-\x1f]+", "", attributes)):
            found.append((line, f"en skriptlänk i <{name}>"))
        elif name != "a" and _EXTERNAL.search(attributes):
            found.append((line, f"<{name}> som hämtar något från internet"))
        elif name == "img" and not _EMBEDDED_IMAGE.search(attributes):
            found.append((line, "en bild som inte är inbäddad (<img> utan data:image)"))
    for match in _MARKDOWN_SCRIPT_LINK.finditer(markdown):
        found.append((line_of(match.start()), "en skriptlänk"))
    found += _markdown_images(tokens)
    return sorted(found)


def _raw_html_tags(tokens: list[Token]) -> list[tuple[re.Match[str], int]]:
    """Every tag in what the Markdown parser passes on as raw HTML (``html_block`` and
    ``html_inline``), with its line in the file. A tag in a code span or code block is text the
    report shows as written (escaped), so it is not one: the same parser that renders the text
    decides."""
    found = []
    start = 1
    for block in tokens:
        start = block.map[0] + 1 if block.map else start  # a table cell: its row's line
        if block.type == "html_block":
            for match in _TAG.finditer(block.content):
                found.append((match, start + block.content.count("\n", 0, match.start())))
            continue
        line = start
        for token in block.children or ():
            if token.type in ("softbreak", "hardbreak"):
                line += 1
            elif token.type == "html_inline":
                for match in _TAG.finditer(token.content):
                    found.append((match, line + token.content.count("\n", 0, match.start())))
                line += token.content.count("\n")
    return found


def _markdown_images(tokens: list[Token]) -> list[tuple[int, str]]:
    """Markdown images (``![x](url)``, ``![x][ref]``, ``![x](//host/x.png)``) that the report
    will not show: every source but an embedded ``data:image/``, read by the same parser that
    renders the text, so every spelling of an image is seen as ``markdown_to_html`` sees it."""
    found = []
    start = 1
    for block in tokens:
        start = block.map[0] + 1 if block.map else start  # a table cell: its row's line
        line = start
        for token in block.children or ():
            if token.type in ("softbreak", "hardbreak"):
                line += 1
            if token.type != "image":
                continue
            source = str(token.attrGet("src") or "").strip()
            if source.lower().startswith("data:image/"):
                continue
            web = re.match(r"(?:[a-z][a-z0-9+.-]*:)?//", source, re.I)
            what = "från internet" if web else "som inte är inbäddad (en fil eller länk)"
            found.append((line, f"en bild {what}: ![…]({quote(source, 60)})"))
    return found


def slugify(text: str) -> str:
    """A stable, ASCII id for a heading: ``Framtid`` → ``framtid``, ``Mål 1`` → ``mal-1``."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:60].rstrip("-") or "avsnitt"


def sanitize(fragment: str) -> str:
    """Remove everything from HTML that could run code or load something from outside."""
    cleaned = nh3.clean(
        fragment,
        tags=_ALLOWED_TAGS,
        attributes=_ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto", "data"},
        link_rel="noopener noreferrer",
        attribute_filter=_keep_attribute,
        strip_comments=True,
    )
    # An image whose source was removed would be an empty, unlabelled element: drop it.
    cleaned = re.sub(r"<img(?![^>]*\bsrc=)[^>]*>", "", cleaned)
    return re.sub(r"<img(?![^>]*\balt=)", '<img alt=""', cleaned)


def split_heading(markdown: str) -> tuple[str | None, str]:
    """Split a leading ``# Heading`` line off a section text: (heading, rest)."""
    stripped = markdown.lstrip("\ufeff\n ")
    match = re.match(r"#(?!#)\s*(.+?)\s*#*\s*(?:\n|$)", stripped)
    if not match:
        return None, markdown
    return match.group(1).rstrip(":"), stripped[match.end() :]


def markdown_to_html(
    markdown: str, *, labels: Labels, top_level: int = 3, id_prefix: str = "text-"
) -> Markup:
    """Render narrative Markdown as sanitized HTML that fits where it sits in the report.

    Headings are relative to the section the text sits in: whatever ``#`` levels the text uses
    (and any ``<h1>``–``<h6>`` pasted as HTML), its outermost headings become ``<h{top_level}>``
    and each deeper one exactly one level below the heading it sits under, never skipping a
    level; past ``<h6>`` they stay ``<h6>``. Each heading gets the id ``id_prefix`` + its slug,
    unique within the text (``-2``, ``-3`` …); ids are made unique across the whole report by the
    export (``html_ids``). Tables — Markdown or pasted HTML — get the workbook's table look and a
    keyboard-reachable scrolling wrapper, so a wide table scrolls by itself on a phone instead of
    the page; the wrapper is named by ``labels`` (``rapport.tabell`` with the column headings, or
    ``rapport.tabell_utan_rubrik``).
    """
    tokens = _MD.parse(markdown)
    _prepare_tables(tokens, labels)
    rendered = _MD.renderer.render(tokens, _MD.options, {})
    cleaned = _wrap_pasted_tables(sanitize(rendered), labels("rapport.tabell_utan_rubrik"))
    return Markup(outline_headings(cleaned, top_level=top_level, id_prefix=id_prefix))


# --- headings -------------------------------------------------------------------------------

_HEADING = re.compile(r"<h([1-6])(?:\s[^>]*)?>(.*?)</h\1>", re.S)


def outline_headings(fragment: str, *, top_level: int, id_prefix: str) -> str:
    """Relevel the headings of sanitized HTML (see :func:`markdown_to_html`) and give them ids.

    The level of each heading is its depth in the text's own outline: a stack holds the source
    levels of the headings still open; a heading closes those at its level or deeper.
    """
    top_level = min(max(top_level, 2), 6)
    open_levels: list[int] = []
    used: set[str] = set()

    def relevel(match: re.Match[str]) -> str:
        source, inner = int(match.group(1)), match.group(2)
        while open_levels and open_levels[-1] >= source:
            open_levels.pop()
        level = min(6, top_level + len(open_levels))
        open_levels.append(source)
        anchor = unique_slug(id_prefix + slugify(_plain(inner)), used)
        return str(html_markup("<h{}" + ' id="{}">', level, anchor)) + inner + f"</h{level}>"

    return _HEADING.sub(relevel, fragment)


def unique_slug(slug: str, used: set[str]) -> str:
    """``slug``, or ``slug-2``, ``slug-3`` … the first not in ``used`` (which it is added to)."""
    candidate, number = slug, 1
    while candidate in used:
        number += 1
        candidate = f"{slug}-{number}"
    used.add(candidate)
    return candidate


def _plain(fragment: str) -> str:
    """The text of sanitized HTML, only to derive an ASCII slug from (never shown)."""
    return html.unescape(re.sub(r"<[^>]+>", "", fragment))


# --- tables ---------------------------------------------------------------------------------

_TABLE_TAG = re.compile(r"<(/?)table\b([^>]*)>")


def _prepare_tables(tokens: list[Token], labels: Labels) -> None:
    """Markdown tables: header cells scoped, number columns right-aligned as in our own tables,
    and the table wrapped like ``tables.render_table`` does (label: the column headings)."""
    table_open: Token | None = None
    rows: list[list[tuple[Token, str]]] = []
    for index, token in enumerate(tokens):
        if token.type == "table_open":
            table_open, rows = token, []
        elif token.type == "tr_open":
            rows.append([])
        elif token.type in ("th_open", "td_open") and rows:
            rows[-1].append((token, _inline_text(tokens[index + 1])))
        elif token.type == "table_close" and table_open is not None:
            _mark_table(table_open, rows, labels)
            table_open = None


def _inline_text(inline: Token) -> str:
    """The plain text of an inline token (what a cell says, without its markup)."""
    parts = [
        child.content if child.type in ("text", "code_inline") else " "
        for child in inline.children or []
        if child.type in ("text", "code_inline", "softbreak", "hardbreak")
    ]
    return " ".join("".join(parts).split())


def _mark_table(table_open: Token, rows: list[list[tuple[Token, str]]], labels: Labels) -> None:
    columns: dict[int, list[str]] = {}
    for row in rows[1:]:
        for position, (_, text) in enumerate(row):
            if text:
                columns.setdefault(position, []).append(text)
    numeric = {p for p, texts in columns.items() if all(_is_number(t) for t in texts)}
    names = [text for _, text in rows[0]] if rows else []
    for row in rows:
        for position, (cell, _) in enumerate(row):
            right = "right" in str(cell.attrs.pop("style", ""))
            if cell.type == "th_open":
                cell.attrs["scope"] = "col"
            elif position < len(names) and names[position]:
                cell.attrs["data-label"] = names[position]  # stacked rows on a phone
            if right or position in numeric:
                cell.attrs["class"] = "num"
    headers = [text for _, text in rows[0] if text] if rows else []
    table_open.meta["wb_label"] = (
        labels("rapport.tabell", rubrik=labels.joined("rapport.uppräkning", headers))
        if headers
        else labels("rapport.tabell_utan_rubrik")
    )


def _is_number(text: str) -> bool:
    try:
        return parse_number(re.sub(r" ?(%|tkr|kr|st)$", "", text)) is not None
    except ValueError:
        return False


def _render_table_open(
    self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any
) -> str:  # markdown-it's render-rule signature
    return str(
        html_markup(
            '<div class="wb-table-wrap" role="region" aria-label="{}" tabindex="0">'
            '<table class="wb-table">\n',
            tokens[idx].meta["wb_label"],  # set by _mark_table
        )
    )


def _render_table_close(
    self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any
) -> str:  # markdown-it's render-rule signature
    return "</table></div>\n"


_MD.add_render_rule("table_open", _render_table_open)
_MD.add_render_rule("table_close", _render_table_close)


def _wrap_pasted_tables(fragment: str, name: str) -> str:
    """Give tables pasted as HTML (the outermost ones) the same wrapper and look; ``name`` is
    the region's accessible name."""
    wrapper = str(
        html_markup(
            '<div class="wb-table-wrap" role="region" aria-label="{}" tabindex="0">'
            '<table class="wb-table">',
            name,
        )
    )
    out: list[str] = []
    position = 0
    wrapped: list[bool] = []  # for each table still open: did we wrap it?
    for match in _TABLE_TAG.finditer(fragment):
        if not match.group(1):
            wrap = not wrapped and "wb-table" not in match.group(2)
            wrapped.append(wrap)
            if wrap:
                out += [fragment[position : match.start()], wrapper]
                position = match.end()
        elif wrapped and wrapped.pop():
            out += [fragment[position : match.end()], "</div>"]
            position = match.end()
    out.append(fragment[position:])
    return "".join(out)
