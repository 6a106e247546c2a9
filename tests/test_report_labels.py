"""The words of a report are the report definition's labels (``etiketter:`` in
data/rapport.yaml, per unit in params; ``sammanställning: etiketter:`` for the consolidated
report), never code's: the modules and templates that write a report hold none of them."""

from __future__ import annotations

import ast
import importlib.util
import re
import string
from pathlib import Path

import pytest
import yaml

from helpers.cli import main
from helpers.core.labels import LABELS
from helpers.core.paths import Project
from helpers.data.budget_settings import LABEL_KEYS
from helpers.data.definition import read_definition
from helpers.data.unit_data import load_unit
from helpers.parts.budget import statement_of
from helpers.parts.budget_view import budget_html
from helpers.parts.summary import summary_html

SRC = Path(__file__).resolve().parents[1] / "src" / "helpers"
# The modules that write what a reader sees: the report's sections, its page, print and Word
# copies, the index page and the consolidated report (by name, so wherever they lie in the package).
MODULES = (
    "helpers.parts.budget",
    "helpers.parts.budget_amounts",
    "helpers.parts.budget_view",
    "helpers.parts.numbers",
    "helpers.building.index_page",
    "helpers.parts.tables",
    "helpers.parts.figures",
    "helpers.parts.charts",
    "helpers.parts.narrative",
    "helpers.data.signoff",
    "helpers.building.readiness",
    "helpers.parts.custom_view",
    "helpers.building.export",
    "helpers.parts.goals",
    "helpers.parts.indicators",
    "helpers.parts.summary",
    "helpers.building.pdf",
    "helpers.building.pdf_finish",
    "helpers.building.word",
    "helpers.building.kommun_export",
    "helpers.consolidated.report",
    "helpers.parts.kommun_views",
)
# The page template and its stylesheet: their text outside Jinja's {{ }}, {% %} and comments.
TEMPLATES = ("templates/workbook/index.html.j2", "templates/workbook/report.css")
# Every label but the statement's column headers (drift settings name them, e.g. "budget").
MOVED = [
    key
    for key in LABELS
    if not (key.startswith("drift.") and key.removeprefix("drift.") in LABEL_KEYS)
]


def _definition_labels(root: Path) -> dict[str, object]:
    """The example definition's labels by key: ``group.key`` and ``sammanställning.key``."""
    definition = yaml.safe_load((root / "data" / "rapport.yaml").read_text(encoding="utf-8"))
    labels = {
        f"{group}.{key}": value
        for group, entries in definition["etiketter"].items()
        for key, value in entries.items()
    }
    consolidated = definition.get("sammanställning", {}).get("etiketter", {})
    labels |= {f"sammanställning.{key}": value for key, value in consolidated.items()}
    return labels


def _fixed_words(value: object) -> list[str]:
    """The parts of a label between its placeholders that are words, not punctuation."""
    texts = value.values() if isinstance(value, dict) else [value]
    parts = [
        literal.strip(" .,:;()–−")
        for text in texts
        for literal, *_ in string.Formatter().parse(str(text))
    ]
    return [p for p in parts if len(p) >= 6]


def _string_literals(path: Path) -> list[str]:
    """Every string constant of a module except docstrings (they may cite the example)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef))
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
        if id(node) not in docstrings
    ]


def _module_file(name: str) -> Path:
    spec = importlib.util.find_spec(name)
    assert spec is not None and spec.origin is not None, name
    return Path(spec.origin)


def _template_text(path: Path) -> str:
    """A template's own text: without Jinja expressions, statements and comments, and without
    CSS comments (they explain, the reader never sees them)."""
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"\{#.*?#\}|\{\{.*?\}\}|\{%.*?%\}|/\*.*?\*/", " ", text, flags=re.S)
    return " ".join(text.split())  # a label's words may wrap across the template's lines


def test_the_report_words_are_written_only_in_the_definition() -> None:
    labels = _definition_labels(SRC.parents[1])
    consolidated = [key for key in labels if key.startswith("sammanställning.")]
    words = {key: _fixed_words(labels[key]) for key in [*MOVED, *consolidated]}
    assert all(key in labels for key in MOVED)  # the example definition writes every one
    assert consolidated and any(words.values())
    key_names = set(LABELS) | {key.split(".", 1)[1] for key in [*LABELS, *consolidated]}
    sources = {module: _string_literals(_module_file(module)) for module in MODULES}
    sources |= {template: [_template_text(SRC / template)] for template in TEMPLATES}
    found = [
        (source, key, word)
        for source, literals in sources.items()
        for literal in literals
        if literal not in key_names
        for key, fixed in words.items()
        for word in fixed
        if word in literal
    ]
    assert found == []


def test_a_units_labels_change_its_statement_and_summary(workspace: Path) -> None:
    params = workspace / "params" / "2016" / "klk.yaml"
    params.write_text(
        params.read_text(encoding="utf-8") + "rapport:\n"
        "  etiketter:\n"
        "    resultat:\n"
        "      överskott: plusresultat\n"
        "      underskott: minusresultat\n"
        "    drift:\n"
        '      formel: "{kolumn} räknas som {första} minus {andra}."\n'
        '      resultatmening: "{enhet}: {resultat} mot {mot} {år}"\n',
        encoding="utf-8",
    )
    data = load_unit(2016, "klk", Project(workspace))
    statement = statement_of(data)
    result = statement.result_of("utfall")
    amounts = statement.format
    word = "plusresultat" if amounts.sign(result) > 0 else "minusresultat"
    assert amounts.sign(result) != 0  # the example has a surplus or a deficit
    shown = amounts.with_unit(abs(amounts.shown(result)))
    statement_part = str(budget_html(data, data.definition.of_kind("drift")[0]))
    assert f"{data.info.name}: ett {word} på {shown} mot " in statement_part
    assert " redovisar " not in statement_part
    deviation = statement.settings.labels["avvikelse"].capitalize()  # the column's header
    assert f"{deviation} räknas som budget minus utfall." in statement_part
    summary = str(summary_html(data, data.definition.of_kind("sammanfattning")[0]))
    assert f"({word})" in summary and "skott)" not in summary


@pytest.mark.parametrize("key", ["resultat.överskott", "rapport.saknas", "index.titel"])
def test_a_label_missing_from_the_definition_is_named_by_validate(
    workspace: Path, key: str, capsys: pytest.CaptureFixture[str]
) -> None:
    group, name = key.split(".")
    path = workspace / "data" / "rapport.yaml"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    start = lines.index("etiketter:\n")
    group_at = lines.index(f"  {group}:\n", start)
    line = next(i for i in range(group_at, len(lines)) if lines[i].startswith(f"    {name}:"))
    path.write_text("".join(lines[:line] + lines[line + 1 :]), encoding="utf-8")
    problems = read_definition(Project(workspace), 2016, "klk")[1]
    assert [p.column for p in problems] == [f"etiketter.{key}"]
    assert main(["validate", "--year", "2016", "--unit", "klk"]) == 2
    out = capsys.readouterr()
    assert f"etiketten {key} saknas" in out.out and "Traceback" not in out.out + out.err
