"""Hostile values and odd inputs of real files: each kind refused where values are read, with a
located Swedish message that is itself safe to print, and exit 2 from every command.

Kinds: control characters in any value (CSV and .xlsx cells, YAML values — params, the report
definition, custom tables' schemas — Markdown texts) and
line breaks in one-line fields; control characters in messages; a key written twice in YAML;
Markdown images that are not embedded; a time limit out of range, on the command line or in the
environment; a named pipe or a looping link where an input file should be.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook
from test_bad_input import (  # noqa: F401 (fixtures)
    PREVIOUS,
    Run,
    Runner,
    assert_refused,
    each_command,
    run,
    run_here,
    ws,
)

from helpers.building.execute import MAX_TIMEOUT, TIMEOUT_VARIABLE, parse_timeout
from helpers.core.errors import DataError, Problem, quote
from helpers.core.paths import Project
from helpers.core.schema import SPECS, Column
from helpers.core.yaml_text import load_yaml
from helpers.data.cell_values import convert_cell
from helpers.data.definition import read_definition
from helpers.data.definition.located import parse_located
from helpers.data.readers import decode_text, read_table
from helpers.data.unit_data import typed_frame
from helpers.parts.narrative import markdown_to_html, unsafe_html

# Every control character a value may not hold: C0 but tab, LF, CR; DEL; C1.
CONTROLS = [
    chr(c) for c in [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), *range(0x7F, 0xA0)]
]
# A sample of them for the slower, end-to-end cases: NUL, BEL, backspace, ESC, DEL, NEL, CSI.
SAMPLE = ["\x00", "\x07", "\x08", "\x1b", "\x7f", "\x85", "\x9b"]
LINE_BREAKS = ["\n", "\r", "\r\n", "\u2028", "\u2029", "\x85"]
VALIDATE = ["validate", "--year", "2016", "--unit", "klk"]
BUILD = ["build", "--year", "2016", "--unit", "klk", "--jobs", "1"]
PARAMS = "params/2016/klk.yaml"


def has_control(text: str) -> bool:
    return any(ch in text for ch in CONTROLS) or "\u2028" in text or "\u2029" in text


# --- 3. messages quote values with their control characters escaped ------------------------------


@pytest.mark.parametrize("char", CONTROLS + ["\u2028", "\u202e"])
def test_a_quoted_value_never_carries_a_control_character(char: str) -> None:
    value = f"röd{char}[31mtext"
    shown = quote(value)
    assert not has_control(shown) and "\u202e" not in shown
    assert f"\\x{ord(char):02x}" in shown or f"\\u{ord(char):04x}" in shown
    problem = Problem(f"fil{char}.csv", f"meddelande {value}", column=f"k{char}", hint=value)
    assert not has_control(str(problem).replace("\n", "")), repr(str(problem))


# --- 2. control characters refused where values are read ---------------------------------------


@pytest.mark.parametrize("char", CONTROLS)
def test_a_cell_with_a_control_character_is_refused_in_every_column_kind(char: str) -> None:
    for column in (Column("titel"), Column("id", "id"), Column("v", "number")):
        with pytest.raises(ValueError, match="innehåller tecknet") as caught:
            convert_cell(column, f"a{char}b")
        assert f"U+{ord(char):04X}" in str(caught.value)
        assert not has_control(str(caught.value))


@pytest.mark.parametrize("allowed", ["\t", "\n", "\r\n"])
def test_tab_and_line_breaks_stay_allowed_in_a_text_cell(allowed: str) -> None:
    assert convert_cell(Column("titel"), f"a{allowed}b") in ("a b", "a\nb")


def _replace_in_package(path: Path, old: str, new: str) -> None:
    """Rewrite every member of the .xlsx package with ``old`` replaced by ``new`` (raw UTF-8)."""
    with zipfile.ZipFile(path) as source:
        members = [(info, source.read(info)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info, data in members:
            target.writestr(info, data.replace(old.encode(), new.encode()))


@pytest.mark.parametrize("char", SAMPLE)
def test_an_xlsx_cell_with_a_control_character_is_refused_naming_the_cell(
    tmp_path: Path, char: str
) -> None:
    spec = SPECS["mal"]
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(spec.names)
    sheet.append(["KF1", "kommunfullmäktige", "1", "Titel", "", ""])
    path = tmp_path / "mal.xlsx"
    workbook.save(path)
    _, clean = typed_frame(spec, read_table(path, "mal.xlsx", spec.names))
    # openpyxl refuses to write such a character (with lxml installed even when set behind its
    # back); a file from another program may hold it: written into the saved file's XML.
    sheet["D2"] = "Titel-TECKEN-slut"
    workbook.save(path)
    _replace_in_package(path, "-TECKEN-", char)
    if ord(char) < 0x20:  # not allowed in XML at all: the file is refused as unreadable
        with pytest.raises(DataError, match="mal.xlsx: Excel-filen går inte att öppna"):
            read_table(path, "mal.xlsx", spec.names)
        return
    _, problems = typed_frame(spec, read_table(path, "mal.xlsx", spec.names))
    added = [p for p in problems if p not in clean]
    assert [(p.row, p.column) for p in added] == [(2, "titel")]
    assert f"U+{ord(char):04X}" in added[0].message


@pytest.mark.parametrize("char", SAMPLE)
def test_a_markdown_text_with_a_control_character_is_refused_naming_the_line(char: str) -> None:
    text = f"# Rubrik\n\nFörsta stycket.\nAndra{char} raden.\n"
    with pytest.raises(DataError) as caught:
        decode_text(text.encode(), "text/x.md", table=False)
    [problem] = caught.value.problems
    assert problem.row == text[: text.index(char)].count("\n") + 1
    assert f"U+{ord(char):04X}" in problem.message and problem.hint


@pytest.mark.parametrize("char", SAMPLE)
def test_a_yaml_value_with_a_control_character_is_refused_naming_the_line(char: str) -> None:
    escaped = f"\\x{ord(char):02x}"  # a YAML escape: the file itself is clean
    for text in (f'år: 2016\ntitel: "a{escaped}b"\n', f"år: 2016\ntitel: a{char}b\n"):
        with pytest.raises(DataError) as caught:
            load_yaml(text, "p.yaml")
        [problem] = caught.value.problems
        assert problem.row == 2, (repr(text), problem)
        assert "tecknet" in problem.message and not has_control(str(problem))


@pytest.mark.parametrize("char", SAMPLE)
def test_a_definition_or_schema_value_with_a_control_character_is_refused(char: str) -> None:
    """The report definition and custom tables' schemas are read with line marks (``located``),
    not ``load_yaml``: the same characters are refused there, escaped or raw, value or key."""
    escaped = f"\\x{ord(char):02x}"
    texts = {
        f'avsnitt:\n  - id: a\n    rubrik: "Sam{escaped}man"\n': (3, "avsnitt[1].rubrik"),
        f'avsnitt:\n  - id: a\n    "rub{escaped}rik": x\n': (3, "avsnitt[1]"),
        f"avsnitt:\n  - id: a\n    rubrik: Sam{char}man\n": (3, None),
    }
    for text, (row, column) in texts.items():
        with pytest.raises(DataError) as caught:
            parse_located(text, "data/rapport.yaml")
        [problem] = caught.value.problems
        assert (problem.row, problem.column) == (row, column), (repr(text), problem)
        assert f"U+{ord(char):04X}" in problem.message and not has_control(str(problem))


def test_validate_refuses_an_escaped_control_character_in_the_definition(
    ws: Path,  # noqa: F811
    run_here: Runner,  # noqa: F811
) -> None:
    """Through ``cli.main`` in this process, like the next two: the installed ``validate`` on
    a refused data file is run by the other tests here (a control character in a table cell,
    a line break in the title) and in test_bad_input."""
    definition = ws / "data/rapport.yaml"
    text = definition.read_text(encoding="utf-8")
    assert "    rubrik: Sammanfattning\n" in text
    definition.write_text(
        text.replace("    rubrik: Sammanfattning\n", '    rubrik: "Samman\\efattning"\n', 1),
        encoding="utf-8",
    )
    row = text[: text.index("    rubrik: Sammanfattning\n")].count("\n") + 1
    result = run_here(VALIDATE, ws)
    assert_refused(result, ws, f"data/rapport.yaml, rad {row}")
    assert "ESC (U+001B)" in result.text


@pytest.mark.parametrize("brk", LINE_BREAKS)
def test_a_line_break_in_the_one_line_title_is_refused(
    ws: Path,  # noqa: F811
    brk: str,
    run_here: Runner,  # noqa: F811
) -> None:
    escapes = {"\n": "\\n", "\r": "\\r", "\r\n": "\\r\\n", "\u2028": "\\L", "\u2029": "\\P",
               "\x85": "\\N"}  # fmt: skip
    (ws / PARAMS).write_text(
        f'år: 2016\nenhet: klk\ntitel: "Verksamhet{escapes[brk]}uppföljning"\n', encoding="utf-8"
    )
    # The installed command for the first, in this process for the others (test_bad_input).
    result = (run if brk == LINE_BREAKS[0] else run_here)(VALIDATE, ws)
    assert_refused(result, ws, PARAMS)
    assert f"(U+{ord(brk[0]):04X})" in result.text and "rad" in result.text


@pytest.mark.parametrize("char", ["\x00", "\x1b"])
def test_validate_and_build_refuse_a_control_character_in_a_csv_cell_alike(
    ws: Path,  # noqa: F811
    char: str,
    run_here: Runner,  # noqa: F811
) -> None:
    table = ws / "data/2016/klk/mal.csv"
    lines = table.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[2] = lines[2].replace("Hjo", f"Hjo{char}]0;titel\x07", 1)
    table.write_text("".join(lines), encoding="utf-8")
    for argv, installed in each_command(SAMPLE.index(char), [VALIDATE, BUILD]):
        result = (run if installed else run_here)(argv, ws)
        assert_refused(result, ws, "data/2016/klk/mal.csv, rad 3, kolumn titel")
        assert f"U+{ord(char):04X}" in result.text
        assert "\\x07" in result.text and not has_control(result.text.replace("\n", ""))


# --- 6. a key written twice ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "år: 2016\ntitel: x\nenhet: klk\ntitel: y\n",
        "år: 2016\nrapport:\n  avsnitt: []\n  avsnitt: [a]\n",
        'år: 2016\n"titel": x\ntitel: y\n',
    ],
)
def test_a_yaml_key_written_twice_is_refused_naming_both_lines(text: str) -> None:
    lines = text.splitlines()
    keys = [re.sub(r"[\"\s]", "", line.split(":")[0]) for line in lines]
    twice = next(k for k in keys if keys.count(k) > 1)
    first, second = (i + 1 for i, k in enumerate(keys) if k == twice)
    with pytest.raises(DataError) as caught:
        load_yaml(text, "p.yaml")
    [problem] = caught.value.problems
    assert problem.row == second
    assert f"'{twice}'" in problem.message and f"rad {first} och rad {second}" in problem.message


def test_a_params_key_written_twice_exits_2_from_validate(
    ws: Path,  # noqa: F811
    run_here: Runner,  # noqa: F811
) -> None:
    params = ws / PARAMS
    params.write_text(params.read_text(encoding="utf-8") + "titel: Något annat\n", encoding="utf-8")
    assert_refused(run_here(VALIDATE, ws), ws, "nyckeln 'titel' står två gånger")


# --- 4. Markdown images that are not embedded ----------------------------------------------------

PIXEL = "data:image/png;base64,iVBORw0KGgo="
IMAGES = [
    "![x](http://evil.example/track.png)",
    "![x](https://evil.example/track.png 'titel')",
    "![x](//evil.example/track.png)",
    "![x](<http://evil.example/a b.png>)",
    "![x][ref]\n\n[ref]: http://evil.example/track.png",
    "![x][]\n\n[x]: //evil.example/track.png",
    "![x]\n\n[x]: https://evil.example/track.png",
    "[![x](http://evil.example/track.png)](https://exempel.se)",
    "| a |\n|---|\n| ![x](http://evil.example/t.png) |",
    '<img src="http://evil.example/track.png">',
    "<img src=//evil.example/track.png>",
    "![x](bild.png)",
    f"![x]({PIXEL})",
    f'<img src="{PIXEL}" alt="x">',
    "[en länk](http://exempel.se/bild.png) och <http://exempel.se/bild.png>",
]


@pytest.mark.parametrize("markdown", IMAGES)
def test_an_image_is_refused_exactly_when_the_report_would_drop_it(markdown: str) -> None:
    text = f"Stycke.\n\n{markdown}\n"
    written = len(re.findall(r"!\[|<img", markdown))
    labels = read_definition(Project.current())[0].label_set(
        {"år": "2016", "enhet": "", "kommun": ""}
    )
    rendered = str(markdown_to_html(text, labels=labels))
    shown = len(re.findall(r"<img", rendered))
    found = unsafe_html(text)
    assert len(found) == written - shown, (found, rendered)
    lines = text.splitlines()
    image_line = next((i for i, line in enumerate(lines, 1) if "![" in line or "<img" in line), 0)
    assert all(line == image_line for line, _ in found), found


def test_validate_refuses_a_web_image_in_markdown_naming_the_line(
    ws: Path,  # noqa: F811
    run_here: Runner,  # noqa: F811
) -> None:
    text = ws / "data/2016/klk/text/handelser.md"
    lines = text.read_text(encoding="utf-8").splitlines()
    lines.insert(2, "![logga](http://evil.example/track.png)")
    text.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert_refused(run_here(VALIDATE, ws), ws, "data/2016/klk/text/handelser.md, rad 3: texten")


# --- 1 and 5. the time limit, on the command line and in the environment -------------------------


def test_the_time_limit_is_read_one_way_up_to_its_maximum() -> None:
    assert parse_timeout(f"{MAX_TIMEOUT:g}") == MAX_TIMEOUT
    assert parse_timeout("1,5") == 1.5
    for text in ("0", "-5", "abc", "nan", "inf", "", f"{MAX_TIMEOUT * 1.01:g}", "9" * 20):
        with pytest.raises(ValueError, match="sekunder"):
            parse_timeout(text)


BAD_TIMEOUTS = ["99999999999999999999", "1e400", f"{MAX_TIMEOUT + 1:g}", "abc", "0", "-1", "nan"]


@pytest.mark.parametrize("value", BAD_TIMEOUTS)
def test_a_bad_time_limit_exits_2_alike_from_the_option_and_the_environment(
    ws: Path,  # noqa: F811
    value: str,
    run_here: Runner,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The first value through the installed command, both ways; the others through the
    ``cli.main`` it calls (the values are read by the same ``parse_timeout``)."""
    if value != BAD_TIMEOUTS[0]:
        option = run_here([*BUILD, "--timeout", value], ws)
        monkeypatch.setenv(TIMEOUT_VARIABLE, value)
        variable = run_here(BUILD, ws)
        monkeypatch.delenv(TIMEOUT_VARIABLE)
    else:
        option = run([*BUILD, "--timeout", value], ws)
        env = {**os.environ, "WORKBOOK_ROOT": str(ws), TIMEOUT_VARIABLE: value}
        done = subprocess.run(
            [str(Path(sys.executable).parent / "workbook"), *BUILD],
            env=env,
            capture_output=True,
            text=True,
            timeout=600,  # a hang guard, not a speed expectation
        )
        variable = Run(done.returncode, done.stdout, done.stderr, 0)
    for result in (option, variable):
        assert_refused(result, ws, f"'{value}' är inget giltigt antal sekunder")
    assert TIMEOUT_VARIABLE in variable.err and "--timeout" in option.err, option.err


# --- 7. a named pipe or a looping link where a file should be ------------------------------------


INPUTS = ["data/2016/klk/mal.csv", PARAMS, "data/enheter.csv", "data/2016/klk/text/uppdrag.md"]


def make_fifo(path: Path) -> None:
    path.unlink()
    os.mkfifo(path)


def make_loop(path: Path) -> None:
    path.unlink()
    path.symlink_to(path.name)  # a link to itself


@pytest.mark.parametrize(
    ("make", "says"),
    [(make_fifo, "är ingen vanlig fil"), (make_loop, "är en genväg som pekar på sig själv")],
)
@pytest.mark.parametrize("relative", INPUTS)
def test_a_pipe_or_looping_link_is_named_for_what_it_is(
    ws: Path,  # noqa: F811
    make,
    says: str,
    relative: str,
    run_here: Runner,  # noqa: F811
) -> None:
    """The first two inputs run one command each through the installed command (validate,
    then build), the others every command in this process: the same ``cli.main``, the same
    assertions."""
    make(ws / relative)
    # A read of the pipe would block: the run would never end.
    for argv, installed in each_command(INPUTS.index(relative), [VALIDATE, BUILD]):
        installed = installed and relative in INPUTS[:2]
        result = (run if installed else run_here)(argv, ws)
        assert_refused(result, ws, f"{relative}: {says}")
        assert "saknas" not in result.err, result.err
