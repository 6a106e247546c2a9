"""Every problem with a value in a YAML file the analyst edits names file, line and key, and a
file that is not YAML is described in Swedish with its line and character — never in the
parser's English.

Expectations come from the edited files themselves: the line is where the key is written, and
the English PyYAML would have printed is what PyYAML says about the same text.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from helpers import cli
from helpers.core.yaml_text import yaml_problem_text

PARAMS = Path("params/2016/klk.yaml")
DELAR_PARAMS = Path("params/2016/delar/klk.yaml")
DEFINITION = Path("data/rapport.yaml")


def validate(capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str]]:
    code = cli.main(["validate", "--year", "2016", "--unit", "klk"])
    captured = capsys.readouterr()
    assert "Traceback" not in captured.out + captured.err
    return code, (captured.out + captured.err).splitlines()


def set_value(path: Path, key: str, value: str) -> int:
    """``key: value`` at the top level of ``path`` (replacing the key's line, or appended);
    the 1-based line it is on."""
    lines = path.read_text("utf-8").splitlines()
    at = next((i for i, line in enumerate(lines) if line.startswith(f"{key}:")), None)
    if at is None:
        lines.append("")
        at = len(lines) - 1
    lines[at] = f"{key}: {value}"
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return at + 1


def insert_after(path: Path, anchor: str, text: str) -> int:
    """``text`` as a new line after the first line that is ``anchor``; its 1-based line."""
    lines = path.read_text("utf-8").splitlines()
    at = lines.index(anchor) + 1
    lines.insert(at, text)
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return at + 1


@pytest.mark.parametrize(
    ("file", "key", "value"),
    [
        (PARAMS, "prognosdatum", "2016-02-30"),  # a date that does not exist
        (PARAMS, "prognosdatum", "31/8 2016"),  # not in the form ÅÅÅÅ-MM-DD
        (PARAMS, "prognosdatum", "2015-08-31"),  # outside the report's year
        (PARAMS, "prognosdatum", "[2016-08-31]"),  # a list
        (PARAMS, "titel", "[Verksamhet, 2016]"),  # a list, not a text
        (PARAMS, "titel", "''"),  # empty
        (PARAMS, "år", "2015"),
        (PARAMS, "enhet", "von"),
        (PARAMS, "period", "delar"),  # the file is helår's
        (DELAR_PARAMS, "periodslut", "2016-13-01"),
        (DELAR_PARAMS, "periodslut", "2017-08-31"),
    ],
)
def test_a_bad_params_value_names_file_line_and_key(
    workspace: Path, capsys: pytest.CaptureFixture[str], file: Path, key: str, value: str
) -> None:
    line = set_value(workspace / file, key, value)
    code, output = validate(capsys)
    assert code == 2
    place = f"{file.as_posix()}, rad {line}, nyckel {key}:"
    assert [text for text in output if text.startswith(place)], (place, output)
    # No problem about a value of the file is left without its line.
    assert not [t for t in output if t.startswith(f"{file.as_posix()}, nyckel")], output


@pytest.mark.parametrize(
    ("anchor", "text", "key"),
    [
        ("  delar:", "    nman: Delår", "perioder.delar.nman"),  # unknown key of a period
        ("jämförelsegrupper:", "  Fel grupp: {kolada: '0000', namn: X}", "jämförelsegrupper"),
        ("    namn: Riket", "  liknande: {kolada: 'abc', namn: Liknande}",
         "jämförelsegrupper.liknande"),
    ],
)  # fmt: skip
def test_a_bad_value_of_a_definition_part_names_its_line(
    workspace: Path, capsys: pytest.CaptureFixture[str], anchor: str, text: str, key: str
) -> None:
    line = insert_after(workspace / DEFINITION, anchor, text)
    code, output = validate(capsys)
    assert code == 2
    found = [t for t in output if t.startswith(f"{DEFINITION.as_posix()}, rad {line}, nyckel ")]
    assert found and key in found[0], output


def test_a_missing_title_of_the_consolidated_report_names_the_line_of_its_table(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = workspace / DEFINITION
    text = path.read_text("utf-8")
    title = next(t for t in text.splitlines() if t.startswith("  titel: ") and "Sammanställd" in t)
    path.write_text(text.replace(title + "\n", ""), "utf-8")
    line = text.splitlines().index("sammanställning:") + 1
    assert cli.main(["validate", "--year", "2016"]) == 2
    output = capsys.readouterr().out.splitlines()
    assert [t for t in output if t.startswith(f"data/rapport.yaml, rad {line}, nyckel ")], output


# Broken YAML of the kinds an analyst makes, each with the line PyYAML finds it on.
BROKEN = {
    "unclosed quote": 'titel: "Verksamhetsuppföljning 2016\nprognosdatum: 2016-08-31\n',
    "missing colon": "titel: Verksamhet\nprognosdatum 2016-08-31\nx: y\n",
    "colon in value": "titel: Mål: bättre\n",
    "tab indent": "rapport:\n\tutan: [nyckeltal]\n",
    "open list": "rapport:\n  utan: [nyckeltal\ntitel: x\n",
    "open table": "drift: {belopp: tkr\ntitel: x\n",
    "unknown escape": 'titel: "Verksamhet \\q 2016"\n',
    "wrong indent": "rapport:\n    utan: [a]\n  avsnitt: [b]\n",
    "two documents": "titel: a\n---\ntitel: b\n",
    "unknown tag": "titel: !python/name:os.system x\n",
}


def english_of(text: str) -> yaml.MarkedYAMLError:
    try:
        yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        return exc
    raise AssertionError(f"PyYAML reads {text!r}")


@pytest.mark.parametrize("case", sorted(BROKEN))
@pytest.mark.parametrize("file", [PARAMS, DEFINITION])
def test_broken_yaml_is_described_in_swedish_with_line_and_character(
    workspace: Path, capsys: pytest.CaptureFixture[str], case: str, file: Path
) -> None:
    text = BROKEN[case]
    if case == "unknown tag" and file == DEFINITION:
        pytest.skip("the definition keeps every value's text, tag or not (it is never run)")
    if file == PARAMS:
        text = "år: 2016\nenhet: klk\n" + text
    (workspace / file).write_text(text, "utf-8")
    exc = english_of(text)
    code, output = validate(capsys)
    assert code == 2
    mine = [t for t in output if t.startswith(file.as_posix())]
    assert mine and all("filen är inte giltig YAML: " in t for t in mine), output
    for english in (exc.problem, exc.context):
        assert not english or not any(english in t for t in output), (english, output)
    assert not any(word in t for t in output for word in ("while ", "found ", "expected "))
    mark = exc.problem_mark
    assert mark is not None
    # The line named, with a character on it, is where the parser stopped or, for what began
    # above and was never finished (a quote or bracket never closed, a key without its colon),
    # where that began.
    named = {mark.line + 1} | ({exc.context_mark.line + 1} if exc.context_mark else set())
    assert any(
        t.startswith(f"{file.as_posix()}, rad {line}:") and f"rad {line}, tecken " in t
        for t in mine
        for line in named
    ), output


def test_an_unknown_parser_phrase_gets_a_swedish_fallback() -> None:
    mark = yaml.Mark("x", 5, 1, 4, "titel: x\nett nytt fel\n", 5)
    exc = yaml.MarkedYAMLError("while doing something new", mark, "found a new thing", mark)
    message = yaml_problem_text(exc, "titel: x\nett nytt fel\n")
    assert message.startswith("filen är inte giltig YAML: ")
    assert "rad 2, tecken 5" in message
    assert "new" not in message and "found" not in message and "while" not in message


def test_the_local_choice_names_the_line_of_a_bad_year(workspace: Path) -> None:
    from helpers.core.errors import DataError
    from helpers.core.paths import Project
    from helpers.season.lab import LOCAL_FILE, local_choice

    (workspace / LOCAL_FILE).write_text("enhet: klk\når: tjugo\nperiod: helar\n", "utf-8")
    with pytest.raises(DataError) as caught:
        local_choice(Project(workspace))
    [problem] = caught.value.problems
    assert (problem.row, problem.column) == (2, "år")


def test_the_installed_command_says_the_same_without_a_traceback(workspace: Path) -> None:
    line = set_value(workspace / PARAMS, "prognosdatum", "2016-02-30")
    run = subprocess.run(
        [sys.executable, "-m", "helpers", "validate", "--year", "2016", "--unit", "klk"],
        capture_output=True, text=True, cwd=workspace, check=False,
    )  # fmt: skip
    assert run.returncode == 2
    assert f"params/2016/klk.yaml, rad {line}, nyckel prognosdatum:" in run.stdout
    assert "Traceback" not in run.stdout + run.stderr


def test_validate_gives_any_yaml_key_problem_its_line(workspace: Path) -> None:
    """Whatever check names a key of a YAML file without its line, validate's list has it."""
    from helpers.building.validate import sorted_problems
    from helpers.core.errors import Problem
    from helpers.core.paths import Project

    text = (workspace / DEFINITION).read_text("utf-8").splitlines()
    delar = text.index("  delar:")  # 0-based
    name = next(i for i in range(delar + 1, len(text)) if text[i].strip().startswith("namn:"))
    found = sorted_problems(
        [
            Problem(DEFINITION.as_posix(), "något om namnet", column="perioder.delar.namn"),
            Problem(DEFINITION.as_posix(), "en nyckel som saknas", column="perioder.delar.nyckel"),
            Problem("data/2016/klk/mal.csv", "en tabell", column="titel"),
        ],
        Project(workspace),
    )
    rows = {(p.column, p.row) for p in found}
    # A missing key gets the line of the nearest one written; a table's problem is left alone.
    assert rows == {("perioder.delar.namn", name + 1), ("perioder.delar.nyckel", delar + 1),
                    ("titel", None)}  # fmt: skip
