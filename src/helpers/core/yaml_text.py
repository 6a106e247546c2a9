"""YAML as the workbook reads and writes it: bounded, without aliases, every value text.

YAML 1.1 (what PyYAML implements) turns ``on``, ``no``, ``y`` into booleans, ``2016`` into a
number, ``2016-02-30`` into a date (or an English ``ValueError``) and ``*anchor`` into a
reference that may expand a few bytes into gigabytes ("billion laughs"). The workbook's YAML files
hold a handful of settings an analyst types, so the loader here:

* reads every scalar as the text that is written (``enhet: on`` is the unit id ``"on"``); only an
  empty value, ``~`` and ``null`` mean "no value" (``None``). Callers convert and check types,
  with Swedish messages that name the key;
* refuses aliases (``*namn``) outright, so nothing can expand;
* refuses a key written twice in one mapping (PyYAML would keep the last silently);
* refuses nesting deeper than ``MAX_DEPTH`` and more than ``MAX_NODES`` values, before building
  them, and files larger than the caller's size cap (see ``paths.read_input``);
* reports every problem as a ``DataError`` naming the file and line.

**Parsed once per text.** PyYAML's pure-Python parser is slow, and one section run or build reads
``data/rapport.yaml`` several times (definition, periods, comparison groups, the params check).
``load_yaml`` keeps the last ``PARSED_TEXTS`` documents it read, keyed by their exact text (and
the name they are shown as), and hands out a fresh copy of the values each time; ``parsed_once``
does the same for other parsers (``definition.located``). A text that fails is parsed (and
reported) again every time.

**libyaml first.** A document is composed by libyaml (``yaml.CParser``, ~10x faster) when PyYAML
has it, and the node tree is checked against the same bounds (``within_bounds``); anything it
cannot vouch for — a parse error, an alias, a key twice, too deep, too many values, a refused
value — is read again by the pure-Python loader, which raises exactly the error it always did.
So a valid file reads the same either way (``tests/test_yaml_text.py`` compares both on every
YAML file of the example) and an invalid one gets the same message.

``dump_yaml`` writes a mapping so that it reads back the same through ``load_yaml`` *and*
through any YAML 1.1 reader: text that would be read as something else is quoted.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from dataclasses import replace
from functools import lru_cache
from typing import Any, TypeVar

import yaml
from yaml.composer import ComposerError

from helpers.core.errors import DataError, Problem, quote
from helpers.core.text_norm import CONTROL_HINT, control_character

MAX_DEPTH = 20
MAX_NODES = 10_000
PARSED_TEXTS = 16  # documents kept parsed per parser (the project's YAML files are a handful)
_Parsed = TypeVar("_Parsed")
_HIDDEN_BREAK = re.compile("[\u2028\u2029]")


class _RefusedYaml(ComposerError):
    """The document uses something the workbook refuses (alias, depth, size)."""

    def __init__(self, message: str, mark: yaml.Mark | None, hint: str | None = None):
        super().__init__(None, None, message, mark)
        self.message = message
        self.hint = hint


class _TextLoader(yaml.SafeLoader):
    """SafeLoader with no type guessing, no aliases and bounded depth and size."""

    def __init__(self, stream: str):
        super().__init__(stream)
        self._depth = 0
        self._nodes = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise _RefusedYaml(
                "filen använder ett YAML-alias (*namn), vilket inte är tillåtet",
                event.start_mark,
            )
        self._nodes += 1
        if self._nodes > MAX_NODES:
            raise _RefusedYaml(
                f"filen har fler än {MAX_NODES} värden", self.peek_event().start_mark
            )
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise _RefusedYaml(
                    f"värdena är inbäddade i mer än {MAX_DEPTH} nivåer",
                    self.peek_event().start_mark,
                )
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def compose_mapping_node(self, anchor: Any) -> Any:
        """A mapping whose keys are unique: YAML says so, PyYAML keeps the last one silently
        (``titel: x`` and, further down, ``titel: y`` would publish ``y`` unnoticed)."""
        node = super().compose_mapping_node(anchor)
        seen: dict[str, yaml.Mark] = {}
        for key, _value in node.value:
            if not isinstance(key, yaml.ScalarNode):
                continue
            first = seen.setdefault(key.value, key.start_mark)
            if first is not key.start_mark:
                raise _RefusedYaml(
                    f"nyckeln '{key.value}' står två gånger (rad {first.line + 1} och rad "
                    f"{key.start_mark.line + 1}); bara en av dem kan gälla",
                    key.start_mark,
                )
        return node


# Only "no value" is recognised; everything else stays the text that was written.
_TextLoader.yaml_implicit_resolvers = {}
_TextLoader.add_implicit_resolver(
    "tag:yaml.org,2002:null", re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""]
)


class PlainText(str):
    """A value that was written without quotes in the file it was read from (``decimaler: 1``).

    It is text like any other; ``dump_yaml`` writes it back without quotes, as it was typed, so
    carrying a file over (``new-year``) keeps the analyst's spelling.
    """


def _construct_text(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> str:
    value = loader.construct_scalar(node)
    # PyYAML's reader refuses raw control characters; escapes ("\\e", "\\0") still make them.
    control = control_character(value)
    if control is not None:
        raise _RefusedYaml(f"värdet innehåller tecknet {control[1]}", node.start_mark, CONTROL_HINT)
    # Plain (unquoted): PyYAML's own parser says None, libyaml's says "".
    return PlainText(value) if not node.style else value


_TextLoader.add_constructor("tag:yaml.org,2002:str", _construct_text)


class Unsure(Exception):
    """The fast path cannot vouch for a document: the pure-Python loader reads it instead."""


_FAST_LOADERS: dict[str, Any] = {}
if getattr(yaml, "__with_libyaml__", False):

    class _FastTextLoader(yaml.CSafeLoader):
        """``_TextLoader``'s resolvers and constructors on libyaml's parser (no bounds: the
        composed tree is checked by ``within_bounds``)."""

    _FastTextLoader.yaml_implicit_resolvers = _TextLoader.yaml_implicit_resolvers
    _FastTextLoader.add_constructor("tag:yaml.org,2002:str", _construct_text)
    _FAST_LOADERS = {"text": _FastTextLoader, "safe": yaml.CSafeLoader}


def within_bounds(node: yaml.Node) -> bool:
    """Whether a composed tree keeps ``_TextLoader``'s rules: no node reached twice (an alias),
    no key twice in a mapping, at most ``MAX_DEPTH`` levels and ``MAX_NODES`` nodes."""
    seen: set[int] = set()
    stack: list[tuple[yaml.Node, int]] = [(node, 1)]
    while stack:
        current, depth = stack.pop()
        if id(current) in seen or depth > MAX_DEPTH or len(seen) >= MAX_NODES:
            return False
        seen.add(id(current))
        if isinstance(current, yaml.MappingNode):
            keys: set[str] = set()
            for key, value in current.value:
                if isinstance(key, yaml.ScalarNode):
                    if key.value in keys:
                        return False
                    keys.add(key.value)
                stack += [(key, depth + 1), (value, depth + 1)]
        elif isinstance(current, yaml.SequenceNode):
            stack += [(item, depth + 1) for item in current.value]
    return True


def compose_fast(text: str, kind: str = "safe") -> yaml.Node | None:
    """The document's node tree composed by libyaml (``kind``: ``safe`` resolves tags as
    ``yaml.SafeLoader``, ``text`` as this module's loader), within ``within_bounds``.

    Raises ``Unsure`` — read the text with the pure-Python loader instead — when libyaml is not
    there, cannot parse the text, or the tree breaks a bound: the pure loader then says exactly
    what is wrong, as it always did."""
    loader_class = _FAST_LOADERS.get(kind)
    if loader_class is None:
        raise Unsure
    try:
        loader = loader_class(text)
    except Exception:  # e.g. a lone surrogate cannot be handed to libyaml as UTF-8
        raise Unsure from None
    try:
        node = loader.get_single_node()
    except Exception:
        raise Unsure from None
    finally:
        loader.dispose()
    if node is not None and not within_bounds(node):
        raise Unsure
    return node


def _load_fast(text: str) -> Any:
    node = compose_fast(text, "text")
    if node is None:
        return None
    constructor = _FAST_LOADERS["text"]("")
    try:
        return constructor.construct_document(node)
    except Exception:  # a refused value (an escaped control character): said by the slow path
        raise Unsure from None
    finally:
        constructor.dispose()


class _Dumper(yaml.SafeDumper):
    """Quotes text a YAML 1.1 reader would take for something else, except ``PlainText``."""


def _represent_plain(dumper: _Dumper, data: PlainText) -> yaml.Node:
    # Tagged as a YAML 1.1 reader would resolve it, so the emitter may write it plain again.
    tag = dumper.resolve(yaml.ScalarNode, str(data), (True, False))
    return dumper.represent_scalar(tag, str(data))


_Dumper.add_representer(PlainText, _represent_plain)


def parsed_once(
    parse: Callable[[str, str], _Parsed],
) -> Callable[[str, str], _Parsed]:
    """``parse(text, shown_as)`` remembered for the last ``PARSED_TEXTS`` texts, by their exact
    text and name (see module). What it returns is shared: only for values nobody changes."""
    return lru_cache(maxsize=PARSED_TEXTS)(parse)


def load_yaml(text: str, shown_as: str) -> Any:
    """The document in ``text`` with every scalar as ``str`` (or ``None``); ``DataError`` naming
    ``shown_as`` and the line for invalid YAML, an alias, too deep nesting or too many values.

    Each call gets its own mappings and lists (the texts in them are shared; ``str`` does not
    change), however often the same text was read before."""
    return _copied(_load_yaml(text, shown_as))


def _copied(value: Any) -> Any:
    if value is None or isinstance(value, str):  # PlainText too
        return value
    if isinstance(value, dict):
        return {key: _copied(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_copied(item) for item in value]
    return copy.deepcopy(value)  # what an explicit tag makes (!!set, !!binary …)


@parsed_once
def _load_yaml(text: str, shown_as: str) -> Any:
    check_characters(text, shown_as)
    try:
        return _load_fast(text)
    except Unsure:
        pass
    try:
        # The reader checks the characters as it is made: a control character raises here.
        loader = _TextLoader(text)
        try:
            return loader.get_single_data()
        finally:
            loader.dispose()
    except _RefusedYaml as exc:
        raise DataError(
            [
                Problem(
                    shown_as,
                    exc.message,
                    row=error_line(exc, text),
                    hint=exc.hint
                    or "skriv varje nyckel en gång och värdena direkt, som i exemplet i "
                    "docs/data-format.md",
                )
            ]
        ) from None
    except yaml.reader.ReaderError as exc:  # a control character in the file itself
        raise DataError([_reader_problem(exc, text, shown_as)]) from None
    except yaml.YAMLError as exc:
        raise DataError(
            [
                Problem(
                    shown_as,
                    yaml_problem_text(exc, text),
                    row=error_line(exc, text),
                    hint="jämför med exemplet i docs/data-format.md (nyckel: värde, en per rad)",
                )
            ]
        ) from None
    except RecursionError:  # cannot happen with MAX_DEPTH; kept so no traceback ever leaks
        raise DataError([Problem(shown_as, "filen är för djupt inbäddad")]) from None


def compose_yaml(text: str, shown_as: str) -> yaml.Node | None:
    """The document's node tree (scalars unresolved, with line marks), under the same rules as
    ``load_yaml``: no aliases, bounded depth and size; ``DataError`` naming the file otherwise."""
    check_characters(text, shown_as)
    try:
        # The reader checks the characters as it is made: a control character raises here.
        return _loaded_node(text)
    except _RefusedYaml as exc:
        raise DataError(
            [
                Problem(
                    shown_as,
                    exc.message,
                    row=error_line(exc, text),
                    hint=exc.hint or "skriv värdena direkt",
                )
            ]
        ) from None
    except yaml.reader.ReaderError as exc:
        raise DataError([_reader_problem(exc, text, shown_as)]) from None
    except yaml.YAMLError as exc:
        raise DataError(
            [Problem(shown_as, yaml_problem_text(exc, text), row=error_line(exc, text))]
        ) from None


def _loaded_node(text: str) -> yaml.Node | None:
    """The node tree by the pure-Python loader (aliases refused, depth bounded)."""
    loader = _TextLoader(text)
    try:
        return loader.get_single_node()
    finally:
        loader.dispose()


_KEY_PART = re.compile(r"\[([0-9]+)\]|([^.\[\]]+)")


@lru_cache(maxsize=PARSED_TEXTS)
def _composed(text: str) -> yaml.Node | None:
    """The node tree of ``text`` (libyaml first, as ``load_yaml``), or None when it cannot be
    read: that is the file's own problem, reported by its reader. Shared: never changed."""
    try:
        return compose_fast(text)
    except Unsure:
        pass
    try:
        return _loaded_node(text)
    except (yaml.YAMLError, RecursionError):
        return None


def key_line(text: str, key: str) -> int | None:
    """The 1-based line of the value at key path ``key`` in the YAML ``text`` (``prognosdatum``,
    ``perioder.delar.namn``, ``avsnitt[3].rubrik``: items counted from 1, as
    ``located.key_path`` writes them): the line of its key, or of the ``-`` of a list item.
    A path only partly written (a key that is missing) gives the line of the deepest part that
    is; None when nothing of it is there or the text is not YAML."""
    node = _composed(text)
    line: int | None = None
    for index, name in _KEY_PART.findall(key):
        if isinstance(node, yaml.MappingNode) and name:
            found = [(k, v) for k, v in node.value if isinstance(k, yaml.ScalarNode)
                     and k.value == name]  # fmt: skip
            if not found:
                break
            key_node, node = found[0]
            line = key_node.start_mark.line + 1
        elif isinstance(node, yaml.SequenceNode) and index and 0 < int(index) <= len(node.value):
            node = node.value[int(index) - 1]
            line = node.start_mark.line + 1
        else:
            break
    return line


def with_lines(problems: list[Problem], text: str, shown_as: str) -> list[Problem]:
    """``problems`` with the line filled in of each one about a value of the YAML file
    ``shown_as`` (whose text is ``text``) that names its key (``column``) but no line: every
    problem with a value in a YAML file the analyst edits names file, line and key."""
    return [
        replace(problem, row=key_line(text, problem.column))
        if problem.file == shown_as and problem.row is None and problem.column
        else problem
        for problem in problems
    ]


def check_characters(text: str, shown_as: str) -> None:
    """Refuse a control character, or a line break no editor shows (U+2028, U+2029, NEL, which
    YAML would count as lines), before parsing: the line named is the one the analyst sees."""
    found = control_character(text)
    hidden = _HIDDEN_BREAK.search(text)
    if found is None and hidden is not None:
        named = control_character(hidden.group(), one_line=True)
        assert named is not None  # the hidden break is itself one of the refused characters
        found = (hidden.start(), named[1])
    if found is None:
        return
    raise DataError(
        [
            Problem(
                shown_as,
                f"filen innehåller tecknet {found[1]}, som inte får finnas i en text",
                row=text.count("\n", 0, found[0]) + 1,
                hint=CONTROL_HINT,
            )
        ]
    )


def _reader_problem(exc: yaml.reader.ReaderError, text: str, shown_as: str) -> Problem:
    """A character YAML does not allow in a file (a control character), located by line."""
    position = min(max(exc.position, 0), len(text))
    char = text[position] if position < len(text) else ""
    found = control_character(char) if char else None
    name = found[1] if found else f"U+{exc.character if isinstance(exc.character, int) else 0:04X}"
    return Problem(
        shown_as,
        f"filen innehåller tecknet {name}, som inte får finnas i en text",
        row=text.count("\n", 0, position) + 1,
        hint=CONTROL_HINT,
    )


def error_line(exc: yaml.YAMLError, text: str) -> int | None:
    """The line of the file to name for a YAML error: the line of the typo when it is known
    (``_typo``: the line a quote or bracket that never closes opens on, a key without its
    colon); else where the parser found the problem, or, when that is the end of the file (a
    quote or bracket never closed), where what was never closed began (its context); never a
    line past the file's last."""
    typo = _typo(exc, text)
    if typo is not None:
        return typo[1]
    problem = getattr(exc, "problem_mark", None)
    context = getattr(exc, "context_mark", None)
    last = max(1, len(text.splitlines()))
    at_end = problem is not None and problem.index >= len(text.rstrip())
    mark = context if (problem is None or at_end) and context is not None else problem
    return min(mark.line + 1, last) if mark is not None else None


# What PyYAML says went wrong (``YAMLError.problem``), as the analyst reads it: Swedish, and what
# to do. Matched from the start of the parser's phrase; a phrase not listed gets
# ``_UNKNOWN_PROBLEM`` — never the parser's English. (libyaml's messages never reach a message:
# a document libyaml cannot read is read again by PyYAML, ``compose_fast``.)
_PROBLEMS: tuple[tuple[str, str], ...] = (
    ("found unexpected end of stream", "filen tar slut innan det som påbörjades har avslutats"),
    ("found unexpected document separator",
     "en rad med --- eller ... står mitt i ett värde (ett citattecken har inte stängts)"),
    ("found unknown escape character",
     "okänt tecken efter \\ inom dubbla citattecken (skriv \\\\ för ett snedstreck, eller "
     "använd enkla citattecken)"),
    ("expected escape sequence of",
     "fel antal siffror efter \\x, \\u eller \\U inom dubbla citattecken"),
    ("could not find expected ':'", "kolon (:) saknas efter nyckeln"),
    ("mapping values are not allowed here",
     "ett kolon (:) står där inget värde får börja (sätt citattecken runt en text med ': ' i, "
     "eller rätta indraget)"),
    ("mapping keys are not allowed here", "en nyckel står där den inte får stå (rätta indraget)"),
    ("found character '\\t' that cannot start any token",
     "ett tabbtecken används som indrag (använd mellanslag)"),
    ("found character", "ett värde börjar med ett tecken som inte får inleda ett värde (sätt "
     "värdet inom citattecken)"),
    ("expected <block end>",
     "indraget stämmer inte: raden står på en annan nivå än raderna runt den"),
    ("expected '<document start>'",
     "något står utanför nycklarna (rätta indraget, eller ta bort det som står efter värdet)"),
    ("expected ',' or ']'", "en lista inom [ ] saknar kommatecken eller avslutande ]"),
    ("expected ',' or '}'", "en tabell inom { } saknar kommatecken eller avslutande }"),
    ("expected the node content", "ett värde saknas, eller börjar med ett otillåtet tecken"),
    ("expected a single document", "filen innehåller mer än ett dokument (en rad med ---)"),
    ("but found another document", "filen innehåller mer än ett dokument (en rad med ---)"),
    ("expected alphabetic or numeric character",
     "efter & eller * ska ett namn stå (sätt värdet inom citattecken)"),
    ("expected a comment or a line break",
     "efter | eller > får bara en kommentar stå på samma rad"),
    ("expected chomping or indentation indicators", "tecknen efter | eller > är fel"),
    ("expected indentation indicator", "tecknen efter | eller > är fel"),
    ("found undefined alias", "ankare och alias (& och *) används inte"),
    ("found duplicate anchor", "ankare och alias (& och *) används inte"),
    ("found unhashable key", "en nyckel ska vara ett ord, inte en lista eller tabell"),
    ("found duplicate key", "en nyckel står två gånger"),
    ("could not determine a constructor", "typmarkeringen (!) känns inte igen"),
    ("found undefined tag handle", "typmarkeringen (!) känns inte igen"),
    ("found non-specific tag", "typmarkeringen (!) känns inte igen"),
    ("expected non-empty name appended to the tag", "typmarkeringen (!) känns inte igen"),
    ("expected URI", "typmarkeringen (!) känns inte igen"),
    ("expected '!'", "typmarkeringen (!) känns inte igen"),
    ("expected ' '", "typmarkeringen (!) eller direktivet (%) känns inte igen"),
    ("found duplicate YAML directive", "direktivet %YAML står två gånger"),
    ("found incompatible YAML document", "direktivet %YAML anger en version som inte stöds"),
    ("expected a digit", "direktivet %YAML känns inte igen"),
)  # fmt: skip
_UNKNOWN_PROBLEM = "filen följer inte YAML:s regler här"

# What PyYAML was reading (``YAMLError.context``), named as the analyst sees it.
_CONTEXTS: tuple[tuple[str, str], ...] = (
    ("while scanning a quoted scalar", "texten inom citattecken"),
    ("while scanning a double-quoted scalar", "texten inom citattecken"),
    ("while scanning a simple key", "nyckeln"),
    ("while parsing a block mapping", "nycklarna"),
    ("while parsing a block collection", "listan"),
    ("while parsing a flow sequence", "listan inom [ ]"),
    ("while parsing a flow mapping", "tabellen inom { }"),
    ("while scanning a block scalar", "texten efter | eller >"),
    ("while scanning an anchor", "ankaret (&)"),
    ("while scanning an alias", "aliaset (*)"),
    ("while scanning a tag", "typmarkeringen (!)"),
    ("while parsing a tag", "typmarkeringen (!)"),
    ("while scanning a directive", "direktivet (%)"),
    ("while parsing a node", "värdet"),
    ("while composing a mapping", "tabellen"),
    ("while constructing a mapping", "tabellen"),
    ("expected a single document", "dokumentet"),
)
_UNKNOWN_CONTEXT = "det"


def _swedish(phrase: str | None, known: tuple[tuple[str, str], ...], unknown: str) -> str:
    text = (phrase or "").strip()
    return next((swedish for start, swedish in known if text.startswith(start)), unknown)


def yaml_problem_text(exc: yaml.YAMLError, text: str) -> str:
    """What is wrong with a document PyYAML cannot read, in Swedish: ``filen är inte giltig
    YAML: indraget stämmer inte: raden står på en annan nivå än raderna runt den (rad 3, tecken
    3; i nycklarna som börjar på rad 1, tecken 1)``. The parser's own (English) words never
    appear: its problem and context are translated (``_PROBLEMS``, ``_CONTEXTS``), an unknown
    one by a Swedish fallback; lines and characters are counted from 1, a mark past the file's
    end named as its end. A typo analysts make (``_typo``: a quote or bracket never closed, a
    tab, a missing colon or space after it, a colon in a value) is named as such, where it is,
    rather than by what the parser stumbled on further down."""
    typo = _typo(exc, text)
    if typo is not None:
        return f"filen är inte giltig YAML: {typo[0]}"
    problem = _swedish(getattr(exc, "problem", None), _PROBLEMS, _UNKNOWN_PROBLEM)
    places: list[str] = []
    problem_mark = getattr(exc, "problem_mark", None)
    if problem_mark is not None:
        at_end = problem_mark.index >= len(text.rstrip())
        places.append("vid filens slut" if at_end else _place(problem_mark))
    context_mark = getattr(exc, "context_mark", None)
    context = getattr(exc, "context", None)
    if context_mark is not None and context and not context.startswith("while scanning for"):
        what = _swedish(context, _CONTEXTS, _UNKNOWN_CONTEXT)
        places.append(f"i {what} som börjar på {_place(context_mark)}")
    where = f" ({'; '.join(places)})" if places else ""
    return f"filen är inte giltig YAML: {problem}{where}"


def _place(mark: yaml.Mark) -> str:
    return f"rad {mark.line + 1}, tecken {mark.column + 1}"


# What the parser was inside of when the file broke: text within quotes.
_QUOTED = ("while scanning a quoted scalar", "while scanning a double-quoted scalar")
# A line as an analyst writes YAML: a key and its colon, or a list item.
_YAML_LINE = re.compile(r"^[ \t]*(?:-[ \t]|-$|[^\s:#'\"][^:#]*:(?:[ \t]|$))")
# A colon with no space after it inside what should be ``nyckel: värde`` (not ``://``).
_TIGHT_COLON = re.compile(r"[^\s:]:[^\s:/]")
# A key with no space after its colon, at the start of a line (``rubrik:"Ekonomi"``).
_TIGHT_KEY = re.compile(r"^[ ]*(?:-[ ]+)?([^\s:#'\"\[\]{},]+:[^\s:/])")
# A list item's dash with no space after it (``-id: x``; not ``---``).
_TIGHT_DASH = re.compile(r"^([ ]*)-[^\s-]")
# Before a key on its line: indentation and list dashes only.
_KEY_START = re.compile(r"^[ ]*(?:[-?][ ]+)*$")
# What the parser expected in a flow list or table (``[a, b]``, ``{a: 1}``) and did not find.
_FLOW_EXPECTED = ("expected ',' or ']'", "expected ',' or '}'")
_BREAK = re.compile(r"\r\n|\r|\n")
_Typo = tuple[str, int]  # (what is wrong and what to do, 1-based line to name)


def _typo(exc: yaml.YAMLError, text: str) -> _Typo | None:
    """A typo analysts make behind a YAML error, in Swedish with its place and what to do, and
    the line to name; None when the error is none of them (its phrases are translated then).

    PyYAML says where reading failed, often lines below the typo and in words about what it
    expected there: a quote never closed runs on to the next quote in the file (the rest of
    that line then reads as "wrong indentation"), a key without its colon, or without a space
    after it, runs on as text to the next line's colon. Named here: a quote never closed (with
    the line it opens on), text after a closing quote, a tab used as a space, a bracket never
    closed (with its line), a key without its colon or the space after it (with its line), a
    list dash without a space, a colon and space inside a value, a line indented under a
    value."""
    problem = (getattr(exc, "problem", None) or "").strip()
    context = (getattr(exc, "context", None) or "").strip()
    problem_mark = getattr(exc, "problem_mark", None)
    context_mark = getattr(exc, "context_mark", None)
    if problem_mark is None:
        return None
    at_end = problem_mark.index >= len(text.rstrip())
    if context_mark is not None and context.startswith(_QUOTED):
        return _open_quote(text, problem, problem_mark, context_mark, at_end)
    tokens = _tokens_before(text, problem_mark.index)
    # A key that never found its colon: where that key began.
    key_mark = context_mark if context.startswith("while scanning a simple key") else None
    lines = {problem_mark.line} | ({key_mark.line} if key_mark is not None else set())
    runaway = _runaway_quote(tokens, lines)
    if runaway is not None:
        return runaway
    if problem.startswith("found character '\\t'"):
        return _tab(text, problem_mark)
    for line in sorted(lines):  # ``rubrik:"…"``, ``-id: x``: the line reads as something else
        start = _offset_of_line(text, line)
        key = _TIGHT_KEY.match(_line_from(text, start))
        if key is not None:
            return _key_without_colon(text, start + key.start(1), line)
        if _TIGHT_DASH.match(_line_from(text, start)):
            return _dash_without_space(text, start, line)
    if context_mark is not None and problem.startswith(_FLOW_EXPECTED):
        return _open_bracket(problem, problem_mark, context_mark, at_end)
    if problem.startswith("mapping values are not allowed here"):
        return _colon_in_text(text, tokens, problem_mark)
    if key_mark is not None and problem.startswith("could not find expected ':'"):
        return _key_without_colon(text, key_mark.index, key_mark.line)
    if problem.startswith("expected <block end>"):
        return _after_value(tokens, problem_mark)
    return None


def _tokens_before(text: str, index: int) -> list[yaml.Token]:
    """The tokens PyYAML's scanner reads from ``text`` before character ``index``, as far as it
    can read (the tokens it had queued when it stopped included)."""
    loader = yaml.SafeLoader(text)
    tokens: list[yaml.Token] = []
    try:
        while (token := loader.get_token()) is not None and token.start_mark.index < index:
            tokens.append(token)
    except yaml.YAMLError:
        tokens += [t for t in loader.tokens if t.start_mark.index < index]
    finally:
        loader.dispose()
    return tokens


def _line_from(text: str, index: int) -> str:
    """The text from ``index`` to the end of its line."""
    end = min((found for brk in "\r\n" if (found := text.find(brk, index)) != -1), default=None)
    return text[index:end]


def _offset_of_line(text: str, line: int) -> int:
    """The index of the first character of 0-based ``line``."""
    offset = 0
    for _ in range(line):
        found = _BREAK.search(text, offset)
        if found is None:
            return len(text)
        offset = found.end()
    return offset


def _line_start(text: str, index: int) -> int:
    return max(text.rfind("\n", 0, index), text.rfind("\r", 0, index)) + 1


def _shown(text: str) -> str:
    return "'" + quote(text.strip(), 60) + "'"


def _open_quote(
    text: str, problem: str, problem_mark: yaml.Mark, opened: yaml.Mark, at_end: bool
) -> _Typo | None:
    """The file ends, or breaks, inside text within quotes that opened on an earlier line and
    swallowed lines written as keys: its quote was never closed."""
    swallowed = text[opened.index : problem_mark.index].splitlines()[1:]
    if not (
        at_end
        or problem.startswith("found unexpected document separator")
        or any(_YAML_LINE.match(line) for line in swallowed)
    ):
        return None
    mark = text[opened.index] if opened.index < len(text) else '"'
    return (
        f"citattecknet {mark} på {_place(opened)} stängs aldrig: texten inom citattecken "
        f"fortsätter till {'filens slut' if at_end else f'rad {problem_mark.line + 1}'}"
        f" (skriv det avslutande {mark} där värdet slutar, på samma rad)",
        opened.line + 1,
    )


def _runaway_quote(tokens: list[yaml.Token], lines: set[int]) -> _Typo | None:
    """Text within quotes that ends, lines below its opening quote, on the line where reading
    failed: its closing quote is missing, and the next one in the file closed it instead."""
    for token in reversed(tokens):
        if (
            isinstance(token, yaml.ScalarToken)
            and token.style in ("'", '"')
            and token.start_mark.line < token.end_mark.line
            and token.end_mark.line in lines
        ):
            mark, end = token.style, token.end_mark
            return (
                f"citattecknet {mark} på {_place(token.start_mark)} stängs inte på sin rad: "
                f"texten inom citattecken fortsätter till nästa {mark}, på rad {end.line + 1}, "
                f"tecken {end.column} (skriv det avslutande {mark} där värdet slutar, på samma "
                "rad)",
                token.start_mark.line + 1,
            )
    return None


def _tab(text: str, mark: yaml.Mark) -> _Typo | None:
    """A tab between the values of a line (a tab in the indentation: the translated phrase)."""
    if not text[_line_start(text, mark.index) : mark.index].strip(" \t"):
        return None
    return (
        f"ett tabbtecken står som mellanrum på {_place(mark)} (skriv mellanslag i stället för "
        "tabb, eller sätt värdet inom citattecken)",
        mark.line + 1,
    )


def _open_bracket(
    problem: str, problem_mark: yaml.Mark, opened: yaml.Mark, at_end: bool
) -> _Typo | None:
    """A list ``[`` or table ``{`` that the next line's key, or the file's end, finds open."""
    found = problem.rpartition("but got ")[2]
    if not (at_end or (problem_mark.line > opened.line and found in ("':'", "'<stream end>'"))):
        return None  # on its own line: a missing comma, as the translated phrase says
    if "']'" in problem:
        what, close = "listan inom [ ]", "]"
    else:
        what, close = "tabellen inom { }", "}"
    return (
        f"{what} som börjar på {_place(opened)} stängs aldrig (skriv {close} där den slutar, "
        "och kommatecken mellan värdena)",
        opened.line + 1,
    )


def _colon_in_text(text: str, tokens: list[yaml.Token], colon: yaml.Mark) -> _Typo | None:
    """``: `` where no key may start: inside a value, or after text that ran on from a line
    above (a key without its colon or the space after it, a list dash without its space, a
    line indented under a value)."""
    scalar = tokens[-1] if tokens else None
    if not isinstance(scalar, yaml.ScalarToken) or scalar.style is not None:
        return None
    start = scalar.start_mark
    line_start = _line_start(text, start.index)
    key_position = _KEY_START.match(text[line_start : start.index]) is not None
    if start.line == colon.line:
        if key_position:
            return None
        value = _line_from(text, start.index).split(" #")[0].strip()
        suggestion = '"' + value + '"' if '"' not in value else "'" + value.replace("'", "''") + "'"
        return (
            f"ett kolon med mellanslag efter (': ') står i värdet på {_place(colon)}; i YAML "
            "skiljer det en nyckel från dess värde (sätt hela värdet inom citattecken: "
            f"{quote(suggestion)})",
            colon.line + 1,
        )
    if key_position:
        return _key_without_colon(text, start.index, start.line)
    if _TIGHT_DASH.match(_line_from(text, line_start)):
        return _dash_without_space(text, line_start, start.line)
    return (
        f"raden står längre in än raden ovanför ({_place(colon)}) och läses därför som en "
        f"fortsättning på värdet på rad {start.line + 1} (rätta indraget: nycklar på samma "
        "nivå står lika långt in)",
        colon.line + 1,
    )


def _dash_without_space(text: str, start: int, line: int) -> _Typo:
    """A list item written ``-id: x`` on the line starting at ``start`` (0-based ``line``)."""
    written = _line_from(text, start)
    dash = _TIGHT_DASH.match(written)
    column = len(dash.group(1)) + 1 if dash is not None else 1
    return (
        f"mellanslag saknas efter - på rad {line + 1}, tecken {column} ({_shown(written)}): en "
        "rad i en lista skrivs - värde, med ett mellanslag efter -",
        line + 1,
    )


def _key_without_colon(text: str, index: int, line: int) -> _Typo:
    """A key at ``index`` (0-based ``line``) written without its colon, or without the space
    after the colon (``id:a``)."""
    written = _line_from(text, index)
    column = index - _line_start(text, index)
    tight = _TIGHT_COLON.search(written)
    if tight is not None:
        return (
            f"mellanslag saknas efter kolon på rad {line + 1}, tecken "
            f"{column + tight.start() + 2} ({_shown(written)}): skriv nyckel: värde, med ett "
            "mellanslag efter kolon",
            line + 1,
        )
    return (
        f"kolon (:) saknas efter nyckeln på rad {line + 1}, tecken {column + 1} "
        f"({_shown(written)}): skriv nyckel: värde",
        line + 1,
    )


def _after_value(tokens: list[yaml.Token], mark: yaml.Mark) -> _Typo | None:
    """Text on the line of a value, after its closing quote or bracket."""
    previous = tokens[-1] if tokens else None
    if previous is None or previous.end_mark.line != mark.line:
        return None
    if isinstance(previous, yaml.ScalarToken) and previous.style in ("'", '"'):
        quote_mark = previous.style
        inside = "''" if quote_mark == "'" else '\\"'
        return (
            f"text står efter det avslutande citattecknet {quote_mark} ({_place(mark)}): sätt "
            f"citattecken runt hela värdet (ett {quote_mark} inuti värdet skrivs {inside})",
            mark.line + 1,
        )
    if isinstance(previous, (yaml.FlowSequenceEndToken, yaml.FlowMappingEndToken)):
        return (
            f"text står efter ] eller }} ({_place(mark)}): ett värde som börjar med [ eller {{ "
            "läses som en lista eller tabell (sätt hela värdet inom citattecken om det är en "
            "text)",
            mark.line + 1,
        )
    return None


def dump_yaml(mapping: dict[str, Any]) -> str:
    """``mapping`` as YAML that reads back the same through ``load_yaml``: text the workbook
    writes that YAML 1.1 would misread (``on``, ``2016``) is quoted, so every reader sees text;
    ``PlainText`` read from a file is written as it was typed."""
    return yaml.dump(
        mapping, Dumper=_Dumper, allow_unicode=True, sort_keys=False, default_flow_style=False
    )
