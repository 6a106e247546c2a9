"""libyaml first, PyYAML's own parser for everything it cannot vouch for (``yaml_text``).

Every YAML file of the example (the report definition, every params file, the templates, the
bad-input cases) and a set of odd and broken documents read the same — values, plain/quoted text,
lines and key paths — or fail with the same message, whichever parser composed them.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import yaml

from helpers.core import yaml_text
from helpers.core.errors import DataError
from helpers.core.paths import REPO_ROOT
from helpers.core.yaml_text import PlainText, load_yaml
from helpers.data.definition import located
from helpers.data.definition.located import Located, parse_located

pytestmark = pytest.mark.skipif(not yaml.__with_libyaml__, reason="PyYAML without libyaml")

EXAMPLE_FILES = sorted(
    path
    for folder in ("data", "params", "src/helpers/templates", "tests/fixtures")
    for path in (REPO_ROOT / folder).rglob("*.y*ml")
)

ODD = [
    "",
    "# bara en kommentar\n",
    "a: 1\nb: '2'\nc: \"3\"\nd: ~\ne:\nf: null\ng: ''\n",
    "lista:\n  - ett\n  - 'två'\n  - {x: 1, y: [1, 2]}\n",
    "text: |\n  rad ett\n  rad två\n\nviks: >\n  ett\n  två\n",
    "\ufeffbom: ja\n",
    "på: on\nnej: no\ntal: 0114\ndatum: 2016-02-30\n",
    "ankare: &a värde\nannat: 1\n",
    "crlf: 1\r\nrad: 2\r\n",
    "x: 'citat med '' inuti'\ny: \"escape \\u00e5\"\n",
]
BROKEN = [
    "a: [1, 2\n",
    "a: 1\na: 2\n",
    "ankare: &a värde\nalias: *a\n",
    "a:\n  b: 1\n   c: 2\n",
    "--- 1\n--- 2\n",
    'a: "\\e"\n',
    "a: " + "[" * (yaml_text.MAX_DEPTH + 2) + "]" * (yaml_text.MAX_DEPTH + 2) + "\n",
    "a: " + "[" * 2000 + "\n",
    "lista: [" + ", ".join(["1"] * (yaml_text.MAX_NODES + 5)) + "]\n",
    "? [sammansatt, nyckel]\n: värde\n",
    "a: \ud800\n",
]


@contextmanager
def pure_python() -> Iterator[None]:
    """PyYAML's own parser only (the fast path switched off), no parse remembered."""
    saved = dict(yaml_text._FAST_LOADERS)
    yaml_text._FAST_LOADERS.clear()
    _forget()
    try:
        yield
    finally:
        yaml_text._FAST_LOADERS.update(saved)
        _forget()


def _forget() -> None:
    yaml_text._load_yaml.cache_clear()  # type: ignore[attr-defined]
    located._parse_located.cache_clear()  # type: ignore[attr-defined]


def shape(value: object) -> object:
    """A value with its text kind (plain or quoted) and, for Located, line and key path."""
    if isinstance(value, Located):
        return ("L", shape(value.value), value.line, value.path)
    if isinstance(value, dict):
        return {key: shape(item) for key, item in value.items()}
    if isinstance(value, list):
        return [shape(item) for item in value]
    if isinstance(value, str):
        return (type(value) is PlainText, str(value))
    return value


def outcome(read, text: str) -> object:
    _forget()
    try:
        return shape(read(text, "fil.yaml"))
    except DataError as exc:
        return ("DataError", [str(p) for p in exc.problems])


@pytest.mark.parametrize("read", [load_yaml, parse_located], ids=["load_yaml", "located"])
def test_every_example_file_reads_the_same_with_either_parser(read) -> None:
    assert EXAMPLE_FILES
    for path in EXAMPLE_FILES:
        text = path.read_text(encoding="utf-8-sig")
        fast = outcome(read, text)
        with pure_python():
            assert outcome(read, text) == fast, path


@pytest.mark.parametrize("text", ODD + BROKEN)
@pytest.mark.parametrize("read", [load_yaml, parse_located], ids=["load_yaml", "located"])
def test_odd_and_broken_documents_read_or_fail_the_same(read, text: str) -> None:
    fast = outcome(read, text)
    with pure_python():
        assert outcome(read, text) == fast


def test_the_fast_path_is_taken_for_valid_text_and_left_for_broken(monkeypatch) -> None:
    composed = []
    original = yaml_text.compose_fast

    def counting(text: str, kind: str = "safe"):
        try:
            node = original(text, kind)
        except yaml_text.Unsure:
            composed.append(False)
            raise
        composed.append(True)
        return node

    monkeypatch.setattr(yaml_text, "compose_fast", counting)
    monkeypatch.setattr(located, "compose_fast", counting)
    _forget()
    assert load_yaml("a: 1\n", "fil.yaml") == {"a": "1"}
    assert parse_located("b: 2\n", "fil.yaml").get("b").value == "2"
    with pytest.raises(DataError):
        load_yaml("a: 1\na: 2\n", "fil.yaml")
    assert composed == [True, True, False]


def test_the_report_definition_is_within_the_fast_paths_bounds() -> None:
    text = (REPO_ROOT / "data" / "rapport.yaml").read_text(encoding="utf-8")
    assert yaml_text.compose_fast(text) is not None
    assert yaml_text.compose_fast(text, "text") is not None


def test_example_files_are_found(tmp_path: Path) -> None:
    names = {p.name for p in EXAMPLE_FILES}
    assert {"rapport.yaml", "klk.yaml", "params.yaml"} <= names
