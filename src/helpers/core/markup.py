"""HTML for the report, escaped by default: the one way data becomes markup.

Strings from data never become HTML by concatenation or f-strings. A fragment is built either
with :func:`html` — a ``str.format`` template whose placeholders escape what is put in them
(markupsafe, Jinja's own escaping) — or from a Jinja template under ``templates/fragments/``
rendered with autoescaping (:func:`fragment`). Both return ``Markup``: text already safe to embed,
which placeholders and :func:`join` keep as it is. A plain ``str`` is always escaped, so forgetting
to escape is impossible; the only way to mark text as HTML is ``Markup(...)`` on a literal of our
own or on the output of the narrative sanitizer.

Rule of the house: nothing unescapes text that was escaped (no ``html.unescape`` on output).
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from markupsafe import Markup, escape

from helpers.core.paths import PACKAGE_DIR

if TYPE_CHECKING:  # imported by the first fragment: `validate` renders none
    import jinja2

FRAGMENTS = PACKAGE_DIR / "templates" / "fragments"

__all__ = ["Markup", "escape", "fragment", "html", "join"]


def html(template: str, /, *args: Any, **kwargs: Any) -> Markup:
    """``template`` (our own literal HTML) with every placeholder escaped unless it is Markup.

    >>> html('<h3 id="{}">{}</h3>', "mal-kf1", "A & B <i>")
    Markup('<h3 id="mal-kf1">A &amp; B &lt;i&gt;</h3>')
    """
    return Markup(template).format(*args, **kwargs)


def join(parts: Iterable[Markup | str], separator: str = "") -> Markup:
    """Concatenate fragments; plain strings among them are escaped."""
    return Markup(separator).join(parts)


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    import jinja2

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(FRAGMENTS)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )


def fragment(name: str, /, **context: Any) -> Markup:
    """Render ``templates/fragments/<name>`` with autoescaping; raises ``jinja2.TemplateError``
    for a missing template or an undefined variable (a bug, not bad data)."""
    return Markup(_environment().get_template(name).render(**context))
