"""The ``drift:`` settings (``helpers.data.budget_settings``): parsing, problems, and the kommun +
unit merge the report-definition loader does (the one reader of rapport.yaml and params)."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers.core.errors import Problem
from helpers.core.paths import Project
from helpers.data.budget_settings import DriftSettings, Origin, parse_drift_settings
from helpers.data.definition import read_definition

LABELS = {"utfall": "Utfall {år}", "prognos": "Prognos per {prognosdatum}",
          "prognos_utan_datum": "Prognos", "summa": "Summa"}  # fmt: skip


def read_drift_settings(
    project: Project, year: int, unit: str
) -> tuple[DriftSettings | None, list[Problem]]:
    definition, problems = read_definition(project, year, unit)
    return (definition.drift if definition else None), problems


def append(path: Path, text: str) -> str:
    """``text`` added at the end of the file; the whole new text."""
    whole = path.read_text(encoding="utf-8") + text
    path.write_text(whole, encoding="utf-8")
    return whole


def test_no_settings_are_the_defaults() -> None:
    settings, problems = parse_drift_settings(None, labels=LABELS)
    assert problems == []
    assert settings == DriftSettings(labels=LABELS, defaults=LABELS)
    assert (settings.unit, settings.decimals, settings.cost_sign) == ("tkr", None, 1)
    assert settings.label("utfall", år=2016) == "Utfall 2016"
    assert settings.label("prognos", prognosdatum="2016-08-31") == "Prognos per 2016-08-31"
    assert settings.label("prognos", prognosdatum=None) == LABELS["prognos_utan_datum"]


def test_the_labels_wording_is_the_definitions(workspace: Path) -> None:
    text = (workspace / "data/rapport.yaml").read_text(encoding="utf-8")
    (workspace / "data/rapport.yaml").write_text(
        text.replace("    summa: Summa\n", "    summa: Totalt för {enhet}\n"), encoding="utf-8"
    )
    settings, problems = read_drift_settings(Project(workspace), 2016, "klk")
    assert problems == []
    assert settings.label("summa", enhet="KLK") == "Totalt för KLK"


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ({"belopp": "mkr", "decimaler": "1", "kostnader": "negativa"}, ("mkr", 1, -1)),
        ({"belopp": "TKR", "decimaler": 0, "kostnader": "positiva"}, ("tkr", 0, 1)),
        ({"belopp": " kr ", "decimaler": 2}, ("kr", 2, 1)),
        ({"kostnader": "negativ"}, ("tkr", None, -1)),
    ],
)
def test_values_as_typed_or_as_yaml_read_them(given: dict, expected: tuple) -> None:
    settings, problems = parse_drift_settings(given)
    assert problems == []
    assert (settings.unit, settings.decimals, settings.cost_sign) == expected


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("belopp", "tusental", "'tusental' är ingen beloppsenhet"),
        ("belopp", "Mkr.", "(menade du 'mkr'?)"),
        ("decimaler", "4", "'4' går inte att använda som antal decimaler"),
        ("decimaler", "-1", "går inte att använda som antal decimaler"),
        ("decimaler", True, "går inte att använda som antal decimaler"),  # YAML's 'ja'
        ("kostnader", "plus", "säger inte hur kostnader skrivs"),
        ("kolumner", "utfall", "ska vara en lista"),
        ("kolumner", ["utfall", "avvikelsen"], "(menade du 'avvikelse'?)"),
        ("kolumner", ["utfall", "utfall"], "står två gånger"),
        ("rubriker", {"summan": "Totalt"}, "(menade du 'summa'?)"),
        ("rubriker", {"utfall": "Utfall {year}"}, "innehåller {year}"),
        ("rubriker", {"utfall": "Utfall {år"}, "en ensam { eller }"),
        ("rubriker", {"summa": ""}, "rubriken är tom"),
        ("tusental", "ja", "nyckeln 'tusental' finns inte under 'drift:'"),
    ],
)
def test_a_bad_value_names_file_row_and_key(key: str, value: object, message: str) -> None:
    origins = {
        key: Origin("params/2016/von.yaml", 7),
        **({f"{key}.{k}": Origin("params/2016/von.yaml", 8) for k in value}
           if isinstance(value, dict) else {}),
    }  # fmt: skip
    settings, problems = parse_drift_settings({key: value}, origins)
    assert len(problems) == 1, problems
    problem = problems[0]
    assert problem.file == "params/2016/von.yaml"
    assert problem.row == (8 if isinstance(value, dict) else 7)
    assert problem.column.startswith(f"drift.{key}")
    assert message in problem.message
    assert problem.hint
    if key == "belopp":
        assert settings.unit == "tkr"  # the default stands in, so every problem is found


def test_kommun_settings_with_the_units_override(workspace: Path) -> None:
    kommun = append(
        workspace / "data/rapport.yaml",
        "drift:\n  belopp: mkr\n  decimaler: 1\n  rubriker:\n    summa: Totalt\n",
    ).splitlines()
    params = workspace / "params/2016/klk.yaml"
    append(params, "drift:\n  decimaler: 2\n  rubriker:\n    resultat: Årets resultat\n")
    settings, problems = read_drift_settings(Project(workspace), 2016, "klk")
    assert problems == []
    assert (settings.unit, settings.decimals) == ("mkr", 2)
    assert settings.labels["summa"] == "Totalt"
    assert settings.labels["resultat"] == "Årets resultat"
    assert settings.labels["nettokostnader"] == settings.defaults["nettokostnader"]
    lines = params.read_text(encoding="utf-8").splitlines()
    assert settings.origin("decimaler") == Origin(
        "params/2016/klk.yaml", lines.index("  decimaler: 2") + 1
    )
    assert settings.origin("belopp") == Origin(
        "data/rapport.yaml", kommun.index("  belopp: mkr") + 1
    )
    assert settings.origin("rubriker.summa") == Origin(
        "data/rapport.yaml", kommun.index("    summa: Totalt") + 1
    )


def test_a_bad_unit_override_is_reported_where_it_is_written(workspace: Path) -> None:
    append(workspace / "data/rapport.yaml", "drift:\n  belopp: mkr\n")
    text = append(workspace / "params/2016/klk.yaml", "drift:\n  kostnader: minus\n")
    settings, problems = read_drift_settings(Project(workspace), 2016, "klk")
    assert settings is None  # a unit whose settings are wrong has no definition to build from
    assert [(p.file, p.row, p.column) for p in problems] == [
        ("params/2016/klk.yaml", len(text.splitlines()), "drift.kostnader")
    ]


def test_drift_that_is_not_a_mapping(workspace: Path) -> None:
    kommun = append(workspace / "data/rapport.yaml", "drift: tkr\n").splitlines()
    _, problems = read_drift_settings(Project(workspace), 2016, "klk")
    assert [(p.file, p.row, p.column) for p in problems] == [
        ("data/rapport.yaml", len(kommun), "drift")
    ]
    assert "ska innehålla nycklar" in problems[0].message
