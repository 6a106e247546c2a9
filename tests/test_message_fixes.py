"""Messages for bad input that a fresh user found wrong: each fault named for what it is, with
file, line and key or character and what to do, no traceback, exit 2 from every command, and
nothing written.

* a quote never closed in a YAML file (single or double; a mapping value, a list item, a flow
  collection) is named as that, on the line the quote opens — not as the indentation of the line
  where the next quote in the file happened to close it; so are a tab, a missing colon or space
  after it, a bracket never closed and a colon in a value;
* ``WORKBOOK_CACHE_DIR`` naming a folder that cannot be made or written is refused by
  ``validate`` and ``build`` alike;
* a section ``rubrik`` that is a list or a mapping is one fault, one message;
* counts agree with their nouns (``1 cell``, ``2 celler``);
* ``reports/index.html`` being a folder is found before anything is written, in the form a
  report path that is a folder gets;
* ``data/kolada.csv`` has its header checked as every table's is.

Expectations come from the edited inputs: the line edited, the quote removed, the column named.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import yaml

from helpers import cli
from helpers.core.errors import DataError, counted
from helpers.core.paths import REPO_ROOT
from helpers.core.yaml_text import error_line, load_yaml, yaml_problem_text
from helpers.data import render_cache
from helpers.data.definition.located import parse_located
from helpers.data.readers import read_table

DEFINITION = "data/rapport.yaml"
YEAR, UNIT = 2016, "klk"


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str]]:
    """A command in this process: its exit status and its output lines (no traceback)."""
    code = cli.main(argv)
    captured = capsys.readouterr()
    said = captured.out + captured.err
    assert "Traceback" not in said, said
    return code, said.splitlines()


def files_under(folder: Path) -> dict[str, float]:
    """Every file under ``folder`` with its modification time: what a refused command must not
    have written or changed (the build's lock, ``build/.lock``, aside: it holds no output)."""
    if not folder.exists():
        return {}
    return {
        str(path.relative_to(folder)): path.stat().st_mtime
        for path in folder.rglob("*")
        if path.is_file() and path.relative_to(folder).as_posix() != "build/.lock"
    }


# --- 1. YAML typos ------------------------------------------------------------------------


def quoted_value_lines(text: str) -> list[tuple[int, str]]:
    """(0-based line, quote) of every line of ``text`` whose value is text within quotes that
    ends the line (``rubrik: "…"``, ``- '…'``), comments aside."""
    found = []
    for number, line in enumerate(text.splitlines()):
        code = line.split(" #")[0].rstrip()
        if code.lstrip().startswith("#"):
            continue
        for mark in "\"'":
            if code.endswith(mark) and code.count(mark) >= 2 and f": {mark}" in code:
                found.append((number, mark))
    return found


def without_closing_quote(text: str, number: int, mark: str) -> str:
    lines = text.splitlines(keepends=True)
    code = lines[number].split(" #")[0].rstrip()
    lines[number] = code[: -len(mark)] + "\n"
    return "".join(lines)


def yaml_error(text: str) -> tuple[str, int | None]:
    """What the workbook says about ``text``, which PyYAML refuses: (message, line)."""
    try:
        yaml.safe_load(text)
    except yaml.YAMLError as exc:
        return yaml_problem_text(exc, text), error_line(exc, text)
    raise AssertionError(f"PyYAML reads {text!r}")


def both_readers(text: str) -> list[tuple[str, int | None]]:
    """The problem ``load_yaml`` and the located reader of the definition give ``text``."""
    said = []
    for read in (load_yaml, parse_located):
        with pytest.raises(DataError) as caught:
            read(text, DEFINITION)
        [problem] = caught.value.problems
        said.append((problem.message, problem.row))
    return said


def test_every_closing_quote_left_out_of_the_definition_is_named_on_its_opening_line() -> None:
    text = (REPO_ROOT / DEFINITION).read_text("utf-8")
    cases = quoted_value_lines(text)
    assert {mark for _, mark in cases} == {'"'}  # the example quotes with " only
    assert len(cases) > 20
    for number, mark in cases:
        broken = without_closing_quote(text, number, mark)
        column = broken.splitlines()[number].index(f": {mark}") + 3
        for message, row in both_readers(broken):
            assert row == number + 1, (number, message)
            assert f"citattecknet {mark} på rad {number + 1}, tecken {column} stängs" in message
            assert "indrag" not in message


# A quote never closed where analysts write one, single and double: a mapping value, a list
# item, a flow list and a flow mapping; the next quote of the file somewhere below, or none.
QUOTE_PLACES = {
    "mapping value": "avsnitt:\n  - id: ekonomi\n    rubrik: {q}Ekonomi\n    typ: drift\n",
    "list item": "utan:\n  - {q}nyckeltal\n  - mal\n",
    "flow list": "utan: [{q}nyckeltal, mal]\nannat: x\n",
    "flow mapping": "text: {{fil: {q}a.md, ny_varje_år: ja}}\nannat: x\n",
}
AFTER = {"at the end": "", "before another quote": "titel: {q}Rapport{q}\nkort: {q}x{q}\n"}


@pytest.mark.parametrize("after", sorted(AFTER))
@pytest.mark.parametrize("place", sorted(QUOTE_PLACES))
@pytest.mark.parametrize("mark", ["'", '"'])
def test_a_quote_never_closed_is_named_with_the_line_it_opens(
    mark: str, place: str, after: str
) -> None:
    head = "kommun:\n  namn: Hjo\n"
    text = head + QUOTE_PLACES[place].format(q=mark) + AFTER[after].format(q=mark)
    opening = next(n for n, line in enumerate(text.splitlines()) if line.count(mark) == 1)
    column = text.splitlines()[opening].index(mark) + 1
    for message, row in [yaml_error(text), *both_readers(text)]:
        assert row == opening + 1, message
        assert f"citattecknet {mark} på rad {opening + 1}, tecken {column} stängs" in message


def edited(text: str, number: int, line: str) -> str:
    lines = text.splitlines(keepends=True)
    lines[number] = line + "\n"
    return "".join(lines)


def definition_lines(pattern: str) -> list[tuple[int, str]]:
    text = (REPO_ROOT / DEFINITION).read_text("utf-8")
    return [(n, line) for n, line in enumerate(text.splitlines()) if re.match(pattern, line)]


@pytest.mark.parametrize(
    ("typo", "pattern", "edit", "says"),
    [
        # A tab as indentation.
        ("tab indent", r"^    rubrik: ", lambda line: "\t" + line.lstrip(" "), "tabbtecken"),
        # No space after a key's colon (also before a quoted or a { value).
        ("no space", r"^    (typ|id): ", lambda line: line.replace(": ", ":", 1),
         "mellanslag saknas efter kolon"),
        ("no space before quote", r'^    rubrik: "', lambda line: line.replace(": ", ":", 1),
         "mellanslag saknas efter kolon"),
        ("no space before {", r"^    text: \{", lambda line: line.replace(": ", ":", 1),
         "mellanslag saknas efter kolon"),
        # No colon at all.
        ("no colon", r"^    typ: ", lambda line: line.replace(": ", " ", 1),
         "kolon (:) saknas efter nyckeln"),
        # A colon and a space inside a value that is not quoted.
        ("colon in value", r"^    rubrik: [A-ZÅÄÖ]", lambda line: line + ": mer",
         "kolon med mellanslag efter"),
        # A list item without the space after its dash.
        ("dash", r"^  - id: ", lambda line: line.replace("- ", "-", 1),
         "mellanslag saknas efter -"),
        # A flow list or mapping never closed.
        ("open list", r"^ +kolumner: \[", lambda line: line.rstrip("]"),
         "listan inom [ ] som börjar"),
        ("open mapping", r"^    text: \{", lambda line: line.rstrip("}"),
         "tabellen inom { } som börjar"),
    ],
)  # fmt: skip
def test_common_typos_are_named_on_their_own_line(typo, pattern, edit, says) -> None:  # noqa: ANN001
    text = (REPO_ROOT / DEFINITION).read_text("utf-8")
    cases = definition_lines(pattern)
    assert cases, typo
    for number, line in cases:
        broken = edited(text, number, edit(line))
        for message, row in both_readers(broken):
            assert says in message and f"rad {number + 1}" in message, (typo, number, message)
            assert row == number + 1, (typo, number, message)


def test_a_tab_between_values_is_not_called_indentation() -> None:
    text = "titel: Rapport\nutan: [nyckeltal,\tmal]\n"
    message, row = yaml_error(text)
    column = text.splitlines()[1].index("\t") + 1
    assert row == 2 and f"tabbtecken står som mellanrum på rad 2, tecken {column}" in message
    assert "indrag" not in message


def test_text_after_a_closing_quote_is_not_called_indentation() -> None:
    for mark, inside in (("'", "''"), ('"', '\\"')):
        text = f"titel: {mark}Barnens{mark}s rapport\n"
        message, row = yaml_error(text)
        assert row == 1 and "efter det avslutande citattecknet" in message
        assert f"skrivs {inside}" in message and "indrag" not in message


def test_the_broken_definition_is_refused_by_validate_and_build_with_nothing_written(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = workspace / DEFINITION
    text = path.read_text("utf-8")
    number, mark = quoted_value_lines(text)[3]
    path.write_text(without_closing_quote(text, number, mark), "utf-8")
    before = files_under(workspace)
    for command in ("validate", "build"):
        code, said = run([command, "--year", str(YEAR), "--unit", UNIT], capsys)
        assert code == 2, said
        [line] = [t for t in said if f"{DEFINITION}, rad {number + 1}:" in t]
        assert "stängs" in line and "citattecknet" in line, said
    assert files_under(workspace) == before


# --- 2. WORKBOOK_CACHE_DIR ----------------------------------------------------------------


@contextmanager
def read_only(target: Path) -> Iterator[None]:
    """``target`` as an empty read-only folder (a tmpfs: read-only for root too), or skip."""
    target.mkdir(parents=True, exist_ok=True)
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(target)], capture_output=True
    )
    if mounted.returncode != 0:
        pytest.skip("cannot mount a tmpfs here")
    try:
        subprocess.run(["mount", "-o", "remount,ro", str(target)], check=True)
        yield
    finally:
        subprocess.run(["umount", "-l", str(target)], check=False)


def refused_alike(capsys: pytest.CaptureFixture[str], workspace: Path) -> list[str]:
    """``validate`` and ``build`` both exit 2 with the same message; that message's lines."""
    said = {}
    before = files_under(workspace)
    for command in ("validate", "build"):
        code, lines = run([command, "--year", str(YEAR), "--unit", UNIT], capsys)
        assert code == 2, (command, lines)
        said[command] = [t for t in lines if render_cache.CACHE_DIR_VARIABLE in t]
        assert said[command], (command, lines)
    assert said["validate"] == said["build"]
    assert files_under(workspace) == before
    return said["build"]


def test_a_cache_folder_under_a_file_is_refused_by_validate_and_build(
    workspace: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = workspace.parent / "en-fil"
    blocker.write_text("inte en mapp\n", "utf-8")
    chosen = blocker / "lager"
    monkeypatch.setenv(render_cache.CACHE_DIR_VARIABLE, str(chosen))
    [message] = refused_alike(capsys, workspace)
    assert str(chosen) in message and "är en fil, men här ska det vara en mapp" in message
    assert f"{blocker} är en fil" in message
    assert not chosen.exists()


def test_a_cache_folder_that_is_a_file_is_refused(
    workspace: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    chosen = workspace.parent / "lager"
    chosen.write_text("x\n", "utf-8")
    monkeypatch.setenv(render_cache.CACHE_DIR_VARIABLE, str(chosen))
    [message] = refused_alike(capsys, workspace)
    assert "det är en fil, men här ska det vara en mapp" in message


@pytest.mark.parametrize("below", [(), ("ny", "mapp")])
def test_a_cache_folder_on_a_read_only_disk_is_refused(
    workspace: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    below: tuple[str, ...],
) -> None:
    locked = workspace.parent / "skrivskyddad"
    chosen = locked.joinpath(*below)
    monkeypatch.setenv(render_cache.CACHE_DIR_VARIABLE, str(chosen))
    with read_only(locked):
        [message] = refused_alike(capsys, workspace)
    assert f"{chosen}/ kunde inte skrivas: disken är skrivskyddad" in message


def test_a_cache_folder_that_can_be_made_passes(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    chosen = workspace.parent / "finns-inte" / "än"
    monkeypatch.setenv(render_cache.CACHE_DIR_VARIABLE, str(chosen))
    render_cache.check_stores_folder(workspace)
    assert not chosen.exists()  # checked by looking: nothing made


# --- 3. One fault, one message ---------------------------------------------------------------


@pytest.mark.parametrize("value", ["[Ekonomi, Resultat]", "{text: Ekonomi}"])
def test_a_heading_that_is_not_text_is_one_message(
    workspace: Path, capsys: pytest.CaptureFixture[str], value: str
) -> None:
    path = workspace / DEFINITION
    text = path.read_text("utf-8")
    number, line = next(
        (n, t) for n, t in enumerate(text.splitlines()) if re.match(r"^    rubrik: [A-ZÅÄÖ]", t)
    )
    path.write_text(edited(text, number, line.split(":")[0] + ": " + value), "utf-8")
    code, said = run(["validate", "--year", str(YEAR), "--unit", UNIT], capsys)
    assert code == 2
    mine = [t for t in said if t.startswith(f"{DEFINITION}, rad {number + 1}")]
    assert len(mine) == 1, said
    assert "'rubrik' ska vara en text" in mine[0]
    assert not [t for t in said if "har ingen rubrik" in t], said


# A value of the wrong kind at (file, a line's exact text): it alone is reported, on its line —
# no follow-up for what could not be read because of it (the level's sections, the label
# "missing", the unit's "no sections").
WRONG_KIND = [
    (DEFINITION, '    rubrik: "Kommunstyrelsens mål {nummer}: {titel}"', "    rubrik: {a: b}"),
    (DEFINITION, '    kort: "KF-mål {nummer}"', "    kort: [KF]"),
    (DEFINITION, "    titel: Verksamhetsuppföljning – alla rapporter, {kommun}", "    titel: {}"),
    (DEFINITION, "  namn: Hjo kommun", "  namn: [Hjo]"),
]


@pytest.mark.parametrize(("file", "line", "written"), WRONG_KIND)
def test_a_value_of_the_wrong_kind_is_one_message(
    workspace: Path, capsys: pytest.CaptureFixture[str], file: str, line: str, written: str
) -> None:
    path = workspace / file
    text = path.read_text("utf-8")
    number = text.splitlines().index(line)
    path.write_text(edited(text, number, written), "utf-8")
    code, said = run(["validate", "--year", str(YEAR), "--unit", UNIT], capsys)
    assert code == 2
    problems = [t for t in said if t.startswith(("data/", "params/"))]
    assert len(problems) == 1, said
    assert problems[0].startswith(f"{file}, rad {number + 1}, nyckel "), said


def test_a_units_own_section_with_a_heading_of_the_wrong_kind_is_one_message(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = workspace / "params" / str(YEAR) / f"{UNIT}.yaml"
    text = path.read_text("utf-8")
    assert "rapport:" not in text
    own = "rapport:\n  avsnitt:\n    - id: sammanfattning\n      rubrik: [x]\n"
    path.write_text(text + own, "utf-8")
    line = len(text.splitlines()) + 4
    code, said = run(["validate", "--year", str(YEAR), "--unit", UNIT], capsys)
    assert code == 2
    problems = [t for t in said if t.startswith(("data/", "params/"))]
    assert problems == [
        f"params/{YEAR}/{UNIT}.yaml, rad {line}, nyckel rapport.avsnitt[1].rubrik: 'rubrik' ska "
        "vara en text, inte en lista eller tabell"
    ], said


def test_a_missing_heading_is_still_named(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = workspace / DEFINITION
    text = path.read_text("utf-8")
    number, line = next(
        (n, t) for n, t in enumerate(text.splitlines()) if re.match(r"^    rubrik: [A-ZÅÄÖ]", t)
    )
    section = next(
        t.split(": ")[1] for t in reversed(text.splitlines()[:number]) if t.startswith("  - id: ")
    )
    path.write_text(edited(text, number, "    rubrik:"), "utf-8")
    code, said = run(["validate", "--year", str(YEAR), "--unit", UNIT], capsys)
    assert code == 2
    assert [t for t in said if f"avsnittet '{section}' har ingen rubrik" in t], said


# --- 4. Counts ----------------------------------------------------------------------------------


@pytest.mark.parametrize("number", [0, 1, 2, 10_000, 1.5])
def test_a_count_agrees_with_its_noun(number: float) -> None:
    said = counted(number, "cell", "celler")
    assert said.endswith(" cell" if number == 1 else " celler")
    assert said.split(" ")[0].replace("\u00a0", "").replace(",", ".") == f"{number:g}"


@pytest.mark.parametrize("cells", [1, 2])
def test_a_short_row_says_cell_or_cells(tmp_path: Path, cells: int) -> None:
    path = tmp_path / "mal.csv"
    header = ["a", "b", "c"]
    path.write_text(",".join(header) + "\n" + ",".join(["x"] * cells) + "\n", "utf-8")
    with pytest.raises(DataError) as caught:
        read_table(path, "mal.csv")
    [problem] = caught.value.problems
    noun = "cell" if cells == 1 else "celler"
    assert problem.message == f"raden har {cells} {noun} men rubrikraden har {len(header)}"


def test_no_message_counts_one_with_a_plural_noun() -> None:
    """No f-string in the package puts a computed count before a noun that has a singular
    form: every such count goes through ``errors.counted``."""
    nouns = "celler|filer|värden|trådar|sekunder|rader|kolumner|texter|enheter|dagar|siffror"
    pattern = re.compile(r"\{([^{}]+)\} (" + nouns + r"|värdesiffror)\b")
    fixed_sizes = re.compile(r"MAX_|HISTORY_|TIMEOUT_SECONDS|\bdays\b")  # bounds: never 1
    found = [
        f"{path.relative_to(REPO_ROOT)}:{n}: {line.strip()}"
        for path in sorted((REPO_ROOT / "src" / "helpers").rglob("*.py"))
        for n, line in enumerate(path.read_text("utf-8").splitlines(), start=1)
        if (match := pattern.search(line)) and not fixed_sizes.search(match.group(1))
    ]
    assert not found, found


# --- 5. reports/index.html as a folder -----------------------------------------------------------


def test_an_index_that_is_a_folder_is_refused_before_anything_is_written(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    index = workspace / "reports" / "index.html"
    index.mkdir(parents=True)
    before = files_under(workspace)
    code, said = run(["build", "--year", str(YEAR), "--unit", UNIT], capsys)
    assert code == 2, said
    assert files_under(workspace) == before  # no section run, no report, no index
    [index_said] = [t for t in said if "reports/index.html" in t]
    # The form a report whose path is a folder gets.
    index.rmdir()
    report = workspace / "reports" / str(YEAR) / f"{UNIT}.html"
    report.mkdir(parents=True)
    code, said = run(["build", "--year", str(YEAR), "--unit", UNIT], capsys)
    assert code == 2, said
    [report_said] = [t for t in said if f"reports/{YEAR}/{UNIT}.html" in t]
    assert index_said.replace("reports/index.html", "X") == report_said.replace(
        f"reports/{YEAR}/{UNIT}.html", "X"
    )
    shutil.rmtree(report)


# --- 6. data/kolada.csv ---------------------------------------------------------------------


KOLADA = "data/kolada.csv"


def with_header(workspace: Path, old: str, new: str | None) -> None:
    """``data/kolada.csv`` with header column ``old`` renamed to ``new`` (None: removed with
    its cells)."""
    path = workspace / KOLADA
    import csv
    import io

    rows = list(csv.reader(io.StringIO(path.read_text("utf-8"))))
    at = rows[0].index(old)
    for row in rows:
        if new is None:
            del row[at]
        elif row is rows[0]:
            row[at] = new
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue(), "utf-8")


@pytest.mark.parametrize(
    ("old", "new", "says"),
    [
        ("jämförelse", "jamforelse", "okänd kolumn 'jamforelse' (menade du 'jämförelse'?)"),
        ("kommentar", "anteckning", "okänd kolumn 'anteckning'"),
        ("kpi", None, "kolumnen 'kpi' saknas"),
    ],
)
def test_the_kolada_mapping_header_is_checked_as_every_tables(
    workspace: Path, capsys: pytest.CaptureFixture[str], old: str, new: str | None, says: str
) -> None:
    with_header(workspace, old, new)
    code, said = run(["validate", "--year", str(YEAR), "--unit", UNIT], capsys)
    assert code == 2
    [line] = [t for t in said if t.startswith(f"{KOLADA}, rad 1, kolumn ")]
    assert says in line, said
    before = files_under(workspace)
    code, said = run(["kolada", "--year", str(YEAR), "--unit", UNIT, "--yes"], capsys)
    assert code == 2
    assert [t for t in said if says in t and KOLADA in t], said
    assert files_under(workspace) == before
