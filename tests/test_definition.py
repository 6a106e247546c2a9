"""The report definition (``data/rapport.yaml`` + a unit's ``rapport:``): read, merged, refused.

Expectations come from the files: rows are found by the text written on them, ids by parsing
the same YAML, so an edit to the example data does not need an edit here.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers.building.validate import validate_unit
from helpers.cli import main
from helpers.core.errors import DataError, Problem
from helpers.core.labels import LABELS
from helpers.core.paths import Project
from helpers.data.definition import load_definition, read_definition

DEFINITION = "data/rapport.yaml"


def line_of(text: str, needle: str, start: int = 0) -> int:
    """1-based line of the first ``needle`` in ``text`` at or after ``start`` (a character)."""
    return text[: text.index(needle, start)].count("\n") + 1


def edit(path: Path, old: str, new: str) -> str:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")
    return text


def last_line_of_edit(path: Path, old: str, new: str) -> int:
    """Replace ``old`` (once) by ``new`` in the file; the line where ``new`` ends."""
    original = path.read_text(encoding="utf-8")
    first = original[: original.index(old)].count("\n") + 1
    edit(path, old, new)
    return first + new.rstrip("\n").count("\n")


def problems_of(workspace: Path, unit: str = "klk") -> list[Problem]:
    return read_definition(Project(workspace), 2016, unit)[1]


def only(problems: list[Problem]) -> Problem:
    assert len(problems) == 1, problems
    return problems[0]


# ----------------------------------------------------------------------------- the example


def test_the_example_definition_is_read_as_written(workspace: Path) -> None:
    raw = yaml.safe_load((workspace / DEFINITION).read_text(encoding="utf-8"))
    definition = load_definition(Project(workspace), 2016, "klk")
    assert [s.id for s in definition.sections] == [s["id"] for s in raw["avsnitt"]]
    assert [s.kind for s in definition.sections] == [s["typ"] for s in raw["avsnitt"]]
    assert definition.municipality.name == raw["kommun"]["namn"]
    assert definition.municipality.kolada == raw["kommun"]["kolada"]
    assert list(definition.levels) == [level["id"] for level in raw["nivåer"]]
    assert list(definition.assessments) == [a["värde"] for a in raw["bedömningar"]]
    assert definition.done_statuses == [s["värde"] for s in raw["statusar"] if s.get("klar")]
    written = {f"{group}.{key}" for group, labels in raw["etiketter"].items() for key in labels}
    assert written == set(LABELS)  # every label the workbook knows, and nothing else


def test_scalars_keep_the_text_typed(workspace: Path) -> None:
    """YAML 1.1 would read 0114 as 76 and ``no`` as False; the definition reads what is typed."""
    edit(workspace / DEFINITION, 'kolada: "1497"', "kolada: 0114")
    assert load_definition(Project(workspace), 2016, "klk").municipality.kolada == "0114"
    edit(workspace / DEFINITION, "  - id: framtid\n", "  - id: no\n")
    assert "no" in [s.id for s in load_definition(Project(workspace), 2016, "klk").sections]


# ------------------------------------------------------------------ problems, where they are


@pytest.mark.parametrize(
    ("old", "new", "column", "message"),
    [
        ("    nivå: kommunfullmäktige\n", "    nivå: kommunfullmäktige\n    rubirk: Mål\n",
         "avsnitt[4].rubirk", "ingen nyckel 'rubirk' (menade du 'rubrik'?)"),
        ("  - id: framtid\n    typ: text\n", "  - id: framtid\n    typ: txt\n", "avsnitt[9].typ",
         "typen 'txt' finns inte (menade du 'text'?)"),
        ("  - id: vardegrund\n", "  - id: handelser\n", "avsnitt[8].id",
         "avsnittet 'handelser' finns redan"),
        ("    nivå: kommunstyrelsen\n", "    nivå: styrelsen\n", "avsnitt[5].nivå",
         "nivån 'styrelsen' finns inte"),
        ("    tabell: Aktivitetsplan {år}\n", "    tabell: Aktivitetsplan {antal}\n",
         "etiketter.aktiviteter.tabell", "platshållaren {antal} finns inte"),
        ("    färg: gul\n", "    färg: orange\n", "bedömningar[2].färg", "färgen 'orange'"),
        ("  - id: uppdrag\n    typ: text\n    text: uppdrag.md\n",
         "  - id: uppdrag\n    typ: text\n    text: ../uppdrag.md\n", "avsnitt[2].text",
         "'../uppdrag.md' är inget filnamn"),
    ],
)  # fmt: skip
def test_a_definition_problem_names_file_line_and_key(
    workspace: Path, old: str, new: str, column: str, message: str
) -> None:
    row = last_line_of_edit(workspace / DEFINITION, old, new)
    problem = only(problems_of(workspace))
    assert (problem.file, problem.row, problem.column) == (DEFINITION, row, column)
    assert message in problem.message


def test_a_missing_label_is_named(workspace: Path) -> None:
    text = edit(
        workspace / DEFINITION,
        '    diagram_data: "Data: {namn}"\n    visa_data: "Visa data som tabell: {namn}"\n',
        '    diagram_data: "Data: {namn}"\n',
    )
    problem = only(problems_of(workspace))
    assert problem.column == "etiketter.indikatorer.visa_data"
    assert problem.row == line_of(text, "\netiketter:") + 1
    assert "saknas" in problem.message and "kf_mal" in problem.message


def test_a_label_no_section_uses_may_be_left_out(workspace: Path) -> None:
    """A kommun without internal control in its reports needs none of its labels."""
    path = workspace / DEFINITION
    text = path.read_text(encoding="utf-8")
    start, end = text.index("  - id: internkontroll\n"), text.index("  - id: nyckeltal\n")
    labels = text.index("  internkontroll:\n")
    labels_end = text.index("  nyckeltal:\n", labels)
    path.write_text(text[:start] + text[end:labels] + text[labels_end:], encoding="utf-8")
    definition = load_definition(Project(workspace), 2016, "exempel")
    assert "internkontroll" not in definition.kinds


@pytest.mark.parametrize(
    ("yaml_text", "message"),
    [
        ("kommun: &k\n  namn: X\nmer: *k\n", "ankare och alias"),
        ("kommun:\n  namn: X\nkommun:\n  namn: Y\n", "nyckeln 'kommun' står två gånger"),
        ("kommun: [\n", "inte giltig YAML"),
        ("- bara\n- en lista\n", "nycklar som 'kommun:'"),
    ],
)
def test_a_file_that_is_no_definition_is_refused(
    workspace: Path, yaml_text: str, message: str
) -> None:
    (workspace / DEFINITION).write_text(yaml_text, encoding="utf-8")
    problems = problems_of(workspace)
    assert any(message in p.message for p in problems), problems
    assert all(p.file == DEFINITION for p in problems)


def test_a_missing_definition_stops_validate_and_build_with_exit_2(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (workspace / DEFINITION).unlink()
    assert main(["validate", "--year", "2016", "--unit", "klk"]) == 2
    assert "data/rapport.yaml: filen saknas" in capsys.readouterr().out
    assert main(["build", "--year", "2016", "--unit", "klk"]) == 2
    err = capsys.readouterr().err
    assert "data/rapport.yaml: filen saknas" in err and "Traceback" not in err
    assert not (workspace / "build").exists() or not list((workspace / "build").rglob("*.ipynb"))


# ------------------------------------------------------------------------- unit overrides


def override(workspace: Path, unit: str, text: str) -> Path:
    params = workspace / "params" / "2016" / f"{unit}.yaml"
    params.write_text(params.read_text(encoding="utf-8") + text, encoding="utf-8")
    return params


def test_a_unit_leaves_out_renames_moves_and_relabels(workspace: Path) -> None:
    override(
        workspace,
        "exempel",
        "rapport:\n"
        "  utan: [prioriteringar, vardegrund]\n"
        "  ändra:\n"
        "    drift:\n"
        "      rubrik: Ekonomi {år}\n"
        "  etiketter:\n"
        "    aktiviteter:\n"
        "      tabell: Handlingsplan {år}\n",
    )
    kommun = load_definition(Project(workspace), 2016, "klk")
    unit = load_definition(Project(workspace), 2016, "exempel")
    assert [s.id for s in unit.sections] == [
        s.id for s in kommun.sections if s.id not in ("prioriteringar", "vardegrund")
    ]
    drift = unit.section("drift")
    assert drift.heading == "Ekonomi {år}" and drift.heading_from_unit
    assert not kommun.section("drift").heading_from_unit
    assert unit.labels["aktiviteter.tabell"] == "Handlingsplan {år}"
    assert "prioriteringar" not in unit.tables()[0]  # its table is no longer required


def test_a_unit_gives_its_own_order(workspace: Path) -> None:
    kommun = [s.id for s in load_definition(Project(workspace), 2016, "klk").sections]
    moved = [kommun[0], "drift", *[s for s in kommun[1:] if s != "drift"]]
    override(workspace, "exempel", "rapport:\n  avsnitt: [" + ", ".join(moved) + "]\n")
    assert [s.id for s in load_definition(Project(workspace), 2016, "exempel").sections] == moved


def test_an_override_problem_is_located_in_the_params_file(workspace: Path) -> None:
    params = override(
        workspace, "exempel", "rapport:\n  utan:\n    - prioritering\n  ändra:\n    x: {}\n"
    )
    text = params.read_text(encoding="utf-8")
    problems = problems_of(workspace, "exempel")
    shown = "params/2016/exempel.yaml"
    assert {(p.file, p.row, p.column) for p in problems} == {
        (shown, line_of(text, "- prioritering"), "rapport.utan[1]"),
        (shown, line_of(text, "    x: {}"), "rapport.ändra.x"),
    }
    assert any("(menade du 'prioriteringar'?)" in p.message for p in problems)


def test_drift_settings_are_read_merged_with_their_lines(workspace: Path) -> None:
    path = workspace / DEFINITION
    kommun = path.read_text(encoding="utf-8") + "drift:\n  belopp: tkr\n  decimaler: 0\n"
    path.write_text(kommun, encoding="utf-8")
    params = override(workspace, "exempel", "drift:\n  decimaler: 1\n  kolumner: [utfall]\n")
    definition = load_definition(Project(workspace), 2016, "exempel")
    drift = definition.drift
    assert (drift.unit, drift.decimals, drift.columns) == ("tkr", 1, ("utfall",))
    unit_text = params.read_text(encoding="utf-8")
    assert drift.origin("decimaler").line == line_of(unit_text, "  decimaler: 1")
    assert drift.origin("belopp").line == line_of(kommun, "  belopp: tkr")
    klk = load_definition(Project(workspace), 2016, "klk").drift
    assert (klk.unit, klk.decimals, klk.columns) == ("tkr", 0, None)
    override(workspace, "klk", "drift:\n  nytt: [a, b]\n")
    problems = problems_of(workspace, "klk")
    assert [p.column for p in problems] == ["drift.nytt"]


# ---------------------------------------------------------------- the definition and the data


def test_a_level_the_definition_does_not_name_is_a_problem_in_mal_csv(workspace: Path) -> None:
    goals = workspace / "data/2016/klk/mal.csv"
    text = edit(goals, "KS1,kommunstyrelsen,", "KS1,förvaltningen,")
    problem = only(validate_unit(Project(workspace), 2016, "klk"))
    assert (problem.file, problem.row, problem.column) == (
        "data/2016/klk/mal.csv",
        line_of(text, "KS1,förvaltningen,"),
        "nivå",
    )


def test_goals_of_a_level_no_section_shows_are_reported(workspace: Path) -> None:
    override(workspace, "klk", "rapport:\n  utan: [ks_mal]\n")
    goals = (workspace / "data/2016/klk/mal.csv").read_text(encoding="utf-8")
    problems = validate_unit(Project(workspace), 2016, "klk")
    ks_lines = {line_of(goals, f"\n{g},kommunstyrelsen") + 1 for g in ("KS1", "KS2")}
    assert {(p.file, p.row, p.column) for p in problems} == {
        ("data/2016/klk/mal.csv", line, "nivå") for line in ks_lines
    }
    assert all("inget avsnitt som visar den nivån" in p.message for p in problems)


def test_a_goal_removed_leaves_nothing_pointing_at_it_unreported(workspace: Path) -> None:
    """A new mandate period: KF15 is gone; its activities, indicators and texts are reported."""
    folder = workspace / "data/2016/klk"
    goals = folder / "mal.csv"
    kept = [
        row for row in goals.read_text(encoding="utf-8").splitlines() if not row.startswith("KF15,")
    ]
    goals.write_text("\n".join(kept) + "\n", encoding="utf-8")
    problems = validate_unit(Project(workspace), 2016, "klk")

    def rows_naming(name: str) -> set[tuple[str, int]]:
        lines = (folder / name).read_text(encoding="utf-8").splitlines()
        return {
            (f"data/2016/klk/{name}", i)
            for i, line in enumerate(lines, 1)
            if ",KF15," in f",{line},"
        }

    expected = rows_naming("aktiviteter.csv") | rows_naming("indikatorer.csv")
    expected |= {
        (f"data/2016/klk/text/mal/{p.name}", None) for p in (folder / "text/mal").glob("KF15-*.md")
    }
    assert len(expected) > 3
    assert {(p.file, p.row) for p in problems} == expected
    texts = [p for p in problems if p.file.endswith(".md")]
    assert all("målet 'KF15', som inte finns" in p.message for p in texts)


def test_a_text_for_a_removed_priority_or_control_is_reported(workspace: Path) -> None:
    orphan = workspace / "data/2016/klk/text/internkontroll/borttagen.md"
    orphan.write_text("Uppföljning av en kontroll som inte finns.\n", encoding="utf-8")
    problem = only(validate_unit(Project(workspace), 2016, "klk"))
    assert problem.file == "data/2016/klk/text/internkontroll/borttagen.md"
    assert "'borttagen', som inte finns" in problem.message


def test_a_section_left_out_needs_neither_its_table_nor_its_texts(workspace: Path) -> None:
    left_out = ("prioriteringar.csv", "internkontroll.csv", "internkontroll_atgarder.csv",
                "text/prioriteringar.md", "text/internkontroll.md")  # fmt: skip
    for unit in ("exempel", "klk"):
        for path in left_out:
            (workspace / "data/2016" / unit / path).unlink()
    override(workspace, "exempel", "rapport:\n  utan: [prioriteringar, internkontroll]\n")
    assert validate_unit(Project(workspace), 2016, "exempel") == []
    # A unit that keeps the sections still needs them.
    missing = {p.file for p in validate_unit(Project(workspace), 2016, "klk")}
    assert {f"data/2016/klk/{path}" for path in left_out} <= missing


def test_a_heading_comes_from_the_unit_then_the_text_then_the_kommun(workspace: Path) -> None:
    from helpers.data.unit_data import load_unit
    from helpers.parts.sections import heading_and_body

    data = load_unit(2016, "klk", Project(workspace))
    text_heading = data.text("drift.md").splitlines()[0].lstrip("# ")
    assert heading_and_body(data, data.definition.section("drift"))[0] == text_heading
    assert heading_and_body(data, data.definition.section("sammanfattning"))[0] == "Sammanfattning"
    override(workspace, "klk", "rapport:\n  ändra:\n    drift:\n      rubrik: Ekonomi {år}\n")
    data = load_unit(2016, "klk", Project(workspace))
    heading, body = heading_and_body(data, data.definition.section("drift"))
    assert heading == "Ekonomi 2016" and text_heading not in body


def test_every_chart_legend_names_the_unit_not_the_kommun(workspace: Path) -> None:
    """An indicator of a unit is the unit's: its line is named for the unit (enheter.csv), not
    the kommun (the definition), whatever the kommun is called (the kommun's name labelled it)."""
    from helpers.data.unit_data import load_unit
    from helpers.parts.goals import goals_html

    old = load_definition(Project(workspace), 2016, "klk").municipality.name
    edit(workspace / DEFINITION, f"  namn: {old}\n", "  namn: Testköpings kommun\n")
    data = load_unit(2016, "klk", Project(workspace))
    assert data.info.municipality == "Testköpings kommun"
    figures = []
    for section in data.definition.of_kind("mal"):
        figures += re.findall(r"<figure.*?</figure>", str(goals_html(data, section)), re.S)
    values = data.table("indikatorvarden")
    measured = values[values["värde"].notna()].groupby("indikator_id").size()
    assert len(figures) == int((measured >= 2).sum())
    for figure in figures:
        assert f">{data.info.name}<" in figure
        assert ">Testköpings kommun<" not in figure and f">{old}<" not in figure


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[
        *settings.default.suppress_health_check,
        HealthCheck.function_scoped_fixture,
    ],
)
@given(
    position=st.integers(0, 10**6),
    cut=st.integers(0, 30),
    insert=st.one_of(
        st.binary(max_size=8),
        st.text(alphabet=" \n-:{}[]&*#'\"åäö|>0123456789ajnx", max_size=12).map(str.encode),
    ),
)
def test_a_mangled_definition_gives_problems_or_loads_never_a_crash(
    workspace: Path, position: int, cut: int, insert: bytes
) -> None:
    """Any damage to rapport.yaml: the problems are reported (with the file) or the units load."""
    path = workspace / DEFINITION
    original = path.read_bytes()
    try:
        at = position % (len(original) + 1)
        path.write_bytes(original[:at] + insert + original[at + cut :])
        for unit in ("klk", "von"):
            problems = validate_unit(Project(workspace), 2016, unit)
            if not problems:  # what validation passes, the build can load
                from helpers.data.unit_data import load_unit

                load_unit(2016, unit, Project(workspace))
            else:
                assert all(isinstance(p, Problem) for p in problems)
    finally:
        path.write_bytes(original)


def test_an_alias_in_a_units_changes_is_reported_not_ignored(workspace: Path) -> None:
    params = override(
        workspace, "exempel", "rapport:\n  utan: &bort [prioriteringar]\n  ändra: {x: *bort}\n"
    )
    problems = validate_unit(Project(workspace), 2016, "exempel")
    # Reported once, by the params check, on the line of the alias.
    assert [p.file for p in problems] == ["params/2016/exempel.yaml"]
    assert "alias" in problems[0].message
    assert problems[0].row == line_of(params.read_text(encoding="utf-8"), "*bort")


def test_a_yaml_text_read_again_gives_its_values_afresh_and_an_edit_is_read(
    workspace: Path,
) -> None:
    """YAML is parsed once per exact text (``yaml_text.parsed_once``): reading the same file
    again gives equal values a caller may change freely, and any edit is read as written."""
    from helpers.core.yaml_text import load_yaml
    from helpers.data.definition.located import parse_located

    text = "kommun:\n  namn: Hjo\nlista: [a, b]\n"
    first = load_yaml(text, "p.yaml")
    first["kommun"]["namn"] = "ändrad"
    first["lista"].append("c")
    assert load_yaml(text, "p.yaml") == {"kommun": {"namn": "Hjo"}, "lista": ["a", "b"]}
    assert load_yaml(text.replace("Hjo", "Hjo "), "p.yaml")["kommun"]["namn"] == "Hjo"
    assert load_yaml(text.replace("Hjo", "Tibro"), "p.yaml")["kommun"]["namn"] == "Tibro"
    located = parse_located(text, "p.yaml")
    assert located is not None and located.value["kommun"].value["namn"].value == "Hjo"
    # A file that fails fails every time, naming the file read.
    for shown in ("a.yaml", "a.yaml", "b.yaml"):
        with pytest.raises(DataError) as failed:
            load_yaml("a: [", shown)
        assert failed.value.problems[0].file == shown

    path = workspace / DEFINITION
    original = path.read_text(encoding="utf-8")
    name = load_definition(Project(workspace), 2016, "klk").municipality.name
    path.write_text(original.replace(f"namn: {name}", "namn: Ändrad kommun", 1), encoding="utf-8")
    assert load_definition(Project(workspace), 2016, "klk").municipality.name == "Ändrad kommun"
    path.write_text(original, encoding="utf-8")
    assert load_definition(Project(workspace), 2016, "klk").municipality.name == name
