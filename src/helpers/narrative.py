"""Narrative Markdown → safe HTML for the report.

Analysts paste text from Word and web pages, so raw HTML in Markdown is expected. It is rendered,
then cleaned by an allow-list sanitizer (nh3/ammonia): no script, no event handlers, no
``javascript:`` links, no iframes and no external resources survive. Headings are shifted to fit
the place in the report where the text appears and get stable ids for the table of contents.
"""

from __future__ import annotations

import html
import re
import unicodedata

import nh3
from markdown_it import MarkdownIt

_MD = MarkdownIt("commonmark", {"html": True, "typographer": False}).enable(
    ["table", "strikethrough"]
)

_ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "code", "dd", "del", "div", "dl", "dt",
    "em", "figcaption", "figure", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "li", "ol",
    "p", "pre", "s", "small", "span", "strong", "sub", "sup", "table", "tbody", "td", "tfoot",
    "th", "thead", "tr", "u", "ul",
}  # fmt: skip
_ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "h2": {"id"},
    "h3": {"id"},
    "h4": {"id"},
    "ol": {"start"},
}


def _keep_attribute(tag: str, attribute: str, value: str) -> str | None:
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
_MARKDOWN_SCRIPT_LINK = re.compile(r"\]\(\s*<?\s*(?:(?:java|vb)script|data)\s*:", re.I)


def unsafe_html(markdown: str) -> list[tuple[int, str]]:
    """Raw HTML in a narrative that the report will not show: (line, what it is).

    ``markdown_to_html`` removes all of it anyway; this tells the analyst, so that nothing they
    meant to show silently disappears. Lines count from 1 in the file.
    """
    found: list[tuple[int, str]] = []

    def line_of(position: int) -> int:
        return markdown.count("\n", 0, position) + 1

    for match in _TAG.finditer(markdown):
        name = match.group(1).lower()
        attributes = html.unescape(match.group(2))
        line = line_of(match.start())
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
    return sorted(found)


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


def markdown_to_html(markdown: str, *, top_level: int = 3, id_prefix: str = "") -> str:
    """Render Markdown with its ``#`` headings starting at ``<h{top_level}>``, sanitized."""
    rendered = _MD.render(markdown)

    def shift(match: re.Match[str]) -> str:
        level = min(6, int(match.group(2)) + top_level - 1)
        return f"<{match.group(1)}h{level}"

    rendered = re.sub(r"<(/?)h([1-6])", shift, rendered)

    def add_id(match: re.Match[str]) -> str:
        level, inner = match.group(1), match.group(2)
        text = html.unescape(re.sub(r"<[^>]+>", "", inner))
        return f'<h{level} id="{id_prefix}{slugify(text)}">{inner}</h{level}>'

    rendered = re.sub(r"<h([2-4])>(.*?)</h\1>", add_id, rendered, flags=re.S)
    return sanitize(rendered)
