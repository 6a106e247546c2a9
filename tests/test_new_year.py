"""``workbook new-year``: next year's scaffold from the existing year, which stays untouched."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
from pathlib import Path

import pytest
import yaml
from conftest import copy_inputs

from helpers.building.validate import validate_unit
from helpers.chores.new_unit import PLACEHOLDER_MARK, placeholder_files
from helpers.chores.new_year import next_date, next_params, shift_years
from helpers.cli import main
from helpers.core.paths import REPO_ROOT, Project
from helpers.data.definition import read_definition
from helpers.data.params import available_units

UNITS = tuple(available_units(2016, Project(REPO_ROOT)))  # every example unit


def hashes(root: Path) -> dict[str, str]:
    """A content hash of every file under the workspace's data/ and params/."""
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for folder in ("data", "params")
        for path in sorted((root / folder).rglob("*"))
        if path.is_file()
    }


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def roll(workspace: Path) -> tuple[Path, dict[str, str]]:
    """The workspace after ``workbook new-year 2017 --from 2016``, and the hashes before it."""
    before = hashes(workspace)
    assert main(["new-year", "2017", "--from", "2016"]) == 0
    return workspace, before


@pytest.fixture(scope="module")
def rolled_once(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """``roll`` once for the tests that only read what it wrote (``rolled``)."""
    with pytest.MonkeyPatch.context() as patch:
        workspace = copy_inputs(tmp_path_factory.mktemp("nytt-ar") / "ws")
        patch.setenv("WORKBOOK_ROOT", str(workspace))
        return roll(workspace)


@pytest.fixture
def rolled(
    rolled_once: tuple[Path, dict[str, str]], monkeypatch: pytest.MonkeyPatch
) -> tuple[Path, dict[str, str]]:
    """The new year as ``workbook new-year`` writes it, shared by the tests that only read it
    (rolling every unit is most of such a test's work; reading changes nothing)."""
    monkeypatch.setenv("WORKBOOK_ROOT", str(rolled_once[0]))
    return rolled_once


@pytest.fixture
def rolled_here(workspace: Path) -> tuple[Path, dict[str, str]]:
    """``roll`` in the test's own workspace, for a test that writes into it."""
    return roll(workspace)


def test_nothing_of_the_source_year_changes(rolled: tuple[Path, dict[str, str]]) -> None:
    root, before = rolled
    after = hashes(root)
    assert {name: after[name] for name in before} == before
    new = sorted(set(after) - set(before))
    assert new and all(n.startswith(("data/2017/", "params/2017/")) for n in new)


def test_every_unit_with_params_gets_the_new_year(rolled: tuple[Path, dict[str, str]]) -> None:
    root, _ = rolled
    assert sorted(p.stem for p in (root / "params" / "2017").glob("*.yaml")) == list(UNITS)
    params = yaml.safe_load((root / "params/2017/klk.yaml").read_text(encoding="utf-8"))
    assert params == {
        "år": 2017,
        "enhet": "klk",
        "titel": "Verksamhetsuppföljning 2017",
        "prognosdatum": dt.date(2017, 8, 31),
    }


def test_goals_and_activities_are_carried_over_for_review(rolled) -> None:
    root, _ = rolled
    old, new = root / "data/2016/klk", root / "data/2017/klk"
    goals_old, goals_new = rows(old / "mal.csv"), rows(new / "mal.csv")
    assert [g["mal_id"] for g in goals_new] == [g["mal_id"] for g in goals_old]
    assert [g["titel"] for g in goals_new] == [g["titel"] for g in goals_old]
    assert all(g["bedömning"] == "" for g in goals_new)
    acts_old, acts_new = rows(old / "aktiviteter.csv"), rows(new / "aktiviteter.csv")
    assert [a["aktivitet"] for a in acts_new] == [a["aktivitet"] for a in acts_old]
    assert [a["slutdatum"] for a in acts_new] == [a["slutdatum"] for a in acts_old]
    assert {a["status"] for a in acts_new} == {"ej påbörjad"}
    assert {a["statuskommentar"] for a in acts_new} == {""}


def test_histories_get_an_empty_cell_for_the_new_year(rolled) -> None:
    root, _ = rolled
    old, new = root / "data/2016/klk", root / "data/2017/klk"
    values_old, values_new = rows(old / "indikatorvarden.csv"), rows(new / "indikatorvarden.csv")
    assert values_new[: len(values_old)] == values_old
    added = values_new[len(values_old) :]
    assert [r["indikator_id"] for r in added] == [
        r["indikator_id"] for r in rows(old / "indikatorer.csv")
    ]
    assert {(r["period"], r["värde"], r["jämförelse"], r["notering"]) for r in added} == {
        ("2017", "", "", "")
    }
    figures_old = rows(old / "nyckeltalsvarden.csv")
    figures_new = rows(new / "nyckeltalsvarden.csv")
    assert figures_new[: len(figures_old)] == figures_old
    computed = {r["nyckeltal_id"] for r in rows(old / "nyckeltal.csv") if r["beräkning"]}
    added_figures = figures_new[len(figures_old) :]
    expected = [r["nyckeltal_id"] for r in rows(old / "nyckeltal.csv") if not r["beräkning"]]
    assert [r["nyckeltal_id"] for r in added_figures] == expected
    assert not computed & {r["nyckeltal_id"] for r in added_figures}
    assert {(r["år"], r["värde"]) for r in added_figures} == {("2017", "")}


def test_last_years_outcome_becomes_the_previous_year_column(rolled) -> None:
    root, _ = rolled
    for unit in UNITS:
        old = rows(root / f"data/2016/{unit}/drift.csv")
        new = rows(root / f"data/2017/{unit}/drift.csv")
        assert [(r["post"], r["typ"]) for r in new] == [(r["post"], r["typ"]) for r in old]
        assert [r["utfall_fg_år"] for r in new] == [r["utfall"] for r in old]
        amounts = [c for c in ("utfall", "budget", "prognos") if c in new[0]]
        assert {tuple(r[c] for c in amounts) for r in new} == {("",) * len(amounts)}


def test_texts_to_write_carry_instructions_and_new_headings(rolled) -> None:
    root, _ = rolled
    text = root / "data/2017/klk/text"
    definition, _ = read_definition(Project(root), 2017, "klk")
    for ref in (ref for section in definition.sections for ref in section.texts):
        assert (text / ref.file).is_file(), ref.file
    handelser = (text / "handelser.md").read_text(encoding="utf-8")
    assert handelser.startswith("# Viktiga händelser och övrig verksamhetsutveckling under 2017")
    assert PLACEHOLDER_MARK in handelser and "Skriv här" not in handelser.split("\n")[0]
    assert (text / "drift.md").read_text(encoding="utf-8").startswith("# Driftredovisning 2017")
    control = (text / "internkontroll.md").read_text(encoding="utf-8")
    assert control.startswith("# Åtgärdsplan 2017 utifrån internkontroll 2016")
    old_mission = (root / "data/2016/klk/text/uppdrag.md").read_text(encoding="utf-8")
    assert (text / "uppdrag.md").read_text(encoding="utf-8") == old_mission
    goals = [g["mal_id"] for g in rows(root / "data/2017/klk/mal.csv")]
    for goal in goals:
        work = (text / "mal" / f"{goal}-arbete.md").read_text(encoding="utf-8")
        assert PLACEHOLDER_MARK in work and "2017" in work
        assert not (text / "mal" / f"{goal}-bedomning.md").exists()
    to_write = {p.relative_to(text).as_posix() for p in placeholder_files(text.parent)}
    assert {"handelser.md", "vardegrund.md", "framtid.md", "drift_analys.md"} <= to_write
    assert {f"mal/{g}-arbete.md" for g in goals} <= to_write
    assert "uppdrag.md" not in to_write


def test_the_new_year_validates(rolled) -> None:
    root, _ = rolled
    for unit in UNITS:
        assert validate_unit(Project(root), 2017, unit) == []


def test_an_existing_target_year_is_never_overwritten(
    rolled_here, capsys: pytest.CaptureFixture[str]
) -> None:
    root, _ = rolled_here
    (root / "data/2017/klk/text/framtid.md").write_text("# Framtid\n\nSkrivet.\n", encoding="utf-8")
    before = hashes(root)
    capsys.readouterr()
    assert main(["new-year", "2017", "--from", "2016"]) == 2
    assert "2017 finns redan" in capsys.readouterr().err
    assert main(["new-year", "2017", "--from", "2016", "--unit", "exempel"]) == 2
    assert hashes(root) == before


def test_one_unit_only(workspace: Path) -> None:
    assert main(["new-year", "2017", "--from", "2016", "--unit", "exempel"]) == 0
    assert [p.stem for p in (workspace / "params/2017").glob("*.yaml")] == ["exempel"]
    assert not (workspace / "data/2017/klk").exists()


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["new-year", "2016", "--from", "2016"], "måste komma efter"),
        (["new-year", "2019", "--from", "2018"], "inga enheter för 2018"),
        (["new-year", "2017", "--from", "2016", "--unit", "Klk!"], "inget giltigt enhets-id"),
        (["new-year", "17", "--from", "2016"], "inte ett år"),
    ],
)
def test_refusals_are_clear_swedish(
    workspace: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    before = hashes(workspace)
    assert main(argv) == 2
    assert message in capsys.readouterr().err
    assert hashes(workspace) == before


def test_an_invalid_source_year_is_refused_before_anything_is_written(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    goals = workspace / "data/2016/exempel/mal.csv"
    goals.write_text(goals.read_text(encoding="utf-8") + "KF9,fel nivå,9,Mål,,\n", "utf-8")
    assert main(["new-year", "2017", "--from", "2016"]) == 2
    assert "mal.csv" in capsys.readouterr().err
    assert not (workspace / "params/2017").exists() or not any(
        (workspace / "params/2017").iterdir()
    )
    assert not (workspace / "data/2017").exists()


def test_year_arithmetic() -> None:
    assert shift_years("Åtgärdsplan 2016 utifrån internkontroll 2015", 1) == (
        "Åtgärdsplan 2017 utifrån internkontroll 2016"
    )
    assert shift_years("Mål 12 och 300 tkr", 1) == "Mål 12 och 300 tkr"
    assert next_date(dt.date(2016, 2, 29), 1) == dt.date(2017, 2, 28)
    assert next_date("2016-08-31", 1) == dt.date(2017, 8, 31)
    assert next_params({"år": 2016, "titel": "Delårsrapport"}, 2016, 2017)["titel"] == (
        "Verksamhetsuppföljning 2017"
    )


@pytest.mark.e2e
def test_the_new_year_builds_a_report_that_shows_what_to_write(rolled) -> None:
    """In the shared new year (``rolled``): the build writes only under build/ and reports/,
    which the other tests of it do not read."""
    from helpers.building.build import build

    root, _ = rolled
    results = build(2017, project=Project(root), jobs=1)  # one kernel: the same reports
    assert [r.unit for r in results] == list(UNITS)
    assert all(not r.failures for r in results), [r.failures for r in results]
    html = Project(root).report_file(2017, "klk").read_text(encoding="utf-8")
    assert "Driftredovisning 2017" in html
    assert html.count(PLACEHOLDER_MARK) >= 20  # every text still to be written is marked
    assert "Ej påbörjad" in html


def test_a_statement_of_another_shape_keeps_its_shape(workspace: Path) -> None:
    """Nested parts, no prognos, a typed deviation and mkr: carried as they are kept."""
    from drift_cases import install_drift

    drift = (
        "post,typ,överordnad,utfall_fg_år,budget,utfall,avvikelse\n"
        "Äldreomsorg,delverksamhet,,488.3,510.2,519.4,-9.2\n"
        "Hemtjänst,delverksamhet,Äldreomsorg,120.1,125.0,126.2,-1.2\n"
        "Särskilt boende,delverksamhet,Äldreomsorg,368.2,385.2,393.2,-8.0\n"
        "Funktionsstöd,delverksamhet,,201.1,214.6,214.8,-0.2\n"
    )
    install_drift(workspace, drift, settings={"belopp": "mkr", "decimaler": 1})
    old = rows(workspace / "data/2016/klk/drift.csv")
    assert main(["new-year", "2017", "--from", "2016", "--unit", "klk"]) == 0
    path = workspace / "data/2017/klk/drift.csv"
    new = rows(path)
    assert path.read_text(encoding="utf-8").split("\n")[0] == drift.split("\n")[0]
    assert [(r["post"], r["typ"], r["överordnad"]) for r in new] == [
        (r["post"], r["typ"], r["överordnad"]) for r in old
    ]
    assert [r["utfall_fg_år"] for r in new] == [r["utfall"] for r in old]
    assert {(r["budget"], r["utfall"], r["avvikelse"]) for r in new} == {("", "", "")}
    settings = yaml.safe_load((workspace / "params/2017/klk.yaml").read_text(encoding="utf-8"))
    assert settings["drift"] == {"belopp": "mkr", "decimaler": 1}
    drift_problems = [p for p in validate_unit(Project.current(), 2017, "klk") if "drift" in p.file]
    assert drift_problems == []


def test_outcome_is_not_carried_across_a_gap(workspace: Path) -> None:
    from helpers.chores.new_year import carry_budget
    from helpers.data.readers import read_table

    table = read_table(workspace / "data/2016/klk/drift.csv", "drift.csv")
    assert [r["utfall_fg_år"] for r in carry_budget(table, 1)] == [r["utfall"] for r in table.rows]
    assert {r["utfall_fg_år"] for r in carry_budget(table, 3)} == {""}


def test_across_a_gap_no_outcome_is_relabelled(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """2019 from 2016: 2016's outcome is not 2018's, so the previous-year column stays empty and
    the command says so; every carried value keeps the period it was measured in."""
    assert main(["new-year", "2019", "--from", "2016", "--unit", "klk"]) == 0
    out = capsys.readouterr().out
    assert "utfall_fg_år i drift.csv är tom: 2016 års utfall är inte 2018 års" in out
    old, new = workspace / "data/2016/klk", workspace / "data/2019/klk"
    drift = rows(new / "drift.csv")
    assert [r["post"] for r in drift] == [r["post"] for r in rows(old / "drift.csv")]
    assert {(r["utfall_fg_år"], r["utfall"], r["budget"], r["prognos"]) for r in drift} == {
        ("", "", "", "")
    }
    values_old, values_new = rows(old / "indikatorvarden.csv"), rows(new / "indikatorvarden.csv")
    assert values_new[: len(values_old)] == values_old  # 2016's values still say 2016
    assert {r["period"] for r in values_new[len(values_old) :]} == {"2019"}
    figures_old = rows(old / "nyckeltalsvarden.csv")
    assert rows(new / "nyckeltalsvarden.csv")[: len(figures_old)] == figures_old
    assert validate_unit(Project(workspace), 2019, "klk") == []


def test_the_first_status_of_the_definition_is_the_new_years(workspace: Path) -> None:
    definition = workspace / "data/rapport.yaml"
    text = definition.read_text(encoding="utf-8")
    first = text.index("  - värde: ej påbörjad\n    text: Ej påbörjad\n")
    block = "  - värde: planerad\n    text: Planerad\n"
    definition.write_text(text[:first] + block + text[first:], encoding="utf-8")
    assert main(["new-year", "2017", "--from", "2016", "--unit", "exempel"]) == 0
    statuses = {r["status"] for r in rows(workspace / "data/2017/exempel/aktiviteter.csv")}
    assert statuses == {"planerad"}
