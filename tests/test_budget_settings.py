"""The ``drift:`` settings (``helpers.budget_settings``): parsing, problems, kommun + unit merge."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers.budget_settings import (
    DEFAULT_LABELS,
    DriftSettings,
    Origin,
    parse_drift_settings,
    read_drift_settings,
)
from helpers.paths import Project


def test_no_settings_are_the_defaults() -> None:
    settings, problems = parse_drift_settings(None)
    assert problems == []
    assert settings == DriftSettings()
    assert (settings.unit, settings.decimals, settings.cost_sign) == ("tkr", None, 1)
    assert settings.label("utfall", år=2016) == "Utfall 2016"
    assert settings.label("prognos", prognosdatum="2016-08-31") == "Prognos per 2016-08-31"
    assert settings.label("prognos", prognosdatum=None) == "Prognos"


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
    (workspace / "data/rapport.yaml").write_text(
        "# Exempelkommunens rapport\n"
        "drift:\n"
        "  belopp: mkr\n"
        "  decimaler: 1\n"
        "  rubriker:\n"
        "    summa: Totalt\n",
        encoding="utf-8",
    )
    params = workspace / "params/2016/klk.yaml"
    params.write_text(
        params.read_text(encoding="utf-8")
        + "drift:\n  decimaler: 2\n  rubriker:\n    resultat: Årets resultat\n",
        encoding="utf-8",
    )
    settings, problems = read_drift_settings(Project(workspace), 2016, "klk")
    assert problems == []
    assert (settings.unit, settings.decimals) == ("mkr", 2)
    assert settings.labels["summa"] == "Totalt"
    assert settings.labels["resultat"] == "Årets resultat"
    assert settings.labels["nettokostnader"] == DEFAULT_LABELS["nettokostnader"]
    lines = params.read_text(encoding="utf-8").splitlines()
    assert settings.origin("decimaler") == Origin(
        "params/2016/klk.yaml", lines.index("  decimaler: 2") + 1
    )
    assert settings.origin("belopp") == Origin("data/rapport.yaml", 3)
    assert settings.origin("rubriker.summa") == Origin("data/rapport.yaml", 6)


def test_a_bad_unit_override_is_reported_where_it_is_written(workspace: Path) -> None:
    (workspace / "data/rapport.yaml").write_text("drift:\n  belopp: mkr\n", encoding="utf-8")
    params = workspace / "params/2016/klk.yaml"
    text = params.read_text(encoding="utf-8") + "drift:\n  kostnader: minus\n"
    params.write_text(text, encoding="utf-8")
    settings, problems = read_drift_settings(Project(workspace), 2016, "klk")
    assert settings.unit == "mkr"
    assert [(p.file, p.row, p.column) for p in problems] == [
        ("params/2016/klk.yaml", len(text.splitlines()), "drift.kostnader")
    ]


def test_drift_that_is_not_a_mapping(workspace: Path) -> None:
    (workspace / "data/rapport.yaml").write_text("drift: tkr\n", encoding="utf-8")
    _, problems = read_drift_settings(Project(workspace), 2016, "klk")
    assert [(p.file, p.row, p.column) for p in problems] == [("data/rapport.yaml", 1, "drift")]
    assert "ska innehålla nycklar" in problems[0].message
