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
    if tag == "img" and attribute == "src" and not value.startswith("data:image/"):
        return None
    return value


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
