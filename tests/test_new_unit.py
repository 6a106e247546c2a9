"""``workbook new-unit``: a unit scaffolded from the documented template."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml

from helpers.building.validate import validate_unit
from helpers.chores.new_unit import PLACEHOLDER_MARK, TEMPLATE_DIR, placeholder_files
from helpers.cli import main
from helpers.core.paths import REPO_ROOT, Project, periods_of_unit
from helpers.core.schema import SPECS, UNIT_TABLES
from helpers.data.definition import read_definition


def kommun_sections(root: Path = REPO_ROOT):
    definition, problems = read_definition(Project(root))
    assert problems == []
    return definition


def section_texts(root: Path = REPO_ROOT) -> list[str]:
    return [ref.file for s in kommun_sections(root).sections for ref in s.texts]


def test_new_unit_is_listed_and_scaffolded(workspace: Path) -> None:
    units = workspace / "data/enheter.csv"
    before = units.read_bytes()
    argv = ["new-unit", "soc", "--name", "Socialförvaltningen, Hjo", "--short", "SOC"]
    assert main(argv) == 0
    after = units.read_bytes()
    assert after.startswith(before)  # only appended
    # No kommun column: the kommun is data/rapport.yaml's; påhittad stays empty.
    assert after[len(before) :].decode() == 'soc,"Socialförvaltningen, Hjo",SOC,\n'
    params = yaml.safe_load((workspace / "params/2016/soc.yaml").read_text(encoding="utf-8"))
    assert params["år"] == 2016 and params["enhet"] == "soc"
    assert params["titel"] == "Verksamhetsuppföljning 2016"
    folder = workspace / "data/2016/soc"
    required, _ = kommun_sections(workspace).tables()
    assert {p.stem for p in folder.glob("*.csv")} == required
    texts = section_texts(workspace)
    for name in texts:
        assert (folder / "text" / name).is_file()
    assert len(placeholder_files(folder)) == len(texts)
    assert "{år}" not in (folder / "text/drift.md").read_text(encoding="utf-8")
    assert validate_unit(Project(workspace), 2016, "soc") == []


def test_year_can_be_chosen(workspace: Path) -> None:
    argv = ["new-unit", "bun", "--name", "Barn och utbildning", "--year", "2018"]
    assert main(argv) == 0
    assert (workspace / "params/2018/bun.yaml").is_file()
    assert (
        (workspace / "data/enheter.csv")
        .read_text(encoding="utf-8")
        .endswith("bun,Barn och utbildning,,\n")
    )
    assert validate_unit(Project(workspace), 2018, "bun") == []


def test_the_scaffold_follows_the_kommuns_definition(workspace: Path) -> None:
    """A kommun whose reports have no internal control gets no internkontroll files."""
    definition = workspace / "data/rapport.yaml"
    text = definition.read_text(encoding="utf-8")
    start = text.index("  - id: internkontroll\n")
    end = text.index("  - id: nyckeltal\n")
    definition.write_text(text[:start] + text[end:], encoding="utf-8")
    assert main(["new-unit", "soc", "--name", "Soc"]) == 0
    folder = workspace / "data/2016/soc"
    assert not (folder / "internkontroll.csv").exists()
    assert not (folder / "text/internkontroll.md").exists()
    assert not (folder / "text/internkontroll").exists()
    assert validate_unit(Project(workspace), 2016, "soc") == []


def test_semicolon_lists_stay_semicolon(workspace: Path) -> None:
    units = workspace / "data/enheter.csv"
    units.write_text(units.read_text(encoding="utf-8").replace(",", ";"), encoding="utf-8")
    assert main(["new-unit", "soc", "--name", "Soc"]) == 0
    assert units.read_text(encoding="utf-8").endswith("soc;Soc;;\n")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["new-unit", "Soc", "--name", "x"], "inget giltigt enhets-id"),
        (["new-unit", "../x", "--name", "x"], "inget giltigt enhets-id"),
        (["new-unit", "klk", "--name", "x"], "finns redan"),
        (["new-unit", "soc", "--name", " "], "Ange enhetens namn"),
    ],
)
def test_refusals(workspace: Path, capsys, argv: list[str], message: str) -> None:
    before = (workspace / "data/enheter.csv").read_bytes()
    assert main(argv) == 2
    assert message in capsys.readouterr().err
    assert (workspace / "data/enheter.csv").read_bytes() == before
    assert not (workspace / "params/2016/soc.yaml").exists()


def test_existing_folder_is_not_overwritten(workspace: Path, capsys) -> None:
    (workspace / "data/2016/soc").mkdir()
    assert main(["new-unit", "soc", "--name", "Soc"]) == 2
    assert "finns redan" in capsys.readouterr().err
    assert "soc" not in (workspace / "data/enheter.csv").read_text(encoding="utf-8")


def test_template_tables_match_the_schema() -> None:
    for spec in UNIT_TABLES:
        header = (TEMPLATE_DIR / f"{spec.stem}.csv").read_text(encoding="utf-8").split("\n")[0]
        names = header.split(",")
        # Every required column, optional ones only where the template shows the usual shape,
        # all in the schema's order.
        required = [c.name for c in SPECS[spec.stem].columns if not c.optional_column]
        assert set(required) <= set(names), spec.stem
        assert names == [c.name for c in SPECS[spec.stem].columns if c.name in names], spec.stem
    for name in [*section_texts(), "_avsnitt.md"]:
        text = (TEMPLATE_DIR / "text" / name).read_text(encoding="utf-8")
        assert PLACEHOLDER_MARK in text, name


def test_template_examples_are_valid_data(workspace: Path) -> None:
    """The commented example rows, uncommented, are a unit that validates."""
    assert main(["new-unit", "soc", "--name", "Soc"]) == 0
    folder = workspace / "data/2016/soc"
    for spec in UNIT_TABLES:
        if spec.stem == "malomraden":
            continue  # optional: its examples are used by no goal of the template
        template = (TEMPLATE_DIR / f"{spec.stem}.csv").read_text(encoding="utf-8")
        uncommented = re.sub(r"(?m)^# ", "", template).replace("{år}", "2016")
        (folder / f"{spec.stem}.csv").write_text(uncommented, encoding="utf-8")
    for goal in ("KF1", "KS1"):  # every goal needs its text (the template's instruction)
        shutil.copy(TEMPLATE_DIR / "text/mal/_arbete.md", folder / f"text/mal/{goal}-arbete.md")
    subunits = workspace / "data/delverksamheter.csv"
    subunits.write_text(subunits.read_text(encoding="utf-8") + "soc,Ledning\n", encoding="utf-8")
    assert validate_unit(Project(workspace), 2016, "soc") == []


def test_template_ships_with_the_package() -> None:
    assert (TEMPLATE_DIR / "README.md").is_file()
    assert TEMPLATE_DIR.is_relative_to(Path(__import__("helpers").__file__).parent)


@pytest.mark.e2e
def test_a_new_unit_and_its_next_year_build(workspace: Path) -> None:
    """What a new user does following the docs: add a unit, build it, add a year, build it."""
    from helpers.building.build import build

    assert main(["new-unit", "soc", "--name", "Socialförvaltningen", "--short", "SOC"]) == 0
    first = build(2016, "soc", Project(workspace))
    assert not first[0].failures, first[0].failures
    html = first[0].report.read_text(encoding="utf-8")
    assert "Socialförvaltningen" in html and PLACEHOLDER_MARK in html
    assert main(["new-year", "2017", "--from", "2016", "--unit", "soc"]) == 0
    second = build(2017, "soc", Project(workspace))
    assert not second[0].failures, second[0].failures
    assert "Driftredovisning 2017" in second[0].report.read_text(encoding="utf-8")


def test_a_new_unit_without_a_delar_is_checked_and_planned_for_helar(
    workspace: Path, capsys
) -> None:
    """The command new-unit prints next works: the kommun has a delår, the new unit not yet."""
    project = Project(workspace)
    assert "delar" in project.periods_of_year(2016)  # the example has both periods
    assert main(["new-unit", "soc", "--name", "Socialförvaltningen"]) == 0
    assert not project.for_period("delar").params_file(2016, "soc").exists()
    capsys.readouterr()
    assert main(["validate", "--year", "2016", "--unit", "soc"]) == 0
    assert "soc 2016" in capsys.readouterr().out
    assert main(["build", "--year", "2016", "--unit", "soc", "--dry-run"]) == 0
    both = project.periods_of_year(2016)
    assert periods_of_unit(project, [2016], "soc", both) == ["helar"]
    assert periods_of_unit(project, [2016], "klk", both) == both
    # Asking for the delår by name still says it is missing, with the same exit code from both.
    assert main(["validate", "--year", "2016", "--unit", "soc", "--period", "delar"]) == 2
    assert main(["build", "--year", "2016", "--unit", "soc", "--period", "delar"]) == 2
