"""Every id in a report unique, however many texts and sections repeat a heading.

Sections are rendered one at a time, and two texts may well both have a heading "Bakgrund";
an id that appears twice breaks in-page links and fails WCAG 4.1.1. The export runs
:func:`unique_ids` over the report's fragments in reading order: an id keeps its first holder;
a later duplicate becomes ``id-2``, ``id-3`` … (never a name already taken, nor one of the
``reserved`` ids the page template uses itself). References to a renamed id inside the same
fragment (``href="#…"``, ``aria-labelledby``, ``for``, ``url(#…)``) follow it; references from
other fragments keep pointing at the first holder, so a link to a goal still finds the goal. The
table of contents is built afterwards, from the unique ids.

Works on fragments this workbook produced (escaped by ``markup`` or sanitized by ``nh3``),
where ``<`` in text is always escaped: start tags are found by pattern and only attribute values
are rewritten, never text.

**Unchanged fragments pass through.** Most fragments have no id another fragment took: their
ids are listed once per fragment text (:func:`survey`, kept in the render store ``html`` and in
memory), and a fragment whose ids are all free, each written once and in double quotes, is
returned as it is — which is what rewriting it would give.
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

_ATTRIBUTE = r"""\s+[^\s=/>"'<]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?"""
_START_TAG = re.compile(rf"<[a-zA-Z][a-zA-Z0-9:-]*((?:{_ATTRIBUTE})*)\s*/?>")
_ONE_ATTRIBUTE = re.compile(r"""(\s+)([^\s=/>"'<]+)(?:(\s*=\s*)("[^"]*"|'[^']*'|[^\s"'=<>`]+))?""")
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_ID_LIST_ATTRIBUTES = {"aria-labelledby", "aria-describedby", "aria-controls", "aria-owns",
                       "for", "headers", "aria-activedescendant"}  # fmt: skip
_URL_REFERENCE = re.compile(r"url\(\s*(['\"]?)#([^)'\"\s]+)\1\s*\)")


def unique_ids(fragments: Sequence[str], reserved: Iterable[str] = ()) -> list[str]:
    """``fragments`` (in reading order) with every element id unique across all of them."""
    taken: set[str] = set(reserved)
    surveys = [survey(fragment) for fragment in fragments]
    # A new name never takes an id some later element has: every first holder keeps its id.
    present = {name for found in surveys for name in found.present}
    unique = []
    for fragment, found in zip(fragments, surveys, strict=True):
        if found.canonical and taken.isdisjoint(found.visited):
            taken.update(found.visited)  # each keeps its name: the rewrite would change nothing
            unique.append(fragment)
        else:
            unique.append(_unique_in(fragment, taken, present))
    return unique


@dataclass(frozen=True)
class Survey:
    """A fragment's ids: ``present`` as :func:`unique_ids` counts them, ``visited`` in the
    order the rewrite meets them, ``canonical`` when each of those is written once, in double
    quotes (so a rewrite that renames none gives the fragment back unchanged)."""

    present: tuple[str, ...]
    visited: tuple[str, ...]
    canonical: bool


STORE = "html"
_FORMAT = 1


def survey(fragment: str) -> Survey:
    """The fragment's :class:`Survey`, from memory or the render store when taken before."""
    return _remembered(fragment)


@lru_cache(maxsize=256)
def _remembered(fragment: str) -> Survey:
    from helpers.data import render_cache

    store = render_cache.store(STORE)
    key = render_cache.key_of("ids", _FORMAT, fragment, render_cache.loaded_code())
    stored = store.get(key) if store is not None else None
    if stored is not None:
        with contextlib.suppress(ValueError, TypeError):  # a damaged entry: surveyed anew
            present, visited, canonical = json.loads(stored)
            return Survey(tuple(present), tuple(visited), bool(canonical))
    found = _survey(fragment)
    if store is not None:
        store.put(key, json.dumps([found.present, found.visited, found.canonical]))
    return found


def _survey(fragment: str) -> Survey:
    present = tuple(_unquote(m.group(4)) for m in _ids(fragment))
    visited: list[str] = []
    canonical = True

    def note(text: str) -> str:
        nonlocal canonical
        for tag in _START_TAG.finditer(text):
            for match in _ONE_ATTRIBUTE.finditer(tag.group(1)):
                value = match.group(4)
                if match.group(2).lower() == "id" and value is not None:
                    visited.append(_unquote(value))
                    canonical = canonical and value.startswith('"')
        return text

    _outside_comments(fragment, note)
    canonical = canonical and len(set(visited)) == len(visited)
    return Survey(present, tuple(visited), canonical)


def _ids(fragment: str) -> list[re.Match[str]]:
    found = []
    for tag in _START_TAG.finditer(_COMMENT.sub("", fragment)):
        found += [
            m
            for m in _ONE_ATTRIBUTE.finditer(tag.group(1))
            if m.group(2).lower() == "id" and m.group(4) is not None
        ]
    return found


def _unique_in(fragment: str, taken: set[str], present: set[str]) -> str:
    renamed: dict[str, str] = {}  # old id → its first holder's new id, within this fragment

    def rename_ids(tag: re.Match[str]) -> str:
        def attribute(match: re.Match[str]) -> str:
            name, value = match.group(2).lower(), match.group(4)
            if name != "id" or value is None:
                return match.group(0)
            old = _unquote(value)
            new = old if old not in taken else _free(old, taken | present)
            taken.add(new)
            if new != old:
                renamed.setdefault(old, new)
            return f'{match.group(1)}{match.group(2)}{match.group(3)}"{new}"'

        return _rewrite_attributes(tag, attribute)

    fragment = _outside_comments(fragment, lambda text: _START_TAG.sub(rename_ids, text))
    if not renamed:
        return fragment

    def follow(tag: re.Match[str]) -> str:
        def attribute(match: re.Match[str]) -> str:
            name, value = match.group(2).lower(), match.group(4)
            if value is None or name == "id":
                return match.group(0)
            original = text = _unquote(value)
            if name in ("href", "xlink:href") and text.startswith("#"):
                text = "#" + renamed.get(text[1:], text[1:])
            elif name in _ID_LIST_ATTRIBUTES:
                text = " ".join(renamed.get(part, part) for part in text.split())
            else:
                text = _URL_REFERENCE.sub(
                    lambda m: (
                        f"url({m.group(1)}#{renamed.get(m.group(2), m.group(2))}{m.group(1)})"
                    ),
                    text,
                )
            if text == original:
                return match.group(0)
            quote = "'" if '"' in text else '"'
            return f"{match.group(1)}{match.group(2)}{match.group(3)}{quote}{text}{quote}"

        return _rewrite_attributes(tag, attribute)

    return _outside_comments(fragment, lambda text: _START_TAG.sub(follow, text))


def _url(match: re.Match[str], renamed: dict[str, str]) -> str:
    quote, target = match.group(1), match.group(2)
    return f"url({quote}#{renamed.get(target, target)}{quote})"


def _rewrite_attributes(tag: re.Match[str], attribute: Callable[[re.Match[str]], str]) -> str:
    start, end = tag.span(1)
    whole = tag.group(0)
    offset = tag.start()
    attributes = _ONE_ATTRIBUTE.sub(attribute, whole[start - offset : end - offset])
    return whole[: start - offset] + attributes + whole[end - offset :]


def _outside_comments(fragment: str, change: Callable[[str], str]) -> str:
    parts: list[str] = []
    position = 0
    for comment in _COMMENT.finditer(fragment):
        parts += [change(fragment[position : comment.start()]), comment.group(0)]
        position = comment.end()
    parts.append(change(fragment[position:]))
    return "".join(parts)


def _unquote(value: str) -> str:
    return value[1:-1] if value[:1] in "\"'" and value[-1:] == value[:1] else value


def _free(old: str, taken: set[str]) -> str:
    number = 2
    while f"{old}-{number}" in taken:
        number += 1
    return f"{old}-{number}"
