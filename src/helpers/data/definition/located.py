"""YAML read as the analyst wrote it: every value with its line, scalars as their own text.

The report definition (``data/rapport.yaml``) and a unit's ``rapport:`` overrides are read with
:func:`read_located`. Each value is a :class:`Located`: the value, the 1-based line it starts on
and its key path (``avsnitt[3].rubrik``), so a problem can name file, row and key. Scalars are
kept as the text typed — YAML 1.1 would turn ``no`` into False, ``0114`` into 76 and ``1.10``
into 1.1 — and the definition decides what a value means. Anchors and aliases (``&a`` / ``*a``)
are refused: a definition has no use for them, and expanding them is how a tiny file becomes an
enormous one. Control characters are refused as in every YAML file (``yaml_text``): in the file
itself, and in a value where a quoted escape (``"\\e"``, ``"\\x00"``) would make one.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import yaml

from helpers.core.errors import DataError, Problem
from helpers.core.text_norm import CONTROL_HINT, control_character
from helpers.core.yaml_text import (
    Unsure,
    check_characters,
    compose_fast,
    error_line,
    parsed_once,
    yaml_problem_text,
)
from helpers.data.readers import decode_text

Path_ = tuple[str | int, ...]


@dataclass(frozen=True)
class Located:
    """A YAML value with where it was written.

    ``value`` is ``dict[str, Located]``, ``list[Located]``, ``str`` (a scalar's own text) or
    None (an empty value or ``~``); ``line`` is 1-based, the line of the value's key (of the
    ``-`` for a list item); ``node`` is kept for :func:`plain_value`.
    """

    value: Any
    line: int
    path: Path_
    node: Any = None

    @property
    def key(self) -> str:
        return key_path(self.path)

    def get(self, name: str) -> Located | None:
        return self.value.get(name) if isinstance(self.value, dict) else None


def key_path(path: Path_) -> str:
    """``('avsnitt', 2, 'rubrik')`` → ``avsnitt[3].rubrik`` (items counted from 1)."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part + 1}]"
        else:
            text += ("." if text else "") + part
    return text


_NULLS = {"", "~", "null", "Null", "NULL"}


def _refuse_control(text: str, line: int, path: Path_, shown_as: str, what: str = "värdet") -> None:
    """A key or value holding a control character: the file was checked before parsing, so it
    came from a quoted escape (``"\\e"``); refused as ``yaml_text`` refuses it."""
    control = control_character(text)
    if control is not None:
        raise DataError(
            [
                Problem(
                    shown_as,
                    f"{what} innehåller tecknet {control[1]}",
                    row=line,
                    column=key_path(path) or None,
                    hint=CONTROL_HINT,
                )
            ]
        )


def _located(node: yaml.Node, path: Path_, shown_as: str, seen: set[int]) -> Located:
    line = node.start_mark.line + 1
    if id(node) in seen:
        raise DataError(
            [
                Problem(
                    shown_as,
                    "ankare och alias (& och *) används inte i rapportdefinitionen",
                    row=line,
                    column=key_path(path) or None,
                    hint="skriv ut värdet på varje ställe där det behövs",
                )
            ]
        )
    seen.add(id(node))
    if isinstance(node, yaml.MappingNode):
        mapping: dict[str, Located] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise DataError(
                    [
                        Problem(
                            shown_as,
                            "en nyckel måste vara ett ord",
                            row=key_node.start_mark.line + 1,
                        )
                    ]
                )
            key = key_node.value
            _refuse_control(key, key_node.start_mark.line + 1, path, shown_as, "nyckeln")
            if key in mapping:
                raise DataError(
                    [
                        Problem(
                            shown_as,
                            f"nyckeln '{key}' står två gånger",
                            row=key_node.start_mark.line + 1,
                            column=key_path((*path, key)),
                            hint=f"ta bort den ena (den första står på rad {mapping[key].line})",
                        )
                    ]
                )
            value = _located(value_node, (*path, key), shown_as, seen)
            # A value is where its key is written (a block mapping starts on the next line).
            mapping[key] = replace(value, line=key_node.start_mark.line + 1)
        return Located(mapping, line, path, node)
    if isinstance(node, yaml.SequenceNode):
        items = [_located(item, (*path, i), shown_as, seen) for i, item in enumerate(node.value)]
        return Located(items, line, path, node)
    text = node.value
    _refuse_control(text, line, path, shown_as)
    # Plain (unquoted): PyYAML's own parser says None, libyaml's says "".
    if not getattr(node, "style", None) and text in _NULLS:
        return Located(None, line, path, node)
    return Located(text, line, path, node)


def parse_located(text: str, shown_as: str) -> Located | None:
    """The document in ``text`` as Located values (None for an empty document).

    Raises ``DataError`` naming the line for YAML that cannot be read, a repeated key, an
    anchor/alias, or a control character (``text_norm.control_character``). A text read before
    is not parsed again (``yaml_text.parsed_once``): Located values are never changed.
    """
    return _parse_located(text, shown_as)


@parsed_once
def _parse_located(text: str, shown_as: str) -> Located | None:
    check_characters(text, shown_as)
    try:  # libyaml (``yaml_text.compose_fast``); anything it cannot vouch for is read below
        fast = compose_fast(text)
        return None if fast is None else _located(fast, (), shown_as, set())
    except (Unsure, DataError):
        pass
    loader = None
    try:
        loader = yaml.SafeLoader(text)  # refuses control characters already here
        node = loader.get_single_node()
    except yaml.reader.ReaderError as exc:
        row = text.count("\n", 0, exc.position) + 1
        raise _not_yaml(shown_as, "filen är inte giltig YAML: ett tecken som inte får finnas",
                        row) from None  # fmt: skip
    except yaml.YAMLError as exc:
        raise _not_yaml(shown_as, yaml_problem_text(exc, text), error_line(exc, text)) from None
    except RecursionError:  # PyYAML's parser recurses per level of nesting
        raise _too_deep(shown_as) from None
    finally:
        if loader is not None:
            loader.dispose()
    if node is None:
        return None
    try:
        return _located(node, (), shown_as, set())
    except RecursionError:
        raise _too_deep(shown_as) from None


def _not_yaml(shown_as: str, message: str, row: int | None) -> DataError:
    return DataError(
        [
            Problem(
                shown_as,
                message,
                row=row,
                hint="jämför med exemplet i docs/data-format.md (nyckel: värde, en per rad)",
            )
        ]
    )


def _too_deep(shown_as: str) -> DataError:
    return DataError(
        [
            Problem(
                shown_as,
                "filen är för djupt inbäddad",
                hint="en rapportdefinition har några få nivåer; jämför med exemplet i "
                "docs/data-format.md",
            )
        ]
    )


def read_located(raw: bytes, shown_as: str) -> Located | None:
    """Decode (UTF-8, BOM allowed) and parse a YAML file; a DataError names what is wrong."""
    text = decode_text(raw, shown_as, table=False)
    return parse_located(text, shown_as)


def plain_value(located: Located | None) -> Any:
    """A subtree as ordinary Python values (YAML's own typing), for a part of the definition
    another module interprets (``drift:``). Aliases were refused while reading."""
    if located is None or located.node is None:
        return None
    loader = yaml.SafeLoader("")
    try:
        return loader.construct_object(located.node, deep=True)
    finally:
        loader.dispose()
